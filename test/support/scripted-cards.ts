import {
  CardAgencyRejectedError,
  CardAgencyUnavailableError,
  type CardAgency,
  type CardAgencyAck,
} from '../../src/partners/card-agency';
import type { CardEvent, ContinuedUseRequest } from '../../src/partners/card-agency-messages';
import type {
  DeliveryAddressInfoMessage,
  IndividualNumberRequestMessage,
} from '../../src/partners/jlis-number-messages';

/** In-process CardAgency for the workflow layer: records requests, de-duplicates by idempotency key. */
export class ScriptedCards implements CardAgency {
  readonly continuedUse: ContinuedUseRequest[] = [];
  readonly events: CardEvent[] = [];
  readonly numberRequests: IndividualNumberRequestMessage[] = [];
  readonly deliveryAddresses: DeliveryAddressInfoMessage[] = [];
  /** Calls to the generation, 送付先情報 and card event endpoints that fail before this many more (an outage). */
  failNext = 0;
  /** Last accepted card-event 更新順番号 per person: an older one is refused, as the J-LIS simulator does. */
  private readonly sequences = new Map<string, number>();
  private readonly acks = new Map<string, CardAgencyAck>();

  /** A 継続利用 request is refused with this code (e.g. CONTINUED_USE_DEADLINE_PASSED, as J-LIS after day 90). */
  refuseContinuedUse?: string;

  requestContinuedUse(r: ContinuedUseRequest) {
    if (this.refuseContinuedUse)
      return Promise.reject(new CardAgencyRejectedError(this.refuseContinuedUse, { httpStatus: 422 }));
    return this.accept(r.idempotencyKey, () => this.continuedUse.push(r));
  }

  reportCardEvent(e: CardEvent) {
    const stream = `${e.municipalityCode}:${e.residentRecordCode}`;
    return this.accept(
      e.idempotencyKey,
      () => {
        if (e.sequenceNumber <= (this.sequences.get(stream) ?? 0))
          throw new CardAgencyRejectedError('SEQUENCE_OUT_OF_ORDER', { httpStatus: 409 });
        this.sequences.set(stream, e.sequenceNumber);
        this.events.push(e);
      },
      true,
    );
  }

  requestIndividualNumber(r: IndividualNumberRequestMessage) {
    return this.accept(r.idempotencyKey, () => this.numberRequests.push(r), true);
  }

  sendDeliveryAddressInfo(m: DeliveryAddressInfoMessage) {
    return this.accept(m.idempotencyKey, () => this.deliveryAddresses.push(m), true);
  }

  private async accept(key: string, store: () => void, faulty = false): Promise<CardAgencyAck> {
    if (faulty && this.failNext > 0) {
      this.failNext--;
      throw new CardAgencyUnavailableError('J-LIS unavailable (scripted)', { httpStatus: 503 });
    }
    const seen = this.acks.get(key);
    if (seen) return { ...seen, duplicate: true };
    store();
    const ack = { requestId: `JLIS-${this.acks.size + 1}`, receivedAt: new Date().toISOString(), duplicate: false };
    this.acks.set(key, ack);
    return ack;
  }
}

import { CardAgencyUnavailableError, type CardAgency, type CardAgencyAck } from '../../src/partners/card-agency';
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
  /** Calls to the generation and 送付先情報 endpoints that fail before this many more (an outage). */
  failNext = 0;
  private readonly acks = new Map<string, CardAgencyAck>();

  requestContinuedUse(r: ContinuedUseRequest) {
    return this.accept(r.idempotencyKey, () => this.continuedUse.push(r));
  }

  reportCardEvent(e: CardEvent) {
    return this.accept(e.idempotencyKey, () => this.events.push(e));
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

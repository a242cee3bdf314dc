import type { CardAgency, CardAgencyAck } from '../../src/partners/card-agency';
import type { CardEvent, ContinuedUseRequest } from '../../src/partners/card-agency-messages';

/** In-process CardAgency for the workflow layer: records requests, de-duplicates by idempotency key. */
export class ScriptedCards implements CardAgency {
  readonly continuedUse: ContinuedUseRequest[] = [];
  readonly events: CardEvent[] = [];
  private readonly acks = new Map<string, CardAgencyAck>();

  requestContinuedUse(r: ContinuedUseRequest) {
    return this.accept(r.idempotencyKey, () => this.continuedUse.push(r));
  }

  reportCardEvent(e: CardEvent) {
    return this.accept(e.idempotencyKey, () => this.events.push(e));
  }

  private async accept(key: string, store: () => void): Promise<CardAgencyAck> {
    const seen = this.acks.get(key);
    if (seen) return { ...seen, duplicate: true };
    store();
    const ack = { requestId: `JLIS-${this.acks.size + 1}`, receivedAt: new Date().toISOString(), duplicate: false };
    this.acks.set(key, ack);
    return ack;
  }
}

/**
 * Port to the J-LIS 個人番号カード管理システム (domain.md §2.2 I-11, §4.8; architecture principle 9). Minimal for now:
 * the 継続利用 request after a 転入 and the card status events. 送付先情報 (I-10) is not covered yet.
 * Implementations: CardAgencyHttpClient (card-agency-http-client.ts) against the real endpoint or the simulator
 * (card-agency-simulator.ts).
 *
 * Error contract for callers (delivery activities), the same as the CS port's:
 *  - CardAgencyRejectedError: permanent (`code`, e.g. CONTINUED_USE_DEADLINE_PASSED, SEQUENCE_OUT_OF_ORDER,
 *    IDEMPOTENCY_KEY_REUSED, INVALID_MESSAGE). Do not retry; put the message on the error queue.
 *  - CardAgencyUnavailableError: transient (503, network, timeout). Retry with the SAME idempotency key; a resend of
 *    an accepted message gets the original ack with `duplicate: true`.
 * Card events must be sent exactly once and in order per person: one idempotency key per event, and a sequence
 * number per residentRecordCode that strictly increases. Error messages carry only codes, HTTP statuses, field paths
 * and request IDs, never personal data.
 */
import type { CardAgencyAck, CardEvent, ContinuedUseRequest } from './card-agency-messages';
import type { DeliveryAddressInfoMessage, IndividualNumberRequestMessage } from './jlis-number-messages';
import { PartnerRejectedError, PartnerUnavailableError, type RejectedErrorOptions } from './partner-errors';

export type { CardAgencyAck, CardEvent, CardEventType, ContinuedUseRequest } from './card-agency-messages';

export class CardAgencyRejectedError extends PartnerRejectedError {
  override readonly name = 'CardAgencyRejectedError';

  constructor(code: string, opts: RejectedErrorOptions = {}) {
    super('J-LIS', code, opts);
  }
}

/** Transient: J-LIS did not answer usefully (503, other 5xx, network error, timeout). Retry. */
export class CardAgencyUnavailableError extends PartnerUnavailableError {
  override readonly name = 'CardAgencyUnavailableError';
}

export interface CardAgency {
  /** 継続利用 update request after a 転入 (within 90 days of the 転入届). Idempotent on `r.idempotencyKey`. */
  requestContinuedUse(r: ContinuedUseRequest): Promise<CardAgencyAck>;
  /** One card status event. Idempotent on `e.idempotencyKey`; `e.sequenceNumber` must increase per person. */
  reportCardEvent(e: CardEvent): Promise<CardAgencyAck>;
  /** 個人番号 generation request for a 住民票コード; the number is answered later. Idempotent on `r.idempotencyKey`. */
  requestIndividualNumber(r: IndividualNumberRequestMessage): Promise<CardAgencyAck>;
  /** 送付先情報 for the 個人番号通知書; the ack is J-LIS's confirmation of receipt. Idempotent on `m.idempotencyKey`. */
  sendDeliveryAddressInfo(m: DeliveryAddressInfoMessage): Promise<CardAgencyAck>;
}

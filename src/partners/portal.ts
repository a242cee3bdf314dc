/**
 * Port to マイナポータル for the online 転出 (domain.md §2.2 I-2, §4.4 step 4; architecture principle 9): the notices
 * the municipality sends about an application it received (受付, 完了, 却下 with reasons, 取消). The application
 * itself comes the other way, pushed by the portal to our intake endpoint (I-1). Implementations: PortalHttpClient
 * (portal-http-client.ts) against the real endpoint or the simulator (portal-simulator.ts).
 *
 * Error contract for callers (notice activities), the same as the CS and J-LIS ports':
 *  - PortalRejectedError: permanent (`code`, e.g. INVALID_MESSAGE, IDEMPOTENCY_KEY_REUSED, UNAUTHORIZED). Do not
 *    retry; flag the case.
 *  - PortalUnavailableError: transient (503, network, timeout). Retry with the SAME idempotency key; a resend of an
 *    accepted notice gets the original ack with `duplicate: true`.
 * Notices carry no personal data; error messages carry only codes, HTTP statuses and field paths.
 */
import type { PortalAck, PortalNotice } from './portal-messages';
import { PartnerRejectedError, PartnerUnavailableError, type RejectedErrorOptions } from './partner-errors';

export type { PortalAck, PortalNotice, PortalNoticeKind, PortalNoticeReason } from './portal-messages';

export class PortalRejectedError extends PartnerRejectedError {
  override readonly name = 'PortalRejectedError';

  constructor(code: string, opts: RejectedErrorOptions = {}) {
    super('Portal', code, opts);
  }
}

/** Transient: the portal did not answer usefully (503, other 5xx, network error, timeout). Retry. */
export class PortalUnavailableError extends PartnerUnavailableError {
  override readonly name = 'PortalUnavailableError';
}

export interface Portal {
  /** One notice about an application. Idempotent on `n.idempotencyKey`. */
  sendNotice(n: PortalNotice): Promise<PortalAck>;
}

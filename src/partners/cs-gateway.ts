/**
 * Port to the 市町村CS, our gateway to 住基ネット (domain.md §2.2 I-3, I-8; architecture principle 9).
 * Implementations: CsHttpClient (cs-http-client.ts) against the real CS adapter or the simulator (cs-simulator.ts).
 *
 * Error contract for callers (delivery activities):
 *  - CsRejectedError: permanent. Do not retry; put the message on the error queue for correction and re-send.
 *  - CsUnavailableError: transient (503, network, timeout). Retry with the SAME idempotency key; the CS answers a
 *    resend of an already-accepted message with the original ack and `duplicate: true`.
 * Error messages carry only codes, HTTP statuses, field paths and message IDs, never personal data.
 */
import type { CsAck, IdentityUpdate, MoveInNotice } from './cs-messages';

export type { CsAck, CsSex, IdentityInfo, IdentityUpdate, MoveInNotice, MoveInNoticeBody } from './cs-messages';

/** A field the CS objected to: JSON pointer and rule name only. */
export interface CsFieldRef {
  field: string;
  rule: string;
}

export class CsRejectedError extends Error {
  override readonly name = 'CsRejectedError';
  /** e.g. 'ALREADY_REGISTERED', 'MOVE_WITHIN_CHANGES_MORE_THAN_ADDRESS', 'SEQUENCE_OUT_OF_ORDER', 'INVALID_MESSAGE'. */
  readonly code: string;
  readonly permanent = true as const;
  readonly httpStatus: number | undefined;
  readonly fields: readonly CsFieldRef[];

  constructor(code: string, opts: { httpStatus?: number; fields?: readonly CsFieldRef[] } = {}) {
    const status = opts.httpStatus === undefined ? '' : ` (HTTP ${opts.httpStatus})`;
    const fields = opts.fields ?? [];
    const detail = fields.length ? `: ${fields.map((f) => `${f.field || '(payload)'} [${f.rule}]`).join(', ')}` : '';
    super(`CS rejected the message with ${code}${status}${detail}`);
    this.code = code;
    this.httpStatus = opts.httpStatus;
    this.fields = fields;
  }
}

/** Transient: the CS did not answer usefully (503, other 5xx, network error, timeout). Retry. */
export class CsUnavailableError extends Error {
  override readonly name = 'CsUnavailableError';
  readonly httpStatus: number | undefined;
  /** From a Retry-After header, when the CS sent one. */
  readonly retryAfterMs: number | undefined;

  constructor(message: string, opts: { httpStatus?: number; retryAfterMs?: number; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.httpStatus = opts.httpStatus;
    this.retryAfterMs = opts.retryAfterMs;
  }
}

export interface CsGateway {
  /** 本人確認情報 update (記載 / 消除 / 修正) towards the 都道府県サーバ. Idempotent on `u.idempotencyKey`. */
  sendIdentityUpdate(u: IdentityUpdate): Promise<CsAck>;
  /** 転入通知 to the 前住所地. Idempotent on `n.idempotencyKey`. */
  sendMoveInNotice(n: MoveInNotice): Promise<CsAck>;
}

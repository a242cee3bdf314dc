/**
 * The two failure kinds of every partner port (CS: cs-gateway.ts, J-LIS: card-agency.ts). Each port subclasses them
 * so that callers can tell partners apart (`instanceof CsRejectedError`) or treat them alike (`instanceof
 * PartnerRejectedError`):
 *  - rejected: permanent. Do not retry; put the message on the error queue for correction and re-send.
 *  - unavailable: transient (503, other 5xx, network, timeout). Retry with the SAME idempotency key.
 * Messages carry only codes, HTTP statuses, field paths and rule names, never personal data.
 */

/** A field the partner objected to: JSON pointer and rule name only. */
export interface PartnerFieldRef {
  field: string;
  rule: string;
}

export interface RejectedErrorOptions {
  httpStatus?: number;
  fields?: readonly PartnerFieldRef[];
}

export interface UnavailableErrorOptions {
  httpStatus?: number;
  retryAfterMs?: number;
  cause?: unknown;
}

export class PartnerRejectedError extends Error {
  override readonly name: string = 'PartnerRejectedError';
  /** e.g. 'INVALID_MESSAGE', 'SEQUENCE_OUT_OF_ORDER', 'IDEMPOTENCY_KEY_REUSED', or `HTTP_<status>`. */
  readonly code: string;
  readonly permanent = true as const;
  readonly httpStatus: number | undefined;
  readonly fields: readonly PartnerFieldRef[];

  /** `partner` names the counterpart in the message ('CS', 'J-LIS'). */
  constructor(partner: string, code: string, opts: RejectedErrorOptions = {}) {
    const status = opts.httpStatus === undefined ? '' : ` (HTTP ${opts.httpStatus})`;
    const fields = opts.fields ?? [];
    const detail = fields.length ? `: ${fields.map((f) => `${f.field || '(payload)'} [${f.rule}]`).join(', ')}` : '';
    super(`${partner} rejected the message with ${code}${status}${detail}`);
    this.code = code;
    this.httpStatus = opts.httpStatus;
    this.fields = fields;
  }
}

/** Transient: the partner did not answer usefully (503, other 5xx, network error, timeout). Retry. */
export class PartnerUnavailableError extends Error {
  override readonly name: string = 'PartnerUnavailableError';
  readonly httpStatus: number | undefined;
  /** From a Retry-After header, when the partner sent one. */
  readonly retryAfterMs: number | undefined;

  constructor(message: string, opts: UnavailableErrorOptions = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.httpStatus = opts.httpStatus;
    this.retryAfterMs = opts.retryAfterMs;
  }
}

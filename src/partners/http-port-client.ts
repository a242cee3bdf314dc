/**
 * The HTTP mechanics shared by our partner clients (CsHttpClient, CardAgencyHttpClient): one idempotent JSON POST
 * with a bearer token and an Idempotency-Key header, a timeout that covers reading the body, and the error mapping
 * of the partner contracts (partner-contract.ts):
 *
 *  2xx + valid ack                                    → the ack
 *  2xx with a malformed ack, 408/425/429/5xx,
 *  network error, timeout                             → the port's unavailable error (retry with the same key)
 *  any other 4xx                                      → the port's rejected error with the body's code, or
 *                                                       `HTTP_<status>` if the body carries none
 *
 * Only the parts of an error body that cannot carry personal data are read: the code (an identifier) and field
 * paths / rule names matching strict patterns. Outgoing messages are validated first (unless switched off): an
 * invalid message is refused locally with INVALID_MESSAGE and never leaves the process.
 */
import type { Validator } from '../domain/ajv';
import { CommonErrorCode, ERROR_CODE_PATTERN } from './partner-contract';
import type { PartnerFieldRef, RejectedErrorOptions, UnavailableErrorOptions } from './partner-errors';

export interface HttpPortClientOptions {
  baseUrl: string;
  token: string;
  /** Per request, including reading the body. Default 10 000 ms. */
  timeoutMs?: number;
  /** Validate outgoing messages against the contract schemas before sending (default true). */
  validateOutgoing?: boolean;
}

/** How one port names itself and builds its errors. */
export interface PortErrorFactory {
  /** Prefix of error messages, e.g. 'CS', 'J-LIS'. */
  partner: string;
  rejected(code: string, opts: RejectedErrorOptions): Error;
  unavailable(message: string, opts: UnavailableErrorOptions): Error;
}

const TRANSIENT_4XX = new Set([408, 425, 429]);
const CODE = new RegExp(ERROR_CODE_PATTERN);
const FIELD = /^[A-Za-z0-9_/~.:\-[\]]{0,200}$/;
const RULE = /^[A-Za-z0-9_-]{1,64}$/;

const parseJson = (text: string): unknown => {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
};

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const codeOf = (body: unknown): string | undefined =>
  isRecord(body) && typeof body.code === 'string' && CODE.test(body.code) ? body.code : undefined;

const fieldsOf = (body: unknown): PartnerFieldRef[] => {
  const fields: PartnerFieldRef[] = [];
  if (isRecord(body) && Array.isArray(body.errors)) {
    for (const e of body.errors.slice(0, 50)) {
      if (isRecord(e) && typeof e.field === 'string' && typeof e.rule === 'string')
        if (FIELD.test(e.field) && RULE.test(e.rule)) fields.push({ field: e.field, rule: e.rule });
    }
  }
  return fields;
};

const retryAfterMs = (header: string | null): number | undefined => {
  if (header === null) return undefined;
  const s = Number(header);
  if (Number.isFinite(s) && s >= 0) return s * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
};

export class HttpPortClient {
  private readonly baseUrl: string;
  private readonly token: string;
  private readonly timeoutMs: number;
  private readonly validateOutgoing: boolean;

  constructor(
    opts: HttpPortClientOptions,
    private readonly errors: PortErrorFactory,
  ) {
    this.baseUrl = opts.baseUrl.replace(/\/+$/, '');
    this.token = opts.token;
    this.timeoutMs = opts.timeoutMs ?? 10_000;
    this.validateOutgoing = opts.validateOutgoing ?? true;
  }

  /** Validates `message` (unless switched off), POSTs it with its idempotency key, and returns the validated ack. */
  async send<A>(
    path: string,
    message: { idempotencyKey: string },
    validators: { message: Validator<unknown>; ack: Validator<A> },
  ): Promise<A> {
    if (this.validateOutgoing) {
      const v = validators.message(message);
      if (!v.ok)
        throw this.errors.rejected(CommonErrorCode.INVALID_MESSAGE, {
          fields: v.errors.map(({ field, rule }) => ({ field, rule })),
        });
    }
    const what = `${this.errors.partner} POST ${path}`;
    let res: Response;
    let text: string;
    try {
      res = await fetch(this.baseUrl + path, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${this.token}`,
          'idempotency-key': message.idempotencyKey,
          'content-type': 'application/json',
          accept: 'application/json',
        },
        body: JSON.stringify(message),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      text = await res.text();
    } catch (err) {
      const timeout = err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError');
      throw this.errors.unavailable(
        timeout ? `${what}: no answer within ${this.timeoutMs} ms` : `${what}: network error`,
        {
          cause: timeout ? undefined : err,
        },
      );
    }
    const parsed = parseJson(text);
    if (res.ok) {
      const ack = validators.ack(parsed);
      if (!ack.ok)
        throw this.errors.unavailable(`${what}: malformed acknowledgement (HTTP ${res.status})`, {
          httpStatus: res.status,
        });
      return ack.value;
    }
    if (res.status >= 500 || TRANSIENT_4XX.has(res.status)) {
      const code = codeOf(parsed);
      throw this.errors.unavailable(`${what}: HTTP ${res.status}${code ? ` ${code}` : ''}`, {
        httpStatus: res.status,
        retryAfterMs: retryAfterMs(res.headers.get('retry-after')),
      });
    }
    throw this.errors.rejected(codeOf(parsed) ?? `HTTP_${res.status}`, {
      httpStatus: res.status,
      fields: fieldsOf(parsed),
    });
  }
}

/**
 * HTTP implementation of the CsGateway port (contract: cs-messages.ts; simulator: cs-simulator.ts).
 *
 *  POST {baseUrl}/cs/v1/identity-updates   body IdentityUpdate
 *  POST {baseUrl}/cs/v1/move-in-notices    body MoveInNotice
 *  headers: Authorization: Bearer <token>, Idempotency-Key: <body.idempotencyKey>, Content-Type: application/json
 *
 * Mapping: 2xx + valid ack → CsAck; 408/425/429/5xx, network error, timeout, or a malformed 2xx → CsUnavailableError
 * (retry with the same key is safe); any other 4xx → CsRejectedError (permanent) with the body's code, or
 * `HTTP_<status>` if the body carries none. Error messages hold only codes, statuses and field paths.
 */
import { compileSchema } from '../domain/ajv';
import { CsRejectedError, CsUnavailableError, type CsFieldRef, type CsGateway } from './cs-gateway';
import {
  CsAckSchema,
  CsErrorCode,
  IdentityUpdateSchema,
  MoveInNoticeSchema,
  type CsAck,
  type IdentityUpdate,
  type MoveInNotice,
} from './cs-messages';

export interface CsHttpClientOptions {
  baseUrl: string;
  token: string;
  /** Per request, including reading the body. Default 10 000 ms. */
  timeoutMs?: number;
  /**
   * Validate outgoing messages against the contract schemas before sending (default true): an invalid message,
   * e.g. a 転入通知 carrying an `individualNumber`, is refused locally with CsRejectedError INVALID_MESSAGE and
   * never leaves the process.
   */
  validateOutgoing?: boolean;
}

export const CS_PATHS = {
  IDENTITY_UPDATES: '/cs/v1/identity-updates',
  MOVE_IN_NOTICES: '/cs/v1/move-in-notices',
} as const;

const TRANSIENT_4XX = new Set([408, 425, 429]);
const CODE_PATTERN = /^[A-Z][A-Z0-9_]{0,63}$/;
const FIELD_PATTERN = /^[A-Za-z0-9_/~.:\-[\]]{0,200}$/;
const RULE_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

const validateAck = compileSchema<CsAck>(CsAckSchema);
const validateIdentityUpdate = compileSchema<IdentityUpdate>(IdentityUpdateSchema);
const validateMoveInNotice = compileSchema<MoveInNotice>(MoveInNoticeSchema);

const parseJson = (text: string): unknown => {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
};

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Reads only the parts of an error body that cannot carry personal data: the code and field paths / rule names. */
const rejectionFrom = (status: number, body: unknown): CsRejectedError => {
  const code = isRecord(body) && typeof body.code === 'string' && CODE_PATTERN.test(body.code) ? body.code : `HTTP_${status}`;
  const fields: CsFieldRef[] = [];
  if (isRecord(body) && Array.isArray(body.errors)) {
    for (const e of body.errors.slice(0, 50)) {
      if (isRecord(e) && typeof e.field === 'string' && typeof e.rule === 'string')
        if (FIELD_PATTERN.test(e.field) && RULE_PATTERN.test(e.rule)) fields.push({ field: e.field, rule: e.rule });
    }
  }
  return new CsRejectedError(code, { httpStatus: status, fields });
};

const retryAfterMs = (header: string | null): number | undefined => {
  if (header === null) return undefined;
  const s = Number(header);
  if (Number.isFinite(s) && s >= 0) return s * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
};

export class CsHttpClient implements CsGateway {
  private readonly baseUrl: string;
  private readonly token: string;
  private readonly timeoutMs: number;
  private readonly validateOutgoing: boolean;

  constructor(opts: CsHttpClientOptions) {
    this.baseUrl = opts.baseUrl.replace(/\/+$/, '');
    this.token = opts.token;
    this.timeoutMs = opts.timeoutMs ?? 10_000;
    this.validateOutgoing = opts.validateOutgoing ?? true;
  }

  async sendIdentityUpdate(u: IdentityUpdate): Promise<CsAck> {
    if (this.validateOutgoing) this.assertValid(validateIdentityUpdate(u));
    return this.post(CS_PATHS.IDENTITY_UPDATES, u.idempotencyKey, u);
  }

  async sendMoveInNotice(n: MoveInNotice): Promise<CsAck> {
    if (this.validateOutgoing) this.assertValid(validateMoveInNotice(n));
    return this.post(CS_PATHS.MOVE_IN_NOTICES, n.idempotencyKey, n);
  }

  private assertValid(r: { ok: true } | { ok: false; errors: CsFieldRef[] }): void {
    if (!r.ok)
      throw new CsRejectedError(CsErrorCode.INVALID_MESSAGE, {
        fields: r.errors.map(({ field, rule }) => ({ field, rule })),
      });
  }

  private async post(path: string, idempotencyKey: string, body: unknown): Promise<CsAck> {
    const what = `CS POST ${path}`;
    let res: Response;
    let text: string;
    try {
      res = await fetch(this.baseUrl + path, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${this.token}`,
          'idempotency-key': idempotencyKey,
          'content-type': 'application/json',
          accept: 'application/json',
        },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      text = await res.text();
    } catch (err) {
      const timeout = err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError');
      throw new CsUnavailableError(
        timeout ? `${what}: no answer within ${this.timeoutMs} ms` : `${what}: network error`,
        { cause: timeout ? undefined : err },
      );
    }
    const parsed = parseJson(text);
    if (res.ok) {
      const ack = validateAck(parsed);
      if (!ack.ok) throw new CsUnavailableError(`${what}: malformed acknowledgement (HTTP ${res.status})`, { httpStatus: res.status });
      return ack.value;
    }
    if (res.status >= 500 || TRANSIENT_4XX.has(res.status)) {
      const code = isRecord(parsed) && typeof parsed.code === 'string' && CODE_PATTERN.test(parsed.code) ? ` ${parsed.code}` : '';
      const after = retryAfterMs(res.headers.get('retry-after'));
      throw new CsUnavailableError(`${what}: HTTP ${res.status}${code}`, { httpStatus: res.status, retryAfterMs: after });
    }
    throw rejectionFrom(res.status, parsed);
  }
}

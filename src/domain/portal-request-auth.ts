/**
 * Authentication of HTTP requests from the マイナポータル intake adapter (domain.md §8.1: system-to-system links
 * authenticate; §2.3 item 3: the adapter only pushes cases in).
 *
 * The portal signs every request with a shared key (HMAC-SHA256) over
 *   METHOD \n path \n timestamp \n nonce \n hex(sha256(body))
 * where `path` is the request target as sent (path plus query string, i.e. Express `req.originalUrl`) and `body`
 * is the raw body bytes (mount `express.raw()` or keep the raw buffer: a re-serialised JSON body will not verify).
 *
 * Replay protection: the timestamp must be within `maxSkewMs` of the server clock, and a nonce is accepted once per
 * key while its timestamp is inside that window. Seen nonces are kept IN MEMORY here, which only protects a single
 * process: with several API replicas, production needs a shared store (e.g. a DB table with a unique
 * (key_id, nonce) constraint and an expiry column) behind the same `NonceStore` interface.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const PORTAL_HEADERS = {
  keyId: 'x-portal-key-id',
  timestamp: 'x-portal-timestamp',
  nonce: 'x-portal-nonce',
  signature: 'x-portal-signature',
} as const;

export const PortalRequestAuthFailure = {
  MISSING_HEADERS: 'MISSING_HEADERS',
  UNKNOWN_KEY: 'UNKNOWN_KEY',
  BAD_SIGNATURE: 'BAD_SIGNATURE',
  STALE_TIMESTAMP: 'STALE_TIMESTAMP',
  REPLAYED_NONCE: 'REPLAYED_NONCE',
} as const;
export type PortalRequestAuthFailure = (typeof PortalRequestAuthFailure)[keyof typeof PortalRequestAuthFailure];

const MESSAGES: Record<PortalRequestAuthFailure, string> = {
  MISSING_HEADERS: '認証ヘッダーがないか、形式が正しくありません。',
  UNKNOWN_KEY: '鍵IDが登録されていません。',
  BAD_SIGNATURE: 'リクエストの署名が一致しません。',
  STALE_TIMESTAMP: 'リクエストの時刻が許容範囲外です。',
  REPLAYED_NONCE: '同じリクエストが既に受け付けられています（再送は拒否されます）。',
};

export const DEFAULT_MAX_SKEW_MS = 300_000;
const MIN_NONCE_BYTES = 16;
const ISO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

export type RequestBody = string | Buffer | Uint8Array;

export interface SignPortalRequestInput {
  method: string;
  path: string;
  body: RequestBody;
  key: Buffer;
  keyId: string;
  now?: Date;
  /** base64url, at least 16 random bytes; generated when omitted. */
  nonce?: string;
}

export type PortalRequestHeaders = {
  'X-Portal-Key-Id': string;
  'X-Portal-Timestamp': string;
  'X-Portal-Nonce': string;
  'X-Portal-Signature': string;
};

const bodyBytes = (body: RequestBody): Buffer =>
  typeof body === 'string' ? Buffer.from(body, 'utf8') : Buffer.from(body);

export const canonicalRequest = (
  method: string,
  path: string,
  timestamp: string,
  nonce: string,
  body: RequestBody,
): string =>
  [method.toUpperCase(), path, timestamp, nonce, createHash('sha256').update(bodyBytes(body)).digest('hex')].join('\n');

const mac = (key: Buffer, canonical: string): Buffer => createHmac('sha256', key).update(canonical, 'utf8').digest();

export const newNonce = (): string => randomBytes(MIN_NONCE_BYTES).toString('base64url');

export function signPortalRequest(input: SignPortalRequestInput): PortalRequestHeaders {
  const timestamp = (input.now ?? new Date()).toISOString();
  const nonce = input.nonce ?? newNonce();
  const signature = mac(input.key, canonicalRequest(input.method, input.path, timestamp, nonce, input.body)).toString(
    'base64url',
  );
  return {
    'X-Portal-Key-Id': input.keyId,
    'X-Portal-Timestamp': timestamp,
    'X-Portal-Nonce': nonce,
    'X-Portal-Signature': signature,
  };
}

/** Seen-nonce store. The in-memory one is per process; replace with a shared one (DB) across API replicas. */
export interface NonceStore {
  /** Records the nonce; returns false when it was already recorded and has not expired. */
  remember(id: string, expiresAtMs: number, nowMs: number): boolean;
}

export const createInMemoryNonceStore = (): NonceStore & { size(): number } => {
  const seen = new Map<string, number>();
  return {
    remember(id, expiresAtMs, nowMs) {
      for (const [k, expiry] of seen) if (expiry < nowMs) seen.delete(k);
      const existing = seen.get(id);
      if (existing !== undefined && existing >= nowMs) return false;
      seen.set(id, expiresAtMs);
      return true;
    },
    size: () => seen.size,
  };
};

export interface PortalRequestVerifierOptions {
  keys: Record<string, Buffer>;
  maxSkewMs?: number;
  now?: () => Date;
  nonceStore?: NonceStore;
}

export interface PortalRequestToVerify {
  method: string;
  path: string;
  body: RequestBody;
  /** Node/Express headers (lower-case names) or any case-insensitive record. */
  headers: Record<string, string | string[] | undefined>;
}

export type PortalRequestVerification =
  { ok: true; keyId: string } | { ok: false; reason: PortalRequestAuthFailure; message: string };

const fail = (reason: PortalRequestAuthFailure): PortalRequestVerification => ({
  ok: false,
  reason,
  message: MESSAGES[reason],
});

const header = (headers: PortalRequestToVerify['headers'], name: string): string | undefined => {
  for (const [k, v] of Object.entries(headers)) {
    if (k.toLowerCase() !== name) continue;
    if (typeof v === 'string') return v.trim();
    return undefined; // absent, or repeated (ambiguous): refuse
  }
  return undefined;
};

export function createPortalRequestVerifier(options: PortalRequestVerifierOptions) {
  const maxSkewMs = options.maxSkewMs ?? DEFAULT_MAX_SKEW_MS;
  const now = options.now ?? (() => new Date());
  const nonces = options.nonceStore ?? createInMemoryNonceStore();
  const keys = new Map(Object.entries(options.keys));

  return {
    verify(request: PortalRequestToVerify): PortalRequestVerification {
      const keyId = header(request.headers, PORTAL_HEADERS.keyId);
      const timestamp = header(request.headers, PORTAL_HEADERS.timestamp);
      const nonce = header(request.headers, PORTAL_HEADERS.nonce);
      const signature = header(request.headers, PORTAL_HEADERS.signature);
      if (!keyId || !timestamp || !nonce || !signature) return fail(PortalRequestAuthFailure.MISSING_HEADERS);
      const timestampMs = Date.parse(timestamp);
      if (!ISO_TIMESTAMP.test(timestamp) || Number.isNaN(timestampMs))
        return fail(PortalRequestAuthFailure.MISSING_HEADERS);
      if (!BASE64URL.test(nonce) || Buffer.from(nonce, 'base64url').length < MIN_NONCE_BYTES) {
        return fail(PortalRequestAuthFailure.MISSING_HEADERS);
      }
      if (!BASE64URL.test(signature)) return fail(PortalRequestAuthFailure.BAD_SIGNATURE);

      const key = keys.get(keyId);
      if (!key) return fail(PortalRequestAuthFailure.UNKNOWN_KEY);

      // Authenticate before anything is remembered, so that forged requests cannot burn nonces.
      const expected = mac(key, canonicalRequest(request.method, request.path, timestamp, nonce, request.body));
      const given = Buffer.from(signature, 'base64url');
      if (given.length !== expected.length || !timingSafeEqual(given, expected))
        return fail(PortalRequestAuthFailure.BAD_SIGNATURE);

      const nowMs = now().getTime();
      if (Math.abs(nowMs - timestampMs) > maxSkewMs) return fail(PortalRequestAuthFailure.STALE_TIMESTAMP);
      // A replay after timestampMs + maxSkewMs is refused as stale, so the nonce can be forgotten then.
      if (!nonces.remember(`${keyId}\n${nonce}`, timestampMs + maxSkewMs, nowMs))
        return fail(PortalRequestAuthFailure.REPLAYED_NONCE);
      return { ok: true, keyId };
    },
  };
}
export type PortalRequestVerifier = ReturnType<typeof createPortalRequestVerifier>;

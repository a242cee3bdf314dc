import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  createPortalRequestVerifier,
  PortalRequestAuthFailure,
  signPortalRequest,
  type PortalRequestHeaders,
} from '../../src/domain/portal-request-auth';

const key = randomBytes(32);
const keyId = 'portal-2026';
const method = 'POST';
const path = '/api/portal/online-move-out?x=1';
const body = JSON.stringify({ applicationId: 'MP-0001', newAddress: '北海道札幌市中央区北一条西二丁目1番地' });
const T0 = new Date('2026-11-23T01:00:00.000Z');

/** Express gives lower-case header names. */
const lower = (headers: PortalRequestHeaders) =>
  Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));

const setup = (at: Date = T0) => {
  let clock = at;
  const verifier = createPortalRequestVerifier({ keys: { [keyId]: key }, now: () => clock });
  return {
    verifier,
    setClock: (d: Date) => {
      clock = d;
    },
  };
};
const signed = (over: Partial<Parameters<typeof signPortalRequest>[0]> = {}) =>
  lower(signPortalRequest({ method, path, body, key, keyId, now: T0, ...over }));

describe('portal request authentication', () => {
  it('signs with the four headers and a nonce of at least 16 random bytes', () => {
    const headers = signPortalRequest({ method, path, body, key, keyId, now: T0 });
    expect(headers['X-Portal-Key-Id']).toBe(keyId);
    expect(headers['X-Portal-Timestamp']).toBe(T0.toISOString());
    expect(Buffer.from(headers['X-Portal-Nonce'], 'base64url').length).toBeGreaterThanOrEqual(16);
    expect(headers['X-Portal-Signature']).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(signPortalRequest({ method, path, body, key, keyId, now: T0 })['X-Portal-Nonce']).not.toBe(
      headers['X-Portal-Nonce'],
    );
  });

  it('accepts a correctly signed request (string or Buffer body, any header case)', () => {
    const { verifier } = setup(new Date(T0.getTime() + 60_000));
    expect(verifier.verify({ method, path, body, headers: signed() })).toEqual({ ok: true, keyId });
    const upper = signPortalRequest({ method, path, body, key, keyId, now: T0 });
    expect(verifier.verify({ method: 'post', path, body: Buffer.from(body), headers: upper })).toEqual({
      ok: true,
      keyId,
    });
  });

  it('rejects a tampered body, path or method', () => {
    const { verifier } = setup();
    const headers = signed();
    expect(verifier.verify({ method, path, body: body.replace('MP-0001', 'MP-0002'), headers })).toMatchObject({
      ok: false,
      reason: PortalRequestAuthFailure.BAD_SIGNATURE,
    });
    expect(verifier.verify({ method, path: '/api/portal/other', body, headers })).toMatchObject({
      ok: false,
      reason: 'BAD_SIGNATURE',
    });
    expect(verifier.verify({ method: 'PUT', path, body, headers })).toMatchObject({
      ok: false,
      reason: 'BAD_SIGNATURE',
    });
    // The rejected attempts did not burn the nonce: the genuine request still passes.
    expect(verifier.verify({ method, path, body, headers }).ok).toBe(true);
  });

  it('rejects a request signed with the wrong key, and an unknown key id', () => {
    const { verifier } = setup();
    expect(verifier.verify({ method, path, body, headers: signed({ key: randomBytes(32) }) })).toMatchObject({
      ok: false,
      reason: 'BAD_SIGNATURE',
    });
    expect(verifier.verify({ method, path, body, headers: signed({ keyId: 'someone-else' }) })).toMatchObject({
      ok: false,
      reason: 'UNKNOWN_KEY',
    });
  });

  it('rejects a stale timestamp (older or further in the future than five minutes)', () => {
    const { verifier, setClock } = setup(new Date(T0.getTime() + 300_001));
    expect(verifier.verify({ method, path, body, headers: signed() })).toMatchObject({
      ok: false,
      reason: 'STALE_TIMESTAMP',
    });
    setClock(new Date(T0.getTime() - 300_001));
    expect(verifier.verify({ method, path, body, headers: signed() })).toMatchObject({
      ok: false,
      reason: 'STALE_TIMESTAMP',
    });
    setClock(new Date(T0.getTime() + 300_000));
    expect(verifier.verify({ method, path, body, headers: signed() }).ok).toBe(true);
  });

  it('rejects a replayed request, and keeps refusing it until it is stale', () => {
    const { verifier, setClock } = setup();
    const headers = signed();
    expect(verifier.verify({ method, path, body, headers }).ok).toBe(true);
    expect(verifier.verify({ method, path, body, headers })).toMatchObject({ ok: false, reason: 'REPLAYED_NONCE' });
    setClock(new Date(T0.getTime() + 299_000));
    expect(verifier.verify({ method, path, body, headers })).toMatchObject({ ok: false, reason: 'REPLAYED_NONCE' });
    setClock(new Date(T0.getTime() + 301_000));
    expect(verifier.verify({ method, path, body, headers })).toMatchObject({ ok: false, reason: 'STALE_TIMESTAMP' });
  });

  it('rejects missing or malformed headers', () => {
    const { verifier } = setup();
    const headers = signed();
    for (const name of Object.keys(headers)) {
      const { [name]: _dropped, ...rest } = headers;
      expect(verifier.verify({ method, path, body, headers: rest })).toMatchObject({
        ok: false,
        reason: 'MISSING_HEADERS',
      });
    }
    expect(
      verifier.verify({ method, path, body, headers: { ...headers, 'x-portal-timestamp': 'yesterday' } }),
    ).toMatchObject({ reason: 'MISSING_HEADERS' });
    expect(verifier.verify({ method, path, body, headers: { ...headers, 'x-portal-nonce': 'short' } })).toMatchObject({
      reason: 'MISSING_HEADERS',
    });
    expect(
      verifier.verify({
        method,
        path,
        body,
        headers: { ...headers, 'x-portal-nonce': [headers['x-portal-nonce']!, 'x'] },
      }),
    ).toMatchObject({ reason: 'MISSING_HEADERS' });
  });

  it('gives messages in Japanese without request content', () => {
    const { verifier } = setup();
    const result = verifier.verify({ method, path, body: `${body} `, headers: signed() });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.message).toMatch(/[\u3040-\u30ff\u4e00-\u9fff]/);
      expect(result.message).not.toContain('MP-0001');
      expect(result.message).not.toContain('札幌');
    }
  });
});

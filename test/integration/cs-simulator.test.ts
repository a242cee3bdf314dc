/**
 * CS simulator over real HTTP, driven through CsHttpClient (messages) and raw fetch (admin endpoints and payloads
 * the typed client cannot produce). No mocks. Each test gets its own simulator on a free port.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  CsRejectedError,
  CsUnavailableError,
  type IdentityUpdate,
  type MoveInNotice,
} from '../../src/partners/cs-gateway';
import { CsHttpClient } from '../../src/partners/cs-http-client';
import { startCsSimulator, type RunningCsSimulator } from '../../src/partners/cs-simulator';

const TOKEN = 'test-token-cs';
const US = '141500'; // Sagamihara
const OTHER = '131041'; // Shinjuku
const NUMBER = '123456789018';
const NAME = '相模 花子';
const ADDRESS = '神奈川県相模原市中央区中央二丁目十一番十五号';
const CODE = '24727059608';
let sim: RunningCsSimulator;
let client: CsHttpClient;
beforeEach(async () => {
  sim = await startCsSimulator({ token: TOKEN });
  client = new CsHttpClient({ baseUrl: sim.url, token: TOKEN, timeoutMs: 2000 });
});
afterEach(async () => {
  await sim.close();
});

let keySeq = 0;
const update = (
  o: { seq?: number; reason?: string; key?: string; muni?: string } & Partial<IdentityUpdate['identity']> = {},
): IdentityUpdate => {
  const { seq, reason, key, muni, ...identity } = o;
  return {
    municipalityCode: muni ?? US,
    idempotencyKey: key ?? `outbox-${++keySeq}-${Date.now()}`,
    sequenceNumber: seq ?? 1,
    identity: {
      residentRecordCode: CODE,
      name: NAME,
      birthDate: '1985-07-14',
      sex: '2',
      address: ADDRESS,
      individualNumber: NUMBER,
      changeReason: reason ?? '10',
      changeDate: '2025-04-01',
      ...identity,
    },
  };
};

const notice = (key = `notice-${++keySeq}-${Date.now()}`): MoveInNotice => ({
  fromMunicipalityCode: US,
  toMunicipalityCode: OTHER,
  idempotencyKey: key,
  notice: {
    residentRecordCode: CODE,
    name: NAME,
    birthDate: '1985-07-14',
    sex: '2',
    newAddress: ADDRESS,
    moveInDate: '2025-04-01',
    previousAddress: '東京都新宿区西新宿二丁目八番一号',
    notificationDate: '2025-04-07',
  },
});

const admin = async (path: string, body?: unknown): Promise<{ status: number; json: any }> => {
  const res = await fetch(`${sim.url}/cs/v1/_admin/${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : undefined };
};
const received = async (kind: 'identity-updates' | 'move-in-notices'): Promise<any[]> =>
  (await admin(`received?kind=${kind}`)).json.items;

const rejection = async (p: Promise<unknown>): Promise<CsRejectedError> => {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(CsRejectedError);
  return err as CsRejectedError;
};
const unavailable = async (p: Promise<unknown>): Promise<CsUnavailableError> => {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(CsUnavailableError);
  return err as CsUnavailableError;
};
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('CS simulator: identity updates', () => {
  it('accepts an update and stores it', async () => {
    const u = update();
    const ack = await client.sendIdentityUpdate(u);
    expect(ack.duplicate).toBe(false);
    expect(ack.messageId).toMatch(/^CS-/);
    expect(Number.isNaN(Date.parse(ack.receivedAt))).toBe(false);
    const items = await received('identity-updates');
    expect(items).toEqual([
      { messageId: ack.messageId, receivedAt: ack.receivedAt, idempotencyKey: u.idempotencyKey, body: u },
    ]);
  });

  it('answers a resend with the same key with the same ack (duplicate) and stores it once', async () => {
    const u = update();
    const first = await client.sendIdentityUpdate(u);
    const again = await client.sendIdentityUpdate({ ...u, identity: { ...u.identity } });
    expect(again).toEqual({ ...first, duplicate: true });
    expect(await received('identity-updates')).toHaveLength(1);
    const reused = await rejection(client.sendIdentityUpdate({ ...update({ key: u.idempotencyKey, seq: 2 }) }));
    expect(reused.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(reused.httpStatus).toBe(409);
  });

  it('rejects a 転入 for a registered code (seeded or accepted) and accepts it again after a 消除', async () => {
    expect((await admin('registered', { residentRecordCodes: ['24846016224'] })).json).toEqual({ registered: 1 });
    const seeded = await rejection(client.sendIdentityUpdate(update({ residentRecordCode: '24846016224' })));
    expect(seeded).toMatchObject({ code: 'ALREADY_REGISTERED', httpStatus: 422, permanent: true });

    await client.sendIdentityUpdate(update({ seq: 1 }));
    const twice = await rejection(client.sendIdentityUpdate(update({ seq: 2, reason: '11' })));
    expect(twice.code).toBe('ALREADY_REGISTERED');
    await client.sendIdentityUpdate(update({ seq: 2, reason: '20' })); // 国内転出 (消除)
    // the destination numbers its own updates from 1
    const ack = await client.sendIdentityUpdate(
      update({ seq: 1, reason: '10', muni: OTHER, address: '東京都新宿区西新宿二丁目八番一号' }),
    );
    expect(ack.duplicate).toBe(false);
  });

  it('rejects a 転居 that changes more than the address, accepts an address-only one', async () => {
    await client.sendIdentityUpdate(update({ seq: 1 }));
    const err = await rejection(
      client.sendIdentityUpdate(update({ seq: 2, reason: '30', name: '相模 花', address: '相模原市緑区橋本1-1' })),
    );
    expect(err.code).toBe('MOVE_WITHIN_CHANGES_MORE_THAN_ADDRESS');
    expect(err.httpStatus).toBe(422);
    const ack = await client.sendIdentityUpdate(
      update({ seq: 2, reason: '30', address: '相模原市緑区橋本1-1', changeDate: '2025-05-01' }),
    );
    expect(ack.duplicate).toBe(false);
  });

  it('rejects an update whose sequence number does not increase', async () => {
    await client.sendIdentityUpdate(update({ seq: 2 }));
    for (const seq of [2, 1]) {
      const err = await rejection(client.sendIdentityUpdate(update({ seq, reason: '31' })));
      expect(err).toMatchObject({ code: 'SEQUENCE_OUT_OF_ORDER', httpStatus: 409 });
    }
    await client.sendIdentityUpdate(update({ seq: 5, reason: '31' })); // gaps are allowed
  });

  it('rejects a bad 個人番号 check digit naming /identity/individualNumber (server side and locally)', async () => {
    const bad = update({ individualNumber: '983205673210' });
    const raw = new CsHttpClient({ baseUrl: sim.url, token: TOKEN, validateOutgoing: false });
    const server = await rejection(raw.sendIdentityUpdate(bad));
    expect(server).toMatchObject({ code: 'INVALID_MESSAGE', httpStatus: 400 });
    expect(server.fields).toContainEqual({ field: '/identity/individualNumber', rule: 'format' });
    expect(server.message).toContain('/identity/individualNumber');
    const local = await rejection(client.sendIdentityUpdate(bad));
    expect(local.httpStatus).toBeUndefined();
    expect(local.fields).toContainEqual({ field: '/identity/individualNumber', rule: 'format' });
    expect(await received('identity-updates')).toHaveLength(0);
  });

  it('answers 401 to a bad token', async () => {
    const bad = new CsHttpClient({ baseUrl: sim.url, token: 'wrong' });
    const err = await rejection(bad.sendIdentityUpdate(update()));
    expect(err).toMatchObject({ code: 'UNAUTHORIZED', httpStatus: 401 });
    expect((await fetch(`${sim.url}/cs/v1/_admin/faults`)).status).toBe(401);
  });
});

describe('CS simulator: faults', () => {
  it('failNext 3 → three CsUnavailableError, then success; failed calls store nothing', async () => {
    expect((await admin('faults', { failNext: 3 })).json).toMatchObject({ failNext: 3 });
    const u = update();
    for (let i = 0; i < 3; i++) expect((await unavailable(client.sendIdentityUpdate(u))).httpStatus).toBe(503);
    expect(await received('identity-updates')).toHaveLength(0);
    expect((await client.sendIdentityUpdate(u)).duplicate).toBe(false);
    expect(await received('identity-updates')).toHaveLength(1);
    expect((await admin('faults')).json.failNext).toBe(0);
  });

  it('outage window: every call 503 with Retry-After inside it, success after it', async () => {
    await admin('faults', { outage: { durationMs: 400 } });
    const err = await unavailable(client.sendMoveInNotice(notice()));
    expect(err.retryAfterMs).toBeGreaterThan(0);
    await unavailable(client.sendIdentityUpdate(update()));
    await sleep(450);
    expect((await client.sendMoveInNotice(notice())).duplicate).toBe(false);

    const from = new Date(Date.now() + 60_000).toISOString();
    const until = new Date(Date.now() + 120_000).toISOString();
    const view = await admin('faults', { outage: { from, until } });
    expect(view.json.outage).toEqual({ from, until, active: false });
    expect((await client.sendIdentityUpdate(update())).duplicate).toBe(false); // window not started yet
    expect((await admin('faults', { clear: true })).json).toEqual({ failNext: 0, delayMs: 0, outage: null });
  });

  it('delay: a short client timeout is a CsUnavailableError; the late message is stored and a resend is a duplicate', async () => {
    await admin('faults', { delayMs: 300 });
    const u = update();
    const started = Date.now();
    const fast = new CsHttpClient({ baseUrl: sim.url, token: TOKEN, timeoutMs: 100 });
    const err = await unavailable(fast.sendIdentityUpdate(u));
    expect(err.message).toContain('no answer within 100 ms');
    expect(Date.now() - started).toBeLessThan(300);
    await sleep(350);
    const items = await received('identity-updates');
    expect(items).toHaveLength(1);
    const patient = await client.sendIdentityUpdate(u);
    expect(Date.now() - started).toBeGreaterThanOrEqual(600);
    expect(patient).toMatchObject({ messageId: items[0].messageId, duplicate: true });
  });

  it('validates admin bodies', async () => {
    expect((await admin('faults', { failNext: -1 })).status).toBe(400);
    expect((await admin('faults', { explode: true })).json.errors[0]).toMatchObject({
      field: '/explode',
      rule: 'additionalProperties',
    });
    expect((await admin('faults', { outage: {} })).status).toBe(400);
    expect((await admin('registered', { residentRecordCodes: ['123'] })).status).toBe(400);
    expect((await admin('received?kind=everything')).status).toBe(400);
  });
});

describe('CS simulator: 転入通知', () => {
  it('accepts a notice without 個人番号 and de-duplicates it', async () => {
    const n = notice();
    const ack = await client.sendMoveInNotice(n);
    expect(await client.sendMoveInNotice(n)).toEqual({ ...ack, duplicate: true });
    expect(await received('move-in-notices')).toMatchObject([{ messageId: ack.messageId, body: n }]);
  });

  it('rejects a notice carrying an individualNumber with 400 naming the field; the client refuses it locally', async () => {
    const n = notice();
    const smuggled = { ...n, notice: { ...n.notice, individualNumber: NUMBER } };
    const res = await fetch(`${sim.url}/cs/v1/move-in-notices`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${TOKEN}`,
        'content-type': 'application/json',
        'idempotency-key': n.idempotencyKey,
      },
      body: JSON.stringify(smuggled),
    });
    const text = await res.text();
    expect(res.status).toBe(400);
    expect(JSON.parse(text).errors).toContainEqual(
      expect.objectContaining({ field: '/notice/individualNumber', rule: 'additionalProperties' }),
    );
    expect(text).not.toContain(NUMBER);
    const local = await rejection(client.sendMoveInNotice(smuggled as MoveInNotice));
    expect(local.fields).toContainEqual({ field: '/notice/individualNumber', rule: 'additionalProperties' });
    expect(await received('move-in-notices')).toHaveLength(0);
  });
});

describe('CS simulator: isolation and privacy', () => {
  it('keeps state per instance and honours the served municipalities', async () => {
    const other = await startCsSimulator({ token: TOKEN, municipalities: [OTHER] });
    try {
      await client.sendIdentityUpdate(update());
      const c2 = new CsHttpClient({ baseUrl: other.url, token: TOKEN });
      expect((await rejection(c2.sendIdentityUpdate(update()))).code).toBe('MUNICIPALITY_NOT_SERVED');
      expect((await c2.sendIdentityUpdate(update({ muni: OTHER }))).duplicate).toBe(false);
      expect(other.state.received['identity-updates']).toHaveLength(1);
      expect(sim.state.received['identity-updates']).toHaveLength(1);
    } finally {
      await other.close();
    }
  });

  it('never echoes personal data in rejections (client errors and raw bodies)', async () => {
    const personal = [NUMBER, NAME, ADDRESS, '1985-07-14', CODE];
    const errors: Error[] = [];
    const raw = new CsHttpClient({ baseUrl: sim.url, token: TOKEN, validateOutgoing: false });
    await client.sendIdentityUpdate(update({ seq: 1 }));
    // rejection() attaches the handler at once: the five run together and one may fail before the loop awaits it
    for (const p of [
      client.sendIdentityUpdate(update({ seq: 2 })),
      client.sendIdentityUpdate(update({ seq: 1, reason: '31' })),
      client.sendIdentityUpdate(update({ seq: 3, reason: '30', name: '別名 太郎' })),
      raw.sendIdentityUpdate(update({ seq: 4, individualNumber: '123456789019', birthDate: '1985-02-29' })),
      new CsHttpClient({ baseUrl: sim.url, token: NUMBER }).sendIdentityUpdate(update({ seq: 5 })),
    ].map(rejection))
      errors.push(await p);
    await admin('faults', { failNext: 1 });
    errors.push(await unavailable(client.sendIdentityUpdate(update({ seq: 6 }))));
    const bodies: string[] = [];
    for (const body of [
      update({ seq: 7, individualNumber: '123456789019' }),
      { ...update({ seq: 8 }), extra: NUMBER },
      '{"name": "' + NAME,
    ]) {
      const res = await fetch(`${sim.url}/cs/v1/identity-updates`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${TOKEN}`,
          'content-type': 'application/json',
          'idempotency-key': 'raw-key-0001',
        },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      });
      expect(res.status).toBe(400);
      bodies.push(await res.text());
    }
    const texts = [...errors.map((e) => `${e.message} ${JSON.stringify(e)} ${e.stack ?? ''}`), ...bodies];
    for (const t of texts) for (const p of personal) expect(t).not.toContain(p);
  });

  it('maps an unreachable CS to CsUnavailableError', async () => {
    const gone = sim;
    sim = await startCsSimulator({ token: TOKEN }); // on another port; closed by afterEach
    await gone.close();
    const url = gone.url;
    const err = await unavailable(new CsHttpClient({ baseUrl: url, token: TOKEN }).sendIdentityUpdate(update()));
    expect(err.message).toContain('network error');
  });
});

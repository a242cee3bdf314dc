/**
 * CS simulator as the CS network between towns (domain.md §2.2 I-6 to I-8, §4.2–4.6): messages sent through
 * CsHttpClient are stored and forwarded to the addressed town's inbound API. Two tiny real express "town inbound"
 * servers record what they receive and can be told to fail. No mocks; every test gets its own simulator and towns.
 */
import express from 'express';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  CsRejectedError,
  CsUnavailableError,
  type CertificateInfoRequest,
  type IdentityUpdate,
  type MoveInNotice,
  type MoveOutCertificateInfo,
} from '../../src/partners/cs-gateway';
import { CsHttpClient } from '../../src/partners/cs-http-client';
import { startCsSimulator, type CsSimulatorOptions, type RunningCsSimulator } from '../../src/partners/cs-simulator';
import { listen } from '../../src/partners/sim/server';

const TOKEN = 'test-token-cs';
const A = '141500'; // Sagamihara (origin)
const B = '131041'; // Shinjuku (destination)
const NUMBER = '123456789018';
const CODE = '24727059608';
const FAST: CsSimulatorOptions['forwarding'] = { initialBackoffMs: 20, maxBackoffMs: 80, timeoutMs: 2000 };

interface InboundRequest {
  path: string;
  authorization: string | undefined;
  idempotencyKey: string | undefined;
  contentType: string | undefined;
  text: string;
  body: any;
  status: number;
}

/** A town's inbound API: records every request; `failNext` answers 503, `rejectNext` answers 422. */
interface Town {
  url: string;
  inboundUrl: string;
  token: string;
  requests: InboundRequest[];
  failNext: number;
  rejectNext: number;
  /** Requests answered 2xx for the first time (a repeat of a delivered key is answered 200 and not counted). */
  delivered(): InboundRequest[];
  close(): Promise<void>;
}

const startTown = async (token: string): Promise<Town> => {
  const app = express();
  app.use(express.text({ type: () => true }));
  const seen = new Set<string>();
  const town = { token, requests: [] as InboundRequest[], failNext: 0, rejectNext: 0 } as Town;
  app.post('/cs-inbound/:kind', (req, res) => {
    const key = req.get('idempotency-key');
    const r: InboundRequest = {
      path: req.path,
      authorization: req.get('authorization'),
      idempotencyKey: key,
      contentType: req.get('content-type'),
      text: typeof req.body === 'string' ? req.body : '',
      body: undefined,
      status: 0,
    };
    try {
      r.body = JSON.parse(r.text);
    } catch {
      r.body = undefined;
    }
    town.requests.push(r);
    if (r.authorization !== `Bearer ${token}`) r.status = 401;
    else if (town.failNext > 0) {
      town.failNext--;
      r.status = 503;
    } else if (town.rejectNext > 0) {
      town.rejectNext--;
      r.status = 422;
    } else r.status = key !== undefined && seen.has(key) ? 200 : 202;
    if (r.status === 202 && key !== undefined) seen.add(key);
    res
      .status(r.status)
      .json(r.status < 300 ? { accepted: true } : { code: r.status === 503 ? 'BUSY' : 'NOT_ACCEPTED', message: 'no' });
  });
  const server = await listen(app);
  town.url = server.url;
  town.inboundUrl = `${server.url}/cs-inbound`;
  town.delivered = () => town.requests.filter((r) => r.status === 202);
  town.close = () => server.close();
  return town;
};

let sim: RunningCsSimulator;
let client: CsHttpClient;
let townA: Town;
let townB: Town;
beforeEach(async () => {
  sim = await startCsSimulator({ token: TOKEN, forwarding: FAST });
  client = new CsHttpClient({ baseUrl: sim.url, token: TOKEN, timeoutMs: 2000 });
  townA = await startTown('town-a-inbound-token');
  townB = await startTown('town-b-inbound-token');
});
afterEach(async () => {
  await sim.close();
  await townA.close();
  await townB.close();
});

const admin = async (
  path: string,
  body?: unknown,
  s: RunningCsSimulator = sim,
): Promise<{ status: number; json: any; text: string }> => {
  const res = await fetch(`${s.url}/cs/v1/_admin/${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : undefined, text };
};
const route = (code: string, town: Town, s: RunningCsSimulator = sim) =>
  admin('routes', { municipalityCode: code, inboundUrl: town.inboundUrl, token: town.token }, s);
const registerBoth = async (): Promise<void> => {
  expect((await route(A, townA)).status).toBe(201);
  expect((await route(B, townB)).status).toBe(201);
};
type Kind = 'identity-updates' | 'move-in-notices' | 'move-out-certificates' | 'certificate-requests';
const received = async (kind: Kind): Promise<any[]> => (await admin(`received?kind=${kind}`)).json.items;
const forwardOf = async (kind: Kind, messageId: string): Promise<any> =>
  (await received(kind)).find((m) => m.messageId === messageId)?.forward;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const eventually = (fn: () => unknown | Promise<unknown>, timeout = 5000) => vi.waitFor(fn, { timeout, interval: 20 });

let keySeq = 0;
const key = (p: string) => `${p}-${++keySeq}-${Date.now()}`;

const certificate = (o: { from?: string; to?: string; key?: string; code?: string } = {}): MoveOutCertificateInfo => ({
  fromMunicipalityCode: o.from ?? A,
  toMunicipalityCode: o.to ?? B,
  idempotencyKey: o.key ?? key('ci'),
  certificate: {
    residentRecordCode: o.code ?? CODE,
    individualNumber: NUMBER,
    name: '相模 花子',
    nameKana: 'サガミ ハナコ',
    birthDate: '1985-07-14',
    sex: '2',
    relationshipToHead: '世帯主',
    householdHeadName: '相模 花子',
    originAddress: '神奈川県相模原市中央区中央二丁目十一番十五号',
    plannedDestinationAddress: '東京都新宿区西新宿二丁目八番一号',
    plannedMoveOutDate: '2025-04-01',
    moverGroupId: 'case-0001',
  },
});
const request = (o: { key?: string } = {}): CertificateInfoRequest => ({
  fromMunicipalityCode: B,
  toMunicipalityCode: A,
  idempotencyKey: o.key ?? key('req'),
  request: { residentRecordCode: CODE, name: '相模 花子', birthDate: '1985-07-14' },
});
const notice = (o: { key?: string } = {}): MoveInNotice => ({
  fromMunicipalityCode: B,
  toMunicipalityCode: A,
  idempotencyKey: o.key ?? key('mn'),
  notice: {
    residentRecordCode: CODE,
    name: '相模 花子',
    birthDate: '1985-07-14',
    sex: '2',
    newAddress: '東京都新宿区西新宿二丁目八番一号',
    moveInDate: '2025-04-03',
    previousAddress: '神奈川県相模原市中央区中央二丁目十一番十五号',
    notificationDate: '2025-04-07',
  },
});

const failure = async <E>(p: Promise<unknown>, type: new (...args: any[]) => E): Promise<E> => {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(type);
  return err as E;
};

describe('CS routing: delivery to the addressed town', () => {
  it('a 転出証明書情報 from A reaches B with the route token, its Idempotency-Key and the body incl. the 個人番号', async () => {
    await registerBoth();
    const m = certificate();
    const ack = await client.sendMoveOutCertificateInfo(m);
    expect(ack.duplicate).toBe(false);
    await eventually(() => expect(townB.delivered()).toHaveLength(1));
    const got = townB.requests[0]!;
    expect(got).toMatchObject({
      path: '/cs-inbound/move-out-certificates',
      authorization: 'Bearer town-b-inbound-token',
      idempotencyKey: m.idempotencyKey,
      status: 202,
    });
    expect(got.contentType).toMatch(/^application\/json/);
    expect(got.body).toEqual(m);
    expect(got.body.certificate.individualNumber).toBe(NUMBER);
    expect(got.authorization).not.toContain(TOKEN); // the CS's own token never goes to a town
    expect(townA.requests).toHaveLength(0);
    await eventually(async () =>
      expect(await received('move-out-certificates')).toEqual([
        {
          messageId: ack.messageId,
          receivedAt: ack.receivedAt,
          idempotencyKey: m.idempotencyKey,
          body: m,
          forward: { status: 'delivered', attempts: 1, lastStatus: 202 },
        },
      ]),
    );
  });

  it('a 送信依頼 and a 転入通知 from B reach A, in the order they were sent', async () => {
    await registerBoth();
    const req = request();
    const n = notice();
    const reqAck = await client.sendCertificateInfoRequest(req);
    const nAck = await client.sendMoveInNotice(n);
    await eventually(() => expect(townA.delivered()).toHaveLength(2));
    expect(townA.requests.map((r) => [r.path, r.idempotencyKey, r.authorization])).toEqual([
      ['/cs-inbound/certificate-requests', req.idempotencyKey, 'Bearer town-a-inbound-token'],
      ['/cs-inbound/move-in-notices', n.idempotencyKey, 'Bearer town-a-inbound-token'],
    ]);
    expect(townA.requests[0]!.body).toEqual(req);
    expect(townA.requests[1]!.body).toEqual(n);
    for (const r of townA.requests) expect(r.text).not.toContain('individualNumber');
    expect(townB.requests).toHaveLength(0);
    await eventually(async () => {
      expect(await forwardOf('certificate-requests', reqAck.messageId)).toEqual({
        status: 'delivered',
        attempts: 1,
        lastStatus: 202,
      });
      expect(await forwardOf('move-in-notices', nAck.messageId)).toEqual({
        status: 'delivered',
        attempts: 1,
        lastStatus: 202,
      });
    });
  });

  it('forwards a message sent twice (duplicate ack) only once', async () => {
    await registerBoth();
    const m = certificate();
    const first = await client.sendMoveOutCertificateInfo(m);
    const again = await client.sendMoveOutCertificateInfo({ ...m, certificate: { ...m.certificate } });
    expect(again).toEqual({ ...first, duplicate: true });
    await eventually(() => expect(townB.delivered()).toHaveLength(1));
    await sleep(200);
    expect(townB.requests).toHaveLength(1);
    expect(await received('move-out-certificates')).toHaveLength(1);
  });

  it('does not forward 本人確認情報 updates (they go to the prefecture)', async () => {
    await registerBoth();
    const u: IdentityUpdate = {
      municipalityCode: A,
      idempotencyKey: key('iu'),
      sequenceNumber: 1,
      identity: {
        residentRecordCode: CODE,
        name: '相模 花子',
        birthDate: '1985-07-14',
        sex: '2',
        address: '東京都新宿区西新宿二丁目八番一号',
        individualNumber: NUMBER,
        changeReason: '20',
        changeDate: '2025-04-01',
      },
    };
    await client.sendIdentityUpdate(u);
    await client.sendMoveInNotice(notice()); // B → A, proves the forwarder runs
    await eventually(() => expect(townA.delivered()).toHaveLength(1));
    await sleep(100);
    expect(townA.requests.map((r) => r.path)).toEqual(['/cs-inbound/move-in-notices']);
    expect(townB.requests).toHaveLength(0);
    const [item] = await received('identity-updates');
    expect(item).not.toHaveProperty('forward');
  });
});

describe('CS routing: store-and-forward', () => {
  it('a destination failing twice with 503 gets the message exactly once, with the same Idempotency-Key every attempt', async () => {
    await registerBoth();
    townB.failNext = 2;
    const m = certificate();
    const ack = await client.sendMoveOutCertificateInfo(m);
    await eventually(() => expect(townB.delivered()).toHaveLength(1));
    expect(townB.requests.map((r) => r.status)).toEqual([503, 503, 202]);
    expect(new Set(townB.requests.map((r) => r.idempotencyKey))).toEqual(new Set([m.idempotencyKey]));
    for (const r of townB.requests) expect(r.body).toEqual(m);
    expect(await forwardOf('move-out-certificates', ack.messageId)).toEqual({
      status: 'delivered',
      attempts: 3,
      lastStatus: 202,
    });
    await sleep(200);
    expect(townB.requests).toHaveLength(3);
  });

  it('keeps the per-destination order while the head is retried; another destination is not held up', async () => {
    await registerBoth();
    townB.failNext = 3;
    const sent = [
      certificate({ code: '24727059608' }),
      certificate({ code: '24846016224' }),
      certificate({ code: '25208017644' }),
    ];
    for (const m of sent) await client.sendMoveOutCertificateInfo(m);
    const n = notice();
    await client.sendMoveInNotice(n); // to A, while B is failing
    await eventually(() => expect(townA.delivered()).toHaveLength(1));
    await eventually(() => expect(townB.delivered()).toHaveLength(3));
    expect(townB.delivered().map((r) => r.idempotencyKey)).toEqual(sent.map((m) => m.idempotencyKey));
    // only the head was tried while B failed
    expect(townB.requests.slice(0, 4).map((r) => r.idempotencyKey)).toEqual(Array(4).fill(sent[0]!.idempotencyKey));
  });

  it('a 422 from the destination stops retrying (rejected) and the next message still goes', async () => {
    await registerBoth();
    townB.rejectNext = 1;
    const bad = certificate();
    const good = certificate();
    const badAck = await client.sendMoveOutCertificateInfo(bad);
    const goodAck = await client.sendMoveOutCertificateInfo(good);
    await eventually(() => expect(townB.delivered()).toHaveLength(1));
    await sleep(200);
    expect(townB.requests.map((r) => [r.idempotencyKey, r.status])).toEqual([
      [bad.idempotencyKey, 422],
      [good.idempotencyKey, 202],
    ]);
    expect(await forwardOf('move-out-certificates', badAck.messageId)).toEqual({
      status: 'rejected',
      attempts: 1,
      lastStatus: 422,
    });
    expect(await forwardOf('move-out-certificates', goodAck.messageId)).toEqual({
      status: 'delivered',
      attempts: 1,
      lastStatus: 202,
    });
  });

  it('a message for an unregistered town waits (undeliverable) and is delivered once the route is registered', async () => {
    expect((await route(A, townA)).status).toBe(201);
    const m = certificate();
    const ack = await client.sendMoveOutCertificateInfo(m);
    await sleep(150);
    expect(await forwardOf('move-out-certificates', ack.messageId)).toEqual({
      status: 'undeliverable',
      attempts: 0,
      lastStatus: null,
    });
    expect(townB.requests).toHaveLength(0);
    expect(townA.requests).toHaveLength(0);
    expect((await route(B, townB)).status).toBe(201);
    await eventually(() => expect(townB.delivered()).toHaveLength(1));
    expect(townB.requests[0]!.body).toEqual(m);
    expect(await forwardOf('move-out-certificates', ack.messageId)).toEqual({
      status: 'delivered',
      attempts: 1,
      lastStatus: 202,
    });
  });

  it('retries a network error (lastStatus null) and delivers to a route re-registered at a new URL', async () => {
    const gone = await startTown('town-b-inbound-token');
    await gone.close();
    expect((await route(B, gone)).status).toBe(201);
    const m = certificate();
    const ack = await client.sendMoveOutCertificateInfo(m);
    await eventually(async () =>
      expect((await forwardOf('move-out-certificates', ack.messageId)).attempts).toBeGreaterThanOrEqual(2),
    );
    expect(await forwardOf('move-out-certificates', ack.messageId)).toMatchObject({
      status: 'pending',
      lastStatus: null,
    });
    expect((await route(B, townB)).status).toBe(200); // replaced
    await eventually(() => expect(townB.delivered()).toHaveLength(1));
    expect(townB.requests[0]!.idempotencyKey).toBe(m.idempotencyKey);
    expect(await forwardOf('move-out-certificates', ack.messageId)).toMatchObject({
      status: 'delivered',
      lastStatus: 202,
    });
  });

  it('close() stops forwarding: no more attempts, no timer left', async () => {
    const own = await startCsSimulator({ token: TOKEN, forwarding: FAST });
    await route(B, townB, own);
    townB.failNext = 1_000_000;
    await new CsHttpClient({ baseUrl: own.url, token: TOKEN }).sendMoveOutCertificateInfo(certificate());
    await eventually(() => expect(townB.requests.length).toBeGreaterThanOrEqual(3));
    await own.close();
    await sleep(10);
    const count = townB.requests.length;
    expect(own.state.forwarding.activeWork).toBe(0);
    await sleep(300);
    expect(townB.requests).toHaveLength(count);
  });

  it('reset clears routes and queued messages', async () => {
    await registerBoth();
    townB.failNext = 1_000_000;
    await client.sendMoveOutCertificateInfo(certificate());
    await eventually(() => expect(townB.requests.length).toBeGreaterThanOrEqual(1));
    expect((await admin('reset', {})).status).toBe(204);
    await sleep(10);
    const count = townB.requests.length;
    expect((await admin('routes')).json).toEqual({ count: 0, items: [] });
    expect(sim.state.forwarding.outstanding).toBe(0);
    expect(sim.state.forwarding.activeWork).toBe(0);
    await sleep(200);
    expect(townB.requests).toHaveLength(count);
  });
});

describe('CS routing: contract and admin', () => {
  it('the 送信依頼 and 転入通知 schemas refuse an individualNumber field (400 naming it); nothing is forwarded', async () => {
    await registerBoth();
    const req = request();
    const n = notice();
    const cases: Array<[string, string, unknown, string]> = [
      [
        'certificate-requests',
        req.idempotencyKey,
        { ...req, request: { ...req.request, individualNumber: NUMBER } },
        '/request/individualNumber',
      ],
      ['certificate-requests', req.idempotencyKey, { ...req, individualNumber: NUMBER }, '/individualNumber'],
      [
        'move-in-notices',
        n.idempotencyKey,
        { ...n, notice: { ...n.notice, individualNumber: NUMBER } },
        '/notice/individualNumber',
      ],
    ];
    for (const [path, k, body, field] of cases) {
      const res = await fetch(`${sim.url}/cs/v1/${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', 'idempotency-key': k },
        body: JSON.stringify(body),
      });
      const text = await res.text();
      expect(res.status).toBe(400);
      expect(JSON.parse(text)).toMatchObject({ code: 'INVALID_MESSAGE' });
      expect(JSON.parse(text).errors).toContainEqual(expect.objectContaining({ field, rule: 'additionalProperties' }));
      expect(text).not.toContain(NUMBER);
    }
    const local = await failure(
      client.sendCertificateInfoRequest({
        ...req,
        request: { ...req.request, individualNumber: NUMBER },
      } as CertificateInfoRequest),
      CsRejectedError,
    );
    expect(local).toMatchObject({ code: 'INVALID_MESSAGE', httpStatus: undefined });
    expect(local.fields).toContainEqual({ field: '/request/individualNumber', rule: 'additionalProperties' });
    const localNotice = await failure(
      client.sendMoveInNotice({ ...n, notice: { ...n.notice, individualNumber: NUMBER } } as MoveInNotice),
      CsRejectedError,
    );
    expect(localNotice.fields).toContainEqual({ field: '/notice/individualNumber', rule: 'additionalProperties' });
    await sleep(100);
    expect(await received('certificate-requests')).toHaveLength(0);
    expect(await received('move-in-notices')).toHaveLength(0);
    expect(townA.requests).toHaveLength(0);
  });

  it('the new endpoints check the 個人番号 check digit, the token, faults, key reuse and sender ≠ addressee', async () => {
    await registerBoth();
    const raw = new CsHttpClient({ baseUrl: sim.url, token: TOKEN, validateOutgoing: false });
    const m = certificate();
    const badNumber = await failure(
      raw.sendMoveOutCertificateInfo({ ...m, certificate: { ...m.certificate, individualNumber: '123456789019' } }),
      CsRejectedError,
    );
    expect(badNumber).toMatchObject({ code: 'INVALID_MESSAGE', httpStatus: 400 });
    expect(badNumber.fields).toContainEqual({ field: '/certificate/individualNumber', rule: 'format' });
    expect(badNumber.message).not.toContain('123456789019');

    const unauthorised = await failure(
      new CsHttpClient({ baseUrl: sim.url, token: 'wrong-token' }).sendCertificateInfoRequest(request()),
      CsRejectedError,
    );
    expect(unauthorised).toMatchObject({ code: 'UNAUTHORIZED', httpStatus: 401 });

    await admin('faults', { failNext: 1 });
    expect((await failure(client.sendMoveOutCertificateInfo(m), CsUnavailableError)).httpStatus).toBe(503);
    expect(await received('move-out-certificates')).toHaveLength(0);
    await client.sendMoveOutCertificateInfo(m); // the retry with the same key is accepted
    const reused = await failure(
      client.sendMoveOutCertificateInfo(certificate({ key: m.idempotencyKey, code: '24846016224' })),
      CsRejectedError,
    );
    expect(reused).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED', httpStatus: 409 });
    const self = await failure(
      client.sendCertificateInfoRequest({ ...request(), toMunicipalityCode: B }),
      CsRejectedError,
    );
    expect(self).toMatchObject({ code: 'INVALID_MESSAGE', httpStatus: 422 });

    await eventually(() => expect(townB.delivered()).toHaveLength(1));
    await sleep(100);
    expect(townB.requests).toHaveLength(1);
    expect(townA.requests).toHaveLength(0);
  });

  it('validates route registration and lists routes without tokens', async () => {
    const bad: Array<[unknown, string]> = [
      [{ municipalityCode: '141501', inboundUrl: townA.inboundUrl, token: 'x-token-1' }, '/municipalityCode'],
      [{ municipalityCode: A, inboundUrl: 'ftp://example.test/in', token: 'x-token-1' }, '/inboundUrl'],
      [{ municipalityCode: A, inboundUrl: 'http://user:pw@example.test/in', token: 'x-token-1' }, '/inboundUrl'],
      [{ municipalityCode: A, inboundUrl: 'not a url', token: 'x-token-1' }, '/inboundUrl'],
      [{ municipalityCode: A, inboundUrl: townA.inboundUrl }, '/token'],
      [{ municipalityCode: A, inboundUrl: townA.inboundUrl, token: 'has space' }, '/token'],
      [{ municipalityCode: A, inboundUrl: townA.inboundUrl, token: 'x-token-1', extra: 1 }, '/extra'],
    ];
    for (const [body, field] of bad) {
      const res = await admin('routes', body);
      expect(res.status).toBe(400);
      expect(res.json.errors.map((e: { field: string }) => e.field)).toContain(field);
    }
    const created = await route(A, townA);
    expect(created.status).toBe(201);
    expect(created.json).toEqual({
      municipalityCode: A,
      inboundUrl: townA.inboundUrl,
      registeredAt: expect.any(String),
    });
    await route(B, townB);
    const replaced = await admin('routes', {
      municipalityCode: A,
      inboundUrl: `${townA.inboundUrl}/`,
      token: 'town-a-new-token',
    });
    expect(replaced.status).toBe(200);
    const list = await admin('routes');
    expect(list.json).toEqual({
      count: 2,
      items: [
        { municipalityCode: B, inboundUrl: townB.inboundUrl, registeredAt: expect.any(String) },
        { municipalityCode: A, inboundUrl: townA.inboundUrl, registeredAt: expect.any(String) },
      ],
    });
    for (const t of [townA.token, townB.token, 'town-a-new-token'])
      expect(list.text + created.text + replaced.text).not.toContain(t);
    expect((await fetch(`${sim.url}/cs/v1/_admin/routes`)).status).toBe(401);
  });
});

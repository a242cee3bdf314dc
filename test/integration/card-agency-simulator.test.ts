/**
 * J-LIS card management simulator over real HTTP. Messages go through CardAgencyHttpClient only; admin endpoints
 * (received, faults) through raw fetch. No mocks. Each test gets its own simulator on a free port, with a clock that
 * runs in real time from a settable Japan-time date (the 90-day rule needs "today"; outages need time to pass).
 */
import express from 'express';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { jstStartOfDay } from '../../src/domain/dates';
import {
  CardAgencyRejectedError,
  CardAgencyUnavailableError,
  type CardEvent,
  type CardEventType,
  type ContinuedUseRequest,
} from '../../src/partners/card-agency';
import { CardAgencyHttpClient } from '../../src/partners/card-agency-http-client';
import { startCardAgencySimulator, type RunningCardAgencySimulator } from '../../src/partners/card-agency-simulator';
import { PartnerRejectedError } from '../../src/partners/partner-errors';
import { listen } from '../../src/partners/sim/server';

const TOKEN = 'test-token-jlis';
const US = '141500'; // Sagamihara
const OTHER = '131041'; // Shinjuku
const CODE = '24727059608';
const CODE_2 = '24846016224';
const ADDRESS = '神奈川県相模原市中央区中央二丁目十一番十五号';
const NUMBER = '123456789018';

let offsetMs = 0;
const now = (): Date => new Date(Date.now() + offsetMs);
/** Sets the simulator's clock to noon JST of `date`; the clock keeps running. */
const setToday = (date: string): void => {
  offsetMs = jstStartOfDay(date).getTime() + 12 * 3600_000 - Date.now();
};

let logLines: string[];
let sim: RunningCardAgencySimulator;
let client: CardAgencyHttpClient;
beforeEach(async () => {
  setToday('2025-05-01');
  logLines = [];
  sim = await startCardAgencySimulator({ token: TOKEN, now, log: (l) => logLines.push(l) });
  client = new CardAgencyHttpClient({ baseUrl: sim.url, token: TOKEN, timeoutMs: 2000 });
});
afterEach(async () => {
  await sim.close();
});

let keySeq = 0;
const newKey = (p: string): string => `${p}-${++keySeq}-${Date.now()}`;
const continuedUse = (o: Partial<ContinuedUseRequest> = {}): ContinuedUseRequest => ({
  municipalityCode: US,
  idempotencyKey: newKey('cu'),
  residentRecordCode: CODE,
  newAddress: ADDRESS,
  moveInDate: '2025-04-10',
  notificationDate: '2025-04-17',
  ...o,
});
const cardEvent = (seq: number, event: CardEventType = 'ISSUED', o: Partial<CardEvent> = {}): CardEvent => ({
  municipalityCode: US,
  idempotencyKey: newKey('ev'),
  sequenceNumber: seq,
  residentRecordCode: CODE,
  event,
  eventDate: '2025-04-20',
  ...o,
});

const admin = async (path: string, body?: unknown): Promise<{ status: number; json: any }> => {
  const res = await fetch(`${sim.url}/jlis/v1/_admin/${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : undefined };
};
const received = async (kind: 'continued-use' | 'card-events'): Promise<any[]> =>
  (await admin(`received?kind=${kind}`)).json.items;

const failure = async (p: Promise<unknown>): Promise<unknown> =>
  p.then(
    () => undefined,
    (e: unknown) => e,
  );
const rejection = async (p: Promise<unknown>): Promise<CardAgencyRejectedError> => {
  const err = await failure(p);
  expect(err).toBeInstanceOf(CardAgencyRejectedError);
  return err as CardAgencyRejectedError;
};
const unavailable = async (p: Promise<unknown>): Promise<CardAgencyUnavailableError> => {
  const err = await failure(p);
  expect(err).toBeInstanceOf(CardAgencyUnavailableError);
  return err as CardAgencyUnavailableError;
};
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('J-LIS simulator: 継続利用', () => {
  it('accepts a request and stores it', async () => {
    const r = continuedUse();
    const ack = await client.requestContinuedUse(r);
    expect(ack.duplicate).toBe(false);
    expect(ack.requestId).toMatch(/^JLIS-/);
    expect(Number.isNaN(Date.parse(ack.receivedAt))).toBe(false);
    expect(await received('continued-use')).toEqual([
      { requestId: ack.requestId, receivedAt: ack.receivedAt, idempotencyKey: r.idempotencyKey, body: r },
    ]);
  });

  it('answers a resend with the same key with the same ack, stores it once, and refuses the key for another body', async () => {
    const r = continuedUse();
    const first = await client.requestContinuedUse(r);
    expect(await client.requestContinuedUse({ ...r })).toEqual({ ...first, duplicate: true });
    expect(await received('continued-use')).toHaveLength(1);
    const reused = await rejection(client.requestContinuedUse({ ...r, newAddress: '相模原市緑区橋本1-1' }));
    expect(reused).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED', httpStatus: 409, permanent: true });
    expect(reused).toBeInstanceOf(PartnerRejectedError);
    expect(reused.name).toBe('CardAgencyRejectedError');
    expect(await received('continued-use')).toHaveLength(1);
  });

  it('enforces 90 days from the 転入届 (domain.md §10.2: 04-17 → last day 07-16); a resend after the deadline is still its ack', async () => {
    setToday('2025-07-16');
    // the period runs from the 転入届 (notificationDate), not from the 転入日: moveInDate is 106 days back here
    const inTime = continuedUse({ moveInDate: '2025-04-01', notificationDate: '2025-04-17' });
    const ack = await client.requestContinuedUse(inTime);
    setToday('2025-07-17');
    const late = await rejection(
      client.requestContinuedUse(continuedUse({ residentRecordCode: CODE_2, notificationDate: '2025-04-17' })),
    );
    expect(late).toMatchObject({ code: 'CONTINUED_USE_DEADLINE_PASSED', httpStatus: 422, permanent: true });
    expect(await client.requestContinuedUse(inTime)).toEqual({ ...ack, duplicate: true });
    expect(await received('continued-use')).toHaveLength(1);
  });

  it('honours a configured period and refuses impossible dates naming the field', async () => {
    const short = await startCardAgencySimulator({ token: TOKEN, now, continuedUseDays: 30 });
    try {
      setToday('2025-05-18');
      const c = new CardAgencyHttpClient({ baseUrl: short.url, token: TOKEN });
      expect((await rejection(c.requestContinuedUse(continuedUse()))).code).toBe('CONTINUED_USE_DEADLINE_PASSED');
      setToday('2025-05-17');
      expect((await c.requestContinuedUse(continuedUse())).duplicate).toBe(false);
    } finally {
      await short.close();
    }
    setToday('2025-05-01');
    const before = await rejection(client.requestContinuedUse(continuedUse({ moveInDate: '2025-04-18' })));
    expect(before).toMatchObject({ code: 'INVALID_MESSAGE', httpStatus: 422 });
    expect(before.fields).toEqual([{ field: '/notificationDate', rule: 'notBeforeMoveInDate' }]);
    const future = await rejection(client.requestContinuedUse(continuedUse({ notificationDate: '2025-05-02' })));
    expect(future.fields).toEqual([{ field: '/notificationDate', rule: 'notAfterToday' }]);
    expect(await received('continued-use')).toHaveLength(0);
  });
});

describe('J-LIS simulator: card events', () => {
  it('accepts events in order per person, de-duplicates resends, and refuses out-of-order numbers', async () => {
    const issued = cardEvent(1, 'ISSUED');
    const ack = await client.reportCardEvent(issued);
    expect(await client.reportCardEvent(issued)).toEqual({ ...ack, duplicate: true });
    await client.reportCardEvent(cardEvent(2, 'SUSPENSION_LIFTED'));
    for (const seq of [2, 1]) {
      const err = await rejection(client.reportCardEvent(cardEvent(seq, 'CANCELLED')));
      expect(err).toMatchObject({ code: 'SEQUENCE_OUT_OF_ORDER', httpStatus: 409 });
    }
    await client.reportCardEvent(cardEvent(5, 'CANCELLED')); // gaps are allowed
    // separate streams: another person, and another municipality for the same person (after a move)
    await client.reportCardEvent(cardEvent(1, 'ISSUED', { residentRecordCode: CODE_2 }));
    await client.reportCardEvent(cardEvent(1, 'ISSUED', { municipalityCode: OTHER }));
    const items = await received('card-events');
    expect(
      items.map((i) => [i.body.municipalityCode, i.body.residentRecordCode, i.body.sequenceNumber, i.body.event]),
    ).toEqual([
      [US, CODE, 1, 'ISSUED'],
      [US, CODE, 2, 'SUSPENSION_LIFTED'],
      [US, CODE, 5, 'CANCELLED'],
      [US, CODE_2, 1, 'ISSUED'],
      [OTHER, CODE, 1, 'ISSUED'],
    ]);
    const reused = await rejection(client.reportCardEvent({ ...issued, event: 'RETURNED' }));
    expect(reused.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(
      (await rejection(client.reportCardEvent(cardEvent(6, 'RETURNED', { eventDate: '2025-05-02' })))).fields,
    ).toEqual([{ field: '/eventDate', rule: 'notAfterToday' }]);
  });

  it('names the offending fields of schema errors, server side and locally; stores nothing', async () => {
    const bad = {
      ...cardEvent(1),
      event: 'LOST',
      residentRecordCode: '1234',
      sequenceNumber: 0,
    } as unknown as CardEvent;
    const raw = new CardAgencyHttpClient({ baseUrl: sim.url, token: TOKEN, validateOutgoing: false });
    const server = await rejection(raw.reportCardEvent(bad));
    expect(server).toMatchObject({ code: 'INVALID_MESSAGE', httpStatus: 400 });
    expect(server.fields).toEqual(
      expect.arrayContaining([
        { field: '/event', rule: 'enum' },
        { field: '/residentRecordCode', rule: 'pattern' },
        { field: '/sequenceNumber', rule: 'minimum' },
      ]),
    );
    expect(server.message).toContain('/residentRecordCode');
    const local = await rejection(client.reportCardEvent(bad));
    expect(local.httpStatus).toBeUndefined();
    expect(local.fields).toContainEqual({ field: '/event', rule: 'enum' });

    // no 個人番号 in a 継続利用 request: a stray one is refused, not forwarded
    const smuggled = { ...continuedUse(), individualNumber: NUMBER } as ContinuedUseRequest;
    expect((await rejection(raw.requestContinuedUse(smuggled))).fields).toEqual([
      { field: '/individualNumber', rule: 'additionalProperties' },
    ]);
    const missing = { ...continuedUse(), moveInDate: undefined } as unknown as ContinuedUseRequest;
    expect((await rejection(raw.requestContinuedUse(missing))).fields).toEqual([
      { field: '/moveInDate', rule: 'required' },
    ]);
    expect(await received('card-events')).toHaveLength(0);
    expect(await received('continued-use')).toHaveLength(0);
  });

  it('answers 401 to a bad token; health needs none', async () => {
    const bad = new CardAgencyHttpClient({ baseUrl: sim.url, token: 'wrong' });
    expect(await rejection(bad.reportCardEvent(cardEvent(1)))).toMatchObject({ code: 'UNAUTHORIZED', httpStatus: 401 });
    expect(await rejection(bad.requestContinuedUse(continuedUse()))).toMatchObject({
      code: 'UNAUTHORIZED',
      httpStatus: 401,
    });
    expect((await fetch(`${sim.url}/jlis/v1/_admin/received?kind=card-events`)).status).toBe(401);
    expect(await (await fetch(`${sim.url}/jlis/v1/health`)).json()).toEqual({ status: 'ok' });
    expect(await received('card-events')).toHaveLength(0);
  });
});

describe('J-LIS simulator: faults', () => {
  it('failNext 2 → two CardAgencyUnavailableError, then success; failed calls store nothing', async () => {
    expect((await admin('faults', { failNext: 2 })).json).toMatchObject({ failNext: 2 });
    const e = cardEvent(1);
    for (let i = 0; i < 2; i++) {
      const err = await unavailable(client.reportCardEvent(e));
      expect(err).toMatchObject({ httpStatus: 503, name: 'CardAgencyUnavailableError' });
      expect(err.message).toContain('JLIS_UNAVAILABLE');
    }
    expect(await received('card-events')).toHaveLength(0);
    expect((await client.reportCardEvent(e)).duplicate).toBe(false);
    expect(await received('card-events')).toHaveLength(1);
    expect((await admin('faults')).json.failNext).toBe(0);
  });

  it('outage window: every call 503 with Retry-After inside it, success after it', async () => {
    await admin('faults', { outage: { durationMs: 300 } });
    expect((await unavailable(client.requestContinuedUse(continuedUse()))).retryAfterMs).toBeGreaterThan(0);
    await unavailable(client.reportCardEvent(cardEvent(1)));
    await sleep(350);
    expect((await client.reportCardEvent(cardEvent(1))).duplicate).toBe(false);
    expect((await admin('faults', { clear: true })).json).toEqual({ failNext: 0, delayMs: 0, outage: null });
    expect((await admin('faults', { outage: {} })).status).toBe(400);
    expect((await admin('received?kind=everything')).status).toBe(400);
  });

  it('maps an unreachable J-LIS to CardAgencyUnavailableError', async () => {
    const gone = sim;
    sim = await startCardAgencySimulator({ token: TOKEN }); // closed by afterEach
    await gone.close();
    const err = await unavailable(
      new CardAgencyHttpClient({ baseUrl: gone.url, token: TOKEN }).reportCardEvent(cardEvent(1)),
    );
    expect(err.message).toContain('network error');
  });
});

describe('J-LIS simulator: privacy', () => {
  it('never puts personal data in errors, error bodies or log lines', async () => {
    const personal = [CODE, CODE_2, ADDRESS, NUMBER, '2025-04-10', '2025-04-17', '2025-04-20'];
    const raw = new CardAgencyHttpClient({ baseUrl: sim.url, token: TOKEN, validateOutgoing: false });
    const first = continuedUse();
    await client.requestContinuedUse(first);
    await client.reportCardEvent(cardEvent(1));
    // failure() attaches the handler at once: the five run together and one may fail before the loop awaits it
    const errors: unknown[] = [];
    for (const p of [
      client.requestContinuedUse({ ...first, newAddress: `${ADDRESS}別館` }), // key reused
      client.reportCardEvent(cardEvent(1, 'CANCELLED')), // out of order
      raw.requestContinuedUse({
        ...continuedUse({ residentRecordCode: `${CODE}9` }),
        individualNumber: NUMBER,
      } as ContinuedUseRequest),
      raw.reportCardEvent(cardEvent(2, 'ISSUED', { eventDate: '2025-02-29', residentRecordCode: `x${CODE}` })),
      new CardAgencyHttpClient({ baseUrl: sim.url, token: CODE }).reportCardEvent(cardEvent(3)),
    ].map(failure))
      errors.push(await p);
    setToday('2025-09-01');
    errors.push(await failure(client.requestContinuedUse(continuedUse({ residentRecordCode: CODE_2 })))); // deadline
    await admin('faults', { failNext: 1 });
    errors.push(await failure(client.reportCardEvent(cardEvent(4))));
    expect(errors.every((e) => e instanceof Error)).toBe(true);

    // raw answer bodies too: the client reads only codes and field paths, the bodies must be clean on their own
    const bodies: string[] = [];
    const late = continuedUse({ residentRecordCode: CODE_2 });
    const outOfOrder = cardEvent(1, 'RETURNED');
    for (const [path, body, status] of [
      ['continued-use', { ...continuedUse(), extra: ADDRESS }, 400],
      ['continued-use', `{"newAddress": "${ADDRESS}`, 400],
      ['continued-use', late, 422],
      ['continued-use', { ...first, newAddress: `${ADDRESS}別館` }, 409],
      ['card-events', outOfOrder, 409],
    ] as const) {
      const key = typeof body === 'string' ? 'raw-key-0001' : body.idempotencyKey;
      const res = await fetch(`${sim.url}/jlis/v1/${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', 'idempotency-key': key },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      });
      expect(res.status).toBe(status);
      bodies.push(await res.text());
    }
    const texts = [
      ...errors.map((e) => `${(e as Error).message} ${JSON.stringify(e)} ${(e as Error).stack ?? ''}`),
      ...bodies,
      ...logLines,
    ];
    expect(logLines.length).toBeGreaterThanOrEqual(5);
    for (const t of texts) for (const p of personal) expect(t).not.toContain(p);
  });
});

describe('card production and 一時停止 calls to the city', () => {
  /** A city inbound endpoint over real HTTP that records what J-LIS posts and answers `status`. */
  async function city(status = 202) {
    const got: Array<{ path: string; auth?: string; body: any }> = [];
    const app = express();
    app.use(express.json());
    app.post('/jlis-inbound/v1/:kind', (req, res) => {
      got.push({ path: req.params.kind, auth: req.get('authorization'), body: req.body });
      res.status(status).json({});
    });
    const server = await listen(app, {});
    return { got, url: `${server.url}/jlis-inbound/v1`, close: () => server.close() };
  }
  const admin = async (path: string, body: unknown) => {
    const res = await fetch(`${sim.url}/jlis/v1/_admin/${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: res.status, json: (await res.json()) as any };
  };

  it('reports a produced card after its delay, a 一時停止, and applies the report faults (drop, duplicate, resend as new)', async () => {
    const c = await city();
    try {
      const INBOUND_TOKEN = 'city-inbound-token-0123456789';
      sim.state.numbers.routes.set(US, { municipalityCode: US, inboundUrl: c.url, token: INBOUND_TOKEN });
      const produced = await admin('produce-card', { municipalityCode: US, residentRecordCode: CODE, delayMs: 50 });
      expect(produced.status).toBe(202);
      expect(produced.json.cardId).toMatch(/^[A-Z0-9]{8,32}$/);
      expect(c.got).toEqual([]); // not before the delay
      await sim.state.production.settled();
      expect(c.got).toEqual([
        {
          path: 'cards-produced',
          auth: `Bearer ${INBOUND_TOKEN}`,
          body: {
            messageId: produced.json.messageId,
            municipalityCode: US,
            cardId: produced.json.cardId,
            residentRecordCode: CODE,
            producedOn: '2025-05-01',
            hasSigningCert: true,
          },
        },
      ]);

      expect((await admin('report-faults', { noReportNext: 1, duplicateNext: 1, resendAsNewNext: 1 })).status).toBe(
        200,
      );
      await admin('produce-card', { municipalityCode: US, residentRecordCode: CODE_2 }); // dropped
      await sim.state.production.settled();
      expect(c.got).toHaveLength(1);
      const suspended = await admin('suspend-card', { municipalityCode: US, cardId: produced.json.cardId });
      await sim.state.production.settled();
      const calls = c.got.slice(1);
      expect(calls.map((g) => [g.path, g.body.messageId])).toEqual([
        ['card-suspensions', suspended.json.messageId],
        ['card-suspensions', suspended.json.messageId],
        ['card-suspensions', `${suspended.json.messageId}-R`],
      ]);
      expect(calls[0]!.body).toEqual({
        messageId: suspended.json.messageId,
        municipalityCode: US,
        cardId: produced.json.cardId,
        eventDate: '2025-05-01',
      });
      const reports = (await (
        await fetch(`${sim.url}/jlis/v1/_admin/received?kind=card-reports`, {
          headers: { authorization: `Bearer ${TOKEN}` },
        })
      ).json()) as any;
      expect(reports.items.map((r: any) => r.fault ?? null)).toEqual([
        null,
        'noReport',
        null,
        'duplicate',
        'resendAsNew',
      ]);

      const bad = await admin('produce-card', { municipalityCode: US, residentRecordCode: CODE, pin: '1234' });
      expect(bad.status).toBe(400);
      expect(JSON.stringify(bad.json)).not.toContain('1234');
    } finally {
      await c.close();
    }
  });
});

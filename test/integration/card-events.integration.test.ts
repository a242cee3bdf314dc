import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CardEventRecord, MyNumberCard, Resident } from '../../src/db/entities';
import { withMunicipalityCheckDigit } from '../../src/domain/check-digits';
import { CardStatus } from '../../src/domain/registry-values';
import { CardAgencyHttpClient } from '../../src/partners/card-agency-http-client';
import { moveInApplication, mover, today } from '../support/fixtures';
import { eventually, freshMariaDbUrl, startTestSystem, type TestSystem } from '../support/system-harness';

const sqliteUrl = () => `sqlite:${join(mkdtempSync(join(tmpdir(), 'juki-it-')), 'registry.sqlite')}`;

/**
 * Card status events and the 継続利用 on real parts (domain spec §4.8 items 5 and 6): the API, the worker on the dev
 * server, the J-LIS simulator over HTTP — its received list is the proof.
 */
// two towns on the shared dev server: their per-person senders (card-events/<town>/<宛名番号>) must not meet
describe.each([
  ['SQLite', sqliteUrl, withMunicipalityCheckDigit('13201')],
  ['MariaDB', freshMariaDbUrl, withMunicipalityCheckDigit('13202')],
])('card events and 継続利用 through the J-LIS simulator (%s)', (_db, url, municipalityCode) => {
  let sys: TestSystem;
  let clerk: string;
  let approver: string;
  beforeAll(async () => {
    sys = await startTestSystem(url(), { config: { municipalityCode } });
    clerk = await sys.login('clerk1');
    approver = await sys.login('approver1');
  });
  afterAll(async () => sys?.close());

  const jlisAdmin = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${sys.jlisUrl}/jlis/v1/_admin/${path}`, {
      method,
      headers: { authorization: `Bearer ${sys.config.jlisToken}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return res.status === 204 ? undefined : ((await res.json()) as any);
  };
  const received = async (kind: 'continued-use' | 'card-events', residentRecordCode: string) =>
    ((await jlisAdmin('GET', `received?kind=${kind}`)).items as Array<{ idempotencyKey: string; body: any }>).filter(
      (m) => m.body.residentRecordCode === residentRecordCode,
    );
  const em = () => sys.orm.em.fork();
  const suspension = (cardId: string, messageId = `JLIS-SUS-${randomUUID()}`) =>
    fetch(`${sys.apiUrl}/jlis-inbound/v1/card-suspensions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${sys.config.jlisInboundToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ messageId, municipalityCode: sys.config.municipalityCode, cardId, eventDate: today() }),
    }).then(async (r) => ({ status: r.status, json: (await r.json()) as any }));
  const cardEvent = (cardId: string, body: unknown, token = clerk) =>
    sys.api('POST', `/api/cards/${cardId}/events`, { token, body, headers: { 'x-request-id': randomUUID() } });
  const lifting = {
    kind: 'SUSPENSION_LIFTED',
    eventDate: today(),
    identityCheck: { document: { type: 'myNumberCard' }, writtenApplication: true },
  };

  it('a 転入 of three: one 継続利用 per card holder, none for the child without a card; the cards end ISSUED', async () => {
    const app = moveInApplication();
    app.movers[0]!.cardPresented = true;
    app.movers[1]!.cardPresented = true;
    app.movers.push(
      mover({ givenName: '一郎', givenNameKana: 'イチロウ', birthDate: '2016-04-01', relationshipToHead: '子' }),
    );
    const r = await sys.api('POST', '/api/cases/move-in', {
      token: clerk,
      body: app,
      headers: { 'idempotency-key': randomUUID() },
    });
    expect(r.status).toBe(201);
    await jlisAdmin('POST', 'faults', { failNext: 2 }); // J-LIS down for the first calls
    expect((await sys.api('POST', `/api/cases/${r.json.caseId}/approve`, { token: approver })).status).toBe(200);
    await eventually(async () => {
      const c = await sys.api('GET', `/api/cases/${r.json.caseId}`, { token: clerk });
      return c.json?.status === 'COMPLETED' ? true : undefined;
    }, 90_000);

    const [head, spouse, child] = app.movers;
    for (const m of [head!, spouse!]) {
      const got = await received('continued-use', m.residentRecordCode);
      expect(got).toHaveLength(1);
      expect(got[0]!.body).toMatchObject({ moveInDate: app.moveInDate, notificationDate: today() });
      expect((await em().findOneOrFail(Resident, { residentRecordCode: m.residentRecordCode })).cardStatus).toBe(
        'ISSUED',
      );
      const card = await em().findOneOrFail(MyNumberCard, { residentRecordCode: m.residentRecordCode });
      expect(
        (await em().find(CardEventRecord, { cardId: card.cardId }, { orderBy: { id: 'asc' } })).map((e) => e.kind),
      ).toEqual(['CONTINUED_USE_PENDING', 'CONTINUED_USE']);
    }
    expect(await received('continued-use', child!.residentRecordCode)).toHaveLength(0);
    expect((await em().findOneOrFail(Resident, { residentRecordCode: child!.residentRecordCode })).cardStatus).toBe(
      'NONE',
    );
    expect(await em().count(MyNumberCard, { residentRecordCode: child!.residentRecordCode })).toBe(0);
  });

  it('一時停止 (J-LIS, twice delivered) → 解除 (counter) → 回収 → 廃止: each reported once, in order; a resend is a duplicate ack, an older sequence refused', async () => {
    const resident = await em().findOneOrFail(
      Resident,
      { cardStatus: 'ISSUED' },
      { orderBy: { addresseeNumber: 'asc' } },
    );
    const code = resident.residentRecordCode!;
    const cardId = (await em().findOneOrFail(MyNumberCard, { residentRecordCode: code })).cardId;

    const messageId = `JLIS-SUS-${randomUUID()}`;
    expect(await suspension(cardId, messageId)).toMatchObject({ status: 202, json: { status: 'SUSPENDED' } });
    expect(await suspension(cardId, messageId)).toMatchObject({ status: 200, json: { duplicate: true } });
    expect((await em().findOneOrFail(Resident, { residentRecordCode: code })).cardStatus).toBe('SUSPENDED');

    await jlisAdmin('POST', 'faults', { failNext: 3 }); // an outage while the 解除 is sent
    const lifted = await cardEvent(cardId, lifting);
    expect(lifted).toMatchObject({
      status: 201,
      json: { kind: 'SUSPENSION_LIFTED', status: 'ISSUED', sequenceNumber: 1 },
    });
    expect((await cardEvent(cardId, { kind: 'COLLECTED', eventDate: today() })).json.sequenceNumber).toBe(2);
    const cancelled = await cardEvent(cardId, { kind: 'CANCELLED', reason: 'SURRENDER', eventDate: today() });
    expect(cancelled.json).toMatchObject({ status: 'CANCELLED', sequenceNumber: 3 });

    const events = await eventually(async () => {
      const got = await received('card-events', code);
      return got.length >= 3 ? got : undefined;
    }, 60_000);
    await new Promise((r) => setTimeout(r, 500));
    expect((await received('card-events', code)).map((e) => [e.body.sequenceNumber, e.body.event])).toEqual([
      [1, 'SUSPENSION_LIFTED'],
      [2, 'COLLECTED'],
      [3, 'CANCELLED'],
    ]);
    expect(events[2]!.body.reason).toBe('SURRENDER');
    expect(await em().count(CardEventRecord, { cardId, sentAt: null, sequenceNumber: { $ne: null } })).toBe(0);

    // at the simulator: a resend of an accepted event is its original ack (duplicate), an older 更新順番号 is refused;
    // our sender never produces either (above: each once, in order)
    const client = new CardAgencyHttpClient({ baseUrl: sys.jlisUrl, token: sys.config.jlisToken });
    const resent = await client.reportCardEvent(events[1]!.body);
    expect(resent).toMatchObject({ duplicate: true });
    const older = await client
      .reportCardEvent({ ...events[0]!.body, idempotencyKey: `${events[0]!.body.idempotencyKey}-again` })
      .catch((e: unknown) => e);
    expect(older).toMatchObject({ code: 'SEQUENCE_OUT_OF_ORDER' });
    expect(await received('card-events', code)).toHaveLength(3);
  });

  it('bad input changes nothing and sends nothing: schema, rules, roles, unknown card, forbidden transitions', async () => {
    const resident = await em().findOneOrFail(
      Resident,
      { cardStatus: 'ISSUED' },
      { orderBy: { addresseeNumber: 'desc' } },
    );
    const code = resident.residentRecordCode!;
    const cardId = (await em().findOneOrFail(MyNumberCard, { residentRecordCode: code })).cardId;
    const before = await em().count(CardEventRecord, {});
    const refusals: Array<[unknown, number, string, string?]> = [
      [{ kind: 'CANCELLED', eventDate: today() }, 400, 'VALIDATION_FAILED', '/reason'],
      [{ kind: 'SUSPENSION_LIFTED', eventDate: today() }, 400, 'VALIDATION_FAILED', '/identityCheck'],
      [
        { ...lifting, identityCheck: { document: { type: 'myNumberCard' }, writtenApplication: false } },
        400,
        'VALIDATION_FAILED',
        '/identityCheck/writtenApplication',
      ],
      [{ kind: 'COLLECTED', eventDate: today(), pin: '1234' }, 400, 'VALIDATION_FAILED', '/pin'],
      [{ kind: 'SUSPENDED', eventDate: today() }, 400, 'VALIDATION_FAILED', '/kind'],
      [{ kind: 'COLLECTED', eventDate: '2999-01-01' }, 422, 'VALIDATION_FAILED', '/eventDate'],
      [{ kind: 'COLLECTED', reason: 'DEATH', eventDate: today() }, 422, 'VALIDATION_FAILED', '/reason'],
      [lifting, 409, 'CARD_STATE', '/kind'], // not suspended
    ];
    for (const [body, status, error, field] of refusals) {
      const r = await cardEvent(cardId, body);
      expect([r.status, r.json.error], JSON.stringify(body)).toEqual([status, error]);
      if (field) expect(r.json.errors.map((e: { field: string }) => e.field)).toContain(field);
      expect(JSON.stringify(r.json)).not.toContain('1234');
    }
    expect((await cardEvent('NOSUCHCARD1', { kind: 'COLLECTED', eventDate: today() })).status).toBe(404);
    const onlyApprover = await sys.login('approver2');
    expect((await cardEvent(cardId, { kind: 'COLLECTED', eventDate: today() }, onlyApprover)).status).toBe(403);
    expect((await suspension('NOSUCHCARD1')).status).toBe(404);
    expect(await em().count(CardEventRecord, {})).toBe(before);
    expect((await em().findOneOrFail(MyNumberCard, { cardId })).status).toBe(CardStatus.ISSUED);
    expect(await received('card-events', code)).toHaveLength(0);
  });
});

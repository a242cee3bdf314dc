import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, toWareki } from '../../src/domain/dates';
import { CardStatus } from '../../src/domain/registry-values';
import { CardTransitionError, recordCardEvent } from '../../src/db/cards';
import { AuditLog, CardEventRecord, CaseApplication, CaseRecord, MyNumberCard, Resident } from '../../src/db/entities';
import { seedParents } from '../support/birth-fixtures';
import { handover, newTestCardId } from '../support/card-fixtures';
import { randomResidentRecordCode, today } from '../support/fixtures';
import { compact, pdfBytesText } from '../support/pdf-text';
import { caseStatus, eventually, freshMariaDbUrl, startTestSystem, type TestSystem } from '../support/system-harness';

const sqliteUrl = () => `sqlite:${join(mkdtempSync(join(tmpdir(), 'juki-it-')), 'registry.sqlite')}`;

/**
 * 個人番号カードの交付 on real parts (domain spec §4.8): the J-LIS simulator produces the card and reports it to the
 * city's /jlis-inbound over HTTP → the case, the 交付通知書 PDF → the clerk's handover → 決裁 → the 交付 event reaches
 * J-LIS exactly once through an outage; repeated and late production reports change nothing; bad input is refused
 * naming the field, with nothing stored.
 */
describe.each([
  ['SQLite', sqliteUrl],
  ['MariaDB', freshMariaDbUrl],
])('個人番号カード交付 through the J-LIS simulator (%s)', (_db, url) => {
  let sys: TestSystem;
  let clerk: string;
  let approver: string;
  let holder: Resident;
  const jlisAdmin = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${sys.jlisUrl}/jlis/v1/_admin/${path}`, {
      method,
      headers: { authorization: `Bearer ${sys.config.jlisToken}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return res.status === 204 ? undefined : ((await res.json()) as any);
  };
  const inbound = (path: string, body: unknown) =>
    sys.api('POST', `/jlis-inbound/v1/${path}`, {
      body,
      headers: { authorization: `Bearer ${sys.config.jlisInboundToken}` },
    });
  const eventsFor = async (code: string) =>
    ((await jlisAdmin('GET', 'received?kind=card-events')).items as Array<{ body: any }>)
      .map((m) => m.body)
      .filter((b) => b.residentRecordCode === code);
  const caseOfCard = (cardId: string) =>
    eventually(async () => (await sys.orm.em.fork().findOne(MyNumberCard, { cardId }))?.caseId ?? undefined, 30_000);

  beforeAll(async () => {
    sys = await startTestSystem(url());
    clerk = await sys.login('clerk1');
    approver = await sys.login('approver1');
    ({ head: holder } = await seedParents(sys.orm));
  });
  afterAll(async () => sys?.close());

  it('production report (sent twice and again under a new ID) → one case, the 交付通知書, handover, 決裁, 交付 sent once through a J-LIS outage', async () => {
    const code = holder.residentRecordCode!;
    await jlisAdmin('POST', 'report-faults', { duplicateNext: 1, resendAsNewNext: 1 });
    const { cardId } = await jlisAdmin('POST', 'produce-card', {
      municipalityCode: sys.config.municipalityCode,
      residentRecordCode: code,
      hasSigningCert: true,
      delayMs: 100,
    });
    const caseId = await caseOfCard(cardId);
    await caseStatus(sys, clerk, caseId, 'AWAITING_REVIEW');
    const reports = await eventually(async () => {
      const r = ((await jlisAdmin('GET', 'received?kind=card-reports')).items as any[]).filter(
        (x) => x.report.message.cardId === cardId,
      );
      return r.length === 3 && r.every((x) => x.status) ? r : undefined;
    });
    expect(reports.map((r) => [r.fault ?? 'first', r.status])).toEqual([
      ['first', 202],
      ['duplicate', 200],
      ['resendAsNew', 200],
    ]);
    const em = sys.orm.em.fork();
    // one case, one card (this system's only card so far)
    expect(await em.count(CaseRecord, { procedure: 'CARD_ISSUANCE' })).toBe(1);
    expect(await em.count(MyNumberCard, {})).toBe(1);
    const card = await em.findOneOrFail(MyNumberCard, { cardId });
    expect(card).toMatchObject({ status: CardStatus.NOTICE_SENT, caseId, hasSigningCert: true });

    // the 交付通知書: the holder's name and address, the place, the deadline = the storage limit; no 個人番号
    const view = (await sys.api('GET', `/api/cases/${caseId}`, { token: clerk })).json;
    const notice = (view.certificates as Array<{ type: string; href: string }>).find(
      (c) => c.type === 'cardIssuanceNotice',
    );
    const text = compact(pdfBytesText((await sys.api('GET', notice!.href, { token: clerk })).buffer));
    expect(text).toContain('個人番号カード交付通知書');
    expect(text).toContain(compact(`${holder.familyName}${holder.givenName}`));
    expect(text).toContain(compact(holder.address));
    expect(text).toContain(compact(sys.config.cardPickup.place));
    expect(text).toContain(compact(`${toWareki(card.storageLimitDate!)}まで`));
    expect(text).not.toMatch(/\d{12}/);

    // a PIN in the handover: 400 naming it, nothing stored, the case still waits
    const withPin = await sys.api('POST', `/api/cases/${caseId}/confirm-review`, {
      token: clerk,
      body: { handover: { ...handover(), pin: '1234' } },
    });
    expect(withPin.status).toBe(400);
    expect(withPin.json.errors).toEqual([
      expect.objectContaining({ field: '/handover/pin', rule: 'additionalProperties' }),
    ]);
    expect(JSON.stringify(withPin.json)).not.toContain('1234');
    const app = async () => (await sys.orm.em.fork().findOneOrFail(CaseApplication, { caseId })).payload as any;
    expect((await app()).handover).toBeUndefined();
    // a handover without the PIN set: 422 naming the item
    const noPin = await sys.api('POST', `/api/cases/${caseId}/confirm-review`, {
      token: clerk,
      body: { handover: handover({ pinRegistered: false }) },
    });
    expect(noPin.status).toBe(422);
    expect(noPin.json.errors).toEqual([expect.objectContaining({ field: '/handover/pinRegistered' })]);
    expect((await app()).handover).toBeUndefined();

    const ok = await sys.api('POST', `/api/cases/${caseId}/confirm-review`, {
      token: clerk,
      body: { handover: handover() },
    });
    expect(ok.status).toBe(200);
    expect((await app()).handover).toMatchObject({ pinRegistered: true, recordedBy: 'clerk1' });
    await caseStatus(sys, clerk, caseId, 'AWAITING_APPROVAL');

    // J-LIS down for the first calls; the 交付 event still arrives once
    await jlisAdmin('POST', 'faults', { failNext: 3 });
    expect((await sys.api('POST', `/api/cases/${caseId}/approve`, { token: approver })).status).toBe(200);
    await caseStatus(sys, clerk, caseId, 'COMPLETED');
    expect(await eventsFor(code)).toEqual([
      expect.objectContaining({ event: 'ISSUED', sequenceNumber: 1, eventDate: today() }),
    ]);
    const issued = await sys.orm.em.fork().findOneOrFail(MyNumberCard, { cardId });
    expect(issued).toMatchObject({ status: CardStatus.ISSUED, issuedOn: today(), signingCertIssued: true });
    expect(issued.expiryDate).toMatch(/^\d{4}-04-02$/);
    expect(
      (await sys.orm.em.fork().findOneOrFail(Resident, { addresseeNumber: holder.addresseeNumber })).cardStatus,
    ).toBe(CardStatus.ISSUED);
    const events = await sys.orm.em.fork().find(CardEventRecord, { cardId }, { orderBy: { id: 'asc' } });
    expect(events.map((e) => e.kind)).toEqual(['PRODUCED', 'NOTICE_SENT', 'ISSUED']);
    expect(events[2]).toMatchObject({ sequenceNumber: 1, ackId: expect.stringMatching(/^JLIS-/) });

    // a late report of the same card (out of order: after the handover): 200 duplicate, nothing changes
    const late = await inbound('cards-produced', {
      messageId: 'JLIS-LATE-0001',
      municipalityCode: sys.config.municipalityCode,
      cardId,
      residentRecordCode: code,
      producedOn: today(),
      hasSigningCert: true,
    });
    expect(late.status).toBe(200);
    expect(late.json).toMatchObject({ duplicate: true, caseId });
    expect(await sys.orm.em.fork().findOneOrFail(MyNumberCard, { cardId })).toMatchObject({
      status: CardStatus.ISSUED,
    });
    expect(await eventsFor(code)).toHaveLength(1);

    // the card panel's data: the card with its events
    const detail = await sys.api('GET', `/api/cards/${cardId}`, { token: clerk });
    expect(detail.json).toMatchObject({
      cardId,
      status: 'ISSUED',
      events: [{ kind: 'PRODUCED' }, { kind: 'NOTICE_SENT' }, { kind: 'ISSUED' }],
    });
  });

  it('bad input: a PIN or unknown field in a J-LIS report, an unknown resident, an unknown card, a 交付 before AT_OFFICE — refused, nothing stored', async () => {
    const count = async () => ({
      cards: await sys.orm.em.fork().count(MyNumberCard, {}),
      events: await sys.orm.em.fork().count(CardEventRecord, {}),
      cases: await sys.orm.em.fork().count(CaseRecord, {}),
    });
    const before = await count();
    const base = {
      messageId: 'JLIS-BAD-00000001',
      municipalityCode: sys.config.municipalityCode,
      cardId: newTestCardId(),
      residentRecordCode: holder.residentRecordCode!,
      producedOn: today(),
      hasSigningCert: false,
    };
    const pin = await inbound('cards-produced', { ...base, pin: '123456' });
    expect(pin.status).toBe(400);
    expect(pin.json.errors).toEqual([expect.objectContaining({ field: '/pin', rule: 'additionalProperties' })]);
    const unknownResident = await inbound('cards-produced', {
      ...base,
      residentRecordCode: randomResidentRecordCode(),
    });
    expect(unknownResident.status).toBe(422);
    expect(unknownResident.json).toMatchObject({ error: 'UNKNOWN_RESIDENT' });
    const unauthenticated = await sys.api('POST', '/jlis-inbound/v1/cards-produced', { body: base });
    expect(unauthenticated.status).toBe(401);
    const suspension = await inbound('card-suspensions', { ...base, eventDate: today() });
    expect(suspension.status).toBe(400); // the schema is fixed: no residentRecordCode, producedOn, … in a 一時停止
    expect(await count()).toEqual(before);

    const openapi = (await sys.api('GET', '/api/openapi.json')).json;
    expect(Object.keys(openapi.paths)).toEqual(
      expect.arrayContaining(['/jlis-inbound/v1/cards-produced', '/jlis-inbound/v1/card-suspensions', '/api/cards']),
    );
    expect(openapi.components.schemas.CardHandoverStep.properties.handover.additionalProperties).toBe(false);

    const unknownCard = await sys.api('GET', `/api/cards/${newTestCardId()}`, { token: clerk });
    expect(unknownCard.status).toBe(404);
    expect(unknownCard.json.error).toBe('UNKNOWN_CARD');
    const badQueue = await sys.api('GET', '/api/cards?queue=everything', { token: clerk });
    expect(badQueue.status).toBe(400);
    expect(badQueue.json.errors).toEqual([expect.objectContaining({ field: '/queue', rule: 'enum' })]);

    // a card J-LIS has not reported as produced (APPLIED): a 交付 is refused by the transition table, nothing written
    const cardId = newTestCardId();
    const em = sys.orm.em.fork();
    em.persist(
      em.create(MyNumberCard, {
        cardId,
        addresseeNumber: holder.addresseeNumber,
        residentRecordCode: holder.residentRecordCode!,
        status: CardStatus.APPLIED,
        producedOn: today(),
        hasSigningCert: false,
        createdAt: new Date(),
        updatedAt: new Date(),
        version: 1,
      }),
    );
    await em.flush();
    const audits = await sys.orm.em.fork().count(AuditLog, {});
    await expect(
      sys.orm.em.fork().transactional((tx) =>
        recordCardEvent(tx, {
          cardId,
          kind: 'ISSUED',
          eventDate: today(),
          origin: 'COUNTER',
          recordedBy: 'clerk1',
          requestKey: `test:${cardId}:issued`,
          municipalityCode: sys.config.municipalityCode,
        }),
      ),
    ).rejects.toBeInstanceOf(CardTransitionError);
    expect(await sys.orm.em.fork().count(CardEventRecord, { cardId })).toBe(0);
    expect(await sys.orm.em.fork().findOneOrFail(MyNumberCard, { cardId })).toMatchObject({ status: 'APPLIED' });
    expect(await sys.orm.em.fork().count(AuditLog, {})).toBe(audits);
  });

  it('queues for the counter: 本日の交付予定, 保管期限間近, 更新 (expiring within 3 months), each listed person audited', async () => {
    const { wife } = await seedParents(sys.orm);
    const em = sys.orm.em.fork();
    const day = today();
    const card = (status: string, over: Partial<MyNumberCard>) =>
      em.create(MyNumberCard, {
        cardId: newTestCardId(),
        addresseeNumber: wife.addresseeNumber,
        residentRecordCode: wife.residentRecordCode!,
        status: status as CardStatus,
        producedOn: addDays(day, -60),
        hasSigningCert: false,
        createdAt: new Date(),
        updatedAt: new Date(),
        version: 1,
        ...over,
      });
    const waitingLong = card(CardStatus.NOTICE_SENT, { storageLimitDate: addDays(day, 60) });
    const waitingShort = card(CardStatus.NOTICE_SENT, { storageLimitDate: addDays(day, 10) });
    const renewing = card(CardStatus.ISSUED, { issuedOn: '2017-01-10', expiryDate: addDays(day, 80) });
    const notYet = card(CardStatus.ISSUED, { issuedOn: '2020-01-10', expiryDate: addDays(day, 120) });
    const cancelled = card(CardStatus.CANCELLED, { expiryDate: addDays(day, 10), storageLimitDate: addDays(day, 5) });
    em.persist([waitingLong, waitingShort, renewing, notYet, cancelled]);
    await em.flush();
    const mine = async (queue: string) => {
      const r = await sys.api('GET', `/api/cards?queue=${queue}`, { token: clerk });
      expect(r.status).toBe(200);
      return (r.json.items as Array<{ cardId: string; name: string }>).filter((i) =>
        [waitingLong, waitingShort, renewing, notYet, cancelled].some((c) => c.cardId === i.cardId),
      );
    };
    expect((await mine('today')).map((i) => i.cardId)).toEqual([waitingShort.cardId, waitingLong.cardId]);
    expect((await mine('storage-expiring')).map((i) => i.cardId)).toEqual([waitingShort.cardId]);
    const renewal = await mine('renewal');
    expect(renewal.map((i) => i.cardId)).toEqual([renewing.cardId]);
    expect(renewal[0]!.name).toBe(`${wife.familyName}　${wife.givenName}`);
    expect(
      await sys.orm.em.fork().count(AuditLog, {
        actorId: 'clerk1',
        function: 'GET /api/cards?queue=renewal',
        targetAddresseeNumber: wife.addresseeNumber,
      }),
    ).toBe(1);
  });
});

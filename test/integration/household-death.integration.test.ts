import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChangeReason } from '../../src/domain/change-reason';
import { addDays, toWareki } from '../../src/domain/dates';
import { CardStatus } from '../../src/domain/registry-values';
import {
  AuditLog,
  CaseApplication,
  CaseRecord,
  CertificateIssuance,
  MyNumberCard,
  Resident,
  ResidentHistory,
} from '../../src/db/entities';
import { compact, pdfBytesText } from '../support/pdf-text';
import { seedParents } from '../support/birth-fixtures';
import { randomIndividualNumber, today } from '../support/fixtures';
import { piiOf } from '../support/harness';
import { caseStatus, eventually, freshMariaDbUrl, startTestSystem, type TestSystem } from '../support/system-harness';

const sqliteUrl = () => `sqlite:${join(mkdtempSync(join(tmpdir(), 'juki-it-')), 'registry.sqlite')}`;

describe.each([
  ['MariaDB', freshMariaDbUrl],
  ['SQLite', sqliteUrl],
])('世帯変更 and 死亡 end to end on %s', (_name, dbUrl) => {
  let sys: TestSystem;
  let clerk: string;
  let approver: string;

  beforeAll(async () => {
    sys = await startTestSystem(dbUrl());
    clerk = await sys.login('clerk1');
    approver = await sys.login('approver1');
  });
  afterAll(async () => sys?.close());

  const intake = (path: string, body: unknown) =>
    sys.api('POST', `/api/cases/${path}`, { token: clerk, body, headers: { 'idempotency-key': randomUUID() } });
  const stored = () => sys.orm.em.fork().count(CaseApplication, {});
  const csUpdates = async (code: string) =>
    ((await sys.csAdmin('GET', 'received?kind=identity-updates')).items as Array<{ body: any }>)
      .map((m) => m.body)
      .filter((b) => b.identity.residentRecordCode === code);
  const jlisCardEvents = async (code: string) => {
    const r = await fetch(`${sys.jlisUrl}/jlis/v1/_admin/received?kind=card-events`, {
      headers: { authorization: `Bearer ${sys.config.jlisToken}` },
    });
    return ((await r.json()) as { items: Array<{ body: any }> }).items
      .map((i) => i.body)
      .filter((b) => b.residentRecordCode === code);
  };

  it('a 死亡 of a 世帯主 with a card: bad input changes nothing; then 除票, CS 死亡, J-LIS 廃止, 世帯主変更通知書, 除票の写し', async () => {
    const { householdNumber, head, wife } = await seedParents(sys.orm);
    const em0 = sys.orm.em.fork();
    // a 死亡's 本人確認情報 carries the 個人番号 (the CS contract requires it for a 消除)
    const number = randomIndividualNumber();
    const h = await em0.findOneOrFail(Resident, { addresseeNumber: head.addresseeNumber });
    h.individualNumberEnc = piiOf(sys.config).encrypt(number);
    const cardId = `D${randomUUID().slice(0, 8).toUpperCase()}`;
    await em0
      .persist(
        em0.create(MyNumberCard, {
          cardId,
          addresseeNumber: head.addresseeNumber,
          residentRecordCode: head.residentRecordCode!,
          status: CardStatus.ISSUED,
          producedOn: '2025-01-10',
          issuedOn: '2025-02-01',
          hasSigningCert: true,
          createdAt: new Date(),
          updatedAt: new Date(),
        } as MyNumberCard),
      )
      .flush();
    const deathDate = addDays(today(), -1);
    const body = {
      addresseeNumber: head.addresseeNumber,
      deathDate,
      deathTime: '23:40',
      deathPlace: '東京都さくら市本町一丁目1番',
      familyRegisterNotice: { receivedDate: today(), notifierName: '桜井　さくら', notifierCapacity: '同居の親族' },
    };
    // bad input: a clear error naming the field and rule, nothing stored or started
    const before = await stored();
    const bad = await intake('death', { ...body, deathDate: '2026-13-40', extra: 1 });
    expect(bad.status).toBe(400);
    expect(bad.json.errors.map((e: { field: string; rule: string }) => `${e.field} ${e.rule}`).sort()).toEqual([
      '/deathDate format',
      '/extra additionalProperties',
    ]);
    const future = await intake('death', { ...body, deathDate: addDays(today(), 1) });
    expect(future.status).toBe(422);
    expect(future.json.errors[0]).toMatchObject({ field: '/deathDate', rule: 'notFuture' });
    expect(await stored()).toBe(before);

    const r = await intake('death', body);
    expect(r.status).toBe(201);
    const { caseId } = r.json as { caseId: string };
    expect(r.json.flags).toEqual(['HEAD_CHANGE_EX_OFFICIO']);
    expect((await sys.api('POST', `/api/cases/${caseId}/approve`, { token: approver })).status).toBe(200);
    const done = await caseStatus(sys, clerk, caseId, 'COMPLETED');

    const em = sys.orm.em.fork();
    expect(await em.findOneOrFail(Resident, { addresseeNumber: head.addresseeNumber })).toMatchObject({
      status: 'REMOVED',
      removalReason: ChangeReason.DEATH,
      removalDate: deathDate,
      ceasedResidentDate: deathDate,
      cardStatus: CardStatus.CANCELLED,
    });
    expect(await em.findOneOrFail(Resident, { addresseeNumber: wife.addresseeNumber })).toMatchObject({
      relationshipToHead: '世帯主',
      householdHeadName: '桜井　さくら',
      householdNumber,
    });
    const history = await em.find(ResidentHistory, { caseId }, { orderBy: { addresseeNumber: 'asc' } });
    expect(history.map((h) => [h.addresseeNumber, h.changeReason])).toEqual([
      [head.addresseeNumber, ChangeReason.DEATH],
      [wife.addresseeNumber, ChangeReason.HOUSEHOLD_HEAD_CHANGE],
    ]);
    // the CS received exactly one 本人確認情報 of the deceased (死亡, the date of death); none for the 世帯主変更
    const updates = await csUpdates(head.residentRecordCode!);
    expect(updates.map((u) => [u.identity.changeReason, u.identity.changeDate, u.identity.individualNumber])).toEqual([
      ['22', deathDate, number],
    ]);
    expect(await csUpdates(wife.residentRecordCode!)).toEqual([]);
    // J-LIS received the card's 廃止 (reason DEATH)
    const events = await eventually(async () => {
      const e = await jlisCardEvents(head.residentRecordCode!);
      return e.length ? e : undefined;
    });
    expect(events.map((e) => [e.event, e.reason])).toEqual([['CANCELLED', 'DEATH']]);
    // the 世帯主変更通知書 to the new 世帯主 (ex officio): the cause, both 世帯主, no 個人番号 / 住民票コード
    const d = (done.certificates as Array<{ type: string; href: string }>).find(
      (c) => c.type === 'householdHeadChangeNotice',
    );
    expect(d).toBeDefined();
    const text = compact(pdfBytesText((await sys.api('GET', d!.href, { token: clerk })).buffer));
    expect(text).toContain('世帯主変更通知書');
    expect(text).toContain('世帯主の死亡に伴い');
    expect(text).toContain('桜井一郎');
    expect(text).toContain('桜井さくら');
    expect(text).not.toContain(wife.residentRecordCode!);
    // the counter refuses a 住民票の写し of the deceased and names the 除票の写し
    const copy = await sys.api('POST', '/api/certificates/resident-record-copy', {
      token: clerk,
      headers: { 'x-request-id': randomUUID() },
      body: {
        addresseeNumbers: [head.addresseeNumber],
        options: {},
        requester: { relation: 'householdMember' },
        identityDocument: { type: 'driversLicence' },
      },
    });
    expect(copy.status).toBe(422);
    expect(JSON.stringify(copy.json)).toContain('除票の写し');

    // the 除票の写し (domain spec §5.2): bad input and a current resident are refused, nothing issued
    const issued = () => sys.orm.em.fork().count(CertificateIssuance, {});
    const removedCopy = (over: Record<string, unknown>) =>
      sys.api('POST', '/api/certificates/resident-record-copy', {
        token: clerk,
        headers: { 'x-request-id': randomUUID() },
        body: {
          kind: 'removedRecord',
          addresseeNumbers: [head.addresseeNumber],
          options: {},
          requester: { relation: 'householdMember' },
          identityDocument: { type: 'driversLicence' },
          ...over,
        },
      });
    const certificatesBefore = await issued();
    const badKind = await removedCopy({ kind: 'deathRecord' });
    expect(badKind.status).toBe(400);
    expect(badKind.json.errors.map((e: { field: string; rule: string }) => `${e.field} ${e.rule}`)).toEqual([
      '/kind enum',
    ]);
    const living = await removedCopy({ addresseeNumbers: [wife.addresseeNumber] });
    expect(living.status).toBe(422);
    expect(living.json.errors).toEqual([
      expect.objectContaining({
        field: '/addresseeNumbers/0',
        rule: 'notRemoved',
        message: expect.stringContaining('除票ではありません'),
      }),
    ]);
    const asSelf = await removedCopy({ requester: { relation: 'self' } });
    expect(asSelf.status).toBe(422);
    expect(asSelf.json.errors[0]).toMatchObject({ field: '/requester/relation', rule: 'deceased' });
    expect(await issued()).toBe(certificatesBefore);

    // issued to the 遺族 (同一世帯の方): title, 消除事由 死亡 and the date of death, no 個人番号 unless requested
    const removed = await removedCopy({ options: { includeHouseholdHead: true } });
    expect(removed.status).toBe(201);
    const rtext = compact(pdfBytesText((await sys.api('GET', removed.json.href, { token: clerk })).buffer));
    expect(rtext).toContain('除票の写し');
    expect(rtext).not.toContain('住民票の写し');
    expect(rtext).toContain('消除事由死亡');
    expect(rtext).toContain(compact(toWareki(deathDate)));
    expect(rtext).toContain('除票の原本と相違ない');
    expect(rtext).toContain('桜井一郎');
    expect(rtext).not.toContain('個人番号');
    expect(rtext).not.toContain(number);
    const row = await sys.orm.em
      .fork()
      .findOneOrFail(CertificateIssuance, { certificateId: removed.json.certificateId });
    expect(row).toMatchObject({ certificateType: 'removedRecordCopy', targetAddresseeNumbers: [head.addresseeNumber] });
    const audits = await sys.orm.em.fork().find(AuditLog, {
      targetAddresseeNumber: head.addresseeNumber,
      function: 'issue removedRecordCopy (窓口)',
    });
    expect(audits.map((a) => a.individualNumberAccessed)).toEqual([false]);
    // with the 個人番号, requested by the 遺族 (the city allows a household member to)
    const withNumber = await removedCopy({ options: { includeIndividualNumber: true } });
    expect(withNumber.status).toBe(201);
    expect(pdfBytesText((await sys.api('GET', withNumber.json.href, { token: clerk })).buffer)).toContain(number);
    // 再交付 of a 除票の写し: the same certificate, marked 「再交付」
    const again = await sys.api('POST', `/api/certificates/${removed.json.certificateId}/reissue`, { token: clerk });
    expect(again.status).toBe(201);
    const atext = compact(pdfBytesText((await sys.api('GET', again.json.href, { token: clerk })).buffer));
    expect(atext).toContain('再交付');
    expect(atext).toContain('除票の写し');
    expect(atext).toContain('消除事由死亡');
    expect(atext).toContain('世帯主');
  });

  it('a 世帯主変更 through the API: appended snapshots, the 住民票の写し right after, nothing to the CS', async () => {
    const { householdNumber, head, wife } = await seedParents(sys.orm);
    const r = await intake('household-change', {
      kind: 'headChange',
      householdNumber,
      persons: [
        { addresseeNumber: head.addresseeNumber, relationshipToHead: '夫' },
        { addresseeNumber: wife.addresseeNumber, relationshipToHead: '世帯主' },
      ],
      changeDate: today(),
      notifier: { kind: 'self' },
      identityDocument: { type: 'myNumberCard' },
      certificateRequest: { includeHouseholdHead: true },
    });
    expect(r.status).toBe(201);
    const { caseId } = r.json as { caseId: string };
    expect((await sys.api('POST', `/api/cases/${caseId}/approve`, { token: approver })).status).toBe(200);
    const done = await caseStatus(sys, clerk, caseId, 'COMPLETED');
    const em = sys.orm.em.fork();
    expect(await em.findOneOrFail(Resident, { addresseeNumber: head.addresseeNumber })).toMatchObject({
      relationshipToHead: '夫',
      householdHeadName: '桜井　さくら',
      historyNumber: 2,
    });
    expect(await em.findOneOrFail(CaseRecord, { caseId })).toMatchObject({ status: 'COMPLETED' });
    expect(await csUpdates(head.residentRecordCode!)).toEqual([]);
    const d = (done.certificates as Array<{ type: string; href: string }>).find((c) => c.type === 'residentRecordCopy');
    const text = compact(pdfBytesText((await sys.api('GET', d!.href, { token: clerk })).buffer));
    expect(text).toContain('桜井さくら');
    expect(text).toContain('世帯主');
  });
});

/**
 * A foreign resident's 転入 on real parts (domain spec §3.7, §4.1; seed 000 L13983–13989): the 在留 items reach the
 * registry, its history, the case screen and the 住民票の写し, with every date of the person in 西暦 (standard spec
 * 1.1.9); bad 在留 items are refused with a field error and nothing stored, started or sent.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SESSION_COOKIE } from '../../src/api/auth';
import { CaseStatus } from '../../src/domain/case-status';
import { addDays, toSeireki, toWareki } from '../../src/domain/dates';
import {
  CaseApplication,
  CaseRecord,
  IndividualNumberRequest,
  OutboxKind,
  OutboxMessage,
  Resident,
  ResidentCodePoolEntry,
  ResidentHistory,
} from '../../src/db/entities';
import { keyBytes } from '../../src/config';
import { isIndividualNumber } from '../../src/domain/check-digits';
import { createPiiCrypto } from '../../src/db/pii-crypto';
import { addResidentCodes } from '../../src/db/resident-code-pool';
import { foreignMover, moveInApplication, randomResidentRecordCode, today } from '../support/fixtures';
import { pdfBytesText } from '../support/pdf-text';
import { eventually, freshMariaDbUrl, startTestSystem, type TestSystem } from '../support/system-harness';

const sqliteUrl = () => `sqlite:${join(mkdtempSync(join(tmpdir(), 'juki-it-')), 'registry.sqlite')}`;

describe.each([
  ['MariaDB', freshMariaDbUrl],
  ['SQLite', sqliteUrl],
])('外国人住民の転入 on %s', (_name, dbUrl) => {
  let sys: TestSystem;
  let clerk: string;
  let approver: string;

  beforeAll(async () => {
    sys = await startTestSystem(dbUrl());
    clerk = await sys.login('clerk1');
    approver = await sys.login('approver1');
  });
  afterAll(async () => sys?.close());

  const intake = (body: unknown) =>
    sys.api('POST', '/api/cases/move-in', { token: clerk, body, headers: { 'idempotency-key': randomUUID() } });
  const waitStatus = (caseId: string, status: string) =>
    eventually(async () => {
      const r = await sys.api('GET', `/api/cases/${caseId}`, { token: clerk });
      return r.json?.status === status ? r.json : undefined;
    }, 90_000);
  const page = async (path: string) => {
    const res = await fetch(sys.apiUrl + path, { headers: { cookie: `${SESSION_COOKIE}=${clerk}` } });
    expect(res.status).toBe(200);
    return (await res.text()).replace(/<[^>]+>/g, ' ');
  };

  it('keeps the 在留 items on the record and prints them, with 西暦 dates, on the 住民票の写し', async () => {
    const moveInDate = addDays(today(), -3);
    const smith = foreignMover({ alias: 'スミス　一郎' });
    const app = moveInApplication({ movers: [smith], moveInDate });
    const r = await intake(app);
    expect(r.status).toBe(201);
    const caseId: string = r.json.caseId;
    expect((await sys.api('POST', `/api/cases/${caseId}/approve`, { token: approver })).status).toBe(200);
    const done = await waitStatus(caseId, CaseStatus.COMPLETED);

    const em = sys.orm.em.fork();
    const row = await em.findOneOrFail(Resident, { residentRecordCode: smith.residentRecordCode });
    expect(row).toMatchObject({
      isForeignResident: true,
      foreignResidentCategory: '中長期在留者',
      nationalityRegion: 'アメリカ合衆国',
      statusOfResidence: '技術・人文知識・国際業務',
      periodOfStay: '3年',
      periodOfStayExpiry: smith.periodOfStayExpiry,
      residenceCardNumber: 'AB12345678CD',
      alphabetName: 'SMITH JOHN',
      alias: 'スミス　一郎',
      becameForeignResidentDate: moveInDate,
    });
    const [history] = await em.find(ResidentHistory, { caseId });
    expect(history!.snapshot).toMatchObject({ isForeignResident: true, residenceCardNumber: 'AB12345678CD' });

    // the 住民票の写し: the 在留 items, and every date of the person in 西暦, none in 和暦
    const pdf = await sys.api('GET', done.certificates[0].href, { token: clerk });
    const text = pdfBytesText(pdf.buffer);
    for (const s of ['SMITHJOHN', 'アメリカ合衆国', '中長期在留者', '技術・人文知識・国際業務', 'AB12345678CD', '通称'])
      expect(text).toContain(s);
    expect(text).toContain('1990年1月15日');
    expect(text).toContain(toSeireki(moveInDate).replace(/\s/g, ''));
    expect(text).toContain(`${toSeireki(smith.periodOfStayExpiry!)}まで`);
    expect(text).not.toContain(toWareki(moveInDate));
    expect(text).not.toContain('平成2年1月15日');

    // the case screen: the record after the 転入 with the 在留 items, dates in 西暦
    const screen = await page(`/cases/${caseId}`);
    for (const s of ['国籍・地域', 'アメリカ合衆国', '在留カード等の番号', 'AB12345678CD', '1990年1月15日'])
      expect(screen).toContain(s);
    expect(screen).toContain(toSeireki(smith.periodOfStayExpiry!));
    expect(screen).not.toContain('平成2年1月15日');
  });

  it('refuses bad 在留 items with a clear field error and stores, starts and sends nothing', async () => {
    const em = () => sys.orm.em.fork();
    const counts = async () => ({
      apps: await em().count(CaseApplication, {}),
      cases: await em().count(CaseRecord, {}),
      residents: await em().count(Resident, {}),
      outbox: await em().count(OutboxMessage, {}),
      sent: (await sys.csAdmin('GET', 'received?kind=identity-updates')).count,
    });
    const before = await counts();
    const moveInDate = addDays(today(), -3);
    const cases: Array<[string, object, number, string, string]> = [
      [
        '在留カード番号 format',
        foreignMover({ residenceCardNumber: 'AB1234567CD' }),
        400,
        'residenceCardNumber',
        'pattern',
      ],
      [
        'unknown 区分',
        foreignMover({ foreignResidentCategory: '観光' as never }),
        400,
        'foreignResidentCategory',
        'enum',
      ],
      [
        '在留期間 ends before the 転入日',
        foreignMover({ periodOfStayExpiry: addDays(moveInDate, -1) }),
        422,
        'periodOfStayExpiry',
        'afterMoveIn',
      ],
      ['no 在留カード番号', foreignMover({ residenceCardNumber: undefined }), 422, 'residenceCardNumber', 'required'],
      [
        'a 本籍',
        foreignMover({ registeredDomicile: '東京都さくら市本町1番地' }),
        422,
        'registeredDomicile',
        'noDomicileForForeignResident',
      ],
    ];
    for (const [label, m, status, field, rule] of cases) {
      const r = await intake(moveInApplication({ movers: [m as never], moveInDate }));
      expect(r.status, label).toBe(status);
      expect(r.json.errors, label).toContainEqual(expect.objectContaining({ field: `/movers/0/${field}`, rule }));
      expect(JSON.stringify(r.json), label).not.toContain('AB1234567CD');
    }
    expect(await counts()).toEqual(before);
  });

  /** A person arriving from abroad who never lived in Japan: no 住民票コード, no 個人番号 (domain spec §4.1). */
  const arrival = () =>
    moveInApplication({
      movers: [foreignMover({ residentRecordCode: undefined, individualNumber: undefined }) as never],
      fromAbroad: true,
      previousAddress: 'アメリカ合衆国カリフォルニア州',
      previousMunicipalityCode: undefined,
      moveOutCertificate: undefined,
      identityDocument: { type: 'passport' },
    });

  it('refuses a 国外転入 without a 住民票コード while the pool is empty, storing nothing', async () => {
    const em = () => sys.orm.em.fork();
    expect(await em().count(ResidentCodePoolEntry, { usedAt: null })).toBe(0);
    const before = [await em().count(CaseApplication, {}), await em().count(Resident, {})];
    const r = await intake(arrival());
    expect(r.status).toBe(422);
    expect(r.json.errors).toContainEqual(
      expect.objectContaining({ field: '/movers/0/residentRecordCode', rule: 'residentCodePoolEmpty' }),
    );
    expect([await em().count(CaseApplication, {}), await em().count(Resident, {})]).toEqual(before);
  });

  it('a 国外転入 without a 個人番号 ends with a number: pool 住民票コード, 本人確認情報 at the CS, J-LIS generation', async () => {
    const pool = [randomResidentRecordCode(), randomResidentRecordCode()];
    await addResidentCodes(sys.orm.em.fork(), `batch-${randomUUID()}`, pool);
    const r = await intake(arrival());
    expect(r.status).toBe(201);
    const caseId: string = r.json.caseId;
    expect((await sys.api('POST', `/api/cases/${caseId}/approve`, { token: approver })).status).toBe(200);

    // the CS received the 本人確認情報 of the new record (before the fix: no CS message at all)
    const update = await eventually(async () => {
      const items = (await sys.csAdmin('GET', 'received?kind=identity-updates')).items as Array<{
        idempotencyKey: string;
        body: any;
      }>;
      return items.find((m) => m.idempotencyKey.includes(`-${caseId}-`));
    }, 60_000);
    const em = sys.orm.em.fork();
    const resident = await em.findOneOrFail(Resident, { processId: caseId });
    expect(pool).toContain(resident.residentRecordCode);
    expect(update.body.identity).toMatchObject({
      residentRecordCode: resident.residentRecordCode,
      name: 'SMITH　JOHN',
      birthDate: '1990-01-15',
    });
    expect(update.body.identity).not.toHaveProperty('individualNumber');
    expect(resident.isForeignResident).toBe(true);
    // then the shared sub-flow asks J-LIS for the number of that 住民票コード
    const request = await eventually(() =>
      sys.orm.em
        .fork()
        .findOne(IndividualNumberRequest, { caseId })
        .then((x) => x ?? undefined),
    );
    expect(request).toMatchObject({
      addresseeNumber: resident.addresseeNumber,
      residentRecordCode: resident.residentRecordCode,
    });
    expect(await em.count(OutboxMessage, { caseId, kind: OutboxKind.INDIVIDUAL_NUMBER_REQUEST })).toBe(1);

    // the J-LIS simulator answers asynchronously; the case ends with the number recorded and its update sent
    const done = await waitStatus(caseId, CaseStatus.COMPLETED);
    expect(done.status).toBe(CaseStatus.COMPLETED);
    const jlis = await fetch(`${sys.jlisUrl}/jlis/v1/_admin/received?kind=individual-number-requests`, {
      headers: { authorization: `Bearer ${sys.config.jlisToken}` },
    }).then((res) => res.json() as Promise<{ items: Array<{ body: { residentRecordCode: string } }> }>);
    expect(jlis.items.filter((q) => q.body.residentRecordCode === resident.residentRecordCode)).toHaveLength(1);
    const numbered = await sys.orm.em.fork().findOneOrFail(Resident, { addresseeNumber: resident.addresseeNumber });
    const number = createPiiCrypto(keyBytes(sys.config.keys.piiEncryption), keyBytes(sys.config.keys.piiIndex)).decrypt(
      numbered.individualNumberEnc!,
    );
    expect(isIndividualNumber(number)).toBe(true);
    const updates = ((await sys.csAdmin('GET', 'received?kind=identity-updates')).items as Array<any>).filter((m) =>
      m.idempotencyKey.includes(`-${caseId}-`),
    );
    expect(updates).toHaveLength(2);
    expect(updates.map((u) => u.body.identity.individualNumber)).toEqual([undefined, number]);
    const history = await sys.orm.em
      .fork()
      .find(ResidentHistory, { addresseeNumber: resident.addresseeNumber }, { orderBy: { historyNumber: 'asc' } });
    expect(history.map((h) => h.changeReason)).toEqual(['国外転入等', '個人番号（職権記載）']);
  });
});

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CaseAction } from '../../src/domain/case-status';
import { supportPeriodEnd } from '../../src/domain/support-measures';
import {
  AuditLog,
  CaseActionLog,
  CertificateIssuance,
  Resident,
  SupportMeasure,
  SupportMeasureEvent,
} from '../../src/db/entities';
import { loadDemoTown } from '../../src/db/seed/load-demo';
import { MoveOutStatus } from '../../src/procedures/move-out/definition';
import { addDays } from '../../src/domain/dates';
import { moveInApplication, mover, today } from '../support/fixtures';
import { piiOf } from '../support/harness';
import { moversOf, paperMoveOutToOsaka } from '../support/move-fixtures';
import { demoHousehold, onlineContent } from '../support/online-fixtures';
import { caseStatus, eventually, freshMariaDbUrl, startTestSystem, type TestSystem } from '../support/system-harness';

const sqliteUrl = () => `sqlite:${join(mkdtempSync(join(tmpdir(), 'juki-sm-')), 'registry.sqlite')}`;
const PERPETRATOR = {
  name: '加害　太郎',
  birthDate: '1980-05-05',
  sex: '1',
  address: '東京都千代田区霞が関一丁目9番9号',
};

/**
 * 支援措置 / 抑止 (domain spec §8.6) on real parts: the register's API (roles, four-eyes, bad inputs, audit, 加害者 data
 * encrypted), and its enforcement — the counter 住民票の写し and its 再交付, the 一時解除 for one issuance, the paper
 * 転出証明書 of a case withheld, 仮支援措置 as 前住所地 after the 転出, and the online 転出 routed to a clerk.
 */
describe.each([
  ['MariaDB', freshMariaDbUrl],
  ['SQLite', sqliteUrl],
])('支援措置・抑止 on %s', (dbName, dbUrl) => {
  let sys: TestSystem;
  let t: { clerk: string; approver: string; officerA: string; officerB: string };
  let household: Resident[];

  beforeAll(async () => {
    sys = await startTestSystem(dbUrl(), { portalSimulator: dbName === 'MariaDB' });
    const loaded = await loadDemoTown(sys.orm, piiOf(sys.config), { households: 12 });
    await sys.csAdmin('POST', 'registered', { residentRecordCodes: loaded.residentRecordCodes });
    const [clerk, approver, officerA, officerB] = await Promise.all(
      ['clerk1', 'approver1', 'approver2', 'supervisor1'].map((u) => sys.login(u)),
    );
    t = { clerk: clerk!, approver: approver!, officerA: officerA!, officerB: officerB! };
    household = await demoHousehold(sys.orm, 0, 2);
  });
  afterAll(async () => sys?.close());

  const em = () => sys.orm.em.fork();
  const enter = (body: unknown, token = t.officerA) => sys.api('POST', '/api/support-measures', { token, body });
  const step = (id: string, action: string, token: string, body?: unknown) =>
    sys.api('POST', `/api/support-measures/${id}/${action}`, { token, body });
  const copy = (addresseeNumbers: string[]) =>
    sys.api('POST', '/api/certificates/resident-record-copy', {
      token: t.clerk,
      headers: { 'x-request-id': randomUUID() },
      body: {
        addresseeNumbers,
        options: {},
        requester: { relation: 'self' },
        identityDocument: { type: 'myNumberCard' },
      },
    });
  const supportFor = (target: Resident, companions: Resident[] = []) => ({
    kind: 'SUPPORT',
    targetAddresseeNumber: target.addresseeNumber,
    ...(companions.length ? { companionAddresseeNumbers: companions.map((c) => c.addresseeNumber) } : {}),
    processes: ['CERTIFICATE', 'INQUIRY', 'CHANGE'],
    startDate: today(),
    applicant: { relation: 'self' },
    perpetrators: [PERPETRATOR],
  });
  /** Entered by approver2 and confirmed by supervisor1: a 支援措置 in force. */
  const protect = async (target: Resident, companions: Resident[] = []) => {
    const r = await enter(supportFor(target, companions));
    expect(r.status).toBe(201);
    expect((await step(r.json.measureId, 'confirm', t.officerB)).status).toBe(200);
    return r.json.measureId as string;
  };

  /** The case (as the API shows it) committed without its certificate: none issued, the withholding logged and audited. */
  const expectWithheld = async (caseId: string, done: { certificates?: unknown[] }, fn: string, person: Resident) => {
    expect(done.certificates ?? []).toEqual([]);
    expect(await em().count(CertificateIssuance, { caseId })).toBe(0);
    expect(await em().count(CaseActionLog, { caseId, action: CaseAction.CERTIFICATE_WITHHELD })).toBe(1);
    expect(
      await em().count(AuditLog, {
        caseId,
        function: fn,
        outcome: 'denied',
        targetAddresseeNumber: person.addresseeNumber,
      }),
    ).toBe(1);
  };

  it('only the 支援措置責任者 may use the register; a refusal is audited', async () => {
    const r = await enter(supportFor(household[0]!), t.clerk);
    expect(r.status).toBe(403);
    expect((await sys.api('GET', '/api/support-measures', { token: t.approver })).status).toBe(403);
    expect(await em().count(SupportMeasure, {})).toBe(0);
    expect(
      await em().count(AuditLog, { actorId: 'clerk1', function: 'POST /api/support-measures', outcome: 'denied' }),
    ).toBe(1);
  });

  it('bad input is refused with the field and the rule named, and nothing is stored', async () => {
    const r = await enter({
      kind: 'SUPPORT',
      targetAddresseeNumber: '12',
      processes: [],
      level: 'ALERT',
      startDate: '2025-02-30',
      endDate: '2026-01-01',
      applicant: { relation: 'neighbour' },
      perpetrators: [{ name: '' }],
    });
    expect(r.status).toBe(400);
    expect(r.json.error).toBe('VALIDATION_FAILED');
    const got = (r.json.errors as Array<{ field: string; rule: string }>).map((e) => `${e.field} ${e.rule}`);
    expect(got).toEqual(
      expect.arrayContaining([
        '/targetAddresseeNumber pattern',
        '/processes minItems',
        '/startDate format',
        '/applicant/relation enum',
        '/perpetrators/0/name minLength',
        '/level const',
        '/endDate false schema',
      ]),
    );
    expect(JSON.stringify(r.json)).not.toContain('2025-02-30');
    const unknown = await enter({ ...supportFor(household[0]!), targetAddresseeNumber: '9999999' });
    expect(unknown.status).toBe(422);
    expect(unknown.json.error).toBe('PERSON_NOT_FOUND');
    const self = await enter({
      ...supportFor(household[0]!),
      companionAddresseeNumbers: [household[0]!.addresseeNumber],
    });
    expect(self.status).toBe(400);
    expect(self.json.errors[0]).toMatchObject({ field: '/companionAddresseeNumbers', rule: 'distinct' });
    expect(await em().count(SupportMeasure, {})).toBe(0);
    expect(await em().count(SupportMeasureEvent, {})).toBe(0);
  });

  it('entry → 仮支援措置 at once; the maker cannot confirm (four-eyes); another officer decides; all audited', async () => {
    const [head, member] = household;
    const r = await enter(supportFor(head!, [member!]));
    expect(r.status).toBe(201);
    expect(r.json).toMatchObject({
      kind: 'SUPPORT',
      state: 'PROVISIONAL',
      provisionalReason: 'REQUEST',
      level: 'ERROR',
      endDate: supportPeriodEnd(today()),
      pending: { action: 'ENTER', by: 'approver2' },
    });
    const id = r.json.measureId as string;
    // the 加害者's data is encrypted at rest: no clear name or address in the row
    const row = await em().findOneOrFail(SupportMeasure, { measureId: id }, { populate: ['personalEnc'] });
    expect(row.personalEnc).toMatch(/^v2:/);
    expect(JSON.stringify(row)).not.toContain('加害');
    expect(JSON.stringify(row)).not.toContain('霞が関');
    // 仮支援措置 already blocks the copy
    expect((await copy([member!.addresseeNumber])).json.error).toBe('ISSUANCE_BLOCKED');

    const own = await step(id, 'confirm', t.officerA);
    expect(own.status).toBe(403);
    expect(own.json.error).toBe('FOUR_EYES');
    expect((await em().findOneOrFail(SupportMeasure, { measureId: id })).state).toBe('PROVISIONAL');
    expect(
      await em().count(AuditLog, {
        actorId: 'approver2',
        function: 'POST /:id/confirm /api/support-measures',
        outcome: 'denied',
      }),
    ).toBe(2); // one per protected person
    const ok = await step(id, 'confirm', t.officerB);
    expect(ok.status).toBe(200);
    expect(ok.json).toMatchObject({ state: 'ACTIVE', confirmedBy: 'supervisor1' });
    expect(ok.json.pending).toBeUndefined();

    // extension only from 1 month before the end
    const early = await step(id, 'extend', t.officerA);
    expect(early.status).toBe(409);
    expect(early.json.error).toBe('EXTENSION_TOO_EARLY');

    // reading the 加害者 is audited as a 照会
    const read = await sys.api('GET', `/api/support-measures/${id}?personal=true`, { token: t.officerB });
    expect(read.json.personal.perpetrators[0]).toMatchObject(PERPETRATOR);
    expect(read.json.history.map((h: { action: string }) => h.action)).toEqual(['ENTER', 'CONFIRM']);
    const audits = await em().find(AuditLog, { function: 'GET /api/support-measures', actorId: 'supervisor1' });
    expect(audits.map((a) => a.targetAddresseeNumber).sort()).toEqual(
      [head!.addresseeNumber, member!.addresseeNumber].sort(),
    );
    expect(audits.every((a) => (a.detail as { personal: boolean }).personal)).toBe(true);
    expect(
      await em().count(AuditLog, { action: '支援措置', targetAddresseeNumber: member!.addresseeNumber }),
    ).toBeGreaterThanOrEqual(2);
  });

  it('the counter copy is refused and audited without revealing the address; a 一時解除 allows exactly one; 再交付 refused', async () => {
    const [head, member] = household;
    const before = await em().count(CertificateIssuance, {});
    const refused = await copy([head!.addresseeNumber]);
    expect(refused.status).toBe(403);
    expect(refused.json).toMatchObject({
      error: 'ISSUANCE_BLOCKED',
      message: '支援措置の対象者のため交付できません（支援措置責任者の解除が必要です）',
    });
    expect(JSON.stringify(refused.json)).not.toContain(head!.address);
    expect(await em().count(CertificateIssuance, {})).toBe(before);
    const denied = await em().find(AuditLog, {
      function: 'POST /api/certificates/resident-record-copy',
      targetAddresseeNumber: head!.addresseeNumber,
      outcome: 'denied',
    });
    expect(denied.at(-1)!.detail).toMatchObject({ blocked: true, rules: ['SUPPORT_MEASURE'] });

    const [measure] = await em().find(SupportMeasure, { targetAddresseeNumber: head!.addresseeNumber });
    expect((await step(measure!.measureId, 'release', t.clerk)).status).toBe(403);
    const released = await step(measure!.measureId, 'release', t.officerB);
    expect(released.status).toBe(200);
    expect(released.json.releasedUntil).toBeDefined();
    const issued = await copy([head!.addresseeNumber, member!.addresseeNumber]);
    expect(issued.status).toBe(201);
    expect((await copy([head!.addresseeNumber])).status).toBe(403); // the release was for one issuance
    const events = await em().find(SupportMeasureEvent, { measureId: measure!.measureId }, { orderBy: { id: 'asc' } });
    expect(events.map((e) => e.action).slice(-2)).toEqual(['RELEASE', 'RELEASE_USED']);

    const reissue = await sys.api('POST', `/api/certificates/${issued.json.certificateId}/reissue`, {
      token: t.clerk,
    });
    expect(reissue.status).toBe(403);
    expect(reissue.json.error).toBe('ISSUANCE_BLOCKED');
    expect(await em().count(CertificateIssuance, {})).toBe(before + 1);
  });

  it('a paper 転出 of a protected person: 仮支援措置 as 前住所地 in the commit, the 転出証明書 withheld and audited', async () => {
    const [head, ...members] = await demoHousehold(sys.orm, 1, 1);
    const id = await protect(head!);
    const out = await sys.api('POST', '/api/cases/move-out', {
      token: t.clerk,
      headers: { 'idempotency-key': randomUUID() },
      body: paperMoveOutToOsaka(moversOf([head!, ...members]), today()),
    });
    expect(out.status).toBe(201);
    const caseId = out.json.caseId as string;
    expect((await sys.api('POST', `/api/cases/${caseId}/approve`, { token: t.approver })).status).toBe(200);
    const done = await caseStatus(sys, t.clerk, caseId, MoveOutStatus.AWAITING_MOVE_IN_NOTICE);
    await expectWithheld(caseId, done, 'issue moveOutCertificate', head!);
    const m = await em().findOneOrFail(SupportMeasure, { measureId: id });
    expect(m).toMatchObject({ state: 'PROVISIONAL', provisionalReason: 'MOVED_OUT' });
    const moved = await em().find(SupportMeasureEvent, { measureId: id, action: 'MOVED_OUT' });
    expect(moved).toHaveLength(1);
    expect(moved[0]!.detail).toMatchObject({ caseId, from: 'ACTIVE' });
    // the 除票 stays protected: nothing issued for the moved-out person
    expect((await copy([head!.addresseeNumber])).status).not.toBe(201);
  });

  it('a 再転入 of a protected person: the 転入 case commits, its 住民票の写し is withheld (仮支援措置 still in force)', async () => {
    const all = await demoHousehold(sys.orm, 4, 1);
    const person = all[0];
    const id = await protect(person!);
    const out = await sys.api('POST', '/api/cases/move-out', {
      token: t.clerk,
      headers: { 'idempotency-key': randomUUID() },
      body: paperMoveOutToOsaka(moversOf(all), addDays(today(), -1)),
    });
    expect(out.status).toBe(201);
    expect((await sys.api('POST', `/api/cases/${out.json.caseId}/approve`, { token: t.approver })).status).toBe(200);
    await eventually(async () =>
      (await em().findOne(Resident, { addresseeNumber: person!.addresseeNumber }))?.status === 'REMOVED'
        ? true
        : undefined,
    );
    const pii = piiOf(sys.config);
    const back = moveInApplication({
      movers: [
        mover({
          familyName: person!.familyName,
          givenName: person!.givenName,
          familyNameKana: person!.familyNameKana,
          givenNameKana: person!.givenNameKana,
          birthDate: person!.birthDate,
          sex: person!.sex as '1' | '2',
          residentRecordCode: person!.residentRecordCode!,
          individualNumber: pii.decrypt(person!.individualNumberEnc!),
        }),
      ],
      moveInDate: today(),
    });
    const moveIn = await sys.api('POST', '/api/cases/move-in', {
      token: t.clerk,
      headers: { 'idempotency-key': randomUUID() },
      body: back,
    });
    expect(moveIn.status).toBe(201);
    const caseId = moveIn.json.caseId as string;
    expect((await sys.api('POST', `/api/cases/${caseId}/approve`, { token: t.approver })).status).toBe(200);
    const done = await caseStatus(sys, t.clerk, caseId, 'COMPLETED');
    expect((await em().findOneOrFail(Resident, { addresseeNumber: person!.addresseeNumber })).status).toBe('RESIDENT');
    await expectWithheld(caseId, done, 'issue residentRecordCopy', person!);
    expect((await em().findOneOrFail(SupportMeasure, { measureId: id })).state).toBe('PROVISIONAL');
  });

  it('an expired measure does not end by itself; ending needs a reason and a second officer', async () => {
    const person = (await demoHousehold(sys.orm, 2, 1))[0]!;
    const id = await protect(person);
    await em().nativeUpdate(SupportMeasure, { measureId: id }, { startDate: '2020-04-01', endDate: '2021-03-31' });
    const listed = (await sys.api('GET', '/api/support-measures', { token: t.officerA })).json as Array<{
      measureId: string;
      alert?: string;
      state: string;
    }>;
    expect(listed.find((m) => m.measureId === id)).toMatchObject({ state: 'ACTIVE', alert: 'EXPIRED' });
    expect((await copy([person.addresseeNumber])).status).toBe(403);

    const noReason = await step(id, 'end', t.officerA, {});
    expect(noReason.status).toBe(400);
    expect(noReason.json.errors[0]).toMatchObject({ field: '/reason', rule: 'required' });
    expect((await step(id, 'end', t.officerA, { reason: '支援の必要がなくなったため' })).status).toBe(200);
    expect((await step(id, 'confirm', t.officerA)).json.error).toBe('FOUR_EYES');
    expect((await copy([person.addresseeNumber])).status).toBe(403); // still in force until confirmed
    expect((await step(id, 'confirm', t.officerB)).json.state).toBe('ENDED');
    expect((await copy([person.addresseeNumber])).status).toBe(201);
  });

  it.runIf(dbName === 'MariaDB')(
    'an online 転出 of a protected mover raises a blocking finding and goes to a clerk',
    async () => {
      const members = await demoHousehold(sys.orm, 3, 1);
      await protect(members[0]!);
      const r = await sys.portalAdmin('POST', 'applications', {
        municipalityCode: sys.config.municipalityCode,
        scenario: 'valid',
        content: onlineContent(members, { plannedMoveOutDate: today() }),
      });
      expect(r.json.sent.status).toBe(201);
      const caseId = String(r.json.sent.body.caseId);
      const c = await caseStatus(sys, t.clerk, caseId, 'AWAITING_REVIEW');
      expect(c.flags).toContain('SUPPORT_MEASURE');
      const confirm = await sys.api('POST', `/api/cases/${caseId}/confirm-review`, { token: t.clerk, body: {} });
      expect(confirm.status).not.toBe(200);
    },
  );
});

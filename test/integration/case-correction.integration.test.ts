import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CaseStatus } from '../../src/domain/case-status';
import {
  AuditLog,
  CaseActionLog,
  CaseApplication,
  CaseApplicationVersion,
  CaseRecord,
  Resident,
} from '../../src/db/entities';
import { addDays } from '../../src/domain/dates';
import { moveInApplication, mover, randomIndividualNumber, today } from '../support/fixtures';
import { piiOf } from '../support/harness';
import { eventually, freshMariaDbUrl, startTestSystem, type TestSystem } from '../support/system-harness';

const sqliteUrl = () => `sqlite:${join(mkdtempSync(join(tmpdir(), 'juki-it-')), 'registry.sqlite')}`;

/**
 * Issue 14 item 4 on the JSON API, on both databases: 訂正して再提出 of a returned case (POST /api/cases/:id/correct)
 * and 取下げ by the entering clerk (POST /api/cases/:id/withdraw); bug 4: every error of an intake in one answer.
 */
describe.each([
  ['MariaDB', freshMariaDbUrl],
  ['SQLite', sqliteUrl],
])('correcting and withdrawing a returned case on %s', (_name, dbUrl) => {
  let sys: TestSystem;
  let clerk: string;
  let clerk2: string;
  let approver: string;

  beforeAll(async () => {
    sys = await startTestSystem(dbUrl());
    [clerk, clerk2, approver] = [await sys.login('clerk1'), await sys.login('clerk2'), await sys.login('approver1')];
  });
  afterAll(async () => sys?.close());

  const intake = async (body: unknown) => {
    const r = await sys.api('POST', '/api/cases/move-in', {
      token: clerk,
      body,
      headers: { 'idempotency-key': randomUUID() },
    });
    expect(r.status).toBe(201);
    return r.json.caseId as string;
  };
  const read = async (caseId: string) => (await sys.api('GET', `/api/cases/${caseId}`, { token: clerk })).json;
  const waitStatus = (caseId: string, status: string) =>
    eventually(async () => ((await read(caseId)).status === status ? read(caseId) : undefined), 90_000);
  const stored = async (caseId: string) =>
    (await sys.orm.em.fork().findOneOrFail(CaseApplication, { caseId })).payload as any;
  const correct = (caseId: string, body: unknown, token = clerk) =>
    sys.api('POST', `/api/cases/${caseId}/correct`, { token, body, headers: { 'x-request-id': randomUUID() } });

  it('a returned 転入: refused unless returned and by the enterer; every error at once with nothing changed; then a new version, resubmitted, the diff at 決裁, the corrected value registered', async () => {
    const app = moveInApplication();
    const caseId = await intake(app);
    expect((await correct(caseId, app)).json.error).toBe('NOT_RETURNED');

    const reason = '世帯主の名を転出証明書と照合してください';
    expect(
      (await sys.api('POST', `/api/cases/${caseId}/request-changes`, { token: approver, body: { reason } })).status,
    ).toBe(200);
    const returned = await waitStatus(caseId, CaseStatus.RETURNED);
    expect(returned.returnReason).toBe(reason);
    expect(returned.correctable).toBe(true);

    const other = await correct(caseId, app, clerk2);
    expect([other.status, other.json.error]).toEqual([403, 'NOT_MAKER']);
    expect((await correct(caseId, app, approver)).status).toBe(403);
    expect(
      await sys.orm.em
        .fork()
        .count(AuditLog, { caseId, outcome: 'denied', function: 'POST /api/cases/:caseId/correct' }),
    ).toBe(1);

    // a bad check digit (schema) and a future 転入日 (rule): both in one answer, nothing changed
    const n1 = app.movers[1]!.individualNumber!;
    const bad = {
      ...app,
      moveInDate: addDays(today(), 2),
      movers: [
        app.movers[0],
        { ...app.movers[1], individualNumber: n1.slice(0, 11) + String((Number(n1[11]) + 1) % 10) },
      ],
    };
    const refused = await correct(caseId, bad);
    expect(refused.status).toBe(400);
    const fields = (refused.json.errors as Array<{ field: string; rule: string }>).map((e) => `${e.field} ${e.rule}`);
    expect(fields).toEqual(expect.arrayContaining(['/movers/1/individualNumber format', '/moveInDate notFuture']));
    expect(await sys.orm.em.fork().count(CaseApplicationVersion, { caseId })).toBe(0);
    expect((await stored(caseId)).movers[0].givenName).toBe('太郎');
    expect((await read(caseId)).status).toBe(CaseStatus.RETURNED);

    // the correction: another 名 for the first mover and a new 個人番号 for the second
    const newNumber = randomIndividualNumber();
    const corrected = {
      ...app,
      movers: [
        { ...app.movers[0], givenName: '次郎', givenNameKana: 'ジロウ' },
        { ...app.movers[1], individualNumber: newNumber },
      ],
    };
    const ok = await correct(caseId, corrected);
    expect(ok.status).toBe(200);
    expect(ok.json.corrected).toBe(true);
    const resubmitted = await waitStatus(caseId, CaseStatus.AWAITING_APPROVAL);
    const versions = await sys.orm.em.fork().find(CaseApplicationVersion, { caseId });
    expect(versions.map((v) => [v.version, (v.payload as any).movers[0].givenName])).toEqual([[1, '太郎']]);
    expect((await stored(caseId)).movers[0].givenName).toBe('次郎');
    expect(piiOf(sys.config).decrypt((await stored(caseId)).movers[1].individualNumberEnc)).toBe(newNumber);
    // encrypted at rest like case_application: the raw column holds no name
    const raw = await sys.orm.em.fork().getConnection().execute('select payload from case_application_version');
    expect(JSON.stringify(raw)).not.toContain('太郎');
    expect(await sys.orm.em.fork().count(CaseActionLog, { caseId, action: 'CORRECT' })).toBe(1);

    const view = await sys.api('GET', `/api/cases/${caseId}`, { token: approver });
    expect(resubmitted.correction.version).toBe(2);
    const changes = view.json.correction.changes as Array<{ path: string; before?: string; after?: string }>;
    expect(changes).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: 'movers[0].givenName', before: '太郎', after: '次郎' }),
        { path: 'movers[1].individualNumber', label: '転入者2・個人番号', after: '変更あり' },
      ]),
    );
    expect(changes.some((c) => c.path === 'movers[0].individualNumber')).toBe(false);
    expect(JSON.stringify(view.json.correction)).not.toContain(newNumber);
    expect(JSON.stringify(view.json.correction)).not.toContain(n1);

    expect((await sys.api('POST', `/api/cases/${caseId}/approve`, { token: approver })).status).toBe(200);
    await waitStatus(caseId, CaseStatus.COMPLETED);
    const code = app.movers[0]!.residentRecordCode;
    const resident = await sys.orm.em.fork().findOneOrFail(Resident, { residentRecordCode: code });
    expect([resident.givenName, resident.givenNameKana]).toEqual(['次郎', 'ジロウ']);
  });

  it('the JSON intake answers a schema error and a rule error at once and stores nothing (bug 4)', async () => {
    const before = await sys.orm.em.fork().count(CaseRecord, {});
    const r = await sys.api('POST', '/api/cases/move-in', {
      token: clerk,
      body: moveInApplication({ moveInDate: addDays(today(), 1), movers: [mover({ sex: '9' as '1' })] }),
      headers: { 'idempotency-key': randomUUID() },
    });
    expect(r.status).toBe(400);
    const fields = (r.json.errors as Array<{ field: string; rule: string }>).map((e) => `${e.field} ${e.rule}`);
    expect(fields).toEqual(expect.arrayContaining(['/movers/0/sex enum', '/moveInDate notFuture']));
    expect(await sys.orm.em.fork().count(CaseRecord, {})).toBe(before);
  });

  it('取下げ: only the entering clerk, with a reason, before 決裁; the case ends 取下げ with nothing registered', async () => {
    const app = moveInApplication();
    const caseId = await intake(app);
    const withdraw = (token: string, body: unknown) =>
      sys.api('POST', `/api/cases/${caseId}/withdraw`, { token, body, headers: { 'x-request-id': randomUUID() } });
    expect((await withdraw(clerk2, { reason: '本人申出' })).status).toBe(403);
    expect((await withdraw(approver, { reason: '本人申出' })).status).toBe(403);
    expect((await withdraw(clerk, {})).status).toBe(400);
    // refusals are audited: the other clerk by the workflow (NOT_MAKER, on the case), the approver by the role gate
    expect(
      await sys.orm.em.fork().count(AuditLog, { outcome: 'denied', function: 'POST /api/cases/:caseId/withdraw' }),
    ).toBe(2);
    const ok = await withdraw(clerk, { reason: '届出人の申出により取下げ' });
    expect(ok.status).toBe(200);
    expect(ok.json.status).toBe(CaseStatus.WITHDRAWN);
    const view = await waitStatus(caseId, CaseStatus.WITHDRAWN);
    expect(view.statusLabel).toBe('取下げ');
    expect(view.allowedActions).toEqual([]);
    expect(view.actions.find((a: any) => a.action === 'WITHDRAW').detail.reason).toBe('届出人の申出により取下げ');
    expect((await sys.api('POST', `/api/cases/${caseId}/approve`, { token: approver })).status).toBe(409);
    expect(await sys.orm.em.fork().count(Resident, { residentRecordCode: app.movers[0]!.residentRecordCode })).toBe(0);
  });
});

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChangeReason } from '../../src/domain/change-reason';
import { addDays } from '../../src/domain/dates';
import {
  AuditLog,
  CaseApplication,
  CaseRecord,
  CertificateIssuance,
  OutboxMessage,
  Resident,
  ResidentHistory,
} from '../../src/db/entities';
import { residentCodePoolLevel } from '../../src/db/resident-code-pool';
import { createPiiCrypto } from '../../src/db/pii-crypto';
import { keyBytes } from '../../src/config';
import { isIndividualNumber } from '../../src/domain/check-digits';
import { compact, pdfBytesText } from '../support/pdf-text';
import { birthApplication, fillPool, seedParents } from '../support/birth-fixtures';
import { today } from '../support/fixtures';
import { caseStatus, eventually, freshMariaDbUrl, startTestSystem, type TestSystem } from '../support/system-harness';

const sqliteUrl = () => `sqlite:${join(mkdtempSync(join(tmpdir(), 'juki-it-')), 'registry.sqlite')}`;

describe.each([
  ['MariaDB', freshMariaDbUrl],
  ['SQLite', sqliteUrl],
])('出生 end to end on %s', (_name, dbUrl) => {
  let sys: TestSystem;
  let clerk: string;
  let approver: string;
  let householdNumber = '';

  beforeAll(async () => {
    sys = await startTestSystem(dbUrl());
    clerk = await sys.login('clerk1');
    approver = await sys.login('approver1');
    ({ householdNumber } = await seedParents(sys.orm));
  });
  afterAll(async () => sys?.close());

  const intake = (body: unknown, key = randomUUID()) =>
    sys.api('POST', '/api/cases/birth', { token: clerk, body, headers: { 'idempotency-key': key } });
  const waitStatus = (caseId: string, status: string) => caseStatus(sys, clerk, caseId, status);
  const updatesFor = async (code: string) =>
    ((await sys.csAdmin('GET', 'received?kind=identity-updates')).items as Array<{ body: any }>).filter(
      (m) => m.body.identity.residentRecordCode === code,
    );
  const counts = async () => {
    const em = sys.orm.em.fork();
    return {
      apps: await em.count(CaseApplication, {}),
      cases: await em.count(CaseRecord, {}),
      residents: await em.count(Resident, {}),
      outbox: await em.count(OutboxMessage, {}),
      pool: await residentCodePoolLevel(em),
    };
  };

  it('refuses bad input with the field and the rule, storing and starting nothing', async () => {
    // the pool is empty until the CS supplies codes: refused, with the rule named
    const before = await counts();
    expect(before.pool).toBe(0);
    const empty = await intake(birthApplication(householdNumber));
    expect(empty.status).toBe(422);
    expect(empty.json.errors).toEqual([expect.objectContaining({ field: '/child', rule: 'residentCodePoolEmpty' })]);
    await fillPool(sys.orm, 3);

    const { householdNumber: removed } = await seedParents(sys.orm, { removed: true });
    const base = birthApplication(householdNumber).child;
    const bad: Array<[unknown, number, string]> = [
      [
        birthApplication(householdNumber, { child: { ...base, birthDate: addDays(today(), 1) } }),
        422,
        '/child/birthDate notFuture',
      ],
      [birthApplication('9999990'), 422, '/household/householdNumber householdExists'],
      [birthApplication(removed), 422, '/household/householdNumber householdActive'],
      [
        birthApplication(householdNumber, { child: { ...base, relationshipToHead: '長女' } }),
        422,
        '/child/relationshipToHead birthRelationship',
      ],
      [
        birthApplication(householdNumber, { child: { ...base, birthDate: '2026-02-30' } }),
        400,
        '/child/birthDate format',
      ],
    ];
    const settled = await counts();
    for (const [body, status, rule] of bad) {
      const r = await intake(body);
      expect(r.status, rule).toBe(status);
      expect(r.json.errors.map((e: { field: string; rule: string }) => `${e.field} ${e.rule}`)).toContain(rule);
      expect(JSON.stringify(r.json)).not.toContain('桜井');
    }
    expect(await counts()).toEqual(settled);
    const running = [];
    for await (const w of sys.temporal.workflow.list({
      query: `TaskQueue = '${sys.config.taskQueue}' AND WorkflowType = 'birthWorkflow'`,
    }))
      running.push(w.workflowId);
    expect(running).toEqual([]);
  });

  it('records a birth: intake → 決裁 → 住民票コード → one 本人確認情報 (through a CS outage) → 個人番号 from J-LIS → 通知票, 写し, 送付先情報', async () => {
    if ((await counts()).pool === 0) await fillPool(sys.orm, 3);
    const app = birthApplication(householdNumber, { certificateRequest: { includeHouseholdHead: true } });
    const key = randomUUID();
    const first = await intake(app, key);
    expect(first.status).toBe(201);
    expect((await intake(app, key)).json.caseId).toBe(first.json.caseId); // a double submit is one case
    const caseId: string = first.json.caseId;

    await sys.csAdmin('POST', 'faults', { failNext: 3 });
    expect((await sys.api('POST', `/api/cases/${caseId}/approve`, { token: approver })).status).toBe(200);
    // the J-LIS simulator may answer at once: do not wait for the passing GENERATING_NUMBER status, wait for the record
    const child = await eventually(() =>
      sys.orm.em
        .fork()
        .findOne(Resident, { processId: caseId })
        .then((r) => r ?? undefined),
    );
    expect(child).toMatchObject({ relationshipToHead: '子', householdNumber }); // 異動事由: the history below
    // exactly one 本人確認情報 of the 出生, without a 個人番号, despite 3 failed CS calls
    const first8 = await eventually(async () => {
      const without = (await updatesFor(child.residentRecordCode!)).filter((u) => !u.body.identity.individualNumber);
      return without.length ? without : undefined;
    });
    expect(first8).toHaveLength(1);
    expect(first8[0]!.body.identity).not.toHaveProperty('individualNumber');
    expect(first8[0]!.body.identity.changeReason).toBe('12');

    // the J-LIS simulator answers asynchronously: the number is recorded as an appended 異動 and sent to the CS
    const done = await waitStatus(caseId, 'COMPLETED');
    // two 異動 written, each audited once: the 出生 and the 個人番号（職権記載）
    expect(await sys.orm.em.fork().count(AuditLog, { caseId, action: '異動（本登録）' })).toBe(2);
    const numbered = await sys.orm.em.fork().findOneOrFail(Resident, { addresseeNumber: child.addresseeNumber });
    const number = createPiiCrypto(keyBytes(sys.config.keys.piiEncryption), keyBytes(sys.config.keys.piiIndex)).decrypt(
      numbered.individualNumberEnc!,
    );
    expect(isIndividualNumber(number)).toBe(true);
    const history = await sys.orm.em
      .fork()
      .find(ResidentHistory, { addresseeNumber: child.addresseeNumber }, { orderBy: { historyNumber: 'asc' } });
    expect(history.map((h) => h.changeReason)).toEqual([ChangeReason.BIRTH, '個人番号（職権記載）']);
    const updates = await updatesFor(child.residentRecordCode!);
    expect(updates.map((u) => u.body.identity.individualNumber)).toEqual([undefined, number]);
    const jlis = async (kind: string) =>
      (
        (await fetch(`${sys.jlisUrl}/jlis/v1/_admin/received?kind=${kind}`, {
          headers: { authorization: `Bearer ${sys.config.jlisToken}` },
        }).then((r) => r.json())) as { items: Array<{ body: any }> }
      ).items.filter((m) => JSON.stringify(m.body).includes(child.residentRecordCode!));
    expect(await jlis('individual-number-requests')).toHaveLength(1);
    expect(
      await eventually(async () =>
        (await jlis('delivery-address-info')).length ? jlis('delivery-address-info') : undefined,
      ),
    ).toHaveLength(1);

    // the 住民票コード通知票 (the code, never the 個人番号) and the 住民票の写し asked at intake
    const text = async (type: string) => {
      const d = (done.certificates as Array<{ type: string; href: string }>).find((x) => x.type === type);
      expect(d, type).toBeDefined();
      return compact(pdfBytesText((await sys.api('GET', d!.href, { token: clerk })).buffer));
    };
    const notice = await text('residentCodeNotice');
    expect(notice).toContain('住民票コード通知票');
    expect(notice).toContain(child.residentRecordCode!.slice(0, 4));
    expect(notice).not.toContain(number);
    const copy = await text('residentRecordCopy');
    expect(copy).toContain(compact(`${child.familyName}${child.givenName}`));
    expect(await sys.orm.em.fork().count(CertificateIssuance, { caseId })).toBe(2);
  });
});

import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CaseActionLog, CaseRecord } from '../../src/db/entities';
import { CaseStatus } from '../../src/domain/case-status';
import { moveInWorkflowId } from '../../src/procedures/move-in/workflow';
import { dataConverterFor } from '../../src/temporal/client';
import { moveInApplication, mover } from '../support/fixtures';
import { caseStatus, eventually, freshMariaDbUrl, startTestSystem, type TestSystem } from '../support/system-harness';

const sqliteUrl = () => `sqlite:${join(mkdtempSync(join(tmpdir(), 'juki-sec-')), 'registry.sqlite')}`;

/**
 * Issue 13 item 7: a database error quotes the row it refused (MariaDB: "Duplicate entry '<value>' for key …"). The
 * test database gets a unique index over 氏名 and 生年月日 (a stand-in for any constraint over personal columns);
 * two 転入 of people with the same 氏名 and 生年月日 (other 住民票コード and 個人番号: a 4情報 match only raises an
 * alert) are approved one after the other, and the second commit hits the index. The stored last error, the case
 * screen, the API's failure fields, the supervisor console and the Temporal history name the error class, the code
 * and the constraint — never the name or the birth date.
 */
describe.each([
  ['MariaDB', freshMariaDbUrl],
  ['SQLite', sqliteUrl],
])('a database error carrying row values is scrubbed (%s)', (_name, dbUrl) => {
  let sys: TestSystem;
  let clerk: string;
  let approver: string;
  let supervisor: string;

  beforeAll(async () => {
    sys = await startTestSystem(dbUrl());
    [clerk, approver, supervisor] = await Promise.all([
      sys.login('clerk1'),
      sys.login('approver1'),
      sys.login('supervisor1'),
    ]);
  });
  afterAll(async () => sys?.close());

  const failureFields = (c: Record<string, unknown>) =>
    JSON.stringify({ failingStep: c.failingStep, lastError: c.lastError, attentionReason: c.attentionReason });

  it('the unique-constraint error of a commit reaches no screen, row or history with the value', async () => {
    await sys.orm.em
      .fork()
      .getConnection()
      .execute('create unique index sec_test_same_person on resident (family_name, given_name, birth_date)');
    const person = { familyName: '重複', givenName: '花子', birthDate: '1979-03-21' };
    const intake = async () => {
      const r = await sys.api('POST', '/api/cases/move-in', {
        token: clerk,
        body: moveInApplication({ movers: [mover(person)] }),
        headers: { 'idempotency-key': randomUUID() },
      });
      expect(r.status, JSON.stringify(r.json)).toBe(201);
      return r.json.caseId as string;
    };
    const first = await intake();
    const second = await intake();
    await caseStatus(sys, clerk, second, CaseStatus.AWAITING_APPROVAL);
    expect((await sys.api('POST', `/api/cases/${first}/approve`, { token: approver })).status).toBe(200);
    await caseStatus(sys, clerk, first, CaseStatus.COMPLETED);
    expect((await sys.api('POST', `/api/cases/${second}/approve`, { token: approver })).status).toBe(200);

    const row = await eventually(async () => {
      const r = await sys.orm.em.fork().findOne(CaseRecord, { caseId: second });
      return r?.lastError ? r : undefined;
    }, 60_000);
    const secrets = ['重複', '1979-03-21', '19790321'];
    const texts: Record<string, string> = {
      stored: row.lastError!,
      timeline: JSON.stringify((await sys.orm.em.fork().find(CaseActionLog, { caseId: second })).map((a) => a.detail)),
      api: failureFields((await sys.api('GET', `/api/cases/${second}`, { token: supervisor })).json),
      console: (await sys.api('GET', '/supervisor', { token: supervisor })).buffer.toString('utf8'),
    };
    // Temporal: a retrying activity's last failure (what the Web UI shows) has its text encrypted
    // (encodeCommonAttributes), and decrypted the text is the scrubbed one
    const pending = (await sys.temporal.workflow.getHandle(moveInWorkflowId(second)).describe()).raw.pendingActivities;
    const lastFailure = pending?.find((a) => a.lastFailure)?.lastFailure;
    expect(lastFailure?.message).toBe('Encoded failure');
    const [attributes] = await dataConverterFor(sys.config).payloadCodecs[0]!.decode([lastFailure!.encodedAttributes!]);
    const failureTexts = Buffer.from(attributes!.data ?? []).toString('utf8');
    expect(failureTexts).toMatch(/UniqueConstraintViolationException/);
    texts.history = failureTexts;
    for (const [where, text] of Object.entries(texts))
      for (const s of secrets) expect(text, `${where} contains ${s}`).not.toContain(s);
    expect(row.lastError).toMatch(/^UniqueConstraintViolationException.*constraint (sec_test_same_person|resident\.)/);
  });
});

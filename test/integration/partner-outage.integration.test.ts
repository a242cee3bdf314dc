import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CaseStatus } from '../../src/domain/case-status';
import { PartnerCall } from '../../src/db/entities';
import { moveInApplication } from '../support/fixtures';
import { compact, pdfBytesText } from '../support/pdf-text';
import { eventually, freshMariaDbUrl, startTestSystem, type TestSystem } from '../support/system-harness';

/**
 * A CS outage on real parts (dev server, MariaDB, the CS simulator over HTTP in outage, answering 503 with
 * Retry-After): the 住民票の写し requested at intake is issued right after the registry commit while the case waits
 * for the delivery (issue 14 bug 8), and the delivery is not retried before the CS's Retry-After (bug 6).
 */
describe('CS outage (MariaDB)', () => {
  let sys: TestSystem;
  let clerk: string;
  let approver: string;

  beforeAll(async () => {
    sys = await startTestSystem(freshMariaDbUrl());
    clerk = await sys.login('clerk1');
    approver = await sys.login('approver1');
  });
  afterAll(async () => sys?.close());

  const caseJson = async (caseId: string) => (await sys.api('GET', `/api/cases/${caseId}`, { token: clerk })).json;

  it('the copy is issued during the outage; the next retry waits for the Retry-After; then the case completes', async () => {
    const intake = await sys.api('POST', '/api/cases/move-in', {
      token: clerk,
      body: moveInApplication(),
      headers: { 'idempotency-key': randomUUID() },
    });
    expect(intake.status).toBe(201);
    const caseId: string = intake.json.caseId;
    const outage = await sys.csAdmin('POST', 'faults', { outage: { durationMs: 10 * 60_000 } });
    const outageEnds = Date.parse(outage.outage.until);
    expect((await sys.api('POST', `/api/cases/${caseId}/approve`, { token: approver })).status).toBe(200);

    // the copy exists while the case is stuck on the CS
    const stuck = await eventually(async () => {
      const c = await caseJson(caseId);
      return c.certificates?.length && c.failingStep ? c : undefined;
    }, 60_000);
    expect(stuck.status).toBe(CaseStatus.DELIVERING);
    const pdf = await sys.api('GET', stuck.certificates[0].href, { token: clerk });
    expect(compact(pdfBytesText(pdf.buffer))).toContain('住民票の写し');
    // the next retry is not before the CS's Retry-After (the end of the outage), as the case shows
    expect(Date.parse(stuck.nextRetryAt)).toBeGreaterThanOrEqual(outageEnds - 1_000);
    // and no attempt runs before it: one failed call, not one per backoff step (150 ms … 2 s)
    await new Promise((r) => setTimeout(r, 4_000));
    const failed = () => sys.orm.em.fork().count(PartnerCall, { caseId, partner: 'CS', ok: false });
    expect(await failed()).toBe(1);

    // the CS is back early: a supervisor's 今すぐ再試行 completes the case, with the one copy
    await sys.csAdmin('POST', 'faults', { clear: true });
    const supervisor = await sys.login('supervisor1');
    const retried = await sys.api('POST', `/api/cases/${caseId}/retry-now`, {
      token: supervisor,
      body: { reason: 'CS の復旧を確認' },
    });
    expect(retried.status).toBe(200);
    const done = await eventually(async () => {
      const c = await caseJson(caseId);
      return c.status === CaseStatus.COMPLETED ? c : undefined;
    }, 60_000);
    expect(done.certificates).toHaveLength(1);
    expect(await failed()).toBe(1);
  });
});

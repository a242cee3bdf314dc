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
    const outageMs = 8_000;
    const outage = await sys.csAdmin('POST', 'faults', { outage: { durationMs: outageMs } });
    const outageEnds = Date.parse(outage.outage.until);
    expect((await sys.api('POST', `/api/cases/${caseId}/approve`, { token: approver })).status).toBe(200);

    // the copy exists while the case is stuck on the CS
    const stuck = await eventually(async () => {
      const c = await caseJson(caseId);
      return c.certificates?.length && c.failingStep ? c : undefined;
    }, 30_000);
    expect(Date.now()).toBeLessThan(outageEnds);
    expect(stuck.status).toBe(CaseStatus.DELIVERING);
    const pdf = await sys.api('GET', stuck.certificates[0].href, { token: clerk });
    expect(compact(pdfBytesText(pdf.buffer))).toContain('住民票の写し');
    // the next retry is not before the CS's Retry-After (the end of the outage), as the case shows
    expect(Date.parse(stuck.nextRetryAt)).toBeGreaterThanOrEqual(outageEnds - 1_000);

    const done = await eventually(async () => {
      const c = await caseJson(caseId);
      return c.status === CaseStatus.COMPLETED ? c : undefined;
    }, 60_000);
    expect(done.certificates).toHaveLength(1);
    // one failed call in the outage (its Retry-After was honoured), not one per backoff step (150 ms … 2 s)
    const failed = await sys.orm.em.fork().count(PartnerCall, { caseId, partner: 'CS', ok: false });
    expect(failed).toBe(1);
  });
});

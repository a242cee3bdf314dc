import { randomUUID } from 'node:crypto';
import { WorkflowFailedError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditLog, CertificateIssuance, type Resident } from '../../src/db/entities';
import { loadDemoTown } from '../../src/db/seed/load-demo';
import { FailureType } from '../../src/domain/failures';
import { certificateReissueWorkflow, certificateReissueWorkflowId } from '../../src/workflows/certificate-reissue';
import { piiOf } from '../support/harness';
import { demoHousehold } from '../support/online-fixtures';
import { compact, pdfBytesText } from '../support/pdf-text';
import { freshMariaDbUrl, startTestSystem, type TestSystem } from '../support/system-harness';

/**
 * Issue 14 bug 10: the 再交付 of a counter 住民票の写し (no case) answers with a new copy, and an activity whose row is
 * missing fails at once with a Japanese reason instead of retrying for ever. Real parts: dev server, MariaDB, API.
 */
describe('再交付 of a counter 住民票の写し (MariaDB)', () => {
  let sys: TestSystem;
  let clerk: string;
  let household: Resident[];

  beforeAll(async () => {
    sys = await startTestSystem(freshMariaDbUrl());
    await loadDemoTown(sys.orm, piiOf(sys.config), { households: 4 });
    clerk = await sys.login('clerk1');
    household = await demoHousehold(sys.orm, 0, 2);
  });
  afterAll(async () => sys?.close());

  const em = () => sys.orm.em.fork();

  it('answers with a new copy: new 発行番号, 「再交付」, the same persons and items, audited', async () => {
    const issued = await sys.api('POST', '/api/certificates/resident-record-copy', {
      token: clerk,
      headers: { 'x-request-id': randomUUID() },
      body: {
        addresseeNumbers: household.map((p) => p.addresseeNumber),
        options: { includeHouseholdHead: true },
        requester: { relation: 'self' },
        identityDocument: { type: 'myNumberCard' },
      },
    });
    expect(issued.status).toBe(201);
    const started = Date.now();
    const reissue = await sys.api('POST', `/api/certificates/${issued.json.certificateId}/reissue`, { token: clerk });
    expect(reissue.status).toBe(201);
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(reissue.json.certificateId).not.toBe(issued.json.certificateId);
    expect(reissue.json.issueNumber).not.toBe(issued.json.issueNumber);

    const row = await em().findOneOrFail(CertificateIssuance, { certificateId: reissue.json.certificateId });
    expect(row.caseId ?? null).toBeNull();
    expect([...row.targetAddresseeNumbers].sort()).toEqual(household.map((p) => p.addresseeNumber).sort());
    expect(row.printedItems).toMatchObject({
      reissue: true,
      counter: true,
      requestedBy_self: true,
      includeHouseholdHead: true,
      includeIndividualNumber: false,
    });
    const text = compact(pdfBytesText((await sys.api('GET', reissue.json.href, { token: clerk })).buffer));
    expect(text).toContain('再交付');
    expect(text).toContain(compact(reissue.json.issueNumber));
    for (const p of household) expect(text).toContain(`${p.familyName}${p.givenName}`);
    const audits = await em().find(AuditLog, { function: 'issue residentRecordCopy' });
    expect(
      audits.filter((a) => (a.detail as { certificateId?: string }).certificateId === reissue.json.certificateId),
    ).toHaveLength(household.length);
  });

  it('a 再交付 whose certificate row is missing fails at once, not retrying, with a Japanese reason', async () => {
    const certificateId = randomUUID();
    const run = sys.temporal.workflow.execute(certificateReissueWorkflow, {
      workflowId: certificateReissueWorkflowId(certificateId, randomUUID()),
      taskQueue: sys.config.taskQueue,
      args: [{ certificateId, operatorId: 'clerk1', timings: sys.config.timings }],
    });
    const err = await run.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkflowFailedError);
    const cause = (err as WorkflowFailedError).cause?.cause as {
      type?: string;
      message?: string;
      nonRetryable?: boolean;
    };
    expect(cause).toMatchObject({ type: FailureType.RECORD_NOT_FOUND, nonRetryable: true });
    expect(cause.message).toBe('処理に必要な記録（CertificateIssuance）が見つからないため、再試行せずに止めました');
  });
});

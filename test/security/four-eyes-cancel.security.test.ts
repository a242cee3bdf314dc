import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditLog, CaseActionLog, Resident } from '../../src/db/entities';
import { CaseAction, CaseStatus } from '../../src/domain/case-status';
import { ResidentStatus } from '../../src/domain/registry-values';
import { moveInApplication } from '../support/fixtures';
import { caseStatus, eventually, freshMariaDbUrl, startTestSystem, type TestSystem } from '../support/system-harness';

/**
 * Issue 13 item 8: one person could undo a committed 異動. Now a cancellation after 決裁 is a request by one
 * supervisor that a second supervisor approves: the requester's own second call is refused (FOUR_EYES), nothing is
 * undone until the second person acts, and both steps are logged and audited.
 */
describe('four-eyes on a cancellation after 本登録', () => {
  let sys: TestSystem;
  let clerk: string;

  beforeAll(async () => {
    sys = await startTestSystem(freshMariaDbUrl());
    clerk = await sys.login('clerk1');
  });
  afterAll(async () => sys?.close());

  it('one supervisor cannot undo a committed 転入 alone; a second one approves and the compensation runs', async () => {
    const [approver, sup1, sup2] = await Promise.all([
      sys.login('approver1'),
      sys.login('supervisor1'),
      sys.login('supervisor2'),
    ]);
    // a 転入 committed and stuck in delivery (CS outage): after 本登録, before the case ends
    await sys.csAdmin('POST', 'faults', { outage: { durationMs: 10 * 60_000 } });
    const r = await sys.api('POST', '/api/cases/move-in', {
      token: clerk,
      body: moveInApplication({ certificateRequest: undefined }),
      headers: { 'idempotency-key': randomUUID() },
    });
    const caseId: string = r.json.caseId;
    expect((await sys.api('POST', `/api/cases/${caseId}/approve`, { token: approver })).status).toBe(200);
    await caseStatus(sys, clerk, caseId, CaseStatus.DELIVERING);
    const cancel = (token: string, reason: string) =>
      sys.api('POST', `/api/cases/${caseId}/cancel`, {
        token,
        body: { reason },
        headers: { 'x-request-id': randomUUID() },
      });

    const asked = await cancel(sup1, '届出の重複（別案件で受付済み）');
    expect(asked.status).toBe(200);
    expect(asked.json).toMatchObject({ accepted: true, pendingSecondApproval: true });
    const again = await cancel(sup1, '届出の重複（別案件で受付済み）');
    expect(again.status).toBe(403);
    expect(again.json.error).toBe('FOUR_EYES');

    // nothing undone yet: the residents are registered, the case still delivers
    const subjects = (await sys.api('GET', `/api/cases/${caseId}`, { token: clerk })).json.subjectAddresseeNumbers;
    const em = () => sys.orm.em.fork();
    expect(await em().count(CaseActionLog, { caseId, action: CaseAction.COMPENSATE })).toBe(0);
    for (const a of subjects)
      expect((await em().findOneOrFail(Resident, { addresseeNumber: a })).status).toBe(ResidentStatus.RESIDENT);
    expect((await sys.api('GET', `/api/cases/${caseId}`, { token: clerk })).json.status).toBe(CaseStatus.DELIVERING);

    await sys.csAdmin('POST', 'faults', { clear: true });
    expect((await cancel(sup2, '取消を承認')).status).toBe(200);
    await caseStatus(sys, clerk, caseId, CaseStatus.CANCELLED);
    for (const a of subjects)
      expect((await em().findOneOrFail(Resident, { addresseeNumber: a })).status).toBe(ResidentStatus.REMOVED);

    const log = await em().find(CaseActionLog, { caseId }, { orderBy: { id: 'asc' } });
    expect(log.find((l) => l.action === CaseAction.CANCEL_REQUESTED)?.actorId).toBe('supervisor1');
    expect(log.find((l) => l.action === CaseAction.CANCEL)).toMatchObject({
      actorId: 'supervisor2',
      detail: expect.objectContaining({ requestedBy: 'supervisor1', approvedBy: 'supervisor2' }),
    });
    await eventually(async () =>
      (await em().count(AuditLog, { caseId, actorId: 'supervisor1' })) > 0 ? true : undefined,
    );
    expect(await em().count(AuditLog, { caseId, actorId: 'supervisor2' })).toBeGreaterThan(0);
  });
});

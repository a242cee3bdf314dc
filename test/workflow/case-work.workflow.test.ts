import { randomUUID } from 'node:crypto';
import type { WorkflowHandle } from '@temporalio/client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { intakeMoveIn } from '../../src/procedures/move-in/intake';
import { intakeMoveOut } from '../../src/procedures/move-out/intake';
import { AttentionReason, CaseAction, CaseStatus } from '../../src/domain/case-status';
import { ChangeReason } from '../../src/domain/change-reason';
import { addDays } from '../../src/domain/dates';
import { ResidentStatus } from '../../src/domain/registry-values';
import { AuditLog, CaseActionLog, CaseRecord, OutboxMessage, Resident, ResidentHistory } from '../../src/db/entities';
import { storeCaseNote } from '../../src/db/case-notes';
import { loadDemoTown } from '../../src/db/seed/load-demo';
import { caseStateQuery } from '../../src/procedures/move-in/workflow';
import { approveUpdate, requestChangesUpdate, resubmitUpdate } from '../../src/workflows/approval';
import {
  cancelCaseUpdate,
  claimUpdate,
  escalateUpdate,
  reassignUpdate,
  releaseUpdate,
  retryNowUpdate,
  withdrawUpdate,
} from '../../src/workflows/work';
import { moveInWorkflowId } from '../../src/procedures/move-in/workflow';
import { moveOutWorkflowId } from '../../src/procedures/move-out/workflow';
import { APPROVER, CLERK, moveInApplication, today } from '../support/fixtures';
import { householdMovers, TOWN_B } from '../support/move-fixtures';
import { eventually } from '../support/system-harness-utils';
import { startWorkflowHarness, type WorkflowHarness } from '../support/workflow-harness';
import { MoveOutStatus } from '../../src/procedures/move-out/definition';

let h: WorkflowHarness;
const actor = { ...CLERK, ip: '127.0.0.1' };
const APPROVER2 = { userId: 'approver2', roles: ['approver'], terminalId: 'T-HONCHO-02' };
const SUPERVISOR = { userId: 'supervisor1', roles: ['supervisor'], terminalId: 'T-HONCHO-03' };
const SUPERVISOR2 = { userId: 'supervisor2', roles: ['supervisor'], terminalId: 'T-HONCHO-04' };

/**
 * A cancellation after 決裁 (issue 13 item 8): the first supervisor's request waits, the requester cannot approve
 * it, a second supervisor approves and the compensation runs.
 */
async function cancelByTwo(handle: WorkflowHandle, reason: string) {
  expect(await handle.executeUpdate(cancelCaseUpdate, { args: [{ actor: SUPERVISOR, reason }] })).toEqual({
    accepted: true,
    pendingSecondApproval: true,
  });
  expect(await refusal(handle.executeUpdate(cancelCaseUpdate, { args: [{ actor: SUPERVISOR, reason }] }))).toBe(
    'FOUR_EYES',
  );
  expect(await handle.executeUpdate(cancelCaseUpdate, { args: [{ actor: SUPERVISOR2, reason: '承認' }] })).toEqual({
    accepted: true,
  });
}

// A fresh time-skipping server per scenario: the Java test server may skip its clock far ahead over timers of
// cancelled work when a test waits for a result, and the intake dates filings by the real clock.
beforeEach(async () => {
  h = await startWorkflowHarness();
  await loadDemoTown(h.orm, h.pii, { households: 6 });
});
afterEach(async (t) => h?.close(t));

const em = () => h.orm.em.fork();
const row = (caseId: string) => em().findOneOrFail(CaseRecord, { caseId });
const actions = async (caseId: string) =>
  (await em().find(CaseActionLog, { caseId }, { orderBy: { id: 'asc' } })).map((a) => a.action);
/** The validator's refusal code of a failed update: the type of its ApplicationFailure (no message parsing). */
const refusal = async (p: Promise<unknown>) => {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err as { cause?: { type?: string } },
  );
  return e?.cause?.type ?? 'ACCEPTED';
};
/** The activities a case's workflow scheduled (a local activity is not among them). */
const activitiesOf = async (handle: WorkflowHandle) =>
  ((await handle.fetchHistory()).events ?? []).flatMap(
    (e) => e.activityTaskScheduledEventAttributes?.activityType?.name ?? [],
  );
/** Lets the worker go idle before time is skipped (see WorkflowHarness.idle). */
const settle = () => h.idle();

async function moveIn(body = moveInApplication({ certificateRequest: undefined })) {
  const r = await intakeMoveIn(h.api, actor, body, randomUUID());
  return { ...r, handle: h.env.client.workflow.getHandle(moveInWorkflowId(r.caseId)) };
}

/** A special 転出 of `movers` to town B in a week, approved, and waiting for its date. */
async function approvedSpecialMoveOut(movers: Awaited<ReturnType<typeof householdMovers>>) {
  const r = await intakeMoveOut(
    h.api,
    actor,
    {
      movers,
      destination: { address: '神奈川県相模原市中央区中央一丁目1番1号', municipalityCode: TOWN_B },
      plannedMoveOutDate: addDays(today(), 7),
      path: 'special',
      cardHolderPresent: true,
      notifier: { kind: 'self' },
      identityDocument: { type: 'myNumberCard' },
    },
    randomUUID(),
  );
  const handle: WorkflowHandle = h.env.client.workflow.getHandle(moveOutWorkflowId(r.caseId));
  await handle.executeUpdate(approveUpdate, { args: [{ actor: APPROVER }] });
  await eventually(
    async () => ((await row(r.caseId)).status === MoveOutStatus.AWAITING_MOVE_OUT_DATE ? true : undefined),
    30_000,
  );
  return { r, handle };
}

describe('human steps: assignment, 差戻し, retry-now, cancellation (time-skipping)', () => {
  it('a claimed case is worked only by its assignee; a supervisor reassigns; a maker is never an eligible approver', async () => {
    const { caseId, handle } = await moveIn();
    expect(
      await refusal(
        handle.executeUpdate(claimUpdate, { args: [{ actor: { userId: 'clerk1', roles: ['clerk', 'approver'] } }] }),
      ),
    ).toBe('FOUR_EYES');
    expect(await handle.executeUpdate(claimUpdate, { args: [{ actor: APPROVER2 }] })).toEqual({
      assignedTo: 'approver2',
    });
    expect(await refusal(handle.executeUpdate(claimUpdate, { args: [{ actor: APPROVER }] }))).toBe('ALREADY_ASSIGNED');
    expect(await refusal(handle.executeUpdate(approveUpdate, { args: [{ actor: APPROVER }] }))).toBe('NOT_ASSIGNEE');
    expect(await refusal(handle.executeUpdate(releaseUpdate, { args: [{ actor: APPROVER }] }))).toBe('NOT_ASSIGNEE');
    await eventually(async () => ((await row(caseId)).assignedTo === 'approver2' ? true : undefined));

    const reassign = (to: string, toRoles: string[], by = SUPERVISOR) =>
      handle.executeUpdate(reassignUpdate, { args: [{ actor: by, to, toRoles, reason: '担当者の不在' }] });
    expect(await refusal(reassign('approver1', ['approver'], { ...CLERK, roles: ['clerk'] }))).toBe('ROLE_REQUIRED');
    expect(await refusal(reassign('clerk1', ['clerk', 'approver']))).toBe('ASSIGNEE_NOT_ELIGIBLE');
    expect(await reassign('approver1', ['approver'])).toEqual({ assignedTo: 'approver1' });
    expect(await refusal(handle.executeUpdate(approveUpdate, { args: [{ actor: APPROVER2 }] }))).toBe('NOT_ASSIGNEE');
    await handle.executeUpdate(approveUpdate, { args: [{ actor: APPROVER }] });
    expect((await handle.result()).status).toBe(CaseStatus.COMPLETED);
    expect(await actions(caseId)).toEqual(
      expect.arrayContaining([CaseAction.CLAIM, CaseAction.REASSIGN, CaseAction.APPROVE]),
    );
    expect(await row(caseId)).toMatchObject({ status: CaseStatus.COMPLETED, assignedTo: null, awaitingRole: null });
  });

  it('a claim, an escalation and a release each write one case action log row and its audit rows; the case waits for 決裁 flagged', async () => {
    const { caseId, handle } = await moveIn();
    const subjects = (await row(caseId)).subjectAddresseeNumbers?.length ?? 0;
    expect(await handle.executeUpdate(claimUpdate, { args: [{ actor: APPROVER2 }] })).toEqual({
      assignedTo: 'approver2',
    });
    // a claim by the assignee again changes nothing and logs nothing
    await handle.executeUpdate(claimUpdate, { args: [{ actor: APPROVER2 }] });
    expect(await refusal(handle.executeUpdate(escalateUpdate, { args: [{ actor: SUPERVISOR, reason: ' ' }] }))).toBe(
      'REASON_REQUIRED',
    );
    await handle.executeUpdate(escalateUpdate, { args: [{ actor: SUPERVISOR, reason: '決裁期限が近い' }] });
    expect(
      await refusal(handle.executeUpdate(escalateUpdate, { args: [{ actor: SUPERVISOR2, reason: '再度' }] })),
    ).toBe('ALREADY_ESCALATED');
    await handle.executeUpdate(releaseUpdate, { args: [{ actor: APPROVER2 }] });
    await eventually(async () => ((await row(caseId)).assignedTo === null ? true : undefined));
    expect(await row(caseId)).toMatchObject({
      status: CaseStatus.AWAITING_APPROVAL,
      escalated: true,
      needsAttention: true,
      attentionReason: AttentionReason.ESCALATED,
    });
    expect(await actions(caseId)).toEqual([
      CaseAction.INTAKE,
      CaseAction.CLAIM,
      CaseAction.ESCALATE,
      CaseAction.RELEASE,
    ]);
    const log = await em().find(
      CaseActionLog,
      { caseId, action: { $ne: CaseAction.INTAKE } },
      { orderBy: { id: 'asc' } },
    );
    expect(log.map((a) => [a.action, a.actorId])).toEqual([
      [CaseAction.CLAIM, 'approver2'],
      [CaseAction.ESCALATE, 'supervisor1'],
      [CaseAction.RELEASE, 'approver2'],
    ]);
    expect(log[1]!.detail).toEqual({ reason: '決裁期限が近い' });
    expect(log[2]!.detail).toEqual({ previous: 'approver2' });
    for (const action of [CaseAction.CLAIM, CaseAction.ESCALATE, CaseAction.RELEASE])
      expect(await em().count(AuditLog, { caseId, function: `case:${action}` })).toBe(Math.max(subjects, 1));
    // each logged inside the workflow task that took it (patch case-actions-logged-locally): no activity of its own
    expect(await activitiesOf(handle)).toEqual([]);
    // left waiting for 決裁 (recorded as an open history with human steps: scripts/replay/selection.ts)
  });

  it('a cancellation after 決裁 requested by one supervisor waits for the second while the 転出 waits for its date', async () => {
    const movers = await householdMovers(h.orm, 1);
    const { r, handle } = await approvedSpecialMoveOut(movers);
    expect(
      await handle.executeUpdate(cancelCaseUpdate, {
        args: [{ actor: SUPERVISOR, reason: '転出を取りやめる旨の申出' }],
      }),
    ).toEqual({ accepted: true, pendingSecondApproval: true });
    expect(await actions(r.caseId)).toEqual(expect.arrayContaining([CaseAction.CANCEL_REQUESTED]));
    expect(await activitiesOf(handle)).toEqual(['commitMoveOut', 'deliverCsMessages']); // the request logged locally
    expect((await em().find(CaseActionLog, { caseId: r.caseId, action: CaseAction.CANCEL_REQUESTED })).length).toBe(1);
    expect(await em().count(AuditLog, { caseId: r.caseId, function: `case:${CaseAction.CANCEL_REQUESTED}` })).toBe(
      movers.length,
    );
    expect((await row(r.caseId)).status).toBe(MoveOutStatus.AWAITING_MOVE_OUT_DATE);
    // left waiting for its date with the request pending (recorded as an open history: scripts/replay/selection.ts)
  });

  it('差戻し returns the case to its maker, who alone resubmits it; then it is approved', async () => {
    const { caseId, handle } = await moveIn();
    expect(
      await refusal(handle.executeUpdate(requestChangesUpdate, { args: [{ actor: APPROVER, reason: ' ' }] })),
    ).toBe('REASON_REQUIRED');
    await handle.executeUpdate(requestChangesUpdate, {
      args: [{ actor: APPROVER, reason: '前住所の方書が転出証明書と異なる' }],
    });
    await eventually(async () => ((await row(caseId)).status === CaseStatus.RETURNED ? true : undefined));
    expect(await row(caseId)).toMatchObject({ assignedTo: 'clerk1', awaitingRole: 'clerk' });
    expect(await refusal(handle.executeUpdate(approveUpdate, { args: [{ actor: APPROVER }] }))).toBe(
      'NOT_AWAITING_APPROVAL',
    );
    expect(
      await refusal(
        handle.executeUpdate(resubmitUpdate, { args: [{ actor: { userId: 'clerk2', roles: ['clerk'] } }] }),
      ),
    ).toBe('NOT_MAKER');
    await handle.executeUpdate(resubmitUpdate, {
      args: [{ actor: { userId: 'clerk1', roles: ['clerk'] }, reason: '方書を訂正' }],
    });
    expect((await handle.query(caseStateQuery)).status).toBe(CaseStatus.AWAITING_APPROVAL);
    // each step logged once with its audit rows, inside the workflow task that took it (patch
    // case-actions-logged-locally): no activity before the 決裁
    const subjects = (await row(caseId)).subjectAddresseeNumbers?.length ?? 0;
    for (const action of [CaseAction.REQUEST_CHANGES, CaseAction.RESUBMIT]) {
      expect(await em().count(CaseActionLog, { caseId, action })).toBe(1);
      expect(await em().count(AuditLog, { caseId, function: `case:${action}` })).toBe(Math.max(subjects, 1));
    }
    expect(await activitiesOf(handle)).toEqual([]);
    await handle.executeUpdate(approveUpdate, { args: [{ actor: APPROVER }] });
    expect((await handle.result()).status).toBe(CaseStatus.COMPLETED);
    expect(await actions(caseId)).toEqual(expect.arrayContaining([CaseAction.REQUEST_CHANGES, CaseAction.RESUBMIT]));
  });

  it('a cancellation before 決裁 closes the case with nothing written or sent', async () => {
    const calls = h.cs.calls;
    const { caseId, handle } = await moveIn();
    expect(
      await refusal(
        handle.executeUpdate(cancelCaseUpdate, {
          args: [{ actor: { ...CLERK, roles: ['clerk'] }, reason: '届出人の申出' }],
        }),
      ),
    ).toBe('ROLE_REQUIRED');
    expect(await refusal(handle.executeUpdate(cancelCaseUpdate, { args: [{ actor: SUPERVISOR, reason: '' }] }))).toBe(
      'REASON_REQUIRED',
    );
    await handle.executeUpdate(cancelCaseUpdate, { args: [{ actor: SUPERVISOR, reason: '届出人の申出により取下げ' }] });
    expect((await handle.result()).status).toBe(CaseStatus.CANCELLED);
    expect(await em().count(ResidentHistory, { caseId })).toBe(0);
    expect(h.cs.calls).toBe(calls);
  });

  it('取下げ (issue 14): only the maker, with a reason, before 決裁 (also when returned); the case ends WITHDRAWN with nothing written or sent', async () => {
    const calls = h.cs.calls;
    const { caseId, handle } = await moveIn();
    const clerk1 = { userId: 'clerk1', roles: ['clerk'] };
    const withdraw = (a: { userId: string; roles: string[] }, reason = '届出人の申出') =>
      handle.executeUpdate(withdrawUpdate, { args: [{ actor: a, reason }] });
    expect(await refusal(withdraw({ userId: 'clerk2', roles: ['clerk'] }))).toBe('NOT_MAKER');
    expect(await refusal(withdraw(SUPERVISOR))).toBe('NOT_MAKER');
    expect(await refusal(withdraw(clerk1, ' '))).toBe('REASON_REQUIRED');
    await handle.executeUpdate(requestChangesUpdate, { args: [{ actor: APPROVER, reason: '続柄を確認' }] });
    await eventually(async () => ((await row(caseId)).status === CaseStatus.RETURNED ? true : undefined));
    expect(await withdraw(clerk1)).toEqual({ accepted: true });
    expect(await refusal(withdraw(clerk1))).toBe('NOT_CANCELLABLE');
    expect((await handle.result()).status).toBe(CaseStatus.WITHDRAWN);
    expect((await row(caseId)).status).toBe(CaseStatus.WITHDRAWN);
    expect(await actions(caseId)).toContain(CaseAction.WITHDRAW);
    expect(await em().count(ResidentHistory, { caseId })).toBe(0);
    expect(h.cs.calls).toBe(calls);
  });

  it('no 取下げ once 決裁 is taken, even before the status shows it', async () => {
    const { handle } = await moveIn();
    await handle.executeUpdate(approveUpdate, { args: [{ actor: APPROVER }] });
    expect(
      await refusal(
        handle.executeUpdate(withdrawUpdate, {
          args: [{ actor: { userId: 'clerk1', roles: ['clerk'] }, reason: '申出' }],
        }),
      ),
    ).toBe('NOT_IN_STEP');
    expect((await handle.result()).status).toBe(CaseStatus.COMPLETED);
  });

  it('cancelling a special 転出 before its date restores the residents, tells the CS and withdraws the 転出証明書情報', async () => {
    const movers = await householdMovers(h.orm, 2);
    const { r, handle } = await approvedSpecialMoveOut(movers);
    await cancelByTwo(handle, '転出を取りやめる旨の申出');
    expect((await handle.result()).status).toBe(CaseStatus.CANCELLED);

    for (const m of movers) {
      const res = await em().findOneOrFail(Resident, { addresseeNumber: m.addresseeNumber });
      expect(res).toMatchObject({ status: ResidentStatus.RESIDENT, changeReason: ChangeReason.CANCELLATION_RECORD });
      expect(res.plannedMoveOutDate ?? null).toBeNull();
      const history = await em().find(
        ResidentHistory,
        { addresseeNumber: m.addresseeNumber },
        { orderBy: { historyNumber: 'asc' } },
      );
      expect(history.map((x) => x.changeReason).slice(-2)).toEqual([
        ChangeReason.DOMESTIC_MOVE_OUT,
        ChangeReason.CANCELLATION_RECORD,
      ]);
    }
    const updates = h.cs.identityUpdates.filter((u) => u.idempotencyKey.includes(r.caseId));
    expect(updates.map((u) => u.identity.changeReason).sort()).toEqual(
      [...movers.map(() => '18'), ...movers.map(() => '20')].sort(),
    );
    const withdrawals = h.cs.withdrawals.filter((w) => w.withdrawal.moverGroupId === r.caseId);
    expect(withdrawals).toHaveLength(movers.length);
    expect(
      withdrawals.every((w) => w.toMunicipalityCode === TOWN_B && !JSON.stringify(w).includes('individualNumber')),
    ).toBe(true);
  });
  it('cancelling a 転入 stuck in delivery: appended 異動の取消し（減）, the unsent messages never leave', async () => {
    const { caseId, handle } = await moveIn();
    h.cs.downUntilMs = (await h.env.currentTimeMs()) + 10 * 3600_000;
    const sentBefore = h.cs.identityUpdates.length;
    await handle.executeUpdate(approveUpdate, { args: [{ actor: APPROVER }] });
    await eventually(async () => (((await row(caseId)).attempt ?? 0) >= 2 ? true : undefined));
    await cancelByTwo(handle, '届出の重複（別案件で受付済み）');
    expect((await handle.result()).status).toBe(CaseStatus.CANCELLED);
    h.cs.downUntilMs = 0;
    const { subjectAddresseeNumbers } = await row(caseId);
    for (const a of subjectAddresseeNumbers!) {
      const r = await em().findOneOrFail(Resident, { addresseeNumber: a });
      expect(r).toMatchObject({ status: ResidentStatus.REMOVED, changeReason: ChangeReason.CANCELLATION_REMOVE });
      const history = await em().find(ResidentHistory, { addresseeNumber: a }, { orderBy: { historyNumber: 'asc' } });
      expect(history.map((x) => x.changeReason)).toEqual([
        ChangeReason.DOMESTIC_MOVE_IN,
        ChangeReason.CANCELLATION_REMOVE,
      ]);
    }
    expect(await em().count(OutboxMessage, { caseId, status: 'CANCELLED' })).toBe(4);
    expect(h.cs.identityUpdates.length).toBe(sentBefore);
    expect(await actions(caseId)).toEqual(
      expect.arrayContaining([CaseAction.CANCEL_REQUESTED, CaseAction.CANCEL, CaseAction.COMPENSATE]),
    );
  });

  it('reasons by case_note ID (issue 13 item 1): the log names the note, the compensation writes its text', async () => {
    const { caseId, handle } = await moveIn();
    const note = (by: string, text: string) =>
      storeCaseNote(em(), h.pii, { caseId, kind: 'cancel', text, authorId: by });
    // neither a reasonId nor a text: refused
    expect(await refusal(handle.executeUpdate(requestChangesUpdate, { args: [{ actor: APPROVER }] }))).toBe(
      'REASON_REQUIRED',
    );
    expect(
      await refusal(handle.executeUpdate(requestChangesUpdate, { args: [{ actor: APPROVER, reasonId: '' }] })),
    ).toBe('REASON_REQUIRED');
    h.cs.downUntilMs = (await h.env.currentTimeMs()) + 10 * 3600_000;
    await handle.executeUpdate(approveUpdate, { args: [{ actor: APPROVER }] });
    await eventually(async () => (((await row(caseId)).attempt ?? 0) >= 2 ? true : undefined));
    const requested = await note(SUPERVISOR.userId, '届出の重複（別案件で受付済み）');
    expect(
      await handle.executeUpdate(cancelCaseUpdate, { args: [{ actor: SUPERVISOR, reasonId: requested }] }),
    ).toEqual({ accepted: true, pendingSecondApproval: true });
    const approved = await note(SUPERVISOR2.userId, '承認');
    await handle.executeUpdate(cancelCaseUpdate, { args: [{ actor: SUPERVISOR2, reasonId: approved }] });
    expect((await handle.result()).status).toBe(CaseStatus.CANCELLED);
    h.cs.downUntilMs = 0;
    const log = await em().find(CaseActionLog, {
      caseId,
      action: { $in: [CaseAction.CANCEL_REQUESTED, CaseAction.CANCEL] },
    });
    expect(log.map((a) => a.detail?.reasonId).sort()).toEqual([requested, approved].sort());
    expect(log.every((a) => a.detail?.reason === undefined)).toBe(true);
    const undone = await em().find(ResidentHistory, { caseId, changeReason: ChangeReason.CANCELLATION_REMOVE });
    expect(undone.length).toBeGreaterThan(0);
    for (const x of undone)
      expect(x.notes).toContain('届出の重複（別案件で受付済み）（申請: supervisor1／承認: supervisor2）');
  });

  it('retry-now re-runs a delivery stuck in a long CS outage at once, instead of at its next retry', async () => {
    const { caseId, handle } = await moveIn();
    h.cs.downUntilMs = (await h.env.currentTimeMs()) + 10 * 3600_000;
    await handle.executeUpdate(approveUpdate, { args: [{ actor: APPROVER }] });
    await settle();
    await h.env.sleep('1 hour'); // attempts fail; the backoff reaches its 5-minute cap
    const stuck = await eventually(async () => {
      const r = await row(caseId);
      return (r.attempt ?? 0) >= 5 ? r : undefined;
    });
    expect(stuck).toMatchObject({
      status: CaseStatus.DELIVERING,
      needsAttention: true,
      attentionReason: 'ACTIVITY_FAILING',
      failingStep: 'deliverCsMessages',
    });
    expect((await actions(caseId)).filter((a) => a === CaseAction.ACTIVITY_FAILED).length).toBeGreaterThanOrEqual(5);
    expect(
      await refusal(handle.executeUpdate(retryNowUpdate, { args: [{ actor: APPROVER, reason: 'CS 復旧' }] })),
    ).toBe('ROLE_REQUIRED');

    h.cs.downUntilMs = 0; // the CS is back; without retry-now the next attempt would come up to 5 minutes later
    const before = await h.env.currentTimeMs();
    expect(
      await handle.executeUpdate(retryNowUpdate, { args: [{ actor: SUPERVISOR, reason: 'CS 復旧を確認' }] }),
    ).toEqual({ retried: 'step' });
    // measured before result(): the Java test server skips its clock over the cancelled attempt's timeout afterwards
    await eventually(async () => ((await handle.describe()).status.name === 'COMPLETED' ? true : undefined), 20_000);
    expect((await h.env.currentTimeMs()) - before).toBeLessThan(60_000);
    expect((await handle.result()).status).toBe(CaseStatus.COMPLETED);
    expect(await row(caseId)).toMatchObject({ status: CaseStatus.COMPLETED, needsAttention: false });
    expect(h.cs.identityUpdates.filter((u) => u.idempotencyKey.includes(caseId))).toHaveLength(2);
  });
});

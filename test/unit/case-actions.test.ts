import { describe, expect, it } from 'vitest';
import {
  allowedActions,
  checkAction,
  eligibleAssignee,
  WorkAction,
  type WorkView,
} from '../../src/domain/case-actions';
import { CaseStatus } from '../../src/domain/case-status';
import { moveOutDefinition, MoveOutStatus } from '../../src/procedures/move-out/definition';
import { isCancellableStatus, isFinalStatus } from '../../src/domain/procedure-definition';

const clerk1 = { userId: 'clerk1', roles: ['clerk'] };
const clerk2 = { userId: 'clerk2', roles: ['clerk'] };
const approver = { userId: 'approver1', roles: ['approver'] };
const dual = { userId: 'clerk1', roles: ['clerk', 'approver'] };
const supervisor = { userId: 'supervisor1', roles: ['supervisor'] };
const auditor = { userId: 'auditor1', roles: ['auditor'] };
const portal = { userId: 'portal', roles: ['portal'] };
// the caller states whether the status closes the case or allows a cancellation: here from the 転出 definition
const view = (over: Partial<WorkView> = {}): WorkView => {
  const status = over.status ?? CaseStatus.AWAITING_APPROVAL;
  return {
    status,
    final: isFinalStatus(moveOutDefinition, status),
    cancellable: isCancellableStatus(moveOutDefinition, status),
    makerId: 'clerk1',
    ...over,
  };
};
const code = (action: WorkAction, v: WorkView, a: { userId: string; roles: string[] }) => {
  const r = checkAction(action, v, a);
  return r.ok ? 'OK' : r.code;
};

// domain.md §8.3 four-eyes; architecture principle 3 (the validators and the UI share these rules)
describe('case work rules', () => {
  it('決裁: approvers only, never the maker, only the assignee of a claimed case', () => {
    expect(code(WorkAction.APPROVE, view(), approver)).toBe('OK');
    expect(code(WorkAction.APPROVE, view(), clerk2)).toBe('ROLE_REQUIRED');
    expect(code(WorkAction.APPROVE, view(), dual)).toBe('FOUR_EYES');
    expect(code(WorkAction.APPROVE, view({ assignedTo: 'approver2' }), approver)).toBe('NOT_ASSIGNEE');
    expect(code(WorkAction.APPROVE, view({ status: CaseStatus.DELIVERING }), approver)).toBe('NOT_AWAITING_APPROVAL');
  });

  it('claim / release / reassign', () => {
    expect(code(WorkAction.CLAIM, view(), approver)).toBe('OK');
    expect(code(WorkAction.CLAIM, view(), dual)).toBe('FOUR_EYES');
    expect(code(WorkAction.CLAIM, view({ assignedTo: 'approver2' }), approver)).toBe('ALREADY_ASSIGNED');
    expect(code(WorkAction.CLAIM, view({ status: CaseStatus.DELIVERING }), approver)).toBe('NOT_CLAIMABLE');
    expect(code(WorkAction.RELEASE, view({ assignedTo: 'approver1' }), approver)).toBe('OK');
    expect(code(WorkAction.RELEASE, view({ assignedTo: 'approver1' }), supervisor)).toBe('OK');
    expect(code(WorkAction.RELEASE, view({ assignedTo: 'approver1' }), clerk2)).toBe('NOT_ASSIGNEE');
    expect(code(WorkAction.RELEASE, view(), approver)).toBe('NOT_ASSIGNED');
    expect(code(WorkAction.REASSIGN, view(), approver)).toBe('ROLE_REQUIRED');
    expect(code(WorkAction.REASSIGN, view(), supervisor)).toBe('OK');
    const target = (a: { userId: string; roles: string[] }) => (eligibleAssignee(view(), a).ok ? 'OK' : 'NO');
    expect([target(approver), target(dual), target(clerk2)]).toEqual(['OK', 'NO', 'NO']);
  });

  it('審査 of an online application: clerks confirm, contact or reject; blocking findings forbid the confirmation', () => {
    const review = view({ status: CaseStatus.AWAITING_REVIEW, makerId: '' });
    expect(code(WorkAction.CONFIRM_REVIEW, review, clerk1)).toBe('OK');
    expect(code(WorkAction.CONFIRM_REVIEW, review, approver)).toBe('ROLE_REQUIRED');
    expect(code(WorkAction.CONFIRM_REVIEW, { ...review, reviewBlocked: true }, clerk1)).toBe('NOT_IN_STEP');
    expect(code(WorkAction.REQUEST_CONTACT, review, clerk1)).toBe('OK');
    expect(code(WorkAction.REJECT, review, clerk1)).toBe('OK');
    expect(code(WorkAction.APPROVE, review, approver)).toBe('NOT_AWAITING_APPROVAL');
  });

  it('差戻し goes back to the maker, who alone resubmits', () => {
    expect(code(WorkAction.REQUEST_CHANGES, view(), approver)).toBe('OK');
    const returned = view({ status: CaseStatus.RETURNED, assignedTo: 'clerk1' });
    expect(code(WorkAction.RESUBMIT, returned, clerk1)).toBe('OK');
    expect(code(WorkAction.RESUBMIT, returned, clerk2)).toBe('NOT_MAKER');
  });

  it('supervisor actions: escalate once, retry when something is retryable, cancel while cancellable (the portal too)', () => {
    expect(code(WorkAction.ESCALATE, view(), clerk1)).toBe('ROLE_REQUIRED');
    expect(code(WorkAction.ESCALATE, view({ escalated: true }), supervisor)).toBe('ALREADY_ESCALATED');
    expect(code(WorkAction.RETRY_NOW, view({ status: CaseStatus.DELIVERING }), supervisor)).toBe('NOT_RETRYABLE_NOW');
    expect(code(WorkAction.RETRY_NOW, view({ status: CaseStatus.DELIVERING, retryable: true }), supervisor)).toBe('OK');
    expect(code(WorkAction.CANCEL, view({ status: MoveOutStatus.AWAITING_MOVE_OUT_DATE }), supervisor)).toBe('OK');
    expect(code(WorkAction.CANCEL, view({ status: MoveOutStatus.AWAITING_MOVE_OUT_DATE }), portal)).toBe('OK');
    expect(code(WorkAction.CANCEL, view({ status: MoveOutStatus.AWAITING_MOVE_IN_NOTICE }), supervisor)).toBe(
      'NOT_CANCELLABLE',
    );
    expect(code(WorkAction.CANCEL, view({ status: CaseStatus.COMPLETED }), supervisor)).toBe('NOT_CANCELLABLE');
    expect(code(WorkAction.CANCEL, view(), clerk1)).toBe('ROLE_REQUIRED');
  });

  it('allowedActions offers exactly what the validators would accept', () => {
    expect(allowedActions(view(), approver)).toEqual([
      WorkAction.CLAIM,
      WorkAction.APPROVE,
      WorkAction.REJECT,
      WorkAction.REQUEST_CHANGES,
    ]);
    expect(allowedActions(view({ assignedTo: 'approver1' }), approver)).toEqual([
      WorkAction.RELEASE,
      WorkAction.APPROVE,
      WorkAction.REJECT,
      WorkAction.REQUEST_CHANGES,
    ]);
    expect(allowedActions(view(), auditor)).toEqual([]);
    expect(allowedActions(view({ status: CaseStatus.DELIVERING, retryable: true }), supervisor)).toEqual([
      WorkAction.ESCALATE,
      WorkAction.RETRY_NOW,
      WorkAction.CANCEL,
    ]);
  });
});

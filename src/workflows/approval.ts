import { defineUpdate, setHandler } from '@temporalio/workflow';
import { checkAction, WorkAction, type WorkView } from '../domain/case-actions';
import { CaseAction, CaseStatus } from '../domain/case-status';
import { rejection, requireReason, UpdateRejection, type Actor, type Decision, type ReasonRef } from './case-types';
import { logAction, type StepLog } from './step-log';
import type { CaseStatusTracker } from './status';

export const approveUpdate = defineUpdate<Decision, [{ actor: Actor }]>('approve');
export const rejectUpdate = defineUpdate<Decision, [{ actor: Actor } & ReasonRef]>('reject');
/** Online applications: the reviewing clerk confirms the application; it then waits for 決裁 by someone else. */
export const confirmReviewUpdate = defineUpdate<void, [{ actor: Actor } & ReasonRef]>('confirmReview');
/** Online applications: the clerk must speak to the applicant first (the contact number is in the application). */
export const requestContactUpdate = defineUpdate<void, [{ actor: Actor } & ReasonRef]>('requestContact');
/** 差戻し: the approver sends the case back to its maker for correction. */
export const requestChangesUpdate = defineUpdate<void, [{ actor: Actor } & ReasonRef]>('requestChanges');
/** The maker sends a returned case back for 決裁. */
export const resubmitUpdate = defineUpdate<void, [{ actor: Actor } & ReasonRef]>('resubmit');

/**
 * 審査・決裁 as Temporal Updates with validators (architecture principle 3; domain.md §8.3): the rules of
 * domain/case-actions.ts (step role, four-eyes, assignee) decide; a refused update changes nothing and leaves no
 * history. Accepted updates change the status through the one status helper and are logged.
 */
export function installApprovalHandlers(p: {
  status: CaseStatusTracker;
  view: () => WorkView;
  log: StepLog;
  /**
   * Register the 決裁 handlers after the 審査 ones. The SDK hands the updates that arrived before the workflow's first
   * task to their handlers in the order the handlers are registered: a 審査 and a 決裁 both waiting then go in the
   * order of the steps (online applications, patch `ONLINE_REVIEW_BEFORE_DECISION`).
   */
  reviewFirst?: boolean;
}) {
  let decision: Decision | undefined;
  /** A human step (review confirmed, contact requested, 差戻し, 再提出) moved the case on. */
  let stepTaken = false;
  const check = (action: WorkAction, actor: Actor) => {
    if (decision) throw rejection(UpdateRejection.NOT_AWAITING_APPROVAL, 'この案件は既に決裁されています');
    const r = checkAction(action, p.view(), actor);
    if (!r.ok) throw rejection(r.code, r.message);
  };
  const decide = (kind: Decision['kind'], actor: Actor, reason?: ReasonRef): Decision => {
    const text = reason?.reasonId ? { reasonId: reason.reasonId } : { reason: reason?.reason?.trim() };
    decision = { kind, by: actor.userId, terminalId: actor.terminalId, ...text, at: new Date().toISOString() };
    return decision;
  };
  const installDecision = () => {
    setHandler(approveUpdate, ({ actor }) => decide('APPROVED', actor), {
      validator: ({ actor }) => check(WorkAction.APPROVE, actor),
    });
    setHandler(rejectUpdate, ({ actor, ...reason }) => decide('REJECTED', actor, reason), {
      validator: ({ actor, ...reason }) => {
        check(WorkAction.REJECT, actor);
        requireReason(reason, '却下');
      },
    });
  };
  if (!p.reviewFirst) installDecision();
  setHandler(
    confirmReviewUpdate,
    async ({ actor, ...reason }) => {
      stepTaken = true;
      p.status.setMaker(actor.userId);
      await p.status.set(CaseStatus.AWAITING_APPROVAL);
      await logAction(p.log, CaseAction.CONFIRM_REVIEW, actor, reason);
    },
    { validator: ({ actor }) => check(WorkAction.CONFIRM_REVIEW, actor) },
  );
  setHandler(
    requestContactUpdate,
    async ({ actor, ...reason }) => {
      stepTaken = true;
      await p.status.set(CaseStatus.CONTACT_REQUESTED, { assignTo: actor.userId });
      await logAction(p.log, CaseAction.REQUEST_CONTACT, actor, reason);
    },
    {
      validator: ({ actor, ...reason }) => {
        check(WorkAction.REQUEST_CONTACT, actor);
        requireReason(reason, '連絡');
      },
    },
  );
  setHandler(
    requestChangesUpdate,
    async ({ actor, ...reason }) => {
      stepTaken = true;
      await p.status.set(CaseStatus.RETURNED, { assignTo: p.status.makerId });
      await logAction(p.log, CaseAction.REQUEST_CHANGES, actor, reason);
    },
    {
      validator: ({ actor, ...reason }) => {
        check(WorkAction.REQUEST_CHANGES, actor);
        requireReason(reason, '差戻し');
      },
    },
  );
  setHandler(
    resubmitUpdate,
    async ({ actor, ...reason }) => {
      await p.status.set(CaseStatus.AWAITING_APPROVAL);
      await logAction(p.log, CaseAction.RESUBMIT, actor, reason);
    },
    { validator: ({ actor }) => check(WorkAction.RESUBMIT, actor) },
  );
  if (p.reviewFirst) installDecision();
  return { decision: () => decision, stepTaken: () => stepTaken };
}

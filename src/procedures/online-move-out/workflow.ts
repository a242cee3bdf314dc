import { ActivityFailure, ApplicationFailure, patched } from '@temporalio/workflow';
import { CaseStatus } from '../../domain/case-status';
import { FailureType } from '../../domain/failures';
import type { PortalNoticeKind } from '../../partners/portal-messages';
import { cancelWithCompensation } from '../../workflows/cancellation';
import { caseWorkflow, type CaseFrame, type CaseWorkflowInputBase } from '../../workflows/case-workflow';
import { activityProxies } from '../../workflows/proxies';
import { commitAndDeliverMoveOut, moveOutTail } from '../move-out/workflow-tail';
import type { OnlineMoveOutActivities } from './activities';
import { onlineMoveOutDefinition } from './definition';

export const onlineMoveOutWorkflowId = (applicationId: string): string => `online-move-out/${applicationId}`;

export interface OnlineMoveOutWorkflowInput extends CaseWorkflowInputBase {
  /** The portal's application ID (non-personal): the key of this workflow's ID. */
  applicationId: string;
  /** Findings that forbid confirming the review (rule codes only). */
  reviewBlockedBy: string[];
  noticeOverdueDays?: number;
  /** Started by signal-with-start for a 転入通知 that arrived after the case had closed: record it and end. */
  mode?: 'noticeOnly';
}

/**
 * Patch: a 審査 and a 決裁 that both reached the workflow before its first task are taken in that order (the 決裁 was
 * refused as "not awaiting approval": its handler ran first). Issue 15.
 */
export const ONLINE_REVIEW_BEFORE_DECISION = 'online-move-out-review-before-decision';

/**
 * Patch (issue 15, CPU per case): the 附票記載事項通知 and, for a 世帯主 leaving members behind, the 世帯主変更通知書 of
 * an online 転出 are steps of its commit activity (`afterCommit` in move-out/activities.ts, issued by the 決裁's
 * approver), as the counter's (`move-out-commit-step`; no paper certificate on this path): from 決裁 to 転出予定者
 * the commit, the CS delivery and the portal notice (the 決裁's log: `decision-logged-locally`), instead of up to six
 * activities. Histories from before ran them as their own activities.
 */
export const ONLINE_MOVE_OUT_COMMIT_STEP = 'online-move-out-commit-step';

/** Sends a notice to the portal; a refusal by the portal flags the case instead of failing it (the 転出 stands). */
async function notifyPortal(c: CaseFrame, caseId: string, kind: PortalNoticeKind): Promise<void> {
  const { delivery } = activityProxies<OnlineMoveOutActivities>(c.timings);
  try {
    await c.retryable(() => delivery.notifyPortal({ caseId, kind }));
  } catch (err) {
    if (!(
      err instanceof ActivityFailure &&
      err.cause instanceof ApplicationFailure &&
      err.cause.type === FailureType.PARTNER_REJECTED
    ))
      throw err;
    await c.status.set(c.status.status, { needsAttention: true, attentionReason: 'PORTAL_REJECTED' });
  }
}

/**
 * オンライン転出届 from マイナポータル (domain.md §4.4): the application arrives checked (signature, eligibility) →
 * clerk review (confirm / reject with a reason / contact the applicant; findings that make the 転出 impossible block
 * the confirmation) → 決裁 by another person → the special 転出 of §4.3 (転出予定者, 本人確認情報, 転出証明書情報 with
 * the 来庁予定日 to the destination) → completion notice to the portal → the 除票 and the 転入通知 as for any 転出.
 * A rejection is reported to the portal with the clerk's reason. The portal may cancel until the 除票 takes effect:
 * 異動の取消し appended, the CS and the destination told, the portal notified.
 */
export async function onlineMoveOutWorkflow(
  input: OnlineMoveOutWorkflowInput,
): Promise<{ caseId: string; status: string }> {
  const { caseId } = input;
  const tail = moveOutTail(caseId, input.timings);
  if (input.mode === 'noticeOnly') {
    await tail.noticeOnly();
    return { caseId, status: CaseStatus.COMPLETED };
  }
  const c = caseWorkflow({
    caseId,
    definition: onlineMoveOutDefinition,
    enteredBy: 'portal',
    initial: CaseStatus.AWAITING_REVIEW,
    timings: input.timings,
    canCancel: () => !tail.removedAny,
    reviewBlockedBy: input.reviewBlockedBy,
    reviewFirst: patched(ONLINE_REVIEW_BEFORE_DECISION),
  });
  return c.body(
    async () => {
      const decision = await c.awaitDecision({ initial: CaseStatus.AWAITING_REVIEW, sla: c.timings.reviewSla });
      if (decision.kind === 'REJECTED') {
        await notifyPortal(c, caseId, 'REJECTED');
        await c.status.set(CaseStatus.REJECTED);
        return { caseId, status: CaseStatus.REJECTED };
      }
      const commit = await commitAndDeliverMoveOut(c, caseId, decision, undefined, {
        patchId: ONLINE_MOVE_OUT_COMMIT_STEP,
      });
      await notifyPortal(c, caseId, 'COMPLETED');
      await tail.run(c, commit, input.noticeOverdueDays);
      await c.status.set(CaseStatus.COMPLETED);
      return { caseId, status: CaseStatus.COMPLETED };
    },
    async (cancel) => {
      const result = await cancelWithCompensation(c, caseId, cancel);
      await notifyPortal(c, caseId, 'CANCELLED');
      return result;
    },
  );
}

import type { Duration } from '@temporalio/common';
import { msToNumber } from '@temporalio/common/lib/time';
import { CancellationScope, condition, defineQuery, isCancellation, setHandler } from '@temporalio/workflow';
import type { WorkView } from '../../domain/case-actions';
import { AttentionReason, CaseStatus, type Procedure } from '../../domain/case-status';
import { registry } from './proxies';
import { installApprovalHandlers } from './approval';
import type { CancelRequest, CaseState, Decision } from './case-types';
import { caseDelivery } from './delivery';
import { caseStatusTracker } from './status';
import { installWorkHandlers, retryControl } from './work';

export const caseStateQuery = defineQuery<CaseState>('caseState');

export interface CaseFrameOptions {
  caseId: string;
  procedure: Procedure;
  enteredBy: string;
  initial?: CaseStatus;
  /** Extra condition for a cancellation besides the status (e.g. not once a 除票 has taken effect). */
  canCancel?: () => boolean;
  /** Findings that forbid confirming the review of an online application (rule codes; domain/online-move-out-rules). */
  reviewBlockedBy?: string[];
}

/**
 * The common frame of a case workflow: the status helper, the human steps (審査, 決裁, 差戻し, claim / release /
 * reassign, escalate), the delivery loop, retry-now, cancellation, and the state query. Call it first in the
 * workflow, so that the handlers exist from the start; run the procedure inside `body`.
 */
export function caseWorkflow(p: CaseFrameOptions) {
  const status = caseStatusTracker(p.caseId, p.procedure, p.initial ?? CaseStatus.AWAITING_APPROVAL, {
    makerId: p.enteredBy,
  });
  const retry = retryControl();
  const log = { caseId: p.caseId };
  const delivery = caseDelivery(p.caseId, status, retry);
  let bodyScope: CancellationScope | undefined;
  const view = (): WorkView => ({
    status: status.status,
    makerId: status.makerId,
    assignedTo: status.assignedTo,
    escalated: status.escalated,
    retryable: status.status === CaseStatus.DELIVERY_REJECTED || retry.inFlight,
    reviewBlocked: (p.reviewBlockedBy ?? []).length > 0,
  });
  const approval = installApprovalHandlers({ caseId: p.caseId, status, view, log });
  const work = installWorkHandlers({
    status,
    view,
    log,
    retry,
    resumeDelivery: delivery.resume,
    canCancel: () => p.canCancel?.() ?? true,
    onCancel: () => bodyScope?.cancel(),
  });
  setHandler(caseStateQuery, () => ({
    caseId: p.caseId,
    status: status.status,
    decision: approval.decision(),
    needsAttention: status.needsAttention,
    attentionReason: status.attentionReason,
    assignedTo: status.assignedTo,
    makerId: status.makerId,
    escalated: status.escalated,
    retryable: view().retryable ?? false,
  }));

  return {
    status,
    deliverAll: delivery.deliverAll,
    /** Runs a partner call so that a supervisor's retry-now can restart it. */
    retryable: <T>(fn: () => Promise<T>) => retry.run(fn),
    cancelRequest: work.cancelRequest,

    /**
     * Waits for 決裁 (after the 審査 of an online application, when `initial` is AWAITING_REVIEW), flagging the case
     * when the SLA passes, and logs the decision. A cancellation interrupts the wait (see `body`).
     */
    async awaitDecision(opts: { sla?: Duration; initial?: CaseStatus } = {}): Promise<Decision> {
      const sla = opts.sla ?? '1 day';
      await status.set(opts.initial ?? CaseStatus.AWAITING_APPROVAL, {
        dueAt: new Date(Date.now() + msToNumber(sla)).toISOString(),
      });
      if (!(await condition(() => approval.decision() !== undefined, sla))) {
        await status.set(status.status, {
          needsAttention: true,
          attentionReason: AttentionReason.APPROVAL_OVERDUE,
          assignTo: status.assignedTo,
        });
        await condition(() => approval.decision() !== undefined);
      }
      const decision = approval.decision()!;
      await registry.recordDecision({ caseId: p.caseId, decision });
      return decision;
    },

    /**
     * Runs the procedure. A cancellation (supervisor, or the portal for an online 転出) cancels whatever `main` is
     * waiting for; `onCancelled` then runs to the end without being cancellable itself (compensation: appended
     * 異動の取消し, partners told). Registry commits must run inside `CancellationScope.nonCancellable`.
     */
    async body<T>(main: () => Promise<T>, onCancelled: (c: CancelRequest) => Promise<T>): Promise<T> {
      bodyScope = new CancellationScope();
      if (work.cancelRequest()) bodyScope.cancel();
      try {
        return await bodyScope.run(main);
      } catch (e) {
        const c = work.cancelRequest();
        if (!(c && isCancellation(e))) throw e;
        return CancellationScope.nonCancellable(() => onCancelled(c));
      }
    },
  };
}

export type CaseFrame = ReturnType<typeof caseWorkflow>;

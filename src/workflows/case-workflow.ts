import type { Duration } from '@temporalio/common';
import { msToNumber } from '@temporalio/common/lib/time';
import {
  allHandlersFinished,
  CancellationScope,
  condition,
  defineQuery,
  isCancellation,
  patched,
  setHandler,
} from '@temporalio/workflow';
import type { WorkView } from '../domain/case-actions';
import { AttentionReason, CaseStatus } from '../domain/case-status';
import { isCancellableStatus, isFinalStatus, type ProcedureDefinition } from '../domain/procedure-definition';
import type { WorkflowTimings } from '../domain/retry-policies';
import { installApprovalHandlers } from './approval';
import type { CancelRequest, CaseState, Decision } from './case-types';
import { caseDelivery } from './delivery';
import { activityProxies, timingsOf } from './proxies';
import { caseStatusTracker, frameLocalActivities } from './status';
import { installWorkHandlers, retryControl } from './work';

export const caseStateQuery = defineQuery<CaseState>('caseState');
/** Patch: a human step that arrived before the first wait for 決裁 is kept (see `awaitDecision`). */
export const EARLY_STEP_KEPT = 'early-step-kept';

/**
 * Patch (issue 15, CPU per case): the 決裁 is logged inside the workflow task that took it, by a local activity,
 * instead of an activity of its own — an approval by the projection that follows it (APPROVED; `projectCase` logs
 * it first, in its own transaction), a rejection by `recordDecision` run locally: one Temporal round trip and one
 * workflow task fewer per case (a 転入: 2 activities and 4 workflow tasks instead of 3 and 5). Logged, as before,
 * before the status that follows the 決裁 is written. Histories from before ran the activity.
 */
export const DECISION_LOGGED_LOCALLY = 'decision-logged-locally';

/**
 * Patch `case-actions-logged-locally` (issue 15, CPU per case): every other human step — 審査 (CONFIRM_REVIEW,
 * REQUEST_CONTACT), 差戻し and 再提出, claim / release / reassign, escalation, retry-now, a cancellation and its
 * request, 取下げ — is logged the same way, by `recordCaseAction` run as a local activity in the workflow task that took
 * the step instead of by an activity of its own (`logAction`, src/workflows/step-log.ts, where it is declared): one
 * Temporal round trip, one workflow task and one activation fewer per step (an online 転出: 3 activities to 転出予定者
 * instead of 4). Each handler logs, as before, after the status change it makes and before it returns; the row is
 * keyed by the local activity's execution (a retry writes nothing more). Histories from before ran the activity.
 */
export { CASE_ACTIONS_LOGGED_LOCALLY } from './step-log';

/** What every case workflow's input carries besides its own fields. */
export interface CaseWorkflowInputBase {
  caseId: string;
  /** Retry policies and SLAs from the configuration (absent in histories started before they existed: defaults). */
  timings?: Partial<WorkflowTimings>;
}

export interface CaseFrameOptions {
  caseId: string;
  definition: Pick<ProcedureDefinition, 'code' | 'statuses'>;
  enteredBy: string;
  initial?: string;
  timings?: Partial<WorkflowTimings>;
  /** Extra condition for a cancellation besides the status (e.g. not once a 除票 has taken effect). */
  canCancel?: () => boolean;
  /** Findings that forbid confirming the review of an online application (rule codes; online-move-out/rules.ts). */
  reviewBlockedBy?: string[];
  /** Updates waiting before the first task: a 審査 is taken before a 決裁 (see `installApprovalHandlers`). */
  reviewFirst?: boolean;
}

/**
 * The common frame of a case workflow: the status helper, the human steps (審査, 決裁, 差戻し, claim / release /
 * reassign, escalate), the delivery loop, retry-now, cancellation, and the state query. Call it first in the
 * workflow, so that the handlers exist from the start; run the procedure inside `body`.
 *
 * Open cases replay this code after every deploy (a 転出 waits months): a change that alters the commands an
 * existing history recorded must go behind `patched()` (README: Changing workflow code; test/replay).
 */
export function caseWorkflow(p: CaseFrameOptions) {
  const timings = timingsOf(p.timings);
  const { registry, delivery: deliveryProxy } = activityProxies(p.timings);
  const status = caseStatusTracker(p.caseId, p.definition, p.initial ?? CaseStatus.AWAITING_APPROVAL, {
    makerId: p.enteredBy,
  });
  const retry = retryControl();
  const log = { caseId: p.caseId, registry };
  const delivery = caseDelivery(p.caseId, status, retry, deliveryProxy);
  let bodyScope: CancellationScope | undefined;
  const view = (): WorkView => ({
    status: status.status,
    final: isFinalStatus(p.definition, status.status),
    cancellable: isCancellableStatus(p.definition, status.status),
    makerId: status.makerId,
    assignedTo: status.assignedTo,
    escalated: status.escalated,
    retryable: status.status === CaseStatus.DELIVERY_REJECTED || retry.inFlight,
    reviewBlocked: (p.reviewBlockedBy ?? []).length > 0,
  });
  const approval = installApprovalHandlers({ status, view, log, reviewFirst: p.reviewFirst });
  const work = installWorkHandlers({
    status,
    view,
    log,
    retry,
    resumeDelivery: delivery.resume,
    canCancel: () => p.canCancel?.() ?? true,
    decided: () => approval.decision()?.kind === 'APPROVED',
    hasDecision: () => approval.decision() !== undefined,
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
    timings,
    /** Registry writes, certificates: short backoff. */
    registry,
    /** Partner calls: retried until accepted. */
    delivery: deliveryProxy,
    deliverAll: delivery.deliverAll,
    /** Runs a partner call so that a supervisor's retry-now can restart it. */
    retryable: <T>(fn: () => Promise<T>) => retry.run(fn),
    cancelRequest: work.cancelRequest,
    /** The 決裁 (or a rejection during 審査) once taken; undefined before. Reads state only: no commands. */
    decision: approval.decision,

    /**
     * Waits for 決裁 (after the 審査 of an online application, when `initial` is AWAITING_REVIEW), flagging the case
     * when the SLA passes, and logs the decision. A cancellation interrupts the wait (see `body`).
     */
    async awaitDecision(opts: { sla?: Duration; initial?: string } = {}): Promise<Decision> {
      const sla = opts.sla ?? timings.approvalSla;
      // a human step delivered with the workflow's first task (the workers were behind the intake, e.g. a review
      // confirmed at once) has already moved the case on: keep it rather than going back to the first step
      const keep = approval.stepTaken() && patched(EARLY_STEP_KEPT);
      await status.set(keep ? status.status : (opts.initial ?? CaseStatus.AWAITING_APPROVAL), {
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
      // a 審査 taken in the same task as the 決裁 logs its step first (online applications, patched by the caller)
      if (p.reviewFirst) await condition(allHandlersFinished);
      const decision = approval.decision()!;
      const local = patched(DECISION_LOGGED_LOCALLY);
      // an approval is logged by the projection that follows it (APPROVED); a rejection at once
      const byProjection = local && decision.kind === 'APPROVED';
      if (!local) await registry.recordDecision({ caseId: p.caseId, decision });
      else if (!byProjection) await frameLocalActivities.recordDecision({ caseId: p.caseId, decision });
      status.decided(decision.by, byProjection ? decision : undefined);
      return decision;
    },

    /**
     * Runs the procedure. A cancellation (supervisor, or the portal for an online 転出) cancels whatever `main` is
     * waiting for; `onCancelled` then runs to the end without being cancellable itself (compensation: appended
     * 異動の取消し, partners told). Registry commits must run inside `CancellationScope.nonCancellable`. The case
     * ends only when every update and signal handler has finished (no half-done human step is cut off).
     */
    async body<T>(main: () => Promise<T>, onCancelled: (c: CancelRequest) => Promise<T>): Promise<T> {
      bodyScope = new CancellationScope();
      if (work.cancelRequest()) bodyScope.cancel();
      let result: T;
      try {
        result = await bodyScope.run(main);
      } catch (e) {
        const c = work.cancelRequest();
        if (!(c && isCancellation(e))) throw e;
        result = await CancellationScope.nonCancellable(() => onCancelled(c));
      }
      await condition(allHandlersFinished);
      return result;
    },
  };
}

export type CaseFrame = ReturnType<typeof caseWorkflow>;

import { CancellationScope, defineUpdate, isCancellation, patched, setHandler } from '@temporalio/workflow';
import { checkAction, eligibleAssignee, WorkAction, type WorkView } from '../domain/case-actions';
import { CaseAction, CaseStatus } from '../domain/case-status';
import { Role } from '../domain/roles';
import {
  rejection,
  requireReason,
  UpdateRejection,
  type Actor,
  type CancelRequest,
  type ReasonRef,
} from './case-types';
import { logAction, type StepLog } from './step-log';
import type { CaseStatusTracker } from './status';

export const claimUpdate = defineUpdate<{ assignedTo: string }, [{ actor: Actor }]>('claim');
export const releaseUpdate = defineUpdate<void, [{ actor: Actor }]>('release');
/** `toRoles` are the target's roles as the API read them from the staff table (validators cannot do I/O). */
export const reassignUpdate = defineUpdate<
  { assignedTo: string },
  [{ actor: Actor; to: string; toRoles: string[] } & ReasonRef]
>('reassign');
export const escalateUpdate = defineUpdate<void, [{ actor: Actor } & ReasonRef]>('escalate');
/** Re-runs the failing step now (instead of at its next retry), or re-sends after a partner's refusal. */
export const retryNowUpdate = defineUpdate<{ retried: 'step' | 'delivery' }, [{ actor: Actor } & ReasonRef]>(
  'retryNow',
);
/**
 * Cancel with compensation (appended 異動の取消し, partners told). After 決裁 a staff cancellation needs two
 * supervisors (issue 13 item 8): the first call records the request (`pendingSecondApproval`), a second call by
 * another supervisor approves it and the compensation runs; the requester cannot approve (FOUR_EYES).
 */
export const cancelCaseUpdate = defineUpdate<
  { accepted: true; pendingSecondApproval?: boolean },
  [{ actor: Actor } & ReasonRef]
>('cancelCase');

/**
 * 取下げ: the entering clerk withdraws their own intake before 決裁 (AWAITING_APPROVAL or RETURNED) with a reason. Not a
 * four-eyes action: nothing was committed. The body is cancelled like a cancellation and the case ends WITHDRAWN.
 * A new update: no older history contains it, so it needs no patch (README: Changing workflow code, rule 3).
 */
export const withdrawUpdate = defineUpdate<{ accepted: true }, [{ actor: Actor } & ReasonRef]>('withdraw');

/** The patch of the two-person cancellation after 決裁 (README: Changing workflow code). */
export const FOUR_EYES_CANCEL = 'four-eyes-cancel-after-decision';

/**
 * Lets a supervisor restart an activity that is waiting for its next retry: the call runs in its own cancellation
 * scope; `retryNow` cancels the scope and the call is made again at once (the activities are idempotent).
 */
export function retryControl() {
  let current: CancellationScope | undefined;
  let restart = false;
  return {
    get inFlight() {
      return current !== undefined;
    },
    restart(): void {
      if (!current) return;
      restart = true;
      current.cancel();
    },
    async run<T>(fn: () => Promise<T>): Promise<T> {
      for (;;) {
        const scope = new CancellationScope();
        current = scope;
        try {
          return await scope.run(fn);
        } catch (e) {
          if (!(restart && isCancellation(e))) throw e;
          restart = false;
        } finally {
          current = undefined;
        }
      }
    },
  };
}
export type RetryControl = ReturnType<typeof retryControl>;

/**
 * Assignment, escalation, retry and cancellation (architecture principle 8; issue: supervisor console). The rules
 * are domain/case-actions.ts; the workflow's own state is the truth the validators check.
 */
export function installWorkHandlers(p: {
  status: CaseStatusTracker;
  view: () => WorkView;
  log: StepLog;
  retry: RetryControl;
  /** After a partner's refusal: resume delivery. */
  resumeDelivery: () => void;
  /** Procedure-specific extra condition for cancelling (e.g. not after a 除票 took effect). */
  canCancel: () => boolean;
  /** The case was approved (決裁): from here on a cancellation undoes a 本登録 and needs a second supervisor. */
  decided: () => boolean;
  /** 決裁 taken either way (approved or rejected): no 取下げ any more. */
  hasDecision?: () => boolean;
  onCancel: (c: CancelRequest) => void;
}) {
  let cancel: CancelRequest | undefined;
  /** A staff cancellation after 決裁 waiting for the second supervisor. */
  let pendingCancel: CancelRequest | undefined;
  const check = (action: WorkAction, actor: Actor) => {
    const r = checkAction(action, p.view(), actor);
    if (!r.ok) throw rejection(r.code, r.message);
  };

  setHandler(
    claimUpdate,
    async ({ actor }) => {
      if (p.status.assignedTo !== actor.userId) {
        await p.status.assign(actor.userId);
        await logAction(p.log, CaseAction.CLAIM, actor);
      }
      return { assignedTo: actor.userId };
    },
    { validator: ({ actor }) => check(WorkAction.CLAIM, actor) },
  );

  setHandler(
    releaseUpdate,
    async ({ actor }) => {
      const previous = p.status.assignedTo;
      await p.status.assign(undefined);
      await logAction(p.log, CaseAction.RELEASE, actor, undefined, { previous });
    },
    { validator: ({ actor }) => check(WorkAction.RELEASE, actor) },
  );

  setHandler(
    reassignUpdate,
    async ({ actor, to, ...reason }) => {
      const previous = p.status.assignedTo;
      await p.status.assign(to);
      await logAction(p.log, CaseAction.REASSIGN, actor, reason, { previous, to });
      return { assignedTo: to };
    },
    {
      validator: ({ actor, to, toRoles, ...reason }) => {
        check(WorkAction.REASSIGN, actor);
        requireReason(reason);
        const target = eligibleAssignee(p.view(), { userId: to, roles: toRoles ?? [] });
        if (!target.ok)
          throw rejection(
            UpdateRejection.ASSIGNEE_NOT_ELIGIBLE,
            `${to} はこの工程を担当できません（${target.message}）`,
          );
      },
    },
  );

  setHandler(
    escalateUpdate,
    async ({ actor, ...reason }) => {
      await p.status.escalate();
      await logAction(p.log, CaseAction.ESCALATE, actor, reason);
    },
    {
      validator: ({ actor, ...reason }) => {
        check(WorkAction.ESCALATE, actor);
        requireReason(reason);
      },
    },
  );

  setHandler(
    retryNowUpdate,
    async ({ actor, ...reason }) => {
      const rejected = p.status.status === CaseStatus.DELIVERY_REJECTED;
      if (rejected) p.resumeDelivery();
      else p.retry.restart();
      await logAction(p.log, CaseAction.RETRY_NOW, actor, reason, { what: rejected ? 'delivery' : 'step' });
      return { retried: rejected ? 'delivery' : 'step' };
    },
    {
      validator: ({ actor, ...reason }) => {
        check(WorkAction.RETRY_NOW, actor);
        requireReason(reason);
      },
    },
  );

  setHandler(
    cancelCaseUpdate,
    async ({ actor, ...reason }) => {
      const request: CancelRequest = {
        by: actor.userId,
        terminalId: actor.terminalId,
        ...(reason.reasonId ? { reasonId: reason.reasonId } : { reason: reason.reason?.trim() }),
        at: new Date().toISOString(),
      };
      // the applicant's own withdrawal through マイナポータル is not a staff undo: it needs no second person
      const staff = !actor.roles.includes(Role.PORTAL);
      if (!pendingCancel && staff && p.decided() && patched(FOUR_EYES_CANCEL)) {
        pendingCancel = request;
        await logAction(p.log, CaseAction.CANCEL_REQUESTED, actor, reason);
        return { accepted: true as const, pendingSecondApproval: true };
      }
      // the requester's reason is the one of the cancellation (a request of an older history holds its text)
      cancel = !pendingCancel
        ? request
        : pendingCancel.reasonId
          ? { ...request, reason: undefined, reasonId: pendingCancel.reasonId, requestedBy: pendingCancel.by }
          : {
              ...request,
              reasonId: undefined,
              reason: `${pendingCancel.reason}（申請: ${pendingCancel.by}／承認: ${actor.userId}）`,
            };
      await logAction(
        p.log,
        CaseAction.CANCEL,
        actor,
        reason,
        pendingCancel ? { requestedBy: pendingCancel.by, approvedBy: actor.userId } : undefined,
      );
      p.onCancel(cancel);
      return { accepted: true as const };
    },
    {
      validator: ({ actor, ...reason }) => {
        if (cancel) throw rejection(UpdateRejection.NOT_CANCELLABLE, '既に取消を受け付けています');
        check(WorkAction.CANCEL, actor);
        requireReason(reason);
        if (!p.canCancel()) throw rejection(UpdateRejection.NOT_CANCELLABLE, 'この案件は現在取り消せません');
        if (pendingCancel && pendingCancel.by === actor.userId)
          throw rejection(
            UpdateRejection.FOUR_EYES,
            '取消を申請した本人は承認できません（別の監督者の承認が必要です）',
          );
      },
    },
  );

  setHandler(
    withdrawUpdate,
    async ({ actor, ...reason }) => {
      cancel = {
        by: actor.userId,
        terminalId: actor.terminalId,
        ...(reason.reasonId ? { reasonId: reason.reasonId } : { reason: reason.reason?.trim() }),
        withdrawn: true,
        at: new Date().toISOString(),
      };
      await logAction(p.log, CaseAction.WITHDRAW, actor, reason);
      p.onCancel(cancel);
      return { accepted: true as const };
    },
    {
      validator: ({ actor, ...reason }) => {
        if (cancel) throw rejection(UpdateRejection.NOT_CANCELLABLE, '既に取消・取下げを受け付けています');
        if (p.hasDecision?.() ?? p.decided())
          throw rejection(UpdateRejection.NOT_IN_STEP, '決裁の後は取り下げられません');
        check(WorkAction.WITHDRAW, actor);
        requireReason(reason, '取下げ');
      },
    },
  );

  return { cancelRequest: () => cancel, pendingCancel: () => pendingCancel };
}

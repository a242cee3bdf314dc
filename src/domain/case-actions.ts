/**
 * Who may take which human step on a case, in one pure place (architecture principle 3; domain.md §2.1, §8.3).
 * The workflows' update validators call `checkAction` with their in-memory state, so the workflow enforces the
 * rules; the UI calls `allowedActions` with the case projection row, so it only offers what would be accepted.
 *
 * - maker: the person whose input the approver confirms (the clerk who entered a counter case, or the clerk who
 *   reviewed an online application). Four-eyes: the maker never approves (`000_6eda969c340266a8.txt` L3462–3463).
 * - assignment: a claimed case can be worked only by its assignee (a supervisor may release or reassign it).
 */
import { awaitingRoleOf, CaseStatus } from './case-status';
import { Role } from './roles';

export const UpdateRejection = {
  NOT_AWAITING_APPROVAL: 'NOT_AWAITING_APPROVAL',
  ROLE_REQUIRED: 'ROLE_REQUIRED',
  FOUR_EYES: 'FOUR_EYES',
  REASON_REQUIRED: 'REASON_REQUIRED',
  NOT_RETRYABLE_NOW: 'NOT_RETRYABLE_NOW',
  NOT_ASSIGNEE: 'NOT_ASSIGNEE',
  ALREADY_ASSIGNED: 'ALREADY_ASSIGNED',
  NOT_CLAIMABLE: 'NOT_CLAIMABLE',
  NOT_ASSIGNED: 'NOT_ASSIGNED',
  ASSIGNEE_NOT_ELIGIBLE: 'ASSIGNEE_NOT_ELIGIBLE',
  NOT_CANCELLABLE: 'NOT_CANCELLABLE',
  ALREADY_ESCALATED: 'ALREADY_ESCALATED',
  NOT_MAKER: 'NOT_MAKER',
  NOT_IN_STEP: 'NOT_IN_STEP',
  /** The update's actor was not signed by the API for this update on this case (issue 13 item 1). */
  ACTOR_NOT_AUTHENTICATED: 'ACTOR_NOT_AUTHENTICATED',
} as const;
export type UpdateRejection = (typeof UpdateRejection)[keyof typeof UpdateRejection];

export const WorkAction = {
  CLAIM: 'claim',
  RELEASE: 'release',
  REASSIGN: 'reassign',
  APPROVE: 'approve',
  REJECT: 'reject',
  CONFIRM_REVIEW: 'confirmReview',
  REQUEST_CONTACT: 'requestContact',
  REQUEST_CHANGES: 'requestChanges',
  RESUBMIT: 'resubmit',
  ESCALATE: 'escalate',
  RETRY_NOW: 'retryNow',
  CANCEL: 'cancel',
  WITHDRAW: 'withdraw',
} as const;
export type WorkAction = (typeof WorkAction)[keyof typeof WorkAction];

/** What the rules need to know about a case (from the workflow state or the projection row). */
export interface WorkView {
  status: string;
  /** The case is closed (its procedure's definition says so for its status: domain/procedure-definition.ts). */
  final?: boolean;
  /** A supervisor may cancel the case in its status (the procedure's definition; see isCancellableStatus). */
  cancellable?: boolean;
  makerId: string;
  assignedTo?: string | null;
  escalated?: boolean;
  /** A step is failing and waiting for its next retry, or the CS refused a message (DELIVERY_REJECTED). */
  retryable?: boolean;
  /** Findings that make the application impossible as filed (online 転出: BLOCKING_FINDINGS): no confirmation. */
  reviewBlocked?: boolean;
}

export interface WorkActor {
  userId: string;
  roles: readonly string[];
}

export type Check = { ok: true } | { ok: false; code: UpdateRejection; message: string };
const OK: Check = { ok: true };
const no = (code: UpdateRejection, message: string): Check => ({ ok: false, code, message });

const has = (a: WorkActor, role: string) => a.roles.includes(role);
const isSupervisor = (a: WorkActor) => has(a, Role.SUPERVISOR);

/** The actor may work on this step: the step's role, four-eyes for 決裁, the maker for 差戻し. */
const stepRole = (v: WorkView, a: WorkActor): Check => {
  const role = awaitingRoleOf(v.status);
  if (!role) return no(UpdateRejection.NOT_CLAIMABLE, 'この案件は担当者の処理を待っていません');
  if (v.status === CaseStatus.RETURNED)
    return a.userId === v.makerId ? OK : no(UpdateRejection.NOT_MAKER, '差戻しは入力者本人が処理します');
  if (role === 'approver') {
    if (!has(a, Role.APPROVER)) return no(UpdateRejection.ROLE_REQUIRED, '決裁には決裁者の権限が必要です');
    if (a.userId === v.makerId) return no(UpdateRejection.FOUR_EYES, '入力者（審査者）本人は決裁できません');
    return OK;
  }
  return has(a, Role.CLERK) ? OK : no(UpdateRejection.ROLE_REQUIRED, '審査には窓口担当の権限が必要です');
};

const assignee = (v: WorkView, a: WorkActor): Check =>
  v.assignedTo && v.assignedTo !== a.userId
    ? no(UpdateRejection.NOT_ASSIGNEE, `この案件は ${v.assignedTo} が担当しています`)
    : OK;

const all = (...checks: Array<() => Check>): Check => {
  for (const c of checks) {
    const r = c();
    if (!r.ok) return r;
  }
  return OK;
};

const inStatus =
  (v: WorkView, statuses: string[], message: string, code: UpdateRejection = UpdateRejection.NOT_IN_STEP) =>
  () =>
    statuses.includes(v.status) ? OK : no(code, message);

const REVIEW: string[] = [CaseStatus.AWAITING_REVIEW, CaseStatus.CONTACT_REQUESTED];
/** 取下げ by the entering clerk: only before 決裁 (domain spec §3.3: nothing is in the registry yet). */
const WITHDRAWABLE: string[] = [CaseStatus.AWAITING_APPROVAL, CaseStatus.RETURNED];

/** Whether `actor` may take `action` on the case now. Reasons and targets are checked by the caller. */
export function checkAction(action: WorkAction, v: WorkView, actor: WorkActor): Check {
  const notAwaiting = () => no(UpdateRejection.NOT_AWAITING_APPROVAL, 'この案件は決裁待ちではありません');
  switch (action) {
    case WorkAction.CLAIM:
      return all(
        () => stepRole(v, actor),
        () =>
          v.assignedTo && v.assignedTo !== actor.userId
            ? no(UpdateRejection.ALREADY_ASSIGNED, `この案件は既に ${v.assignedTo} が担当しています`)
            : OK,
      );
    case WorkAction.RELEASE:
      if (!v.assignedTo) return no(UpdateRejection.NOT_ASSIGNED, 'この案件には担当者がいません');
      return v.assignedTo === actor.userId || isSupervisor(actor)
        ? OK
        : no(UpdateRejection.NOT_ASSIGNEE, '担当者本人または監督者だけが担当を外せます');
    case WorkAction.REASSIGN:
      if (!isSupervisor(actor)) return no(UpdateRejection.ROLE_REQUIRED, '担当替えには監督者の権限が必要です');
      return awaitingRoleOf(v.status)
        ? OK
        : no(UpdateRejection.NOT_CLAIMABLE, 'この案件は担当者の処理を待っていません');
    case WorkAction.APPROVE:
    case WorkAction.REQUEST_CHANGES:
      if (v.status !== CaseStatus.AWAITING_APPROVAL) return notAwaiting();
      return all(
        () => stepRole(v, actor),
        () => assignee(v, actor),
      );
    case WorkAction.REJECT:
      if (v.status !== CaseStatus.AWAITING_APPROVAL && !REVIEW.includes(v.status)) return notAwaiting();
      return all(
        () => stepRole(v, actor),
        () => assignee(v, actor),
      );
    case WorkAction.CONFIRM_REVIEW:
      return all(
        inStatus(v, REVIEW, 'この案件は審査待ちではありません'),
        () => stepRole(v, actor),
        () => assignee(v, actor),
        () =>
          v.reviewBlocked
            ? no(UpdateRejection.NOT_IN_STEP, '確認できない所見があります: 却下するか申請者へ連絡してください')
            : OK,
      );
    case WorkAction.REQUEST_CONTACT:
      return all(
        inStatus(v, [CaseStatus.AWAITING_REVIEW], 'この案件は審査待ちではありません'),
        () => stepRole(v, actor),
        () => assignee(v, actor),
      );
    case WorkAction.RESUBMIT:
      return all(inStatus(v, [CaseStatus.RETURNED], 'この案件は差戻し中ではありません'), () => stepRole(v, actor));
    case WorkAction.ESCALATE:
      if (!isSupervisor(actor)) return no(UpdateRejection.ROLE_REQUIRED, 'エスカレーションには監督者の権限が必要です');
      if (v.final) return no(UpdateRejection.NOT_IN_STEP, 'この案件は終了しています');
      return v.escalated ? no(UpdateRejection.ALREADY_ESCALATED, '既にエスカレーション済みです') : OK;
    case WorkAction.RETRY_NOW:
      if (!isSupervisor(actor)) return no(UpdateRejection.ROLE_REQUIRED, '再実行には監督者の権限が必要です');
      return v.retryable ? OK : no(UpdateRejection.NOT_RETRYABLE_NOW, '再実行できる処理がありません');
    case WorkAction.WITHDRAW:
      // 取下げ of one's own intake before 決裁: nothing was committed, so it is not a four-eyes action
      if (!WITHDRAWABLE.includes(v.status))
        return no(UpdateRejection.NOT_IN_STEP, '決裁の前（決裁待ち・差戻し）の案件だけ取り下げられます');
      if (!has(actor, Role.CLERK) || !v.makerId || actor.userId !== v.makerId)
        return no(UpdateRejection.NOT_MAKER, '取下げは入力者本人だけができます');
      return OK;
    case WorkAction.CANCEL:
      if (!isSupervisor(actor) && !has(actor, Role.PORTAL))
        return no(UpdateRejection.ROLE_REQUIRED, '取消には監督者の権限が必要です');
      return v.cancellable ? OK : no(UpdateRejection.NOT_CANCELLABLE, 'この案件は現在取り消せません');
  }
}

/** The actions `actor` may take now (for the UI). */
export const allowedActions = (v: WorkView, actor: WorkActor): WorkAction[] =>
  Object.values(WorkAction).filter(
    (a) => checkAction(a, v, actor).ok && !(a === WorkAction.CLAIM && v.assignedTo === actor.userId),
  );

/** A reassignment target must be able to work on the current step. */
export const eligibleAssignee = (v: WorkView, target: WorkActor): Check => stepRole(v, target);

/**
 * Types that cross the workflow boundary (update/query arguments and results). IDs and non-personal facts only
 * (architecture principle 1): staff user IDs, roles, terminal IDs, reason text entered by staff.
 */
export interface Actor {
  userId: string;
  roles: string[];
  terminalId?: string;
  /** The API's signature over the actor, the update name and the workflow ID (src/temporal/actor-proof.ts). */
  proof?: ActorProof;
  /** Set by the worker alone, after checking `proof`; whatever a caller sends here is discarded. */
  verified?: boolean;
}

/**
 * What the worker sees instead of a payload it did not encrypt (src/temporal/refused-payload.ts): the workflow
 * interceptor (src/workflows/actor-check.ts) refuses the update, drops the signal or fails the start.
 */
export const REFUSED_PAYLOAD = '$refusedPayload';

export interface ActorProof {
  issuedAt: string;
  update: string;
  workflowId: string;
  signature: string;
}

export type DecisionKind = 'APPROVED' | 'REJECTED' | 'CANCELLED';

export interface Decision {
  kind: DecisionKind;
  by: string;
  terminalId?: string;
  /** The text, in histories from before issue 13 item 1; now `reasonId` (a case_note row) instead. */
  reason?: string;
  reasonId?: string;
  at: string; // ISO instant (workflow time)
}

/** A cancellation asked for by a supervisor (or, for an online 転出, by the portal). */
export interface CancelRequest {
  by: string;
  terminalId?: string;
  /** The text, in histories from before issue 13 item 1; now `reasonId` (a case_note row) instead. */
  reason?: string;
  reasonId?: string;
  /** The first supervisor of a two-person cancellation (`by` approved it). */
  requestedBy?: string;
  /** 取下げ by the entering clerk before 決裁 (the case ends WITHDRAWN, not CANCELLED). */
  withdrawn?: boolean;
  at: string;
}

export interface CaseState {
  caseId: string;
  status: string;
  decision?: Decision;
  needsAttention: boolean;
  attentionReason?: string;
  assignedTo?: string;
  makerId: string;
  escalated: boolean;
  retryable: boolean;
}

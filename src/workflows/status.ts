import { proxyLocalActivities, upsertSearchAttributes } from '@temporalio/workflow';
import type { SharedActivities } from '../activities';
import type { Decision } from '../domain/case-actions';
import { AttentionReason, awaitingRoleOf } from '../domain/case-status';
import { isFinalStatus, type ProcedureDefinition } from '../domain/procedure-definition';
import { AssignedToKey, CaseStatusKey, NeedsAttentionKey, ProcedureKey } from './search-attributes';

/**
 * The case frame's local activities: the projection, a rejection's log (`recordDecision`, patch
 * `decision-logged-locally`) and a human step's log (`recordCaseAction`, patch `case-actions-logged-locally`).
 */
export const frameLocalActivities = proxyLocalActivities<SharedActivities>({
  startToCloseTimeout: '15s',
  retry: { initialInterval: '1s', maximumInterval: '30s' },
});
const { projectCase } = frameLocalActivities;

export interface StatusExtra {
  needsAttention?: boolean;
  attentionReason?: string | null;
  dueAt?: string | null;
  /** Who works the new step (e.g. the maker for 差戻し); by default a new human step starts unassigned. */
  assignTo?: string;
  /** The persons of the case (宛名番号), once known (a 転入 allocates them at 本登録). */
  subjects?: string[];
  /** 来庁予定日 of a held 転出証明書情報 (the visitors' queue). */
  plannedVisitDate?: string | null;
}

/**
 * The one status helper (architecture principle 6): every change of a case's status, assignment or escalation, and
 * every other column of the case projection row a workflow knows, goes through it; it upserts the search attributes
 * and writes the row. Each write carries a revision number, so a late projection write never overwrites a newer one.
 * (The failure columns — failing step, attempt, last error, next retry — are the failure recorder's: it watches
 * activities from outside the workflow.)
 */
export function caseStatusTracker(
  caseId: string,
  definition: Pick<ProcedureDefinition, 'code' | 'statuses'>,
  initial: string,
  opts: { makerId?: string } = {},
) {
  const procedure = definition.code;
  let status: string = initial;
  let needsAttention = false;
  let attentionReason: string | undefined;
  let assignedTo: string | undefined;
  let escalated = false;
  let makerId = opts.makerId ?? '';
  let revision = 0;
  let decidedBy: string | undefined;
  let approvalToLog: Decision | undefined;

  // Not `async`, nor are the methods below that return it: each layer of async function would add promises that the
  // SDK's promise hook captures a stack trace for (issue 15, README "Throughput"); the commands are the same.
  const project = (extra: StatusExtra = {}): Promise<void> => {
    revision += 1;
    upsertSearchAttributes([
      { key: CaseStatusKey, value: status },
      { key: ProcedureKey, value: procedure },
      { key: NeedsAttentionKey, value: needsAttention },
      { key: AssignedToKey, value: assignedTo ?? null },
    ]);
    const decision = approvalToLog;
    approvalToLog = undefined;
    return projectCase({
      caseId,
      procedure,
      revision,
      status,
      final: isFinalStatus(definition, status),
      needsAttention,
      attentionReason: attentionReason ?? null,
      dueAt: extra.dueAt,
      assignedTo: assignedTo ?? null,
      escalated,
      makerId,
      awaitingRole: awaitingRoleOf(status) ?? null,
      ...(extra.subjects ? { subjects: extra.subjects } : {}),
      ...(extra.plannedVisitDate !== undefined ? { plannedVisitDate: extra.plannedVisitDate } : {}),
      ...(decidedBy ? { decidedBy } : {}),
      ...(decision ? { decision } : {}),
    });
  };

  return {
    get status(): string {
      return status;
    },
    get needsAttention() {
      return needsAttention;
    },
    get attentionReason() {
      return attentionReason;
    },
    get assignedTo() {
      return assignedTo;
    },
    get escalated() {
      return escalated;
    },
    get makerId() {
      return makerId;
    },
    set(next: string, extra: StatusExtra = {}): Promise<void> {
      if (next !== status || extra.assignTo !== undefined)
        assignedTo = awaitingRoleOf(next) ? extra.assignTo : undefined;
      status = next;
      needsAttention = (extra.needsAttention ?? false) || escalated;
      attentionReason = extra.needsAttention
        ? (extra.attentionReason ?? undefined)
        : escalated
          ? AttentionReason.ESCALATED
          : undefined;
      return project(extra);
    },
    assign(userId: string | undefined): Promise<void> {
      assignedTo = userId;
      return project();
    },
    escalate(): Promise<void> {
      escalated = true;
      if (!needsAttention) {
        needsAttention = true;
        attentionReason = AttentionReason.ESCALATED;
      }
      return project();
    },
    /**
     * The 決裁 was taken: the projection names the decider from the next write on. `log`: an approval that the next
     * projection logs first (patch `decision-logged-locally`) — every procedure projects APPROVED right after one.
     */
    decided(by: string, log?: Decision): void {
      decidedBy = by;
      approvalToLog = log;
    },
    /** The person whose input the approver confirms (the reviewer of an online application). */
    setMaker(userId: string): void {
      makerId = userId;
    },
  };
}

export type CaseStatusTracker = ReturnType<typeof caseStatusTracker>;

import { proxyLocalActivities, upsertSearchAttributes } from '@temporalio/workflow';
import type { Activities } from '../../activities';
import { AttentionReason, awaitingRoleOf, type CaseStatus, type Procedure } from '../../domain/case-status';
import { AssignedToKey, CaseStatusKey, NeedsAttentionKey, ProcedureKey } from '../search-attributes';

const { projectCase } = proxyLocalActivities<Activities>({
  startToCloseTimeout: '15s',
  retry: { initialInterval: '1s', maximumInterval: '30s' },
});

export interface StatusExtra {
  needsAttention?: boolean;
  attentionReason?: string | null;
  dueAt?: string | null;
  /** Who works the new step (e.g. the maker for 差戻し); by default a new human step starts unassigned. */
  assignTo?: string;
}

/**
 * The one status helper (architecture principle 6): every change of a case's status, assignment or escalation
 * goes through it; it upserts the search attributes and writes the case projection row. Each write carries a
 * revision number, so a late projection write never overwrites a newer one.
 */
export function caseStatusTracker(
  caseId: string,
  procedure: Procedure,
  initial: CaseStatus,
  opts: { makerId?: string } = {},
) {
  let status: CaseStatus = initial;
  let needsAttention = false;
  let attentionReason: string | undefined;
  let assignedTo: string | undefined;
  let escalated = false;
  let makerId = opts.makerId ?? '';
  let revision = 0;

  const project = async (dueAt?: string | null): Promise<void> => {
    revision += 1;
    upsertSearchAttributes([
      { key: CaseStatusKey, value: status },
      { key: ProcedureKey, value: procedure },
      { key: NeedsAttentionKey, value: needsAttention },
      { key: AssignedToKey, value: assignedTo ?? null },
    ]);
    await projectCase({
      caseId,
      procedure,
      revision,
      status,
      needsAttention,
      attentionReason: attentionReason ?? null,
      dueAt,
      assignedTo: assignedTo ?? null,
      escalated,
      makerId,
      awaitingRole: awaitingRoleOf(status) ?? null,
    });
  };

  return {
    get status() {
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
    async set(next: CaseStatus, extra: StatusExtra = {}): Promise<void> {
      if (next !== status || extra.assignTo !== undefined)
        assignedTo = awaitingRoleOf(next) ? extra.assignTo : undefined;
      status = next;
      needsAttention = (extra.needsAttention ?? false) || escalated;
      attentionReason = extra.needsAttention
        ? (extra.attentionReason ?? undefined)
        : escalated
          ? AttentionReason.ESCALATED
          : undefined;
      await project(extra.dueAt);
    },
    async assign(userId: string | undefined): Promise<void> {
      assignedTo = userId;
      await project();
    },
    async escalate(): Promise<void> {
      escalated = true;
      if (!needsAttention) {
        needsAttention = true;
        attentionReason = AttentionReason.ESCALATED;
      }
      await project();
    },
    /** The person whose input the approver confirms (the reviewer of an online application). */
    setMaker(userId: string): void {
      makerId = userId;
    },
  };
}

export type CaseStatusTracker = ReturnType<typeof caseStatusTracker>;

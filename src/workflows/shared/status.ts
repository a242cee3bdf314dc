import { proxyLocalActivities, upsertSearchAttributes } from '@temporalio/workflow';
import type { Activities } from '../../activities';
import { type CaseStatus, type Procedure } from '../../domain/case-status';
import { CaseStatusKey, NeedsAttentionKey, ProcedureKey } from '../search-attributes';

const { projectCase } = proxyLocalActivities<Activities>({
  startToCloseTimeout: '15s',
  retry: { initialInterval: '1s', maximumInterval: '30s' },
});

export interface StatusExtra {
  needsAttention?: boolean;
  attentionReason?: string | null;
  dueAt?: string | null;
}

/**
 * The one status helper (architecture principle 6): every status change of a case goes through `set`, which
 * upserts the search attributes and writes the case projection row.
 */
export function caseStatusTracker(caseId: string, procedure: Procedure, initial: CaseStatus) {
  let status: CaseStatus = initial;
  let needsAttention = false;
  let attentionReason: string | undefined;
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
    async set(next: CaseStatus, extra: StatusExtra = {}): Promise<void> {
      status = next;
      needsAttention = extra.needsAttention ?? false;
      attentionReason = extra.attentionReason ?? undefined;
      upsertSearchAttributes([
        { key: CaseStatusKey, value: status },
        { key: ProcedureKey, value: procedure },
        { key: NeedsAttentionKey, value: needsAttention },
      ]);
      await projectCase({ caseId, procedure, status, needsAttention, attentionReason: attentionReason ?? null, dueAt: extra.dueAt });
    },
  };
}

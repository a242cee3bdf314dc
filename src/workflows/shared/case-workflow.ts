import type { Duration } from '@temporalio/common';
import { condition, defineQuery, setHandler } from '@temporalio/workflow';
import { CaseStatus, type Procedure } from '../../domain/case-status';
import { installApprovalHandlers } from './approval';
import type { CaseState, Decision } from './case-types';
import { installDelivery, registry } from './delivery';
import { caseStatusTracker } from './status';

export const caseStateQuery = defineQuery<CaseState>('caseState');

/**
 * The common frame of a counter procedure: the status helper, the 決裁 updates, the delivery loop with the
 * supervisor's retry, and the state query. Call it first in the workflow, so the handlers exist from the start.
 */
export function caseWorkflow(p: { caseId: string; procedure: Procedure; enteredBy: string; initial?: CaseStatus }) {
  const status = caseStatusTracker(p.caseId, p.procedure, p.initial ?? CaseStatus.AWAITING_APPROVAL);
  const approval = installApprovalHandlers({ enteredBy: p.enteredBy, isAwaitingApproval: () => status.status === CaseStatus.AWAITING_APPROVAL });
  const deliverAll = installDelivery(p.caseId, status);
  setHandler(caseStateQuery, () => ({
    caseId: p.caseId, status: status.status, decision: approval.decision(), needsAttention: status.needsAttention, attentionReason: status.attentionReason,
  }));
  return {
    status,
    deliverAll,
    /** Waits for 決裁, flagging the case when the approval SLA passes, and logs the decision. */
    async awaitDecision(sla: Duration = '1 day'): Promise<Decision> {
      await status.set(CaseStatus.AWAITING_APPROVAL);
      if (!(await condition(() => approval.decision() !== undefined, sla))) {
        await status.set(CaseStatus.AWAITING_APPROVAL, { needsAttention: true, attentionReason: 'APPROVAL_OVERDUE' });
        await condition(() => approval.decision() !== undefined);
      }
      const decision = approval.decision()!;
      await registry.recordDecision({ caseId: p.caseId, decision });
      return decision;
    },
  };
}

import type { Duration } from '@temporalio/common';
import { CancellationScope } from '@temporalio/workflow';
import { CaseStatus } from '../../domain/case-status';
import { queueAddressAnnexNotices } from '../../workflows/address-annex';
import { cancelWithCompensation } from '../../workflows/cancellation';
import { caseWorkflow, type CaseWorkflowInputBase } from '../../workflows/case-workflow';
import { activityProxies } from '../../workflows/proxies';
import type { SharedActivities } from '../../activities';
import type { MoveInActivities } from './commit';
import { moveInDefinition } from './definition';

export { caseStateQuery } from '../../workflows/case-workflow';

export const moveInWorkflowId = (caseId: string): string => `move-in/${caseId}`;

/** Input of the 転入 workflow: IDs only. The application itself is in the registry DB (case_application). */
export interface MoveInWorkflowInput extends CaseWorkflowInputBase {
  enteredBy: string;
  terminalId?: string;
  requestCertificate: boolean;
  /** Older histories carry the 決裁 SLA here; new cases carry it in `timings.approvalSla`. */
  approvalSla?: Duration;
}

export interface MoveInWorkflowResult {
  caseId: string;
  status: string;
  addresseeNumbers?: string[];
  issueNumber?: string;
}

/**
 * 転入 (ordinary move-in with a paper 転出証明書), domain.md §4.1:
 * 仮登録 → 決裁 (update, four-eyes) → registry write + outbox in one transaction → 附票記載事項通知 queued → CS
 * delivery (本人確認情報, 転入通知, 附票記載事項通知 to the 本籍地) retried until accepted → optional 住民票の写し → completed. Nothing leaves before approval. A
 * supervisor's cancellation closes the case, after 本登録 with an appended 異動の取消し（減）.
 */
export async function moveInWorkflow(input: MoveInWorkflowInput): Promise<MoveInWorkflowResult> {
  const { caseId } = input;
  const { registry } = activityProxies<MoveInActivities & SharedActivities>(input.timings);
  const c = caseWorkflow({ caseId, definition: moveInDefinition, enteredBy: input.enteredBy, timings: input.timings });
  return c.body(
    async () => {
      const decision = await c.awaitDecision({ sla: input.approvalSla });
      if (decision.kind === 'REJECTED') {
        await c.status.set(CaseStatus.REJECTED);
        return { caseId, status: CaseStatus.REJECTED };
      }
      await c.status.set(CaseStatus.APPROVED);
      const committed = await CancellationScope.nonCancellable(() =>
        registry.commitMoveIn({ caseId, approvedBy: decision.by, terminalId: decision.terminalId }),
      );
      await c.status.set(CaseStatus.DELIVERING, { subjects: committed.addresseeNumbers });
      await queueAddressAnnexNotices(caseId, input.timings);
      await c.deliverAll(CaseStatus.DELIVERING);
      let issueNumber: string | undefined;
      if (input.requestCertificate) {
        await c.status.set(CaseStatus.ISSUING_CERTIFICATE);
        ({ issueNumber } = await registry.issueResidentRecordCopy({
          caseId,
          operatorId: input.enteredBy,
          terminalId: input.terminalId,
        }));
      }
      await c.status.set(CaseStatus.COMPLETED);
      return { caseId, status: CaseStatus.COMPLETED, addresseeNumbers: committed.addresseeNumbers, issueNumber };
    },
    (cancel) => cancelWithCompensation(c, caseId, cancel),
  );
}

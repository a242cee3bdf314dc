import { CancellationScope } from '@temporalio/workflow';
import { CaseStatus } from '../../domain/case-status';
import { cancelWithCompensation } from '../../workflows/cancellation';
import { certificateAfterCommit } from '../../workflows/certificate-at-commit';
import { caseWorkflow, type CaseWorkflowInputBase } from '../../workflows/case-workflow';
import { generateIndividualNumbers } from '../../workflows/individual-number';
import { activityProxies } from '../../workflows/proxies';
import type { SharedActivities } from '../../activities';
import type { BirthActivities } from './commit';
import { BirthStatus, birthDefinition } from './definition';

export { caseStateQuery } from '../../workflows/case-workflow';

export const birthWorkflowId = (caseId: string): string => `birth/${caseId}`;

/** Input of the 出生 workflow: IDs and flags only. The application itself is in the registry DB (case_application). */
export interface BirthWorkflowInput extends CaseWorkflowInputBase {
  enteredBy: string;
  terminalId?: string;
  requestCertificate: boolean;
  /**
   * The 住民票の写し asked for needs no 個人番号, so it is issued right after the commit (issue 14 bug 8); one with the
   * 個人番号 waits for J-LIS's. Cases started before this field keep the old place.
   */
  copyWithoutIndividualNumber?: boolean;
}

export interface BirthWorkflowResult {
  caseId: string;
  status: string;
  addresseeNumbers?: string[];
  issueNumber?: string;
}

/**
 * 出生 (domain spec §4.7): 仮登録 → 決裁 (update, four-eyes; nothing leaves before it) → 本登録 with a 住民票コード
 * drawn from the pool and the 出生 snapshot, in one transaction with the 本人確認情報 outbox → CS delivery retried
 * until accepted → 個人番号 generation by J-LIS (the shared sub-flow, one child workflow per person, waited for) →
 * the 住民票コード通知票 → optional 住民票の写し → completed. A supervisor's cancellation after 本登録 appends
 * 異動の取消し（減）.
 */
export async function birthWorkflow(input: BirthWorkflowInput): Promise<BirthWorkflowResult> {
  const { caseId } = input;
  const { registry } = activityProxies<BirthActivities & SharedActivities>(input.timings);
  const c = caseWorkflow({ caseId, definition: birthDefinition, enteredBy: input.enteredBy, timings: input.timings });
  return c.body(
    async () => {
      const decision = await c.awaitDecision();
      if (decision.kind === 'REJECTED') {
        await c.status.set(CaseStatus.REJECTED);
        return { caseId, status: CaseStatus.REJECTED };
      }
      await c.status.set(CaseStatus.APPROVED);
      const committed = await CancellationScope.nonCancellable(() =>
        registry.commitBirth({ caseId, approvedBy: decision.by, terminalId: decision.terminalId }),
      );
      await c.status.set(CaseStatus.DELIVERING, { subjects: committed.addresseeNumbers });
      const copy = await certificateAfterCommit(
        () => registry.issueResidentRecordCopy({ caseId, operatorId: input.enteredBy, terminalId: input.terminalId }),
        { wanted: input.requestCertificate, early: input.copyWithoutIndividualNumber === true },
      );
      await c.deliverAll(CaseStatus.DELIVERING);
      // J-LIS generates the 個人番号 for the new 住民票コード; the child records it (個人番号（職権記載）) and sends its
      // 本人確認情報, then the 送付先情報 so that the 個人番号通知書 is mailed (domain spec §4.7 step 3.2, 3.4)
      await c.status.set(BirthStatus.GENERATING_NUMBER);
      await generateIndividualNumbers(caseId, committed.addresseeNumbers, input.timings);
      await c.status.set(CaseStatus.ISSUING_CERTIFICATE);
      const issued = { caseId, operatorId: decision.by, terminalId: decision.terminalId };
      await registry.issueResidentCodeNotice(issued);
      const issueNumber = (await copy.afterDelivery())?.issueNumber;
      await c.status.set(CaseStatus.COMPLETED);
      return { caseId, status: CaseStatus.COMPLETED, addresseeNumbers: committed.addresseeNumbers, issueNumber };
    },
    (cancel) => cancelWithCompensation(c, caseId, cancel),
  );
}

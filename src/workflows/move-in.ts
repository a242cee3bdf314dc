import type { Duration } from '@temporalio/common';
import { CaseStatus, Procedure } from '../domain/case-status';
import { caseWorkflow } from './shared/case-workflow';
import { registry } from './shared/delivery';

export { caseStateQuery } from './shared/case-workflow';
export { retryDeliveryUpdate } from './shared/delivery';

/** Input of the 転入 workflow: IDs only. The application itself is in the registry DB (case_application). */
export interface MoveInWorkflowInput {
  caseId: string;
  enteredBy: string;
  terminalId?: string;
  requestCertificate: boolean;
  approvalSla?: Duration;
}

export interface MoveInWorkflowResult {
  caseId: string;
  status: CaseStatus;
  addresseeNumbers?: string[];
  issueNumber?: string;
}

/**
 * 転入 (ordinary move-in with a paper 転出証明書), domain.md §4.1:
 * 仮登録 → 決裁 (update, four-eyes) → registry write + outbox in one transaction → CS delivery (本人確認情報 and
 * 転入通知) retried until accepted → optional 住民票の写し → completed. Nothing leaves before approval.
 */
export async function moveInWorkflow(input: MoveInWorkflowInput): Promise<MoveInWorkflowResult> {
  const { caseId } = input;
  const c = caseWorkflow({ caseId, procedure: Procedure.MOVE_IN, enteredBy: input.enteredBy });
  const decision = await c.awaitDecision(input.approvalSla);
  if (decision.kind === 'REJECTED') {
    await c.status.set(CaseStatus.REJECTED);
    return { caseId, status: CaseStatus.REJECTED };
  }
  await c.status.set(CaseStatus.APPROVED);
  const committed = await registry.commitMoveIn({ caseId, approvedBy: decision.by, terminalId: decision.terminalId });
  await c.status.set(CaseStatus.DELIVERING);
  await c.deliverAll(CaseStatus.DELIVERING);
  let issueNumber: string | undefined;
  if (input.requestCertificate) {
    await c.status.set(CaseStatus.ISSUING_CERTIFICATE);
    ({ issueNumber } = await registry.issueResidentRecordCopy({ caseId, operatorId: input.enteredBy, terminalId: input.terminalId }));
  }
  await c.status.set(CaseStatus.COMPLETED);
  return { caseId, status: CaseStatus.COMPLETED, addresseeNumbers: committed.addresseeNumbers, issueNumber };
}

import type { Duration } from '@temporalio/common';
import { ActivityFailure, ApplicationFailure, condition, defineQuery, defineUpdate, proxyActivities, setHandler } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { CaseStatus, Procedure } from '../domain/case-status';
import { FailureType } from '../domain/failures';
import { Role } from '../domain/roles';
import { installApprovalHandlers } from './shared/approval';
import { rejection, UpdateRejection, type Actor, type CaseState } from './shared/case-types';
import { caseStatusTracker } from './shared/status';

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

export const caseStateQuery = defineQuery<CaseState>('caseState');
export const retryDeliveryUpdate = defineUpdate<void, [{ actor: Actor; reason: string }]>('retryDelivery');

/** Non-retryable failure type thrown by the delivery activity when the CS refuses a message. */
export const CS_REJECTED = FailureType.CS_REJECTED;

const registry = proxyActivities<Activities>({
  startToCloseTimeout: '60s',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1m' },
});

/** CS delivery is retried until accepted (domain.md §4 common rule 8): no attempt limit, backoff capped at 5 min. */
const delivery = proxyActivities<Activities>({
  startToCloseTimeout: '60s',
  retry: { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '5m', nonRetryableErrorTypes: [CS_REJECTED] },
});

/**
 * 転入 (ordinary move-in with a paper 転出証明書), domain.md §4.1:
 * 仮登録 → 決裁 (update, four-eyes) → registry write + outbox in one transaction → CS delivery (本人確認情報 and
 * 転入通知) retried until accepted → optional 住民票の写し → completed. Nothing leaves before approval.
 */
export async function moveInWorkflow(input: MoveInWorkflowInput): Promise<MoveInWorkflowResult> {
  const { caseId } = input;
  const status = caseStatusTracker(caseId, Procedure.MOVE_IN, CaseStatus.AWAITING_APPROVAL);
  const approval = installApprovalHandlers({
    enteredBy: input.enteredBy,
    isAwaitingApproval: () => status.status === CaseStatus.AWAITING_APPROVAL,
  });
  let retryRequested = false;
  setHandler(caseStateQuery, () => ({
    caseId, status: status.status, decision: approval.decision(), needsAttention: status.needsAttention, attentionReason: status.attentionReason,
  }));
  setHandler(retryDeliveryUpdate, () => {
    retryRequested = true;
  }, {
    validator: ({ actor, reason }) => {
      if (!actor.roles.includes(Role.SUPERVISOR)) throw rejection(UpdateRejection.ROLE_REQUIRED, '再送には監督者の権限が必要です');
      if (status.status !== CaseStatus.DELIVERY_REJECTED) throw rejection(UpdateRejection.NOT_RETRYABLE_NOW, '再送できる状態ではありません');
      if (!reason?.trim()) throw rejection(UpdateRejection.REASON_REQUIRED, '再送の理由を入力してください');
    },
  });

  await status.set(CaseStatus.AWAITING_APPROVAL);
  if (!(await condition(() => approval.decision() !== undefined, input.approvalSla ?? '1 day'))) {
    await status.set(CaseStatus.AWAITING_APPROVAL, { needsAttention: true, attentionReason: 'APPROVAL_OVERDUE' });
    await condition(() => approval.decision() !== undefined);
  }
  const decision = approval.decision()!;
  await registry.recordDecision({ caseId, decision });
  if (decision.kind === 'REJECTED') {
    await status.set(CaseStatus.REJECTED);
    return { caseId, status: CaseStatus.REJECTED };
  }

  await status.set(CaseStatus.APPROVED);
  const committed = await registry.commitMoveIn({ caseId, approvedBy: decision.by, terminalId: decision.terminalId });
  await status.set(CaseStatus.DELIVERING);

  for (;;) {
    try {
      await delivery.deliverCsMessages({ caseId });
      break;
    } catch (err) {
      if (!(err instanceof ActivityFailure && err.cause instanceof ApplicationFailure && err.cause.type === CS_REJECTED)) throw err;
      await status.set(CaseStatus.DELIVERY_REJECTED, { needsAttention: true, attentionReason: 'CS_REJECTED' });
      retryRequested = false;
      await condition(() => retryRequested);
      await status.set(CaseStatus.DELIVERING);
    }
  }

  let issueNumber: string | undefined;
  if (input.requestCertificate) {
    await status.set(CaseStatus.ISSUING_CERTIFICATE);
    ({ issueNumber } = await registry.issueResidentRecordCopy({ caseId, operatorId: input.enteredBy, terminalId: input.terminalId }));
  }
  await status.set(CaseStatus.COMPLETED);
  return { caseId, status: CaseStatus.COMPLETED, addresseeNumbers: committed.addresseeNumbers, issueNumber };
}

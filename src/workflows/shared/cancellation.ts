import { getExternalWorkflowHandle, ParentClosePolicy, startChild } from '@temporalio/workflow';
import { CaseStatus } from '../../domain/case-status';
import { certificateUpdatedSignal, heldCertificateWorkflow } from '../held-certificate';
import { heldCertificateWorkflowId } from '../workflow-ids';
import { registry } from './proxies';
import type { CaseFrame } from './case-workflow';
import type { CancelRequest } from './case-types';

/**
 * Tells held-certificate workflows that their row changed (reserved, released, used, given back). One that has
 * already ended (its certificate was USED, then given back by a cancellation) is run again for the purge timer; a
 * fresh run of a USED or PURGED row simply ends.
 */
export async function wakeHeldCertificates(heldIds: string[]): Promise<void> {
  for (const heldId of heldIds) {
    await getExternalWorkflowHandle(heldCertificateWorkflowId(heldId))
      .signal(certificateUpdatedSignal)
      .catch(() =>
        startChild(heldCertificateWorkflow, {
          workflowId: heldCertificateWorkflowId(heldId),
          args: [{ heldId }],
          parentClosePolicy: ParentClosePolicy.ABANDON,
        }).catch(() => undefined),
      );
  }
}

/**
 * Cancellation of a case (domain.md §3.3, §4.3 "Cancellation"; standard spec 4.6): before 本登録 nothing was
 * written, so the case just closes; after it, `compensateCase` appends a 異動の取消し snapshot per person that
 * restores the state before the case, queues the 本人確認情報 update (and, for a special 転出, the withdrawal of the
 * 転出証明書情報 at the destination) in the same transaction, and the messages are delivered before the case closes.
 */
export async function cancelWithCompensation(
  c: CaseFrame,
  caseId: string,
  cancel: CancelRequest,
): Promise<{ caseId: string; status: CaseStatus }> {
  await c.status.set(CaseStatus.CANCELLING);
  const result = await registry.compensateCase({
    caseId,
    by: cancel.by,
    terminalId: cancel.terminalId,
    reason: cancel.reason,
  });
  await wakeHeldCertificates(result.heldIds);
  if (result.outbox > 0) await c.deliverAll(CaseStatus.CANCELLING);
  await c.status.set(CaseStatus.CANCELLED);
  return { caseId, status: CaseStatus.CANCELLED };
}

import { CaseStatus } from '../domain/case-status';
import type { CompensationResult } from '../activities/compensation';
import type { CaseFrame } from './case-workflow';
import type { CancelRequest } from './case-types';

/**
 * Cancellation of a case (domain.md §3.3, §4.3 "Cancellation"; standard spec 4.6): before 本登録 nothing was
 * written, so the case just closes; after it, `compensateCase` appends a 異動の取消し snapshot per person that
 * restores the state before the case, queues the 本人確認情報 update (and, for a special 転出, the withdrawal of the
 * 転出証明書情報 at the destination) in the same transaction, and the messages are delivered before the case closes.
 * `afterCompensation` lets a procedure act on the result first (a 特例転入 gives its held certificates back).
 */
export async function cancelWithCompensation(
  c: CaseFrame,
  caseId: string,
  cancel: CancelRequest,
  afterCompensation?: (r: CompensationResult) => Promise<void>,
): Promise<{ caseId: string; status: string }> {
  // 取下げ before 決裁 (only after the new `withdraw` update, which no older history contains): nothing was
  // committed, so the compensation below finds nothing to undo; the case ends with its own status
  if (cancel.withdrawn) {
    await c.registry.compensateCase({
      caseId,
      by: cancel.by,
      terminalId: cancel.terminalId,
      reason: cancel.reason,
      reasonId: cancel.reasonId,
    });
    await c.status.set(CaseStatus.WITHDRAWN);
    return { caseId, status: CaseStatus.WITHDRAWN };
  }
  await c.status.set(CaseStatus.CANCELLING);
  const result = await c.registry.compensateCase({
    caseId,
    by: cancel.by,
    terminalId: cancel.terminalId,
    reason: cancel.reason,
    reasonId: cancel.reasonId,
    requestedBy: cancel.requestedBy,
  });
  await afterCompensation?.(result);
  if (result.outbox > 0) await c.deliverAll(CaseStatus.CANCELLING);
  await c.status.set(CaseStatus.CANCELLED);
  return { caseId, status: CaseStatus.CANCELLED };
}

import { CaseStatus, Procedure } from '../domain/case-status';
import { registry } from './shared/proxies';
import { cancelWithCompensation } from './shared/cancellation';
import { caseWorkflow } from './shared/case-workflow';
import { commitAndDeliverMoveOut, moveOutTail } from './shared/move-out-tail';

export { certificateInfoRequestSignal, moveInNoticeSignal } from './shared/move-out-tail';

export interface MoveOutWorkflowInput {
  caseId: string;
  enteredBy: string;
  terminalId?: string;
  /** Started by signal-with-start for a 転入通知 that arrived after the case had closed: record it and end. */
  mode?: 'noticeOnly';
  /** 転入通知未着 is flagged this many days after the planned date (design default 30; domain.md §4.6). */
  noticeOverdueDays?: number;
}

/**
 * 転出 at the counter (domain.md §4.3, §4.6): 決裁 → 転出予定者 + 本人確認情報 update (+ 転出証明書情報 on the
 * special path) → 転出証明書 on the paper path → the 住民票 becomes a 除票 on the earlier of the planned date and
 * the 転入日 in a 転入通知 → the 転入通知 is recorded next to the planned values; missing by P + 30 → flagged.
 * Cancellable until a 除票 takes effect (then an appended 異動の取消し（増）, the destination told).
 */
export async function moveOutWorkflow(input: MoveOutWorkflowInput): Promise<{ caseId: string; status: CaseStatus }> {
  const { caseId } = input;
  const tail = moveOutTail(caseId);
  if (input.mode === 'noticeOnly') {
    await tail.noticeOnly();
    return { caseId, status: CaseStatus.COMPLETED };
  }
  const c = caseWorkflow({
    caseId,
    procedure: Procedure.MOVE_OUT,
    enteredBy: input.enteredBy,
    canCancel: () => !tail.removedAny,
  });
  return c.body(
    async () => {
      const decision = await c.awaitDecision();
      if (decision.kind === 'REJECTED') {
        await c.status.set(CaseStatus.REJECTED);
        return { caseId, status: CaseStatus.REJECTED };
      }
      const commit = await commitAndDeliverMoveOut(c, caseId, decision);
      if (commit.path === 'paper') {
        await c.status.set(CaseStatus.ISSUING_CERTIFICATE);
        await registry.issueMoveOutCertificate({ caseId, operatorId: input.enteredBy, terminalId: input.terminalId });
      }
      await tail.run(c, commit, input.noticeOverdueDays);
      await c.status.set(CaseStatus.COMPLETED);
      return { caseId, status: CaseStatus.COMPLETED };
    },
    (cancel) => cancelWithCompensation(c, caseId, cancel),
  );
}

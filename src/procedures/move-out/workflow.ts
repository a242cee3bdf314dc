import type { SharedActivities } from '../../activities';
import { CaseStatus } from '../../domain/case-status';
import { cancelWithCompensation } from '../../workflows/cancellation';
import { caseWorkflow, type CaseWorkflowInputBase } from '../../workflows/case-workflow';
import { activityProxies } from '../../workflows/proxies';
import { moveOutDefinition } from './definition';
import { commitAndDeliverMoveOut, MOVE_OUT_COMMIT_STEP, moveOutTail } from './workflow-tail';

export { certificateInfoRequestSignal, moveInNoticeSignal } from './workflow-tail';

export const moveOutWorkflowId = (caseId: string): string => `move-out/${caseId}`;

export interface MoveOutWorkflowInput extends CaseWorkflowInputBase {
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
export async function moveOutWorkflow(input: MoveOutWorkflowInput): Promise<{ caseId: string; status: string }> {
  const { caseId } = input;
  const tail = moveOutTail(caseId, input.timings);
  if (input.mode === 'noticeOnly') {
    await tail.noticeOnly();
    return { caseId, status: CaseStatus.COMPLETED };
  }
  const { registry } = activityProxies<SharedActivities>(input.timings);
  const c = caseWorkflow({
    caseId,
    definition: moveOutDefinition,
    enteredBy: input.enteredBy,
    timings: input.timings,
    canCancel: () => !tail.removedAny,
  });
  return c.body(
    async () => {
      const decision = await c.awaitDecision();
      if (decision.kind === 'REJECTED') {
        await c.status.set(CaseStatus.REJECTED);
        return { caseId, status: CaseStatus.REJECTED };
      }
      const issueCertificate = () =>
        registry.issueMoveOutCertificate({ caseId, operatorId: input.enteredBy, terminalId: input.terminalId });
      const commit = await commitAndDeliverMoveOut(c, caseId, decision, issueCertificate, {
        patchId: MOVE_OUT_COMMIT_STEP,
        certificateFor: { operatorId: input.enteredBy, terminalId: input.terminalId },
      });
      if (commit.path === 'paper' && !commit.certificateIssued) {
        await c.status.set(CaseStatus.ISSUING_CERTIFICATE);
        await issueCertificate();
      }
      await tail.run(c, commit, input.noticeOverdueDays);
      await c.status.set(CaseStatus.COMPLETED);
      return { caseId, status: CaseStatus.COMPLETED };
    },
    (cancel) => cancelWithCompensation(c, caseId, cancel),
  );
}

import { CancellationScope } from '@temporalio/workflow';
import type { SharedActivities } from '../../activities';
import { CaseStatus } from '../../domain/case-status';
import { queueAddressAnnexNotices } from '../../workflows/address-annex';
import { cancelWithCompensation } from '../../workflows/cancellation';
import { caseWorkflow, type CaseWorkflowInputBase } from '../../workflows/case-workflow';
import { activityProxies } from '../../workflows/proxies';
import type { MoveWithinActivities } from './commit';
import { MoveWithinStatus, moveWithinDefinition } from './definition';

export { caseStateQuery } from '../../workflows/case-workflow';

export const moveWithinWorkflowId = (caseId: string): string => `move-within/${caseId}`;

/** Input of the 転居 workflow: IDs and flags only. The application itself is in the registry DB (case_application). */
export interface MoveWithinWorkflowInput extends CaseWorkflowInputBase {
  enteredBy: string;
  terminalId?: string;
  requestCertificate: boolean;
}

export interface MoveWithinWorkflowResult {
  caseId: string;
  status: string;
  addresseeNumbers?: string[];
  issueNumber?: string;
}

/**
 * 転居 (domain spec §4.9): 仮登録 → 決裁 (four-eyes; nothing is written or sent before it) → 本登録: the 転居 snapshot
 * of every mover, then, as separate ordered 異動, the movers' household change and the remaining household's
 * 世帯主変更, in one transaction with each mover's address-only 本人確認情報 update in the ordered outbox → the
 * 住民票の写し right after the registry commit (a CS outage does not hold it back) → the 附票記載事項通知 to the 本籍地
 * and the CS delivery, retried until accepted → the 世帯主変更通知書 when a remaining member became 世帯主 ex officio →
 * the card-face endorsement of each mover who presented a card → completed. A cancellation after 本登録 appends
 * 異動の取消し（修正） restoring the prior address and household (`compensation: 'amend'`).
 */
export async function moveWithinWorkflow(input: MoveWithinWorkflowInput): Promise<MoveWithinWorkflowResult> {
  const { caseId } = input;
  const { registry } = activityProxies<MoveWithinActivities & SharedActivities>(input.timings);
  const c = caseWorkflow({
    caseId,
    definition: moveWithinDefinition,
    enteredBy: input.enteredBy,
    timings: input.timings,
  });
  return c.body(
    async () => {
      const decision = await c.awaitDecision();
      if (decision.kind === 'REJECTED') {
        await c.status.set(CaseStatus.REJECTED);
        return { caseId, status: CaseStatus.REJECTED };
      }
      const by = { caseId, operatorId: decision.by, terminalId: decision.terminalId };
      await c.status.set(CaseStatus.APPROVED);
      const committed = await CancellationScope.nonCancellable(() =>
        registry.commitMoveWithin({ caseId, approvedBy: decision.by, terminalId: decision.terminalId }),
      );
      let issueNumber: string | undefined;
      if (input.requestCertificate) {
        await c.status.set(CaseStatus.ISSUING_CERTIFICATE, { subjects: committed.addresseeNumbers });
        ({ issueNumber } = await registry.issueResidentRecordCopy({
          caseId,
          operatorId: input.enteredBy,
          terminalId: input.terminalId,
        }));
      }
      await c.status.set(CaseStatus.DELIVERING, { subjects: committed.addresseeNumbers });
      await queueAddressAnnexNotices(caseId, input.timings);
      await c.deliverAll(CaseStatus.DELIVERING);
      if (committed.headChangeExOfficio)
        await CancellationScope.nonCancellable(() => registry.issueExOfficioNotices(by));
      if (committed.cardPresented.length) {
        await c.status.set(MoveWithinStatus.CARD_ENDORSEMENT);
        await registry.recordCardFaceEndorsements({
          caseId,
          approvedBy: decision.by,
          terminalId: decision.terminalId,
        });
      }
      await c.status.set(CaseStatus.COMPLETED);
      return { caseId, status: CaseStatus.COMPLETED, addresseeNumbers: committed.addresseeNumbers, issueNumber };
    },
    (cancel) => cancelWithCompensation(c, caseId, cancel),
  );
}

import { CancellationScope } from '@temporalio/workflow';
import { CaseStatus } from '../../domain/case-status';
import { cancelWithCompensation } from '../../workflows/cancellation';
import { caseWorkflow, type CaseWorkflowInputBase } from '../../workflows/case-workflow';
import { activityProxies } from '../../workflows/proxies';
import type { SharedActivities } from '../../activities';
import type { DeathActivities } from './commit';
import { DeathStatus, deathDefinition } from './definition';

export { caseStateQuery } from '../../workflows/case-workflow';

export const deathWorkflowId = (caseId: string): string => `death/${caseId}`;

/** Input of the 死亡 workflow: IDs only (the application is in case_application). */
export interface DeathWorkflowInput extends CaseWorkflowInputBase {
  enteredBy: string;
  terminalId?: string;
}

/**
 * 死亡 (standard spec 4.2.2): 仮登録 → 決裁 (four-eyes) → 本登録: the 除票, the 世帯主変更 of the remaining members and
 * the card 廃止, in one transaction with the 本人確認情報 (死亡) in the outbox → CS delivery → the 廃止 reported to
 * J-LIS (the person's card events, in order) → the 世帯主変更通知書 when a 世帯主 was set ex officio → completed. No
 * certificate of the deceased (a 除票 gets no 住民票の写し). A cancellation after 本登録 appends 異動の取消し（増）.
 */
export async function deathWorkflow(input: DeathWorkflowInput): Promise<{ caseId: string; status: string }> {
  const { caseId } = input;
  const { registry, delivery } = activityProxies<DeathActivities & SharedActivities>(input.timings);
  const c = caseWorkflow({ caseId, definition: deathDefinition, enteredBy: input.enteredBy, timings: input.timings });
  return c.body(
    async () => {
      const decision = await c.awaitDecision();
      if (decision.kind === 'REJECTED') {
        await c.status.set(CaseStatus.REJECTED);
        return { caseId, status: CaseStatus.REJECTED };
      }
      await c.status.set(CaseStatus.APPROVED);
      const committed = await CancellationScope.nonCancellable(() =>
        registry.commitDeath({ caseId, approvedBy: decision.by, terminalId: decision.terminalId }),
      );
      await c.status.set(CaseStatus.DELIVERING, { subjects: committed.addresseeNumbers });
      await c.deliverAll(CaseStatus.DELIVERING);
      if (committed.cancelledCards.length) {
        await c.status.set(DeathStatus.CANCELLING_CARD);
        for (const cardId of committed.cancelledCards) await delivery.sendCardEvents({ cardId });
      }
      if (committed.headChangeNotice) {
        await c.status.set(CaseStatus.ISSUING_CERTIFICATE);
        await CancellationScope.nonCancellable(() =>
          registry.issueExOfficioNotices({ caseId, operatorId: decision.by, terminalId: decision.terminalId }),
        );
      }
      await c.status.set(CaseStatus.COMPLETED);
      return { caseId, status: CaseStatus.COMPLETED };
    },
    (cancel) => cancelWithCompensation(c, caseId, cancel),
  );
}

import { CancellationScope } from '@temporalio/workflow';
import { CaseStatus } from '../../domain/case-status';
import { cancelWithCompensation } from '../../workflows/cancellation';
import { caseWorkflow, type CaseWorkflowInputBase } from '../../workflows/case-workflow';
import { activityProxies } from '../../workflows/proxies';
import type { SharedActivities } from '../../activities';
import type { HouseholdChangeActivities } from './commit';
import { householdChangeDefinition } from './definition';

export { caseStateQuery } from '../../workflows/case-workflow';

export const householdChangeWorkflowId = (caseId: string): string => `household-change/${caseId}`;

/** Input of the 世帯変更 workflow: IDs and flags only (the application is in case_application). */
export interface HouseholdChangeWorkflowInput extends CaseWorkflowInputBase {
  enteredBy: string;
  terminalId?: string;
  requestCertificate: boolean;
}

/**
 * 世帯変更 (standard spec 4.1.4): 仮登録 → 決裁 (four-eyes) → 本登録: the household, 続柄 and 世帯主名 of each person
 * as appended snapshots → the 住民票の写し if asked, right after the commit → completed. Nothing goes to the CS (世帯
 * and 続柄 are not 本人確認情報 items). A cancellation after 本登録 appends the state before (異動の取消し).
 */
export async function householdChangeWorkflow(
  input: HouseholdChangeWorkflowInput,
): Promise<{ caseId: string; status: string; issueNumber?: string }> {
  const { caseId } = input;
  const { registry } = activityProxies<HouseholdChangeActivities & SharedActivities>(input.timings);
  const c = caseWorkflow({
    caseId,
    definition: householdChangeDefinition,
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
      await c.status.set(CaseStatus.APPROVED);
      const committed = await CancellationScope.nonCancellable(() =>
        registry.commitHouseholdChange({ caseId, approvedBy: decision.by, terminalId: decision.terminalId }),
      );
      await c.status.set(CaseStatus.COMMITTED, { subjects: committed.addresseeNumbers });
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
      return { caseId, status: CaseStatus.COMPLETED, issueNumber };
    },
    (cancel) => cancelWithCompensation(c, caseId, cancel),
  );
}

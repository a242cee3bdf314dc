/**
 * The no-op ceiling (benchmark only, never in the product's workflow bundle): a workflow with the 転入's Temporal
 * shape as issue 15 set it — one update (決裁), 3 activities, 4 local activities, 4 search-attribute upserts, on the
 * same payload codec — whose activities do nothing. Its throughput on the same server in the same run is what the
 * move-in could reach if our own code cost nothing. `decisionLocal`: the 転入's shape since patch
 * `decision-logged-locally` — the 決裁 logged by the APPROVED projection's local activity: 2 activities, 4 local.
 */
import {
  condition,
  defineUpdate,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import {
  AssignedToKey,
  CaseStatusKey,
  NeedsAttentionKey,
  ProcedureKey,
} from '../../../src/workflows/search-attributes';
import type { CeilingActivities } from './activities';

export const ceilingApproveUpdate = defineUpdate<{ by: string }, [{ by: string }]>('approve');

const { ceilingStep } = proxyActivities<CeilingActivities>({ startToCloseTimeout: '60s' });
const { ceilingProject } = proxyLocalActivities<CeilingActivities>({ startToCloseTimeout: '15s' });

export async function ceilingWorkflow(input: {
  caseId: string;
  decisionLocal?: boolean;
}): Promise<{ caseId: string; status: string }> {
  let decision: { by: string } | undefined;
  setHandler(ceilingApproveUpdate, (d) => {
    decision = d;
    return d;
  });
  const project = async (status: string) => {
    upsertSearchAttributes([
      { key: CaseStatusKey, value: status },
      { key: ProcedureKey, value: 'ceiling' },
      { key: NeedsAttentionKey, value: false },
      { key: AssignedToKey, value: null },
    ]);
    await ceilingProject({ caseId: input.caseId, status });
  };
  await project('AWAITING_APPROVAL');
  await condition(() => decision !== undefined);
  if (!input.decisionLocal) await ceilingStep({ caseId: input.caseId, step: 'recordDecision' });
  await project('APPROVED');
  await ceilingStep({ caseId: input.caseId, step: 'commit' });
  await project('DELIVERING');
  await ceilingStep({ caseId: input.caseId, step: 'deliver' });
  await project('COMPLETED');
  return { caseId: input.caseId, status: 'COMPLETED' };
}

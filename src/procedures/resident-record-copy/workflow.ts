import { activityProxies } from '../../workflows/proxies';
import type { WorkflowTimings } from '../../domain/retry-policies';
import type { ResidentRecordCopyActivities } from './activities';
import type { CounterCopyInput } from './schema';

export const residentRecordCopyWorkflowId = (requestId: string): string => `resident-record-copy/${requestId}`;

/**
 * 住民票の写し issued at the counter, outside a procedure: one activity (交付履歴, audit, PDF). The input holds IDs
 * and flags only (宛名番号, requested items, the requester's relation), never personal data.
 */
export async function residentRecordCopyWorkflow(input: CounterCopyInput & { timings?: Partial<WorkflowTimings> }) {
  const { timings, ...args } = input;
  return activityProxies<ResidentRecordCopyActivities>(timings).registry.issueCounterResidentRecordCopy(args);
}

import type { WorkflowTimings } from '../domain/retry-policies';
import { activityProxies } from './proxies';

export const certificateReissueWorkflowId = (certificateId: string, requestId: string): string =>
  `certificate-reissue/${certificateId}/${requestId}`;

/** 再交付 of an issued certificate (a new 発行番号, marked 「再交付」, the state at first issue), run as an activity. */
export async function certificateReissueWorkflow(input: {
  certificateId: string;
  operatorId: string;
  terminalId?: string;
  timings?: Partial<WorkflowTimings>;
}) {
  const { timings, ...args } = input;
  return activityProxies(timings).registry.reissueCertificate(args);
}

import { proxyActivities } from '@temporalio/workflow';
import { FailureType } from '../domain/failures';
import { DEFAULT_TIMINGS, type RetryPolicyMs, type WorkflowTimings } from '../domain/retry-policies';
import type { SharedActivities } from '../activities';

const retry = (p: RetryPolicyMs) => ({
  initialInterval: p.initialIntervalMs,
  backoffCoefficient: p.backoffCoefficient,
  maximumInterval: p.maximumIntervalMs,
});

/** The timings of a workflow: its input's, the defaults for anything it does not say (and for old histories). */
export const timingsOf = (t: Partial<WorkflowTimings> | undefined): WorkflowTimings => ({ ...DEFAULT_TIMINGS, ...t });

/**
 * The two ways a workflow calls activities: registry writes, certificates and other local work (`registry`, short
 * backoff) and partner delivery (`delivery`: retried until accepted, domain.md §4 common rule 8; a partner's refusal is
 * not retried). `A` is the activities the workflow calls (its procedure's and the shared ones).
 */
export function activityProxies<A extends object = SharedActivities>(timings?: Partial<WorkflowTimings>) {
  const t = timingsOf(timings);
  return {
    registry: proxyActivities<A>({ startToCloseTimeout: t.activityTimeout ?? '60s', retry: retry(t.registryRetry) }),
    delivery: proxyActivities<A>({
      startToCloseTimeout: t.activityTimeout ?? '60s',
      retry: { ...retry(t.deliveryRetry), nonRetryableErrorTypes: [FailureType.PARTNER_REJECTED] },
    }),
  };
}

export type ActivityProxies<A extends object = SharedActivities> = ReturnType<typeof activityProxies<A>>;

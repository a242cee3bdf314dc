import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../../activities';
import { FailureType } from '../../domain/failures';
import { DELIVERY_RETRY, REGISTRY_RETRY } from '../../domain/retry-policies';

const retry = (p: typeof REGISTRY_RETRY) => ({
  initialInterval: p.initialIntervalMs,
  backoffCoefficient: p.backoffCoefficient,
  maximumInterval: p.maximumIntervalMs,
});

/** Registry writes, certificates and other local work: retried with a short backoff. */
export const registry = proxyActivities<Activities>({ startToCloseTimeout: '60s', retry: retry(REGISTRY_RETRY) });

/** Partner delivery is retried until accepted (domain.md §4 common rule 8); a partner's refusal is not retried. */
export const delivery = proxyActivities<Activities>({
  startToCloseTimeout: '60s',
  retry: { ...retry(DELIVERY_RETRY), nonRetryableErrorTypes: [FailureType.PARTNER_REJECTED] },
});

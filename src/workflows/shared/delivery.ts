import { ActivityFailure, ApplicationFailure, condition, defineUpdate, proxyActivities, setHandler } from '@temporalio/workflow';
import type { Activities } from '../../activities';
import { CaseStatus } from '../../domain/case-status';
import { FailureType } from '../../domain/failures';
import { DELIVERY_RETRY, REGISTRY_RETRY } from '../../domain/retry-policies';
import { Role } from '../../domain/roles';
import { rejection, UpdateRejection, type Actor } from './case-types';
import type { caseStatusTracker } from './status';

const retry = (p: typeof REGISTRY_RETRY) => ({ initialInterval: p.initialIntervalMs, backoffCoefficient: p.backoffCoefficient, maximumInterval: p.maximumIntervalMs });

/** Registry writes, certificates and other local work: retried with a short backoff. */
export const registry = proxyActivities<Activities>({ startToCloseTimeout: '60s', retry: retry(REGISTRY_RETRY) });

/** Partner delivery is retried until accepted (domain.md §4 common rule 8); a CS rejection is not retried. */
export const delivery = proxyActivities<Activities>({
  startToCloseTimeout: '60s',
  retry: { ...retry(DELIVERY_RETRY), nonRetryableErrorTypes: [FailureType.PARTNER_REJECTED] },
});

export const retryDeliveryUpdate = defineUpdate<void, [{ actor: Actor; reason: string }]>('retryDelivery');

/**
 * Delivers a case's outbox. A CS rejection puts the case in DELIVERY_REJECTED (needs attention) until a supervisor
 * corrects the cause and calls the `retryDelivery` update; then it is sent again, and the case returns to `resume`.
 */
export function installDelivery(caseId: string, status: ReturnType<typeof caseStatusTracker>) {
  let retryRequested = false;
  setHandler(retryDeliveryUpdate, () => {
    retryRequested = true;
  }, {
    validator: ({ actor, reason }) => {
      if (!actor.roles.includes(Role.SUPERVISOR)) throw rejection(UpdateRejection.ROLE_REQUIRED, '再送には監督者の権限が必要です');
      if (status.status !== CaseStatus.DELIVERY_REJECTED) throw rejection(UpdateRejection.NOT_RETRYABLE_NOW, '再送できる状態ではありません');
      if (!reason?.trim()) throw rejection(UpdateRejection.REASON_REQUIRED, '再送の理由を入力してください');
    },
  });
  return async function deliverAll(resume: CaseStatus): Promise<void> {
    for (;;) {
      try {
        await delivery.deliverCsMessages({ caseId });
        return;
      } catch (err) {
        if (!(err instanceof ActivityFailure && err.cause instanceof ApplicationFailure && err.cause.type === FailureType.PARTNER_REJECTED)) throw err;
        await status.set(CaseStatus.DELIVERY_REJECTED, { needsAttention: true, attentionReason: 'CS_REJECTED' });
        retryRequested = false;
        await condition(() => retryRequested);
        await status.set(resume);
      }
    }
  };
}

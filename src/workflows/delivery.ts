import { ActivityFailure, ApplicationFailure, condition } from '@temporalio/workflow';
import { AttentionReason, CaseStatus } from '../domain/case-status';
import { FailureType } from '../domain/failures';
import type { ActivityProxies } from './proxies';
import type { CaseStatusTracker } from './status';
import type { RetryControl } from './work';

const isPartnerRefusal = (err: unknown) =>
  err instanceof ActivityFailure &&
  err.cause instanceof ApplicationFailure &&
  err.cause.type === FailureType.PARTNER_REJECTED;

/**
 * Delivers a case's outbox (CS and J-LIS messages). Transient failures are retried by Temporal until accepted, and
 * a supervisor's `retryNow` restarts a waiting retry at once. A partner's refusal puts the case in DELIVERY_REJECTED
 * (needs attention) until a supervisor corrects the cause and calls `retryNow`; then the case returns to `resume`.
 * The attention reason CS_REJECTED names any partner's refusal (CS or J-LIS).
 */
export function caseDelivery(
  caseId: string,
  status: CaseStatusTracker,
  retry: RetryControl,
  delivery: ActivityProxies['delivery'],
) {
  let resumeRequested = false;
  return {
    resume(): void {
      resumeRequested = true;
    },
    /** `send`: another delivery activity of the same contract (J-LIS card events); default the case's outbox. */
    async deliverAll(resume: string, send?: () => Promise<unknown>): Promise<void> {
      for (;;) {
        try {
          await retry.run(send ?? (() => delivery.deliverCsMessages({ caseId })));
          return;
        } catch (err) {
          if (!isPartnerRefusal(err)) throw err;
          await status.set(CaseStatus.DELIVERY_REJECTED, {
            needsAttention: true,
            attentionReason: AttentionReason.CS_REJECTED,
          });
          resumeRequested = false;
          await condition(() => resumeRequested);
          await status.set(resume);
        }
      }
    },
  };
}

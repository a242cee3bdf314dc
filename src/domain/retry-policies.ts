/**
 * Activity retry policies, in one place so that the workflows (which apply them) and the failure recorder (which
 * computes the next retry time for the supervisor's view) agree. Values in milliseconds.
 */
export interface RetryPolicyMs {
  initialIntervalMs: number;
  backoffCoefficient: number;
  maximumIntervalMs: number;
}

/** Registry writes and certificates: short backoff. */
export const REGISTRY_RETRY: RetryPolicyMs = {
  initialIntervalMs: 1_000,
  backoffCoefficient: 2,
  maximumIntervalMs: 60_000,
};

/** CS / J-LIS delivery: retried until accepted (domain.md §4 common rule 8), backoff capped at 5 minutes. */
export const DELIVERY_RETRY: RetryPolicyMs = {
  initialIntervalMs: 2_000,
  backoffCoefficient: 2,
  maximumIntervalMs: 300_000,
};

/** Delay before the attempt that follows failed attempt `attempt` (1-based). */
export const retryDelayMs = (p: RetryPolicyMs, attempt: number): number =>
  Math.min(p.initialIntervalMs * p.backoffCoefficient ** Math.max(0, attempt - 1), p.maximumIntervalMs);

/** After this many failed attempts a case is flagged as needing attention (architecture principle 8). */
export const ATTENTION_AFTER_ATTEMPTS = 3;

import type { Duration } from '@temporalio/common';

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

/**
 * The timings a case workflow runs with: activity retry policies and human-step SLAs. They come from the
 * configuration (src/config.ts) through the workflow input, so tests run the same workflows without sleeping real
 * backoff. A workflow keeps the timings it was started with (its input is in its history).
 */
export interface WorkflowTimings {
  registryRetry: RetryPolicyMs;
  deliveryRetry: RetryPolicyMs;
  /** 決裁 SLA of a counter case (a Temporal duration string or milliseconds). */
  approvalSla: Duration;
  /** 審査 + 決裁 SLA of an online application. */
  reviewSla: Duration;
  /** How long a 特例転入 waits for the 転出証明書情報 after a 送信依頼 before it is flagged (design default 1 day, §4.2 step 3). */
  certificateWait: Duration;
  /** How long a 個人番号 generation request waits for J-LIS's answer before it opens a console task (it keeps waiting). */
  individualNumberWait: Duration;
  /** Longest time 送付先情報 is kept when J-LIS has not confirmed receipt (less than one year, seed 000 L2466). */
  deliveryAddressRetention: Duration;
  /**
   * Start-to-close timeout of one activity attempt (registry writes, certificates, partner calls): how long before an
   * attempt on a worker that died is given to another worker. Optional: histories from before it use 60 s.
   */
  activityTimeout?: Duration;
}

export const DEFAULT_TIMINGS: WorkflowTimings = {
  registryRetry: REGISTRY_RETRY,
  deliveryRetry: DELIVERY_RETRY,
  approvalSla: '1 day',
  reviewSla: '3 days',
  certificateWait: '1 day',
  individualNumberWait: '1 day',
  deliveryAddressRetention: '30 days',
  activityTimeout: '60s',
};

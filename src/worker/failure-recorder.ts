import type { MikroORM } from '@mikro-orm/core';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { msToNumber } from '@temporalio/common/lib/time';
import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import { AttentionReason, CaseAction } from '../domain/case-status';
import { safeErrorText } from '../domain/error-text';
import { CaseActionLog, CaseRecord } from '../db/entities';
import { FailureType } from '../domain/failures';
import { ATTENTION_AFTER_ATTEMPTS, REGISTRY_RETRY, retryDelayMs, type RetryPolicyMs } from '../domain/retry-policies';
import { PartnerUnavailableError } from '../partners/partner-errors';
import { logger } from '../observability/log';

const log = logger('worker');

type ActivityRetryPolicy = {
  initialInterval?: unknown;
  backoffCoefficient?: number;
  maximumInterval?: unknown;
};

const ms = (v: unknown, fallback: number): number => {
  if (v === undefined || v === null) return fallback;
  if (typeof v === 'number' || typeof v === 'string') return msToNumber(v as never);
  const d = v as { seconds?: number | { toNumber(): number }; nanos?: number };
  const seconds = typeof d.seconds === 'object' ? d.seconds.toNumber() : (d.seconds ?? 0);
  return seconds * 1000 + Math.round((d.nanos ?? 0) / 1e6);
};

/** The retry policy the activity actually runs with (from its schedule: the workflow's timings), in milliseconds. */
export const policyOf = (p: ActivityRetryPolicy | undefined): RetryPolicyMs => ({
  initialIntervalMs: ms(p?.initialInterval, REGISTRY_RETRY.initialIntervalMs),
  backoffCoefficient: p?.backoffCoefficient ?? REGISTRY_RETRY.backoffCoefficient,
  maximumIntervalMs: ms(p?.maximumInterval, REGISTRY_RETRY.maximumIntervalMs),
});

/**
 * "Stuck is visible" (architecture principle 8): every failed attempt of an activity that works on a case records
 * the step, attempt, last error and the next retry time on the case projection; after a few attempts the case is
 * flagged as needing attention. The next retry is computed from the activity's own retry policy (Temporal tells the
 * activity), so no list of "delivery activities" is kept. A later success of the failing step clears it. The failure columns are this
 * recorder's; everything else on the row is the status helper's.
 *
 * Every activity error is scrubbed here before it is stored, shown or handed to Temporal (issue 13 item 7): the
 * error class, code and constraint (`safeErrorText`), never the row values a database error quotes. What Temporal
 * gets is an ApplicationFailure of the same type and retryability with that text.
 */
export function failureRecorder(orm: MikroORM): ActivityInterceptorsFactory {
  return (ctx) => ({
    inbound: {
      async execute(input, next) {
        const caseId = (input.args[0] as { caseId?: unknown } | undefined)?.caseId;
        const policy = policyOf(ctx.info.retryPolicy as ActivityRetryPolicy | undefined);
        const delayMs = retryDelayMs(policy, ctx.info.attempt);
        if (typeof caseId !== 'string' || ctx.info.isLocal)
          return next(input).catch((err: unknown) => {
            throw scrubbed(err, delayMs);
          });
        try {
          const result = await next(input);
          // a success of the failing step clears its failure (also at attempt 1: a retry-now restarts the step); the
          // success of another activity does not (issue 14 bug 6: a retry-now's own log step cleared it, and the bulk
          // result read 成功 before the retried step had run)
          await clear(orm, caseId, ctx.info.activityType, ctx.info.attempt > 1);
          return result;
        } catch (err) {
          if (err instanceof CancelledFailure) throw err; // a retry-now or a case cancellation, not a failure
          const failure = scrubbed(err, delayMs);
          const nextMs =
            failure instanceof ApplicationFailure && failure.nonRetryable ? null : nextDelayMs(err, delayMs);
          await record(orm, caseId, ctx.info.activityType, ctx.info.attempt, err, nextMs).catch(() => undefined);
          log.warn(
            { caseId, activity: ctx.info.activityType, attempt: ctx.info.attempt, err: failure, nextRetryMs: nextMs },
            'activity attempt failed',
          );
          throw failure;
        }
      },
    },
  });
}

/**
 * When the next attempt may run: the retry policy's delay, or later when the partner asked for it (Retry-After,
 * carried as `retryAfterMs` by PartnerUnavailableError; issue 14 bug 6).
 */
export const nextDelayMs = (err: unknown, policyDelayMs: number): number =>
  err instanceof PartnerUnavailableError && err.retryAfterMs !== undefined
    ? Math.max(policyDelayMs, err.retryAfterMs)
    : policyDelayMs;

/**
 * A row the activity needs does not exist (MikroORM's findOneOrFail): retrying cannot help, so the activity fails at
 * once, with a Japanese reason naming the table, instead of retrying for ever (issue 14 bug 10).
 */
const missingRecord = (err: unknown): string | undefined => {
  if (!(err instanceof Error) || err.name !== 'NotFoundError') return undefined;
  return /^([A-Za-z][A-Za-z0-9]{0,60}) not found/.exec(err.message)?.[1] ?? 'record';
};

/**
 * The error as Temporal may keep it: same type, retryability and details, the scrubbed text, no stack or cause;
 * a partner's Retry-After beyond the policy's delay (`policyDelayMs`) becomes the next retry's delay.
 */
export function scrubbed(err: unknown, policyDelayMs = 0): unknown {
  if (err instanceof CancelledFailure) return err;
  const missing = missingRecord(err);
  if (missing)
    return ApplicationFailure.create({
      type: FailureType.RECORD_NOT_FOUND,
      message: `処理に必要な記録（${missing}）が見つからないため、再試行せずに止めました`,
      nonRetryable: true,
    });
  const text = safeErrorText(err);
  if (err instanceof ApplicationFailure)
    return ApplicationFailure.create({
      type: err.type ?? undefined,
      message: text,
      nonRetryable: err.nonRetryable ?? false,
      details: err.details ?? undefined,
      nextRetryDelay: err.nextRetryDelay,
      category: err.category ?? undefined,
    });
  const delay = nextDelayMs(err, policyDelayMs);
  const failure = ApplicationFailure.create({
    type: err instanceof Error ? err.name : 'Error',
    message: text,
    nonRetryable: false,
    ...(delay > policyDelayMs ? { nextRetryDelay: delay } : {}),
  });
  failure.stack = '';
  return failure;
}

async function record(
  orm: MikroORM,
  caseId: string,
  step: string,
  attempt: number,
  err: unknown,
  delayMs: number | null,
) {
  const em = orm.em.fork();
  const row = await em.findOne(CaseRecord, { caseId });
  if (!row) return;
  const lastError = safeErrorText(err);
  const nextRetryAt = delayMs === null ? null : new Date(Date.now() + delayMs);
  Object.assign(row, { failingStep: step, attempt, lastError, nextRetryAt, updatedAt: new Date() });
  // the timeline of workflow steps shows every failed attempt (scrubbed: class, code, constraint; no row values)
  em.persist(
    em.create(CaseActionLog, {
      caseId,
      action: CaseAction.ACTIVITY_FAILED,
      actorId: 'system',
      detail: { step, attempt, error: lastError, nextRetryAt: nextRetryAt?.toISOString() ?? null },
      at: new Date(),
    }),
  );
  if (attempt >= ATTENTION_AFTER_ATTEMPTS && !row.needsAttention) {
    row.needsAttention = true;
    row.attentionReason = AttentionReason.ACTIVITY_FAILING;
  }
  await em.flush();
}

/** The case's recorded failing step (null when none or no such case), read as a scalar. */
async function failingStepOf(orm: MikroORM, caseId: string): Promise<string | null> {
  const [row] = (await orm.em
    .getConnection()
    .execute('select failing_step from case_record where case_id = ?', [caseId])) as Array<{
    failing_step: string | null;
  }>;
  return row?.failing_step ?? null;
}

/**
 * A success: clears a recorded failure. After a retried attempt there was one (two conditional updates); after a
 * first attempt there rarely is, so a cheap read decides first (no write, hence no write lock, on the common path).
 */
async function clear(orm: MikroORM, caseId: string, step: string, retried: boolean) {
  // the read is one scalar (no fork, no entity, no identity map: issue 15, MikroORM CPU per 転入); the writes below
  // run only when it found this step failing
  if (!retried && (await failingStepOf(orm, caseId)) !== step) return;
  const em = orm.em.fork();
  const cleared = await em.nativeUpdate(
    CaseRecord,
    { caseId, failingStep: step },
    { failingStep: null, attempt: null, lastError: null, nextRetryAt: null },
  );
  if (!cleared) return;
  await em.nativeUpdate(
    CaseRecord,
    { caseId, attentionReason: AttentionReason.ACTIVITY_FAILING },
    { needsAttention: false, attentionReason: null },
  );
}

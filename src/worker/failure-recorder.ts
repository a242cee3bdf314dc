import type { MikroORM } from '@mikro-orm/core';
import { CancelledFailure } from '@temporalio/common';
import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import { CaseAction } from '../domain/case-status';
import { CaseActionLog, CaseRecord } from '../db/entities';
import { ATTENTION_AFTER_ATTEMPTS, DELIVERY_RETRY, REGISTRY_RETRY, retryDelayMs } from '../domain/retry-policies';

const DELIVERY_ACTIVITIES = new Set(['deliverCsMessages', 'notifyPortal']);
const ACTIVITY_FAILING = 'ACTIVITY_FAILING';

/**
 * "Stuck is visible" (architecture principle 8): every failed attempt of an activity that works on a case records
 * the step, attempt, last error and the next retry time on the case projection; after a few attempts the case is
 * flagged as needing attention. A later success clears it. Error texts of our activities carry no personal data.
 */
export function failureRecorder(orm: MikroORM): ActivityInterceptorsFactory {
  return (ctx) => ({
    inbound: {
      async execute(input, next) {
        const caseId = (input.args[0] as { caseId?: unknown } | undefined)?.caseId;
        if (typeof caseId !== 'string' || ctx.info.isLocal) return next(input);
        try {
          const result = await next(input);
          // a retry-now restarts the activity at attempt 1, so a delivery's success always clears a recorded failure
          if (ctx.info.attempt > 1 || DELIVERY_ACTIVITIES.has(ctx.info.activityType)) await clear(orm, caseId);
          return result;
        } catch (err) {
          if (err instanceof CancelledFailure) throw err; // a retry-now or a case cancellation, not a failure
          await record(orm, caseId, ctx.info.activityType, ctx.info.attempt, err).catch(() => undefined);
          throw err;
        }
      },
    },
  });
}

async function record(orm: MikroORM, caseId: string, step: string, attempt: number, err: unknown) {
  const em = orm.em.fork();
  const row = await em.findOne(CaseRecord, { caseId });
  if (!row) return;
  const policy = DELIVERY_ACTIVITIES.has(step) ? DELIVERY_RETRY : REGISTRY_RETRY;
  const lastError = (err instanceof Error ? `${err.name}: ${err.message}` : String(err)).slice(0, 500);
  const nextRetryAt = new Date(Date.now() + retryDelayMs(policy, attempt));
  Object.assign(row, { failingStep: step, attempt, lastError, nextRetryAt, updatedAt: new Date() });
  // the timeline of workflow steps shows every failed attempt (errors carry codes and statuses, no personal data)
  em.persist(
    em.create(CaseActionLog, {
      caseId,
      action: CaseAction.ACTIVITY_FAILED,
      actorId: 'system',
      detail: { step, attempt, error: lastError, nextRetryAt: nextRetryAt.toISOString() },
      at: new Date(),
    }),
  );
  if (attempt >= ATTENTION_AFTER_ATTEMPTS && !row.needsAttention) {
    row.needsAttention = true;
    row.attentionReason = ACTIVITY_FAILING;
  }
  await em.flush();
}

/** A success after failures: two conditional updates, no read (it runs after every delivery). */
async function clear(orm: MikroORM, caseId: string) {
  const em = orm.em.fork();
  await em.nativeUpdate(
    CaseRecord,
    { caseId, attentionReason: ACTIVITY_FAILING },
    { needsAttention: false, attentionReason: null },
  );
  await em.nativeUpdate(
    CaseRecord,
    { caseId, failingStep: { $ne: null } },
    { failingStep: null, attempt: null, lastError: null, nextRetryAt: null },
  );
}

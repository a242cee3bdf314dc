import type { MikroORM } from '@mikro-orm/core';
import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import { CaseRecord } from '../db/entities';
import { ATTENTION_AFTER_ATTEMPTS, DELIVERY_RETRY, REGISTRY_RETRY, retryDelayMs } from '../domain/retry-policies';

const DELIVERY_ACTIVITIES = new Set(['deliverCsMessages']);
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
          if (ctx.info.attempt > 1) await clear(orm, caseId);
          return result;
        } catch (err) {
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
  Object.assign(row, {
    failingStep: step,
    attempt,
    lastError: (err instanceof Error ? `${err.name}: ${err.message}` : String(err)).slice(0, 500),
    nextRetryAt: new Date(Date.now() + retryDelayMs(policy, attempt)),
    updatedAt: new Date(),
  });
  if (attempt >= ATTENTION_AFTER_ATTEMPTS && !row.needsAttention) {
    row.needsAttention = true;
    row.attentionReason = ACTIVITY_FAILING;
  }
  await em.flush();
}

async function clear(orm: MikroORM, caseId: string) {
  const em = orm.em.fork();
  const row = await em.findOne(CaseRecord, { caseId });
  if (!row) return;
  Object.assign(row, { failingStep: undefined, attempt: undefined, lastError: undefined, nextRetryAt: undefined });
  if (row.attentionReason === ACTIVITY_FAILING) Object.assign(row, { needsAttention: false, attentionReason: undefined });
  await em.flush();
}

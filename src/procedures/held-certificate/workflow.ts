import {
  allHandlersFinished,
  condition,
  continueAsNew,
  defineSignal,
  getExternalWorkflowHandle,
  ParentClosePolicy,
  patched,
  setHandler,
  sleep,
  startChild,
} from '@temporalio/workflow';
import type { WorkflowTimings } from '../../domain/retry-policies';
import { activityProxies } from '../../workflows/proxies';
import { caseStatusTracker } from '../../workflows/status';
import type { HeldCertificateActivities } from './activities';
import { heldCertificateDefinition, HeldCertificateStatus } from './definition';

export const heldCertificateWorkflowId = (heldId: string): string => `held-move-out-certificate/${heldId}`;

/** The one sweep of a task queue (production has one; every test file its own). */
export const heldCertificateSweepId = (taskQueue: string): string => `held-move-out-certificate-sweep/${taskQueue}`;

/** Rows the sweep purges per transaction. */
export const SWEEP_BATCH = 100;

const DAY_MS = 86_400_000;
const JST_MS = 9 * 3600_000;

/** The held row changed: a newer message replaced it, or a 特例転入 reserved, released or used it. */
export const certificateUpdatedSignal = defineSignal('certificateUpdated');

/** Patch: a replacing message's deadline and 来庁予定日 reach the case row through this workflow's status helper. */
export const PROJECT_REPLACEMENT = 'held-certificate-projects-replacement';

/**
 * Destination side (domain.md §4.5): holds received 転出証明書情報 and purges it — deleting the personal data and
 * keeping a non-personal stub — at 00:00 JST on 転出予定日 + 31 unless a 特例転入 used it. A certificate whose
 * deadline has already passed on arrival is purged at once; a newer message restarts the timer; while a 特例転入
 * has it IN_USE the purge waits for that case to end.
 */
export async function heldCertificateWorkflow(input: {
  heldId: string;
  timings?: Partial<WorkflowTimings>;
}): Promise<{ heldId: string; status: string }> {
  const { heldId } = input;
  const { registry } = activityProxies<HeldCertificateActivities>(input.timings);
  const status = caseStatusTracker(heldId, heldCertificateDefinition, HeldCertificateStatus.HELD);
  let changed = false;
  setHandler(certificateUpdatedSignal, () => {
    changed = true;
  });
  const end = async (s: HeldCertificateStatus) => {
    // a purged certificate's case row keeps no deadline (derived from the planned date) and no 来庁予定日 either
    await status.set(s, s === HeldCertificateStatus.PURGED ? { dueAt: null, plannedVisitDate: null } : {});
    await condition(allHandlersFinished);
    return { heldId, status: s };
  };
  let projected: { purgeAt: string; plannedVisitDate?: string } | undefined;
  for (;;) {
    changed = false;
    const held = await registry.loadHeldCertificate({ heldId });
    if (held.state === 'USED') return end(HeldCertificateStatus.USED);
    if (held.state === 'PURGED') return end(HeldCertificateStatus.PURGED); // purged at once (e.g. withdrawn by the origin)
    const wait = new Date(held.purgeAt).getTime() - Date.now();
    const current = held.state === 'IN_USE' ? HeldCertificateStatus.IN_USE : HeldCertificateStatus.HELD;
    if (status.status !== current) {
      await status.set(current, { dueAt: held.purgeAt });
    } else if (
      projected &&
      (projected.purgeAt !== held.purgeAt || projected.plannedVisitDate !== held.plannedVisitDate) &&
      patched(PROJECT_REPLACEMENT)
    ) {
      await status.set(current, { dueAt: held.purgeAt, plannedVisitDate: held.plannedVisitDate ?? null });
    }
    projected = { purgeAt: held.purgeAt, plannedVisitDate: held.plannedVisitDate };
    if (wait > 0 || held.state === 'IN_USE') {
      await (wait > 0 ? condition(() => changed, wait) : condition(() => changed));
      continue;
    }
    const purged = await registry.purgeHeldCertificate({ heldId, asOf: new Date(Date.now()).toISOString() });
    if (purged) return end(HeldCertificateStatus.PURGED);
  }
}

/**
 * The purge of held certificates nobody is using (issue 15): one workflow per task queue, not one sleeping workflow per
 * certificate. It purges what is due in batches, sleeps until the next purge instant of a held row or the next 00:00
 * JST, whichever is first (every purge instant is 00:00 JST on P + 31, so a row that arrives meanwhile is never due
 * earlier) — a durable timer, kept across a Temporal or worker restart — and continues as new. Its own workflow type:
 * a worker of a release before it does not know the type and leaves it to a current worker (an upgrade runs both for
 * a while). A certificate that a 特例転入 reserved, or that arrived already due, has its own workflow (above), which
 * purges it when released.
 */
export async function heldCertificateSweepWorkflow(input: { timings?: Partial<WorkflowTimings> }): Promise<never> {
  const { registry } = activityProxies<HeldCertificateActivities>(input.timings);
  let nextDueAt: string | undefined;
  for (;;) {
    const r = await registry.purgeDueHeldCertificates({ asOf: new Date(Date.now()).toISOString(), limit: SWEEP_BATCH });
    if (r.purged < SWEEP_BATCH) {
      nextDueAt = r.nextDueAt;
      break;
    }
  }
  const nextMidnight = (Math.floor((Date.now() + JST_MS) / DAY_MS) + 1) * DAY_MS - JST_MS;
  await sleep(Math.max(1, Math.min(nextMidnight, nextDueAt ? new Date(nextDueAt).getTime() : Infinity) - Date.now()));
  return continueAsNew<typeof heldCertificateSweepWorkflow>({ timings: input.timings });
}

/**
 * Tells held-certificate workflows that their row changed (reserved, released, used, given back). One that has
 * already ended (its certificate was USED, then given back by a cancellation) is run again for the purge timer; a
 * fresh run of a USED or PURGED row simply ends.
 */
export async function wakeHeldCertificates(heldIds: string[]): Promise<void> {
  for (const heldId of heldIds) {
    await getExternalWorkflowHandle(heldCertificateWorkflowId(heldId))
      .signal(certificateUpdatedSignal)
      .catch(() =>
        startChild(heldCertificateWorkflow, {
          workflowId: heldCertificateWorkflowId(heldId),
          args: [{ heldId }],
          parentClosePolicy: ParentClosePolicy.ABANDON,
        }).catch(() => undefined),
      );
  }
}

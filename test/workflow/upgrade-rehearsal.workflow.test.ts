import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { WorkflowHandle } from '@temporalio/client';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { createCsInbound } from '../../src/api/cs-inbound-router';
import { CaseAction, CaseStatus } from '../../src/domain/case-status';
import { addDays } from '../../src/domain/dates';
import { heldCertificatePurgeAt } from '../../src/domain/move-deadlines';
import {
  CaseActionLog,
  CaseRecord,
  CertificateIssuance,
  HeldMoveOutCertificate,
  Resident,
} from '../../src/db/entities';
import { loadDemoTown } from '../../src/db/seed/load-demo';
import { intakeMoveIn } from '../../src/procedures/move-in/intake';
import { MoveOutStatus } from '../../src/procedures/move-out/definition';
import { intakeMoveOut } from '../../src/procedures/move-out/intake';
import { moveOutWorkflowId } from '../../src/procedures/move-out/workflow';
import { MOVE_OUT_COMMIT_STEP } from '../../src/procedures/move-out/workflow-tail';
import { MOVE_IN_COMMIT_STEP, moveInWorkflowId } from '../../src/procedures/move-in/workflow';
import { intakeOnlineMoveOut } from '../../src/procedures/online-move-out/intake';
import { ONLINE_MOVE_OUT_COMMIT_STEP, onlineMoveOutWorkflowId } from '../../src/procedures/online-move-out/workflow';
import { buildEnvelope, PortalScenario } from '../../src/partners/portal-simulator-scenarios';
import { getTestCa, type TestCa } from '../../src/partners/sim/test-pki';
import { heldCertificateWorkflow, heldCertificateWorkflowId } from '../../src/procedures/held-certificate/workflow';
import { approveUpdate, confirmReviewUpdate } from '../../src/workflows/approval';
import { claimUpdate, escalateUpdate } from '../../src/workflows/work';
import { CASE_ACTIONS_LOGGED_LOCALLY, DECISION_LOGGED_LOCALLY } from '../../src/workflows/case-workflow';
import { COPY_BEFORE_DELIVERY } from '../../src/workflows/certificate-at-commit';
import { APPROVER, CLERK, moveInApplication, today } from '../support/fixtures';
import { certificateInfoFrom, householdMovers, paperMoveOut } from '../support/move-fixtures';
import { demoHousehold, onlineContent } from '../support/online-fixtures';
import { releaseWorkflowBundle } from '../support/release-bundle';
import { eventually } from '../support/system-harness-utils';
import { startWorkflowHarness, type WorkflowHarness } from '../support/workflow-harness';
import { workflowBundleOnce } from '../support/workflow-bundle';

/**
 * The release that was deployed before issue 14: the code the replay generation 2026-12-07-before-march-counter was
 * recorded from. Issue 14 then changed the workflows, among them the 住民票の写し issued right after the registry
 * commit (patch `copy-before-delivery`, src/workflows/certificate-at-commit.ts).
 */
const OLD_RELEASE = 'e269292';
const SUPERVISOR = { userId: 'supervisor1', roles: ['supervisor'], terminalId: 'T-HONCHO-03' };

/** The patch IDs recorded in a workflow's history (core_patch markers). */
async function patchesOf(handle: WorkflowHandle): Promise<string[]> {
  const history = await handle.fetchHistory();
  const text = (v: unknown): string =>
    v instanceof Uint8Array
      ? Buffer.from(v).toString('utf8')
      : v && typeof v === 'object'
        ? Object.values(v).map(text).join(' ')
        : '';
  return (history.events ?? [])
    .filter((e) => e.markerRecordedEventAttributes?.markerName === 'core_patch')
    .map((e) => text(e.markerRecordedEventAttributes?.details))
    .map(
      (t) =>
        // the online 転出's ID contains the counter's: it is looked for first
        [
          COPY_BEFORE_DELIVERY,
          MOVE_IN_COMMIT_STEP,
          ONLINE_MOVE_OUT_COMMIT_STEP,
          MOVE_OUT_COMMIT_STEP,
          DECISION_LOGGED_LOCALLY,
          CASE_ACTIONS_LOGGED_LOCALLY,
        ].find((id) => t.includes(id)) ?? t,
    );
}

/**
 * Issue 16 item 5, the upgrade rehearsal (README "Operations" → "Upgrades"): a worker running the previous release's
 * workflow code (bundled from its own sources at OLD_RELEASE) takes cases to where they wait — a 転入 waiting for
 * 決裁, a 転入 approved and retrying its CS delivery through an outage, a 転出証明書情報 held and sleeping until its
 * purge — and is stopped; a worker with the current code takes over on the same task queue. Every case replays its
 * old history and completes: the one past the patched point keeps the old order (its 写し after the delivery), the
 * one still before it takes the new path and records the patch.
 */
describe('upgrade rehearsal: old release → current code with open cases', () => {
  let h: WorkflowHarness;
  let oldBundle: string;
  let ca: TestCa;

  beforeAll(async () => {
    oldBundle = await releaseWorkflowBundle(OLD_RELEASE);
    h = await startWorkflowHarness({}, { workflowBundle: oldBundle, noWorkflowCache: true });
    ca = await getTestCa();
    await loadDemoTown(h.orm, h.pii, { households: 4 });
  }, 600_000);
  afterEach(async (t) => h?.diagnose(t));
  afterAll(async () => h?.close());

  const em = () => h.orm.em.fork();
  const intake = async () => {
    const r = await intakeMoveIn(h.api, { ...CLERK, ip: '127.0.0.1' }, moveInApplication(), randomUUID());
    return { caseId: r.caseId, handle: h.env.client.workflow.getHandle(moveInWorkflowId(r.caseId)) };
  };
  const row = (caseId: string) => em().findOneOrFail(CaseRecord, { caseId });
  const certificates = (caseId: string) => em().count(CertificateIssuance, { caseId });
  /** A paper 転出 at the counter (one household of the demo town), in 5 days. */
  const moveOut = async (household: number) => {
    const r = await intakeMoveOut(
      h.api,
      { ...CLERK, ip: '127.0.0.1' },
      paperMoveOut(await householdMovers(h.orm, household), addDays(today(), 5)),
      randomUUID(),
    );
    return { caseId: r.caseId, handle: h.env.client.workflow.getHandle(moveOutWorkflowId(r.caseId)) };
  };
  /** An online 転出 from the portal (one household of the demo town, signed), its 審査 confirmed by a clerk. */
  const onlineMoveOut = async (household: number) => {
    const applicationId = `MP-TEST-${randomBytes(4).toString('hex')}`;
    const content = onlineContent(await demoHousehold(h.orm, household));
    const envelope = await buildEnvelope(PortalScenario.VALID, applicationId, content, {
      ca,
      now: new Date(),
      revokedSerial: () => ca.revokedSerial,
    });
    const r = await intakeOnlineMoveOut({ ...h.api, portalTrust: () => ca.trust }, envelope);
    const handle = h.env.client.workflow.getHandle(onlineMoveOutWorkflowId(applicationId));
    await handle.executeUpdate(confirmReviewUpdate, { args: [{ actor: CLERK, reason: '確認済み' }] });
    await eventually(async () => ((await row(r.caseId)).status === CaseStatus.AWAITING_APPROVAL ? true : undefined));
    return { caseId: r.caseId, applicationId, handle };
  };
  /** Waits for a case's status; when it does not come, the error names the last failed workflow task's failure. */
  const reaches = async (c: { caseId: string; handle: WorkflowHandle }, status: string) => {
    try {
      await eventually(async () => ((await row(c.caseId)).status === status ? true : undefined));
    } catch {
      const failures = ((await c.handle.fetchHistory()).events ?? []).flatMap(
        (e) => e.workflowTaskFailedEventAttributes?.failure?.message ?? [],
      );
      throw new Error(
        `case ${c.caseId} is ${(await row(c.caseId)).status}, not ${status}; last failed workflow task: ${failures.at(-1) ?? '-'}`,
      );
    }
  };
  /**
   * A human step (an update) on a case; when its workflow task fails instead (a replay that does not fit the history),
   * the error names that failure rather than waiting for the test's timeout.
   */
  const step = async <T>(c: { caseId: string; handle: WorkflowHandle }, update: Promise<T>): Promise<T> => {
    let done = false;
    const failed = (async (): Promise<never> => {
      for (;;) {
        await new Promise((r) => setTimeout(r, 500));
        if (done) return new Promise<never>(() => {});
        const failures = ((await c.handle.fetchHistory()).events ?? []).flatMap(
          (e) => e.workflowTaskFailedEventAttributes?.failure?.message ?? [],
        );
        if (failures.length) throw new Error(`case ${c.caseId}: workflow task failed: ${failures.at(-1)}`);
      }
    })();
    try {
      return await Promise.race([update, failed]);
    } finally {
      done = true;
    }
  };
  const logged = (caseId: string, action: CaseAction) => em().count(CaseActionLog, { caseId, action });
  const activitiesOf = async (handle: WorkflowHandle) =>
    ((await handle.fetchHistory()).events ?? []).flatMap(
      (e) => e.activityTaskScheduledEventAttributes?.activityType?.name ?? [],
    );

  it('the old worker runs the old code: its bundle lacks the patch the current bundle has', async () => {
    expect(readFileSync(oldBundle, 'utf8')).not.toContain(COPY_BEFORE_DELIVERY);
    expect(readFileSync(oldBundle, 'utf8')).not.toContain(MOVE_IN_COMMIT_STEP);
    expect(readFileSync(oldBundle, 'utf8')).not.toContain(MOVE_OUT_COMMIT_STEP);
    expect(readFileSync(oldBundle, 'utf8')).not.toContain(ONLINE_MOVE_OUT_COMMIT_STEP);
    expect(readFileSync(oldBundle, 'utf8')).not.toContain(CASE_ACTIONS_LOGGED_LOCALLY);
    const current = inject('workflowBundle') ?? (await workflowBundleOnce());
    expect(readFileSync(current, 'utf8')).toContain(COPY_BEFORE_DELIVERY);
    expect(readFileSync(current, 'utf8')).toContain(MOVE_IN_COMMIT_STEP);
    expect(readFileSync(current, 'utf8')).toContain(MOVE_OUT_COMMIT_STEP);
    expect(readFileSync(current, 'utf8')).toContain(ONLINE_MOVE_OUT_COMMIT_STEP);
    expect(readFileSync(current, 'utf8')).toContain(CASE_ACTIONS_LOGGED_LOCALLY);
  });

  it('cases waiting under the old worker complete under the new one, timers included', async () => {
    // --- the old release: three cases brought to where they wait
    const waiting = await intake(); // waits for 決裁, claimed by its approver
    const delivering = await intake(); // approved; its CS delivery fails until the CS is back
    const outWaiting = await moveOut(0); // a counter 転出 waiting for 決裁
    const outDelivering = await moveOut(1); // a counter 転出 approved, its CS delivery failing
    const onlineWaiting = await onlineMoveOut(2); // an online 転出 after 審査, waiting for 決裁
    const onlineDelivering = await onlineMoveOut(3); // an online 転出 approved, its CS delivery failing
    // a human step before the deploy, logged by the old code's activity
    await waiting.handle.executeUpdate(claimUpdate, { args: [{ actor: APPROVER }] });
    h.cs.downUntilMs = (await h.env.currentTimeMs()) + 1000 * 3600_000;
    await delivering.handle.executeUpdate(approveUpdate, { args: [{ actor: APPROVER }] });
    await outDelivering.handle.executeUpdate(approveUpdate, { args: [{ actor: APPROVER }] });
    await onlineDelivering.handle.executeUpdate(approveUpdate, { args: [{ actor: APPROVER }] });
    await eventually(async () => (((await row(delivering.caseId)).attempt ?? 0) >= 2 ? true : undefined));
    await eventually(async () => (((await row(outDelivering.caseId)).attempt ?? 0) >= 2 ? true : undefined));
    await eventually(async () => (((await row(onlineDelivering.caseId)).attempt ?? 0) >= 2 ? true : undefined));
    const P = addDays(today(), 10);
    const msg = certificateInfoFrom(h.config.municipalityCode, P);
    await createCsInbound(h.api).moveOutCertificate(msg);
    const held = await em().findOneOrFail(HeldMoveOutCertificate, { messageId: msg.idempotencyKey });
    // the old release's API started one workflow per held certificate (the current one starts the sweep, a workflow
    // type the old worker does not know: it waits for the new worker)
    const heldHandle = await h.env.client.workflow.start(heldCertificateWorkflow, {
      workflowId: heldCertificateWorkflowId(held.heldId),
      taskQueue: h.config.taskQueue,
      args: [{ heldId: held.heldId, timings: h.config.timings }],
    });
    await eventually(async () =>
      (await row(waiting.caseId)).status === CaseStatus.AWAITING_APPROVAL ? true : undefined,
    );
    expect((await row(delivering.caseId)).status).not.toBe(CaseStatus.COMPLETED);
    expect((await row(outWaiting.caseId)).status).toBe(CaseStatus.AWAITING_APPROVAL);
    expect((await row(onlineWaiting.caseId)).status).toBe(CaseStatus.AWAITING_APPROVAL);
    expect(await certificates(delivering.caseId)).toBe(0); // the old order: the 写し only after the delivery
    expect(await activitiesOf(waiting.handle)).toEqual(['recordCaseAction']); // the claim, by an activity
    expect((await em().findOneOrFail(HeldMoveOutCertificate, { heldId: held.heldId })).state).toBe('HELD');

    // --- the deploy: the old worker stops (in-flight tasks finish), the current code takes over the task queue
    await h.idle();
    await h.replaceWorker();
    h.cs.downUntilMs = 0; // and the CS is back

    // the 転入 waiting for 決裁, claimed under the old code: escalated now, its step logged by a local activity (patch
    // case-actions-logged-locally; the claim's activity replays as recorded — without the patch call the replay fails
    // here with a nondeterminism error), then approved, it runs the newest code from here (its 写し in the commit step)
    // and records those patches
    await step(
      waiting,
      waiting.handle.executeUpdate(escalateUpdate, { args: [{ actor: SUPERVISOR, reason: '至急' }] }),
    );
    expect(await patchesOf(waiting.handle)).toContain(CASE_ACTIONS_LOGGED_LOCALLY);
    await step(waiting, waiting.handle.executeUpdate(approveUpdate, { args: [{ actor: APPROVER }] }));
    expect((await waiting.handle.result()).status).toBe(CaseStatus.COMPLETED);
    expect(await patchesOf(waiting.handle)).toContain(MOVE_IN_COMMIT_STEP);
    expect(await activitiesOf(waiting.handle)).toEqual(['recordCaseAction', 'commitMoveIn', 'deliverCsMessages']);
    expect(await logged(waiting.caseId, CaseAction.CLAIM)).toBe(1);
    expect(await logged(waiting.caseId, CaseAction.ESCALATE)).toBe(1);
    expect(await logged(waiting.caseId, CaseAction.APPROVE)).toBe(1);
    expect(await certificates(waiting.caseId)).toBe(1);
    expect(await em().count(Resident, { processId: waiting.caseId })).toBe(2);

    // the 転入 past the patched point: its delivery retried, and its 写し issued after it as before
    expect((await delivering.handle.result()).status).toBe(CaseStatus.COMPLETED);
    expect(await patchesOf(delivering.handle)).not.toContain(COPY_BEFORE_DELIVERY);
    expect(await patchesOf(delivering.handle)).not.toContain(MOVE_IN_COMMIT_STEP);
    expect(await certificates(delivering.caseId)).toBe(1);
    expect(h.cs.identityUpdates.filter((u) => u.idempotencyKey.includes(delivering.caseId))).toHaveLength(2);

    // the counter 転出 waiting for 決裁: approved now, its 附票 notices and 転出証明書 in the commit step (issue 15)
    await outWaiting.handle.executeUpdate(approveUpdate, { args: [{ actor: APPROVER }] });
    await eventually(async () =>
      (await row(outWaiting.caseId)).status === MoveOutStatus.AWAITING_MOVE_OUT_DATE ? true : undefined,
    );
    expect(await patchesOf(outWaiting.handle)).toContain(MOVE_OUT_COMMIT_STEP);
    // and its 決裁 logged by a local activity (patch decision-logged-locally; issue 15)
    expect(await patchesOf(outWaiting.handle)).toContain(DECISION_LOGGED_LOCALLY);
    expect(await activitiesOf(outWaiting.handle)).toEqual(['commitMoveOut', 'deliverCsMessages']);
    expect(await em().count(CaseActionLog, { caseId: outWaiting.caseId, action: CaseAction.APPROVE })).toBe(1);
    expect(await certificates(outWaiting.caseId)).toBe(1);
    // the 転出 past the patched point: delivered now, then its steps as the old code recorded them
    await eventually(async () =>
      (await row(outDelivering.caseId)).status === MoveOutStatus.AWAITING_MOVE_OUT_DATE ? true : undefined,
    );
    expect(await patchesOf(outDelivering.handle)).not.toContain(MOVE_OUT_COMMIT_STEP);
    expect(await patchesOf(outDelivering.handle)).not.toContain(DECISION_LOGGED_LOCALLY);
    expect(await activitiesOf(outDelivering.handle)).toContain('recordDecision');
    expect(await activitiesOf(outDelivering.handle)).toContain('issueMoveOutCertificate');
    expect(await certificates(outDelivering.caseId)).toBe(1);

    // the online 転出 past the patched point: delivered now, its 附票 notices queued by their own activity as recorded
    // (without the patch its replay fails here: the case never reaches its date, the workflow task's error is shown)
    await reaches(onlineDelivering, MoveOutStatus.AWAITING_MOVE_OUT_DATE);
    expect(await patchesOf(onlineDelivering.handle)).not.toContain(ONLINE_MOVE_OUT_COMMIT_STEP);
    expect(await activitiesOf(onlineDelivering.handle)).toEqual([
      'recordCaseAction',
      'recordDecision',
      'commitMoveOut',
      'queueAddressAnnexNotices',
      'deliverCsMessages',
      'notifyPortal',
    ]);
    // the online 転出 waiting for 決裁 after its 審査 (logged by the old code's activity): claimed now (logged by a
    // local activity) and approved, its 附票 notices in the commit step (issue 15)
    await step(onlineWaiting, onlineWaiting.handle.executeUpdate(claimUpdate, { args: [{ actor: APPROVER }] }));
    await step(onlineWaiting, onlineWaiting.handle.executeUpdate(approveUpdate, { args: [{ actor: APPROVER }] }));
    await reaches(onlineWaiting, MoveOutStatus.AWAITING_MOVE_OUT_DATE);
    expect(await patchesOf(onlineWaiting.handle)).toContain(ONLINE_MOVE_OUT_COMMIT_STEP);
    expect(await patchesOf(onlineWaiting.handle)).toContain(DECISION_LOGGED_LOCALLY); // its 決裁 logged locally
    expect(await patchesOf(onlineWaiting.handle)).toContain(CASE_ACTIONS_LOGGED_LOCALLY); // and its claim
    expect(await activitiesOf(onlineWaiting.handle)).toEqual([
      'recordCaseAction', // the 審査, before the deploy
      'commitMoveOut',
      'deliverCsMessages',
      'notifyPortal',
    ]);
    expect(await logged(onlineWaiting.caseId, CaseAction.CONFIRM_REVIEW)).toBe(1);
    expect(await logged(onlineWaiting.caseId, CaseAction.CLAIM)).toBe(1);
    for (const c of [onlineWaiting, onlineDelivering])
      expect(h.portal.notices.filter((n) => n.applicationId === c.applicationId).map((n) => n.kind)).toEqual([
        'COMPLETED',
      ]);

    // the held 転出証明書情報: its timer, set by the old code, fires under the new one at 00:00 JST on P + 31
    await h.idle();
    await h.env.sleep(
      Math.max(1, heldCertificatePurgeAt(P, h.config.deadlines).getTime() + 60_000 - (await h.env.currentTimeMs())),
    );
    await heldHandle.result();
    expect((await em().findOneOrFail(HeldMoveOutCertificate, { heldId: held.heldId })).state).toBe('PURGED');
  });
});

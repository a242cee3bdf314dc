import { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { moveInApplication } from '../support/fixtures';
import type { FaultSystem as System } from './support/fault-system';
import { FaultSystem } from './support/fault-system';
import { expectMoveIns, snapshot } from './support/expect-counts';

const EventType = temporal.api.enums.v1.EventType;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls a condition every 25 ms (for killing at a precise step), up to `ms`. */
async function when(check: () => Promise<boolean>, ms = 60_000): Promise<void> {
  const until = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > until) throw new Error('condition not reached');
    await sleep(25);
  }
}

const statusOf = async (sys: System, ids: string[]) =>
  (
    await sys.sql<{ status: string }>(
      `select status from case_record where case_id in (${ids.map(() => '?').join(',')})`,
      ids,
    )
  ).map((r) => r.status);

const certificatesOf = async (sys: System, ids: string[]) =>
  Number(
    (
      await sys.sql<{ n: number }>(
        `select count(*) n from certificate_issuance where case_id in (${ids.map(() => '?').join(',')})`,
        ids,
      )
    )[0]?.n,
  );

/**
 * A worker process killed (SIGKILL) at each step of a 転入 after 決裁 — the registry commit, the 住民票の写し's PDF,
 * the CS delivery — and restarted; then one of two workers gone for good. ACTIVITY_TIMEOUT 10 s: an attempt on the
 * dead worker is handed on after 10 s.
 */
describe('faults: worker crashes', () => {
  let sys: FaultSystem;

  beforeAll(async () => {
    sys = await FaultSystem.start({ workers: 1, apis: 1, env: { ACTIVITY_TIMEOUT: '10s' } });
    await sys.login('clerk1');
    await sys.login('approver1');
  });
  afterAll(async () => sys?.close());

  const twoCases = async () => [
    await sys.intake('move-in', moveInApplication()),
    await sys.intake('move-in', moveInApplication()),
  ];

  it('worker SIGKILL during the registry commit', async () => {
    const before = await snapshot(sys);
    const ids = await twoCases();
    const worker = sys.workers[0]!;
    await Promise.all(ids.map((id) => sys.approve(id)));
    // 決裁 done, the commit (registry.commitMoveIn) running: status APPROVED until it returns
    await when(async () => (await statusOf(sys, ids)).includes('APPROVED'));
    const residentsAtKill = (await sys.counts()).residents - before.residents;
    await worker.kill('SIGKILL');
    await worker.restart();
    await sys.waitForStatus(ids, 'COMPLETED');
    await expectMoveIns(sys, 'worker SIGKILL during the registry commit', before, 2, { note: { residentsAtKill } });
  });

  it('worker SIGKILL during the PDF rendering of the 住民票の写し', async () => {
    const before = await snapshot(sys);
    const ids = await twoCases();
    await sys.faults('cs', { delayMs: 3000 }); // the delivery after the PDF waits: the kill falls before or into it
    for (const id of ids) await sys.approve(id);
    // the copy is rendered right after the commit (status DELIVERING), before the CS delivery
    await when(async () => (await statusOf(sys, ids)).includes('DELIVERING'));
    const certificatesAtKill = await certificatesOf(sys, ids);
    await sys.workers[0]!.kill('SIGKILL');
    await sys.faults('cs', { clear: true });
    await sys.workers[0]!.restart();
    await sys.waitForStatus(ids, 'COMPLETED');
    expect(await certificatesOf(sys, ids)).toBe(2);
    await expectMoveIns(sys, 'worker SIGKILL during PDF rendering', before, 2, { note: { certificatesAtKill } });
  });

  it('worker SIGKILL during a CS delivery (the CS accepted, the answer never arrived)', async () => {
    const before = await snapshot(sys);
    const ids = await twoCases();
    await sys.faults('cs', { delayMs: 2500 });
    for (const id of ids) await sys.approve(id);
    await when(async () => (await certificatesOf(sys, ids)) === 2); // PDFs done: the deliveries are on their way
    await sleep(800);
    await sys.workers[0]!.kill('SIGKILL');
    await sleep(2500); // the CS processes the calls in flight: it has them, the worker never heard
    const atCsWhenKilled = (await sys.csReceived('identity-updates')).count - before.cs['identity-updates']!.count;
    await sys.faults('cs', { clear: true });
    await sys.workers[0]!.restart();
    await sys.waitForStatus(ids, 'COMPLETED');
    await expectMoveIns(sys, 'worker SIGKILL during a CS delivery', before, 2, { note: { atCsWhenKilled } });
  });

  it('one of two workers gone for good: the other finishes everything', async () => {
    const before = await snapshot(sys);
    const second = await sys.startWorker();
    sys.workers.push(second);
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) ids.push(await sys.intake('move-in', moveInApplication()));
    await sys.faults('cs', { delayMs: 1000 });
    await Promise.all(ids.map((id) => sys.approve(id)));
    await when(async () => (await statusOf(sys, ids)).includes('DELIVERING'));
    await sys.workers[0]!.kill('SIGKILL'); // never restarted
    sys.workers.shift();
    await sys.faults('cs', { clear: true });
    await sys.waitForStatus(ids, 'COMPLETED');
    await expectMoveIns(sys, 'one of two workers gone for good', before, 4);
  });

  it('決裁 while no worker runs (the workers behind the intake): taken with the first task, the case completes', async () => {
    const before = await snapshot(sys);
    const worker = sys.workers[0]!;
    await worker.kill('SIGKILL');
    const id = await sys.intake('move-in', moveInApplication()); // the row says 決裁待ち; the workflow has not run yet
    const token = await sys.login('approver1');
    const approved = sys.api('POST', `/api/cases/${id}/approve`, { token });
    await sleep(3000); // the update waits at the server for the first workflow task
    await worker.restart();
    const answer = await approved;
    expect(answer.status, JSON.stringify(answer.json)).toBe(200);
    expect(answer.json.decision).toMatchObject({ kind: 'APPROVED', by: 'approver1' });
    expect(answer.json.status).not.toBe('AWAITING_APPROVAL'); // the answer names the status after the 決裁
    await sys.waitForStatus([id], 'COMPLETED');
    // the update was taken in the workflow's first task (right after it completed, before any activity)
    const connection = await sys.connect();
    try {
      const history = await new Client({ connection, namespace: sys.temporal.namespace }).workflow
        .getHandle(`move-in/${id}`)
        .fetchHistory();
      const events = history.events ?? [];
      const first = events.findIndex((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED);
      expect(events[first + 1]?.eventType).toBe(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED);
    } finally {
      await connection.close();
    }
    await expectMoveIns(sys, '決裁 before the first workflow task', before, 1);
  });
});

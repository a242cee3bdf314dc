import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { moveInApplication } from '../support/fixtures';
import { FaultSystem, summary } from './support/fault-system';
import { expectMoveIns, snapshot } from './support/expect-counts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Faults of the infrastructure around the workers: an API process killed between the case row and the workflow
 * start, the registry database gone in the middle of a CS delivery, the Temporal server restarted under waiting
 * cases. One worker, two APIs (reaching Temporal through a proxy the first scenario cuts), MariaDB behind a proxy.
 */
describe('faults: intake, registry database, Temporal server', () => {
  let sys: FaultSystem;

  beforeAll(async () => {
    sys = await FaultSystem.start({
      workers: 1,
      apis: 2,
      apiTemporalProxy: true,
      env: { ACTIVITY_TIMEOUT: '10s', WORKFLOW_START_RECONCILE_MS: '2000', APPROVAL_SLA: '25s' },
    });
    await sys.login('clerk1');
    await sys.login('approver1');
  });
  afterAll(async () => sys?.close());

  it('an API process killed between the case row and the workflow start: the case is not lost', async () => {
    const before = await snapshot(sys);
    sys.temporalProxy!.cut(); // the start cannot reach Temporal: the API sits between its commit and the start
    const pending = sys.intake('move-in', moveInApplication(), { via: 0 }).catch((e: unknown) => e);
    const rows = async () => sys.sql<{ case_id: string }>('select case_id from case_record');
    const known = new Set(Object.keys(before.cases).length ? (await rows()).map((r) => r.case_id) : []);
    let caseId: string | undefined;
    for (let i = 0; i < 600 && !caseId; i++) {
      caseId = (await rows()).map((r) => r.case_id).find((id) => !known.has(id));
      if (!caseId) await sleep(100);
    }
    expect(caseId).toBeDefined();
    await sys.apis[0]!.kill('SIGKILL');
    expect(await pending).toBeInstanceOf(Error); // the clerk saw the request fail
    sys.temporalProxy!.restore();

    // the other API (its reconciler) starts the workflow; 決裁 through it completes the case
    await sys.approve(caseId!, { via: 1 });
    await sys.waitForStatus([caseId!], 'COMPLETED');
    await sys.apis[0]!.restart();
    await expectMoveIns(sys, 'API killed before the workflow start', before, 1);
  });

  it('the registry database gone for 8 s in the middle of the CS deliveries: nothing lost, nothing sent twice', async () => {
    const before = await snapshot(sys);
    const ids = [await sys.intake('move-in', moveInApplication()), await sys.intake('move-in', moveInApplication())];
    await sys.faults('cs', { delayMs: 1500 }); // each CS answer takes 1.5 s: the cut falls into a delivery
    for (const id of ids) await sys.approve(id);
    await sys.waitForStatus(ids, 'DELIVERING', 60_000);
    await sleep(700);
    sys.dbProxy.cut();
    await sleep(8_000);
    sys.dbProxy.restore();
    await sys.faults('cs', { clear: true });
    await sys.waitForStatus(ids, 'COMPLETED');
    await expectMoveIns(sys, 'registry DB cut mid-delivery', before, 2);
  });

  it('the Temporal server restarted with cases waiting for 決裁: their SLA timers still fire, then they complete', async () => {
    const before = await snapshot(sys);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push(await sys.intake('move-in', moveInApplication()));
    await sys.waitForStatus(ids, 'AWAITING_APPROVAL');
    const started = Date.now();
    await sys.temporal.restart();
    const downMs = Date.now() - started;
    // APPROVAL_SLA 25 s: each case is flagged overdue by its timer, which lived through the restart
    const until = Date.now() + 90_000;
    let overdue = 0;
    while (Date.now() < until && overdue < ids.length) {
      overdue = (
        await sys.sql(
          `select case_id from case_record where attention_reason = 'APPROVAL_OVERDUE' and case_id in (?, ?, ?)`,
          ids,
        )
      ).length;
      if (overdue < ids.length) await sleep(500);
    }
    expect(overdue).toBe(ids.length);
    for (const id of ids) await sys.approve(id);
    await sys.waitForStatus(ids, 'COMPLETED');
    await expectMoveIns(sys, 'Temporal restarted under waiting cases', before, 3, { note: { overdue, downMs } });
  });

  it('bad input at intake changes nothing, also across the faults above', async () => {
    const before = await snapshot(sys);
    const r = await sys.api('POST', '/api/cases/move-in', {
      token: await sys.login('clerk1'),
      body: { ...moveInApplication(), moveInDate: 'yesterday' },
      headers: { 'idempotency-key': 'bad-input-1' },
    });
    expect(r.status).toBe(400);
    expect(r.json.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field: '/moveInDate' })]));
    const after = await snapshot(sys);
    summary('bad input', { status: r.status });
    expect(after).toEqual(before);
  });
});

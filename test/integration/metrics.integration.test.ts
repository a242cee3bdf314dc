import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CaseStatus } from '../../src/domain/case-status';
import { moveInApplication } from '../support/fixtures';
import { caseStatus, eventually, freshMariaDbUrl, startTestSystem, type TestSystem } from '../support/system-harness';
import { startWorkerProcess, type WorkerProcess } from '../support/worker-process';

/** `name{labels} value` lines of a Prometheus text exposition → value by `name{labels}` (labels as written). */
function samples(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const i = line.lastIndexOf(' ');
    out.set(line.slice(0, i), Number(line.slice(i + 1)));
  }
  return out;
}
/** The sum of the samples of `name` whose labels contain every `labels` pair. */
const sum = (s: Map<string, number>, name: string, labels: Record<string, string> = {}): number =>
  [...s]
    .filter(([k]) => k === name || k.startsWith(`${name}{`))
    .filter(([k]) => Object.entries(labels).every(([l, v]) => k.includes(`${l}="${v}"`)))
    .reduce((a, [, v]) => a + v, 0);

describe('/metrics on the running system: the API (in-process) and the worker (src/worker/main.ts, its own process)', () => {
  let sys: TestSystem;
  let worker: WorkerProcess;
  let clerk: string;
  let approver: string;

  beforeAll(async () => {
    sys = await startTestSystem(freshMariaDbUrl(), { worker: false });
    worker = await startWorkerProcess(sys.config);
    clerk = await sys.login('clerk1');
    approver = await sys.login('approver1');
  }, 240_000);
  afterAll(async () => {
    await worker?.stop();
    await sys?.close();
  });

  const scrapeApi = async () => {
    const r = await fetch(`${sys.apiUrl}/metrics`);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toContain('text/plain');
    return samples(await r.text());
  };
  const scrapeWorker = async () => {
    const r = await fetch(worker.metricsUrl);
    expect(r.status).toBe(200);
    return { text: await r.text() };
  };

  it('counts a 転入 started and completed, its CS failures and latencies, and shows the Temporal runtime metrics', async () => {
    const before = await scrapeApi();
    const workerBefore = samples((await scrapeWorker()).text);
    expect(sum(before, 'juki_cases_started', { procedure: 'MOVE_IN' })).toBe(0);
    expect(sum(workerBefore, 'juki_partner_call_errors_total', { partner: 'CS' })).toBe(0);

    const intake = await sys.api('POST', '/api/cases/move-in', {
      token: clerk,
      body: moveInApplication(),
      headers: { 'idempotency-key': randomUUID(), 'x-request-id': 'req-metrics-test-0001' },
    });
    expect(intake.status).toBe(201);
    const caseId: string = intake.json.caseId;
    await sys.csAdmin('POST', 'faults', { failNext: 3 }); // the CS refuses the next 3 deliveries (503)
    expect((await sys.api('POST', `/api/cases/${caseId}/approve`, { token: approver })).status).toBe(200);
    await caseStatus(sys, clerk, caseId, CaseStatus.COMPLETED);

    // the registry values are cached for 5 s: the scrape before the case may still be served
    const api = await eventually(async () => {
      const s = await scrapeApi();
      return sum(s, 'juki_cases_completed', { procedure: 'MOVE_IN' }) > 0 ? s : undefined;
    }, 20_000);
    expect(sum(api, 'juki_cases_started', { procedure: 'MOVE_IN' })).toBe(1);
    expect(sum(api, 'juki_cases_completed', { procedure: 'MOVE_IN' })).toBe(1);
    expect(sum(api, 'juki_cases_failed', { procedure: 'MOVE_IN' })).toBe(0);
    expect(sum(api, 'juki_partner_failing_in_a_row', { partner: 'CS' })).toBe(0); // the last call succeeded
    expect(sum(api, 'juki_partner_down', { partner: 'CS' })).toBe(0);
    expect(api.has('juki_resident_code_pool_unused')).toBe(true);
    expect(api.get('juki_resident_code_pool_threshold')).toBe(sys.config.residentCodePool.threshold);
    expect(sum(api, 'juki_held_certificates', { state: 'HELD' })).toBe(0);

    const text = (await scrapeWorker()).text;
    const w = samples(text);
    // the CS refused 3 deliveries, then took the 2 messages (identity update and 転入通知) of each of the 2 movers
    expect(sum(w, 'juki_partner_call_errors_total', { partner: 'CS' })).toBeGreaterThanOrEqual(3);
    expect(sum(w, 'juki_partner_call_duration_seconds_count', { partner: 'CS', outcome: 'ok' })).toBeGreaterThanOrEqual(
      4,
    );
    expect(sum(w, 'juki_partner_call_duration_seconds_count', { partner: 'CS', outcome: 'error' })).toBe(
      sum(w, 'juki_partner_call_errors_total', { partner: 'CS' }),
    );
    // the Temporal SDK's runtime metrics (Core's Prometheus exporter), behind ours on the same endpoint
    expect(text).toMatch(/^temporal_worker_task_slots_available\{/m);
    expect(sum(w, 'temporal_workflow_completed_total')).toBeGreaterThanOrEqual(1);
    expect(sum(w, 'temporal_activity_execution_failed_total')).toBeGreaterThanOrEqual(3);
    // no label carries a case ID or personal data: identifiers of procedures, partners, statuses only
    for (const key of [...api.keys(), ...w.keys()]) expect(key).not.toContain(caseId);

    // the worker's log is JSON, one object per line, with the case ID on a failed attempt's line
    const lines = worker.output.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.some((l) => l.msg === 'activity attempt failed' && l.caseId === caseId)).toBe(true);
  });

  it('the worker process ends by itself on SIGTERM (exit code 0, not killed): its Temporal connection is closed', async () => {
    const stopped = worker;
    worker = undefined as unknown as WorkerProcess; // stopped here, not again in afterAll
    expect(await stopped.stop()).toEqual({ code: 0, signal: null });
    expect(stopped.output.some((l) => l.includes('worker stopped'))).toBe(true);
    // the held-certificate sweep was ensured through the worker's own connection (no second one)
    expect(stopped.output.some((l) => l.includes('held-certificate sweep ensured'))).toBe(true);
  });

  it('answers with the X-Request-Id it was given, or a new one', async () => {
    const given = await fetch(`${sys.apiUrl}/api/health`, { headers: { 'x-request-id': 'req-metrics-test-0002' } });
    expect(given.headers.get('x-request-id')).toBe('req-metrics-test-0002');
    const made = await fetch(`${sys.apiUrl}/api/health`, { headers: { 'x-request-id': 'a b' } });
    expect(made.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});

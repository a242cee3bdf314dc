/**
 * The workflow thread's CPU per workflow (issue 15): replays the recorded history of a completed 転入 and a history of
 * the no-op ceiling workflow (test/bench/ceiling/, recorded at the start on the time-skipping test server) N times
 * each in this process and prints the sandbox's CPU ms per workflow for both and their ratio, with the core count.
 * A replay worker runs the SDK's reusable V8 context on the calling thread (`debugMode`), so this thread's CPU
 * (`process.threadCpuUsage()`) is what the worker's workflow thread pays for the same activations, plus the replay
 * worker's own bookkeeping, which is the same for both workflows.
 *
 * It also prints what the cost is made of: the promises created in workflow context per workflow (each one pays the
 * SDK's stack-trace capture in its promise hook), the modules of the bundle that every workflow run evaluates anew
 * (all but the SDK's preloaded ones) and their size, and the payload bytes in each history.
 *
 * `npm run bench -- workflow-thread [replays=200] [rounds=3]`
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import v8 from 'node:v8';
import type { History } from '@temporalio/common/lib/proto-utils';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { bundleWorkflowCode, DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { WORKFLOW_BUNDLE_OPTIONS, workflowBundleOptions } from '../../src/worker/create-worker';
import { createTimeSkippingEnv } from '../support/time-skipping';
import { ceilingActivities } from './ceiling/activities';

const REPLAYS = Number(process.argv[2] ?? 200);
const ROUNDS = Number(process.argv[3] ?? 3);
const MOVE_IN_HISTORY = path.join(
  __dirname,
  '..',
  'replay',
  'histories',
  '2026-12-07-commit-step',
  'move-in.completed-cs-retried.json',
);

type Bundle = { code: string; sourceMap: string };

/** A history of the ceiling workflow: one case run to completion on the time-skipping server (no codec). */
async function recordCeilingHistory(bundle: Bundle): Promise<History> {
  const env = await createTimeSkippingEnv();
  try {
    const taskQueue = 'ceiling-history';
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle: bundle,
      activities: ceilingActivities,
    });
    return await worker.runUntil(async () => {
      const handle = await env.client.workflow.start('ceilingWorkflow', {
        taskQueue,
        workflowId: 'ceiling/CL-1',
        args: [{ caseId: 'CL-1' }],
      });
      // the 決裁 arrives once the case waits for it (after its first projection), as in the bench
      for (let i = 0; i < 100 && ((await handle.fetchHistory()).events?.length ?? 0) < 7; i++)
        await new Promise((r) => setTimeout(r, 20));
      await handle.executeUpdate('approve', { args: [{ by: 'bench' }] });
      await handle.result();
      return handle.fetchHistory();
    });
  } finally {
    await env.teardown();
  }
}

/** Payload bytes of a history (inputs, results, update arguments, memo, search attributes). */
function payloadBytes(node: unknown): number {
  if (!node || typeof node !== 'object') return 0;
  if (node instanceof Uint8Array) return 0;
  const o = node as Record<string, unknown>;
  let n = o.metadata && o.data instanceof Uint8Array ? o.data.length : 0;
  if (n) return n;
  for (const v of Object.values(o)) n += payloadBytes(v);
  return n;
}

/** The bundle's webpack modules by source: the SDK's preloaded ones are shared, the rest run once per workflow. */
function modulesOf(code: string): { ours: number; ourBytes: number; sdk: number; sdkBytes: number } {
  const re = /^\/\*\*\*\/ "([^"]+)"$/gm;
  const starts: { id: string; at: number }[] = [];
  for (let m = re.exec(code); m; m = re.exec(code)) starts.push({ id: m[1]!, at: m.index });
  const out = { ours: 0, ourBytes: 0, sdk: 0, sdkBytes: 0 };
  starts.forEach((s, i) => {
    const size = (starts[i + 1]?.at ?? code.length) - s.at;
    if (s.id.startsWith('./node_modules/')) {
      out.sdk++;
      out.sdkBytes += size;
    } else {
      out.ours++;
      out.ourBytes += size;
    }
  });
  return out;
}

let promisesInWorkflows = 0;
const promiseSites = new Map<string, number>();
v8.promiseHooks.onInit((promise: Promise<unknown>) => {
  // a promise made by workflow code is an instance of the sandbox's Promise, not this realm's
  if (!(promise instanceof Promise)) {
    promisesInWorkflows++;
    if (process.env.WF_BENCH_STACKS) {
      const e = new Error();
      const key = (e.stack ?? '')
        .split('\n')
        .slice(2, 7)
        .map((l) => l.trim().replace(/\(.*\/(.*?):(\d+):\d+\)/, '$1:$2'))
        .join(' < ');
      promiseSites.set(key, (promiseSites.get(key) ?? 0) + 1);
    }
  }
});

interface Measure {
  cpuMs: number;
  wallMs: number;
  promises: number;
}

async function replay(bundle: Bundle, name: string, history: History, n: number, round: number): Promise<Measure> {
  const histories = Array.from({ length: n }, (_, i) => ({ workflowId: `${name}/R${round}-${i}`, history }));
  promisesInWorkflows = 0;
  const cpu0 = process.threadCpuUsage();
  const t0 = performance.now();
  for await (const r of Worker.runReplayHistories(
    {
      workflowBundle: bundle,
      replayName: `wf-bench-${name}`,
      dataConverter: { failureConverterPath: WORKFLOW_BUNDLE_OPTIONS.failureConverterPath },
    },
    histories,
  ))
    if (r.error) throw new Error(`${name} replay failed: ${r.error.message}`);
  const cpu = process.threadCpuUsage(cpu0);
  return {
    cpuMs: (cpu.user + cpu.system) / 1000 / n,
    wallMs: (performance.now() - t0) / n,
    promises: promisesInWorkflows / n,
  };
}

async function main() {
  const logger = new DefaultLogger('ERROR');
  Runtime.install({ logger });
  const ours = await bundleWorkflowCode({ ...workflowBundleOptions(), logger });
  // the same code without the preloaded modules (as before issue 15): every run evaluates our modules anew
  const unshared = await bundleWorkflowCode({ ...workflowBundleOptions(), preloadModules: [], logger });
  const ceilingBundle = await bundleWorkflowCode({ workflowsPath: require.resolve('./ceiling/workflow'), logger });
  const ceilingHistory = await recordCeilingHistory(ceilingBundle);
  const moveInHistory = historyFromJSON(JSON.parse(readFileSync(MOVE_IN_HISTORY, 'utf8')));

  const kinds = [
    { name: 'ceiling', bundle: ceilingBundle, history: ceilingHistory },
    { name: 'move-in', bundle: ours, history: moveInHistory },
    { name: 'move-in-unshared', bundle: unshared, history: moveInHistory },
  ];
  // WF_BENCH_ONLY=move-in: only that workflow (e.g. under `NODE_OPTIONS=--cpu-prof`)
  if (process.env.WF_BENCH_ONLY)
    kinds.splice(0, kinds.length, ...kinds.filter((k) => k.name === process.env.WF_BENCH_ONLY));
  console.log(
    `workflow-thread bench: ${REPLAYS} replays × ${ROUNDS} rounds per workflow, ${os.cpus().length} cores, ` +
      `load average ${os
        .loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')}`,
  );
  for (const k of kinds) {
    const m = modulesOf(k.bundle.code);
    console.log(
      `  ${k.name}: ${k.history.events?.length} history events, ${payloadBytes(k.history)} payload bytes; bundle ` +
        `${(k.bundle.code.length / 1024).toFixed(0)} KiB, our modules ${m.ours} (${(m.ourBytes / 1024).toFixed(0)} KiB), ` +
        `node_modules ${m.sdk} (${(m.sdkBytes / 1024).toFixed(0)} KiB); ` +
        (/preloadModules\(\) \{\s*__webpack_require__\(/.test(k.bundle.code)
          ? 'ours preloaded once per worker'
          : 'ours evaluated once per workflow run'),
    );
  }
  for (const k of kinds) await replay(k.bundle, k.name, k.history, Math.min(20, REPLAYS), 0); // warm-up
  const results = new Map<string, Measure[]>(kinds.map((k) => [k.name, []]));
  for (let round = 1; round <= ROUNDS; round++)
    for (const k of kinds) results.get(k.name)!.push(await replay(k.bundle, k.name, k.history, REPLAYS, round));

  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const row = (name: string) => {
    const ms = results.get(name)!;
    return {
      cpu: median(ms.map((m) => m.cpuMs)),
      all: ms.map((m) => m.cpuMs.toFixed(2)).join(' / '),
      wall: median(ms.map((m) => m.wallMs)),
      promises: median(ms.map((m) => m.promises)),
    };
  };
  // WF_BENCH_STACKS=1: where the promises in workflow context are made (the top frames, as counted over all replays)
  if (process.env.WF_BENCH_STACKS)
    for (const [k, n] of [...promiseSites].sort((a, b) => b[1] - a[1]).slice(0, 40)) console.log(n, k);
  if (process.env.WF_BENCH_ONLY)
    return console.log(kinds.map((k) => `${k.name}: ${row(k.name).cpu.toFixed(2)} ms`).join('\n'));
  const c = row('ceiling');
  const o = row('move-in');
  console.log('| workflow | thread CPU ms per workflow (median; rounds) | wall ms | promises in workflow context |');
  console.log('| --- | --- | --- | --- |');
  console.log(`| ceiling | ${c.cpu.toFixed(2)} (${c.all}) | ${c.wall.toFixed(2)} | ${c.promises.toFixed(0)} |`);
  console.log(`| move-in | ${o.cpu.toFixed(2)} (${o.all}) | ${o.wall.toFixed(2)} | ${o.promises.toFixed(0)} |`);
  const u = row('move-in-unshared');
  console.log(
    `| move-in, modules not preloaded | ${u.cpu.toFixed(2)} (${u.all}) | ${u.wall.toFixed(2)} | ${u.promises.toFixed(0)} |`,
  );
  console.log(
    `move-in / ceiling: ${(o.cpu / c.cpu).toFixed(2)} × thread CPU; ours beyond the ceiling ${(o.cpu - c.cpu).toFixed(2)} ms per 転入`,
  );
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});

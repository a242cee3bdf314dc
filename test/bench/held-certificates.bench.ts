/**
 * Held 転出証明書情報 at the national peak (issue 15): N open held certificates, then a burst of B of them due at the
 * same instant. The worker is the project's own entry point (`src/worker/main.ts`) in its own process with the
 * prebuilt workflow bundle (WORKFLOW_BUNDLE, as the test suites and a built image run it), the Temporal dev
 * server in memory, the registry on SQLite (or DATABASE_URL).
 *
 * Loading: what the CS inbound endpoint's accept step writes for each certificate (the encrypted held row and its case
 * row), in batches, and what its after-commit step does for a held row: start the task queue's sweep unless it runs
 * (one workflow; no workflow per certificate) — here once, after the load. The HTTP, ajv and signature checks of the endpoint are not measured. The
 * last B rows are due at one instant T a minute after their load (in production every purge instant is 00:00 JST; the
 * sweep sleeps until the next purge instant of a held row or the next 00:00 JST, whichever is first).
 *
 * Prints the worker's and the Temporal server's RSS idle and with N open (ratio against idle), and the burst: from T to
 * the last of the B rows purged (personal data erased, PURGED, case row PURGED, one audit row each).
 *   npm run bench -- held [count=100000] [burst=min(10000, count/10)]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, openSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { startTemporalDevServer } from '../../scripts/lib/temporal-dev-server';
import { storeHeldCertificate } from '../../src/api/cs-inbound-router';
import { loadConfig } from '../../src/config';
import { openRegistryDb } from '../../src/db/orm';
import { piiCryptoFor } from '../../src/db/pii-crypto';
import { AuditLog, CaseRecord, HeldCertificateState, HeldMoveOutCertificate } from '../../src/db/entities';
import { jstStartOfDay } from '../../src/domain/dates';
import { heldCertificateDefinition, HeldCertificateStatus } from '../../src/procedures/held-certificate/definition';
import { heldCertificateSweepId, heldCertificateSweepWorkflow } from '../../src/procedures/held-certificate/workflow';
import { createTemporalClient } from '../../src/temporal/client';
import { SEARCH_ATTRIBUTE_TYPES } from '../../src/workflows/search-attributes';
import { certificateInfoFrom } from '../support/move-fixtures';
import { workflowBundleOnce } from '../support/workflow-bundle';

const N = Number(process.argv[2] ?? 100_000);
const BURST = Number(process.argv[3] ?? Math.min(10_000, Math.floor(N / 10)));
const BATCH = 500;

const mb = (kb: number) => `${(kb / 1024).toFixed(0)} MB`;

/** RSS in kB of a process and its descendants (from /proc). */
function treeRssKb(pid: number): number {
  const children = new Map<number, number[]>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const ppid = Number(/^PPid:\s+(\d+)/m.exec(readFileSync(`/proc/${d}/status`, 'utf8'))?.[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(d)]);
    } catch {
      /* gone */
    }
  }
  let sum = 0;
  const walk = (p: number) => {
    try {
      sum += Number(/^VmRSS:\s+(\d+)/m.exec(readFileSync(`/proc/${p}/status`, 'utf8'))?.[1] ?? 0);
    } catch {
      /* gone */
    }
    for (const c of children.get(p) ?? []) walk(c);
  };
  walk(pid);
  return sum;
}

/** The dev server's pid: the `temporal server start-dev` listening on this port. */
function devServerPid(port: string): number {
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const cmd = readFileSync(`/proc/${d}/cmdline`, 'utf8').split('\0');
      if (cmd.includes('start-dev') && cmd[cmd.indexOf('--port') + 1] === port) return Number(d);
    } catch {
      /* gone */
    }
  }
  throw new Error(`no dev server on port ${port}`);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main() {
  const cliPath = process.env.TEMPORAL_CLI_PATH;
  if (!cliPath) throw new Error('set TEMPORAL_CLI_PATH (run through `npm run bench -- held`)');
  const dev = await startTemporalDevServer({ cliPath, searchAttributes: SEARCH_ATTRIBUTE_TYPES, headless: true });
  const serverPid = devServerPid(dev.address.split(':')[1]!);
  const dataDir = mkdtempSync(join(os.tmpdir(), 'juki-held-bench-'));
  const env = {
    ...process.env,
    JUKI_DATA_DIR: dataDir,
    DATABASE_URL: process.env.DATABASE_URL ?? `sqlite:${join(dataDir, 'registry.sqlite')}`,
    TEMPORAL_ADDRESS: dev.address,
    TASK_QUEUE: `held-bench-${randomUUID().slice(0, 8)}`,
  };
  const config = loadConfig(env);
  const orm = await openRegistryDb(config.databaseUrl);
  const pii = piiCryptoFor(config.keys);
  const client = await createTemporalClient(config);
  const workerLog = join(dataDir, 'worker.log');
  let worker: ChildProcess | undefined;
  const stop = async () => {
    if (worker?.pid && worker.exitCode === null) {
      const exited = new Promise((r) => worker!.once('exit', r));
      process.kill(worker.pid, 'SIGTERM');
      await Promise.race([exited, sleep(20_000)]);
      if (worker.exitCode === null) process.kill(worker.pid, 'SIGKILL');
    }
    await client.connection.close().catch(() => undefined);
    await orm.close(true).catch(() => undefined);
    await dev.stop();
  };
  process.once('SIGINT', () => void stop().then(() => process.exit(130)));
  try {
    const log = openSync(workerLog, 'a');
    // HELD_BENCH_WORKER_NODE_ARGS: extra node flags for the worker (e.g. `--trace-gc`; its output goes to the worker log)
    const nodeArgs = (process.env.HELD_BENCH_WORKER_NODE_ARGS ?? '').split(' ').filter(Boolean);
    worker = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', 'src/worker/main.ts'], {
      env: { ...env, WORKFLOW_BUNDLE: await workflowBundleOnce() },
      stdio: ['ignore', log, log],
    });
    // idle: the worker polls, nothing held yet
    await sleep(15_000);
    const idle = { worker: treeRssKb(worker.pid!), server: treeRssKb(serverPid) };

    // N - B held for weeks, then B due at T
    const farPurgeAt = jstStartOfDay(new Date(Date.now() + 40 * 86_400_000).toISOString().slice(0, 10));
    const tLoad = Date.now();
    await load(0, N - BURST, farPurgeAt);
    const rate = (N - BURST) / ((Date.now() - tLoad) / 1000);
    const T = new Date(Math.ceil((Date.now() + (BURST / rate) * 1500 + 60_000) / 60_000) * 60_000);
    console.log(`loaded ${N - BURST} at ${rate.toFixed(0)} rows/s; the burst of ${BURST} is due ${T.toISOString()}`);
    await load(N - BURST, N, T);
    // the after-commit step of the first held row: the task queue's sweep starts (it reads the next due instant, T);
    // the one the worker ensured at its start sleeps towards the next 00:00 JST (every real purge instant is one, T is
    // not), so it is replaced
    await client.workflow.start(heldCertificateSweepWorkflow, {
      workflowId: heldCertificateSweepId(env.TASK_QUEUE),
      taskQueue: env.TASK_QUEUE,
      workflowIdConflictPolicy: 'TERMINATE_EXISTING',
      args: [{}],
    });
    if (Date.now() >= T.getTime()) throw new Error('the burst was loaded after its purge instant: lower the load');
    await sleep(Math.min(10_000, T.getTime() - Date.now() - 1000));
    const open = { worker: treeRssKb(worker.pid!), server: treeRssKb(serverPid) };
    const held = await orm.em.fork().count(HeldMoveOutCertificate, { state: HeldCertificateState.HELD });
    const running = () =>
      client.workflow.count(`TaskQueue = '${env.TASK_QUEUE}' AND ExecutionStatus = 'Running'`).then((c) => c.count);
    const runningOpen = await running();

    // the burst: every B row purged
    let peakWorker = open.worker;
    let peakServer = open.server;
    await sleep(T.getTime() - Date.now());
    let purged = 0;
    for (;;) {
      peakWorker = Math.max(peakWorker, treeRssKb(worker.pid!));
      peakServer = Math.max(peakServer, treeRssKb(serverPid));
      purged = await orm.em.fork().count(HeldMoveOutCertificate, { state: HeldCertificateState.PURGED });
      if (purged >= BURST || Date.now() - T.getTime() > 30 * 60_000) break;
      await sleep(1_000);
    }
    const burstSeconds = (Date.now() - T.getTime()) / 1000;
    const em = orm.em.fork();
    const erased = await em.count(HeldMoveOutCertificate, {
      state: HeldCertificateState.PURGED,
      payloadEnc: null,
      residentRecordCode: null,
    });
    const audits = await em.count(AuditLog, { function: 'purgeHeldCertificate' });
    const cases = await em.count(CaseRecord, {
      procedure: heldCertificateDefinition.code,
      status: HeldCertificateStatus.PURGED,
    });
    const left = await running();

    console.log(`--- held 転出証明書情報: ${N} open, a burst of ${BURST} due at one instant`);
    console.log(`cores ${os.cpus().length} (shared), Node ${process.version}, ${config.databaseUrl.split(':')[0]}`);
    console.log(`load: ${rate.toFixed(0)} rows/s (held row + case row, encrypted payload)`);
    console.log(
      `worker RSS: idle ${mb(idle.worker)}, ${held} held ${mb(open.worker)} (×${(open.worker / idle.worker).toFixed(2)}), peak in the burst ${mb(peakWorker)} — target ≤ 500 MB`,
    );
    console.log(
      `Temporal dev server RSS: idle ${mb(idle.server)}, ${held} held ${mb(open.server)} (×${(open.server / idle.server).toFixed(2)}), peak in the burst ${mb(peakServer)}; running workflows ${runningOpen}`,
    );
    console.log(
      `burst: ${purged}/${BURST} purged ${burstSeconds.toFixed(1)} s after the due instant (${(BURST / burstSeconds).toFixed(0)}/s) — target ≤ 600 s; ` +
        `erased rows ${erased}, audit rows ${audits}, case rows PURGED ${cases}, running workflows after it ${left}`,
    );
    if (purged !== BURST || erased !== BURST || audits !== BURST || cases !== BURST) process.exitCode = 1;
  } catch (e) {
    console.error(`bench failed: ${e instanceof Error ? e.message : String(e)} (worker log ${workerLog})`);
    process.exitCode = 1;
  } finally {
    await stop();
  }

  /** Rows [from, to) in batches, as the CS inbound endpoint's accept step writes them. */
  async function load(from: number, to: number, purgeAt: Date) {
    for (let b = from; b < to; b += BATCH) {
      const em = orm.em.fork();
      for (let i = b; i < Math.min(to, b + BATCH); i++) {
        const heldId = `HC-BENCH-${String(i).padStart(7, '0')}`;
        const msg = certificateInfoFrom(config.municipalityCode, '2026-01-01');
        storeHeldCertificate(em, msg, { heldId, payloadEnc: pii.encrypt(JSON.stringify(msg)), purgeAt: purgeAt });
      }
      await em.flush();
    }
  }
}

void main();

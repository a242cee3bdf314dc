/**
 * The system a benchmark measures, as separate processes so that CPU time can be read per process from
 * /proc/<pid>/stat: the Temporal dev server (or TEMPORAL_ADDRESS), the API (src/api/main.ts), the registry worker
 * (src/worker/main.ts) and the bench-only ceiling worker (test/bench/ceiling/worker-main.ts), each `node --import tsx`;
 * the CS and J-LIS simulators and the HTTP client run in the bench process itself (not ours, not counted). The
 * registry is a fresh SQLite file (in-process in API and worker) or DATABASE_URL (MariaDB: its server process counted).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { findFreePort, startTemporalDevServer } from '../../scripts/lib/temporal-dev-server';
import { loadConfig } from '../../src/config';
import { openRegistryDb } from '../../src/db/orm';
import { attachPiiCipher } from '../../src/db/encrypted-columns';
import { piiCryptoFor } from '../../src/db/pii-crypto';
import { seedStaff } from '../../src/db/seed/staff';
import { startCsSimulator } from '../../src/partners/cs-simulator';
import { startCardAgencySimulator } from '../../src/partners/card-agency-simulator';
import { createTemporalClient } from '../../src/temporal/client';
import { SEARCH_ATTRIBUTE_TYPES } from '../../src/workflows/search-attributes';
import { benchClient } from './bench-client';

const ROOT = join(__dirname, '..', '..');
const TICKS_PER_SECOND = 100; // USER_HZ on Linux

/** utime + stime + cutime + cstime of a process in ms (children that exited included). */
export function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // f[0] is field 3 (state)
  const ticks = Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]);
  return (ticks * 1000) / TICKS_PER_SECOND;
}

export type CpuSnapshot = Record<string, number>;

async function waitFor(what: string, ok: () => Promise<boolean>, child: ChildProcess, timeoutMs = 180_000) {
  const end = Date.now() + timeoutMs;
  while (!(await ok().catch(() => false))) {
    if (child.exitCode !== null) throw new Error(`${what} exited with ${child.exitCode}`);
    if (Date.now() > end) throw new Error(`${what} not ready after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

export async function startBenchProcesses(opts: { profileDir?: string } = {}) {
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const children: ChildProcess[] = [];
  let closing = false;
  let reportExit: (e: Error) => void = () => undefined;
  /** Rejects when a process of the system exits before close(): race the load against it. */
  const died = new Promise<never>((_, reject) => (reportExit = reject));
  died.catch(() => undefined);
  const closers: Array<() => Promise<unknown>> = [];
  const close = async () => {
    closing = true;
    for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
    await Promise.all(
      children.map((c) =>
        c.exitCode !== null
          ? undefined
          : new Promise<void>((r) => {
              const t = setTimeout(() => c.kill('SIGKILL'), 15_000);
              c.once('exit', () => (clearTimeout(t), r()));
            }),
      ),
    );
    for (const c of closers.reverse()) await c().catch(() => undefined);
  };
  process.once('exit', () => children.forEach((c) => c.exitCode === null && c.kill('SIGKILL')));
  try {
    const cliPath = process.env.TEMPORAL_CLI_PATH;
    if (!process.env.TEMPORAL_ADDRESS && !cliPath) throw new Error('set TEMPORAL_ADDRESS or TEMPORAL_CLI_PATH');
    const dev = process.env.TEMPORAL_ADDRESS
      ? undefined
      : await startTemporalDevServer({ cliPath: cliPath!, searchAttributes: SEARCH_ATTRIBUTE_TYPES, headless: true });
    if (dev) closers.push(() => dev.stop());
    const dataDir = mkdtempSync(join(tmpdir(), 'juki-bench-'));
    const databaseUrl = process.env.DATABASE_URL ?? `sqlite:${join(dataDir, 'registry.sqlite')}`;
    const taskQueue = `bench-${randomUUID().slice(0, 8)}`;
    const baseEnv = {
      ...process.env,
      JUKI_DATA_DIR: dataDir,
      DATABASE_URL: databaseUrl,
      TEMPORAL_ADDRESS: process.env.TEMPORAL_ADDRESS ?? dev!.address,
      TASK_QUEUE: taskQueue,
    } as Record<string, string>;
    // the registry migrated and the staff seeded here, before the processes start
    const config0 = loadConfig(baseEnv);
    const orm = await openRegistryDb(databaseUrl, { migrationDatabaseUrl: config0.migrationDatabaseUrl });
    closers.push(() => orm.close(true));
    attachPiiCipher(orm, piiCryptoFor(config0.keys));
    await seedStaff(orm);
    const cs = await startCsSimulator({ token: config0.csToken, port: 0 });
    closers.push(() => cs.close());
    const jlis = await startCardAgencySimulator({
      token: config0.jlisToken,
      port: 0,
      continuedUseDays: config0.deadlines.continuedUseDays,
    });
    closers.push(() => jlis.close());
    const apiPort = await findFreePort();
    const sqlCountFile = join(dataDir, 'sql-counts.json');
    const env = {
      ...baseEnv,
      API_PORT: String(apiPort),
      CS_URL: cs.url,
      JLIS_URL: jlis.url,
      BENCH_SQL_COUNT_FILE: sqlCountFile,
    };
    const config = loadConfig(env);
    const apiUrl = `http://127.0.0.1:${apiPort}`;
    jlis.state.numbers.routes.set(config.municipalityCode, {
      municipalityCode: config.municipalityCode,
      inboundUrl: `${apiUrl}/jlis-inbound/v1`,
      token: config.jlisInboundToken,
    });
    const spawnRole = (name: string, entry: string, extraEnv: Record<string, string> = {}) => {
      const log = openSync(join(dataDir, `${name}.log`), 'a');
      const prof = opts.profileDir ? ['--cpu-prof', `--cpu-prof-dir=${join(opts.profileDir, name)}`] : []; // one file per thread
      const child = spawn(process.execPath, [...prof, '--import', 'tsx', entry], {
        cwd: ROOT,
        env: { ...env, ...extraEnv },
        stdio: ['ignore', log, log],
      });
      children.push(child);
      child.once('exit', (code) => {
        if (closing) return;
        const tail = readFileSync(join(dataDir, `${name}.log`), 'utf8').slice(-2000);
        reportExit(new Error(`${name} exited with ${code}:\n${tail}`));
      });
      return child;
    };
    // SQLite: one process for API and worker (its transactions do not span processes); otherwise one each
    const sqlite = databaseUrl.startsWith('sqlite');
    const api = spawnRole(sqlite ? 'api+worker' : 'api', sqlite ? 'test/bench/app-main.ts' : 'src/api/main.ts');
    const worker = sqlite ? undefined : spawnRole('worker', 'src/worker/main.ts');
    const ceilingQueue = `${taskQueue}-ceiling`;
    const ceiling = spawnRole('ceiling-worker', 'test/bench/ceiling/worker-main.ts', { TASK_QUEUE: ceilingQueue });
    const http = benchClient(apiUrl);
    await waitFor('API', async () => (await fetch(`${apiUrl}/api/health`)).status < 500, api);
    const temporal = await createTemporalClient(config);
    closers.push(() => temporal.connection.close());
    const mariadbPid = /^(mysql|mariadb)/.test(databaseUrl) ? mariadbServerPid() : undefined;
    const pids: Record<string, number | undefined> = {
      [sqlite ? 'api+worker' : 'api']: api.pid,
      worker: worker?.pid,
      'ceiling worker': ceiling.pid,
      temporal: dev?.pid,
      database: mariadbPid,
    };
    const snapshot = (): CpuSnapshot =>
      Object.fromEntries(
        Object.entries(pids)
          .filter((e): e is [string, number] => e[1] !== undefined)
          .map(([k, pid]) => [k, cpuMs(pid)]),
      );
    return {
      config,
      orm,
      temporal,
      api: http,
      apiUrl,
      ceilingQueue,
      clerk: await http.login('clerk1'),
      approver: await http.login('bench'),
      snapshot,
      dbKind: databaseUrl.split(':')[0]!,
      cores: cpus().length,
      /** SQL statements executed so far by their text (SQLite: the API+worker process counts them; else empty). */
      sqlCounts: async (): Promise<Record<string, number>> => {
        await new Promise((r) => setTimeout(r, 600));
        try {
          return JSON.parse(readFileSync(sqlCountFile, 'utf8')) as Record<string, number>;
        } catch {
          return {};
        }
      },
      /** `work` unless a process of the system dies first. */
      watch: <T>(work: Promise<T>): Promise<T> => Promise.race([work, died]),
      logDir: dataDir,
      close,
    };
  } catch (e) {
    await close();
    throw e;
  }
}

/** The MariaDB server of scripts/ensure-mariadb.sh (shared by everything on the machine: its CPU is noisy). */
function mariadbServerPid(): number | undefined {
  const file = join(process.env.HOME ?? '', '.cache', 'juki', 'mariadb-run', 'mariadb.pid');
  try {
    return Number(readFileSync(file, 'utf8').trim()) || undefined;
  } catch {
    return undefined;
  }
}

/** CPU ms per case by process between two snapshots. */
export function cpuPerCase(before: CpuSnapshot, after: CpuSnapshot, cases: number): Record<string, number> {
  return Object.fromEntries(Object.keys(after).map((k) => [k, (after[k]! - (before[k] ?? 0)) / cases]));
}

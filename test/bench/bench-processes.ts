/**
 * The system a benchmark measures, as separate processes so that CPU time can be read per process from
 * /proc/<pid>/stat: the Temporal dev server (or TEMPORAL_ADDRESS), the API (src/api/main.ts), the registry worker
 * (src/worker/main.ts) and the bench-only ceiling worker (test/bench/ceiling/worker-main.ts), each `node --import tsx`;
 * the CS and J-LIS simulators and the HTTP client run in the bench process itself (not ours, not counted). The
 * registry is a fresh SQLite file (in-process in API and worker) or DATABASE_URL (MariaDB: its server process counted).
 */
import { mkdtempSync, openSync, readFileSync, readdirSync, writeFileSync, writeSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createConnection } from 'mysql2/promise';
import { randomUUID } from 'node:crypto';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { type AppRole, type AppProcess, builtEntry, spawnApp } from '../../scripts/lib/app-processes';
import { startClusterSystem } from '../../scripts/lib/cluster-system';
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

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

/** utime + stime + cutime + cstime of a process in ms (children that exited included). */
export function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // f[0] is field 3 (state)
  const ticks = Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]);
  return (ticks * 1000) / TICKS_PER_SECOND;
}

export type CpuSnapshot = Record<string, number>;

/**
 * CPU ms (utime + stime) of a process's live threads, summed by thread name (/proc/<pid>/task/<tid>/comm): Node's
 * `MainThread`, `WorkerThread` (the Temporal workflow sandbox), `V8Worker` (GC, compiler), `libuv-worker`, the
 * Temporal core's tokio threads, … — where the process's time goes, and which thread is the bottleneck.
 */
export function threadCpuMs(pid: number, prefix = ''): CpuSnapshot {
  const out: CpuSnapshot = {};
  let tids: string[] = [];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return out;
  }
  for (const tid of tids) {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      const name = readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8')
        .trim()
        .replace(/[-_ ]?\d+$/, '');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const key = `${prefix}${name}`;
      out[key] = (out[key] ?? 0) + ((Number(f[11]) + Number(f[12])) * 1000) / TICKS_PER_SECOND;
    } catch {
      // the thread ended between the listing and the read
    }
  }
  return out;
}

/** What the benchmarks drive: one or more API endpoints, each with a clerk's and the approver's session. */
export interface BenchEndpoint {
  api: ReturnType<typeof benchClient>;
  apiUrl: string;
  clerk: string;
  approver: string;
}

/** The process bookkeeping both shapes share: spawned apps, closers run in reverse, death of a process. */
function processSet(logDir: string) {
  const apps: AppProcess[] = [];
  let closing = false;
  let reportExit: (e: Error) => void = () => undefined;
  /** Rejects when a process of the system exits before close(): race the load against it. */
  const died = new Promise<never>((_, reject) => (reportExit = reject));
  died.catch(() => undefined);
  const closers: Array<() => Promise<unknown>> = [];
  const close = async () => {
    closing = true;
    await Promise.all(apps.map((a) => a.kill('SIGTERM')));
    for (const c of closers.reverse()) await c().catch(() => undefined);
  };
  /** A process of the system (scripts/lib/app-processes.ts) in the place of `role`, its output in <logDir>/<name>.log. */
  const spawnRole = async (
    name: string,
    role: AppRole,
    env: Record<string, string>,
    opts: { entry?: string; readyLine?: RegExp; profileDir?: string } = {},
  ) => {
    const file = join(logDir, `${name}.log`);
    const log = openSync(file, 'a');
    const app = await spawnApp(role, {
      name,
      env,
      entry: opts.entry,
      readyLine: opts.readyLine,
      // one profile file per thread
      nodeArgs: opts.profileDir ? ['--cpu-prof', `--cpu-prof-dir=${join(opts.profileDir, name)}`] : [],
      log: (line) => writeSync(log, `${line}\n`),
      onExit: ({ code, signal }) => {
        if (closing) return;
        const tail = readFileSync(file, 'utf8').slice(-2000);
        reportExit(new Error(`${name} exited with ${signal ?? code}:\n${tail}`));
      },
    });
    apps.push(app);
    return app;
  };
  return {
    closers,
    close,
    spawnRole,
    /** `work` unless a process of the system dies first. */
    watch: <T>(work: Promise<T>): Promise<T> => Promise.race([work, died]),
  };
}

/** CPU ms of each named process now (a function per name: a counter that only grows). */
const snapshotOf = (counters: Record<string, (() => number) | undefined>) => (): CpuSnapshot =>
  Object.fromEntries(
    Object.entries(counters)
      .filter((e): e is [string, () => number] => e[1] !== undefined)
      .map(([k, f]) => [k, f()]),
  );

/** Preloaded into the cluster's workers and APIs: counts their SQL statements in mysql2 (BENCH_SQL_COUNT_FILE). */
const SQL_COUNTER = join(__dirname, 'mysql-sql-counter.mjs');
/**
 * The bench's own entry points (the ceiling worker; on SQLite the one API+worker process): compiled like the system's
 * processes when they run the build (JUKI_APP_BUILD, `builtEntry`; `npm run bench` compiles them there with
 * tsconfig.bench.json), so both sides of the ratio run the same way.
 */
const benchEntry = (source: string) => builtEntry(source) ?? source;
/** The bench-only ceiling worker in a worker's place; ready when it says so (it has no heartbeat). */
const CEILING = { entry: benchEntry('test/bench/ceiling/worker-main.ts'), readyLine: /ceiling worker ready/ };

const pidCpu = (pid: () => number | undefined) => () => {
  const p = pid();
  return p ? cpuMs(p) : 0;
};

/**
 * Options of startBenchProcesses. `cluster`: the production shape instead of the dev server — the Temporal cluster
 * (PostgreSQL, mTLS, 4 shards), the registry on a fresh MariaDB database (MARIADB_URL's server), two workers and two
 * APIs (scripts/lib/cluster-system.ts), the simulators as processes.
 */
export interface BenchProcessOptions {
  profileDir?: string;
  cluster?: boolean;
  /**
   * cluster only: a second town (the move pair's 転入 side) on the same Temporal cluster and CS simulator — its own
   * registry database on the same MariaDB, its own task queue, one worker and one API process.
   */
  secondTown?: { municipalityCode: string; municipalityName: string };
  /** The bench's URL the ceiling worker posts a case's first projection to (BENCH_CEILING_NOTIFY_URL). */
  ceilingNotifyUrl?: string;
}

/** The second town's API, its clerk's and approver's sessions and its code (startBenchProcesses `secondTown`). */
export interface BenchTown extends BenchEndpoint {
  municipalityCode: string;
}

const notifyEnv = (opts: BenchProcessOptions): Record<string, string> =>
  opts.ceilingNotifyUrl ? { BENCH_CEILING_NOTIFY_URL: opts.ceilingNotifyUrl } : {};

export async function startBenchProcesses(opts: BenchProcessOptions = {}) {
  return opts.cluster ? startClusterBench(opts) : startDevServerBench(opts);
}

async function startDevServerBench(opts: BenchProcessOptions) {
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const dataDir = mkdtempSync(join(tmpdir(), 'juki-bench-'));
  const ps = processSet(dataDir);
  const { closers, close } = ps;
  try {
    const cliPath = process.env.TEMPORAL_CLI_PATH;
    if (!process.env.TEMPORAL_ADDRESS && !cliPath) throw new Error('set TEMPORAL_ADDRESS or TEMPORAL_CLI_PATH');
    const dev = process.env.TEMPORAL_ADDRESS
      ? undefined
      : await startTemporalDevServer({ cliPath: cliPath!, searchAttributes: SEARCH_ATTRIBUTE_TYPES, headless: true });
    if (dev) closers.push(() => dev.stop());
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
    const { profileDir } = opts;
    // SQLite: one process for API and worker (its transactions do not span processes); otherwise one each
    const sqlite = databaseUrl.startsWith('sqlite');
    const ceilingQueue = `${taskQueue}-ceiling`;
    const [api, worker, ceiling] = await Promise.all([
      ps.spawnRole(sqlite ? 'api+worker' : 'api', 'api', env, {
        entry: sqlite ? benchEntry('test/bench/app-main.ts') : undefined,
        profileDir,
      }),
      sqlite ? undefined : ps.spawnRole('worker', 'worker', env, { profileDir }),
      ps.spawnRole('ceiling-worker', 'worker', { ...env, TASK_QUEUE: ceilingQueue, ...notifyEnv(opts) }, CEILING),
    ]);
    const http = benchClient(apiUrl);
    const temporal = await createTemporalClient(config);
    closers.push(() => temporal.connection.close());
    const mariadbPid = /^(mysql|mariadb)/.test(databaseUrl) ? mariadbServerPid() : undefined;
    const snapshot = snapshotOf({
      [sqlite ? 'api+worker' : 'api']: pidCpu(api.pid),
      worker: worker && pidCpu(worker.pid),
      'ceiling worker': pidCpu(ceiling.pid),
      temporal: dev && pidCpu(() => dev.pid),
      database: mariadbPid === undefined ? undefined : pidCpu(() => mariadbPid),
    });
    const threads = (): CpuSnapshot => {
      const ids = [api.pid(), worker?.pid(), ceiling.pid()];
      const names = [sqlite ? 'api+worker' : 'api', 'worker', 'ceiling'];
      return Object.assign({}, ...ids.map((p, i) => (p ? threadCpuMs(p, `${names[i]} `) : {}))) as CpuSnapshot;
    };
    const endpoint: BenchEndpoint = {
      api: http,
      apiUrl,
      clerk: await http.login('clerk1'),
      approver: await http.login('bench'),
    };
    return {
      config,
      orm,
      temporal,
      ...endpoint,
      endpoints: [endpoint],
      ceilingQueue,
      snapshot,
      /** CPU ms of the API's and the worker's threads by name (threadCpuMs). */
      threads,
      server: 'Temporal dev server (in memory)',
      dbKind: databaseUrl.split(':')[0]!,
      cores: cpus().length,
      /** SQL statements executed so far by their text (SQLite: the API+worker process counts them; else empty). */
      sqlCounts: async (): Promise<Record<string, number>> => {
        // test/bench/app-main.ts writes its counts when asked (a request number in <file>.ask), that number under '#asked'
        const read = (): Record<string, number> => {
          try {
            return JSON.parse(readFileSync(sqlCountFile, 'utf8')) as Record<string, number>;
          } catch {
            return {};
          }
        };
        if (!sqlite) return {};
        const asked = (read()['#asked'] ?? 0) + 1;
        writeFileSync(`${sqlCountFile}.ask`, String(asked));
        for (let i = 0; i < 100 && (read()['#asked'] ?? 0) < asked; i++) await new Promise((r) => setTimeout(r, 50));
        const { '#asked': _, ...counts } = read();
        return counts;
      },
      watch: ps.watch,
      logDir: dataDir,
      townB: undefined as BenchTown | undefined,
      close,
    };
  } catch (e) {
    await close();
    throw e;
  }
}

/**
 * The cluster shape (startClusterSystem: Temporal on PostgreSQL with mTLS and 4 shards, MariaDB registry in a
 * database of its own, 2 workers, 2 APIs, simulators as processes) plus the ceiling worker, with the worker's client
 * certificate. Everything is dropped on close (the Temporal databases and the registry database).
 */
async function startClusterBench(opts: BenchProcessOptions) {
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const dir = mkdtempSync(join(tmpdir(), 'juki-clusterbench-'));
  const ps = processSet(dir);
  const { closers, close } = ps;
  try {
    const mariadb = process.env.MARIADB_URL;
    if (!mariadb) throw new Error('set MARIADB_URL (scripts/bench.sh does for `cluster`)');
    const dbName = `juki_bench_${randomUUID().slice(0, 8)}`;
    const databaseUrl = mariadb.replace(/\/[^/]*$/, `/${dbName}`);
    const server = async (sql: string) => {
      const u = new URL(databaseUrl.replace(/^mariadb:/, 'mysql:'));
      u.pathname = '/';
      const conn = await createConnection(u.toString());
      await conn.query(sql).finally(() => conn.end());
    };
    closers.push(() => server(`DROP DATABASE IF EXISTS \`${dbName}\``));
    // every line to <dir>/cluster.log; on the console only progress and the apps' non-JSON lines
    const logFile = openSync(join(dir, 'cluster.log'), 'a');
    const quiet = (line: string) => {
      writeSync(logFile, `${line}\n`);
      if (!line.startsWith('{') && !line.includes('] {')) console.log(`  ${line}`);
    };
    // LOG_LEVEL info as on the dev-server run (and the worker's ready line, 'worker running', is an info line)
    const sqlCountFile = join(dir, 'sql-counts.json');
    const env = { LOG_LEVEL: process.env.LOG_LEVEL ?? 'info', BENCH_SQL_COUNT_FILE: sqlCountFile };
    const sys = await startClusterSystem({
      dir,
      databaseUrl,
      workers: 2,
      apis: 2,
      env,
      log: quiet,
      // the workers' and APIs' SQL statements counted in mysql2 (test/bench/mysql-sql-counter.mjs), written when asked
      nodeArgs: (name) => [
        ...(opts.profileDir ? ['--cpu-prof', `--cpu-prof-dir=${join(opts.profileDir, name)}`] : []),
        '--import',
        SQL_COUNTER,
      ],
    });
    closers.push(() => sys.stop());
    const certs = dirname(sys.temporal.tls.caFile);
    const clientEnv = (cert: string) => ({
      ...(process.env as Record<string, string>),
      ...sys.env,
      TEMPORAL_TLS_CERT: join(certs, `${cert}.pem`),
      TEMPORAL_TLS_KEY: join(certs, `${cert}.key`),
    });
    const config = loadConfig(clientEnv('api'));
    const ceilingQueue = `bench-${randomUUID().slice(0, 8)}-ceiling`;
    const ceiling = await ps.spawnRole(
      'ceiling-worker',
      'worker',
      { ...clientEnv('worker'), TASK_QUEUE: ceilingQueue, ...notifyEnv(opts) },
      CEILING,
    );
    const temporal = await createTemporalClient(config);
    closers.push(() => temporal.connection.close());
    const orm = await openRegistryDb(databaseUrl, { migrate: false });
    closers.push(() => orm.close(true));
    attachPiiCipher(orm, piiCryptoFor(config.keys)); // the benches read residents (the pair's households, the parents)
    const endpoints: BenchEndpoint[] = [];
    for (const a of sys.apis) {
      const api = benchClient(a.url!);
      endpoints.push({ api, apiUrl: a.url!, clerk: await api.login('clerk1'), approver: await api.login('bench') });
    }
    // J-LIS answers 個人番号 generation requests (births) to API 1's inbound, as `npm start` registers it
    await simAdmin(sys.jlis.url!, config.jlisToken, '/jlis/v1/_admin/routes', {
      municipalityCode: config.municipalityCode,
      inboundUrl: `${sys.apis[0]!.url}/jlis-inbound/v1`,
      token: config.jlisInboundToken,
    });
    let townB: BenchTown | undefined;
    const townProcesses: AppProcess[] = [];
    if (opts.secondTown) {
      const dbB = `${dbName}_b`;
      await server(`CREATE DATABASE \`${dbB}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
      closers.push(() => server(`DROP DATABASE IF EXISTS \`${dbB}\``));
      const envB = {
        DATABASE_URL: databaseUrl.replace(/\/[^/]*$/, `/${dbB}`),
        TASK_QUEUE: `town-b-${randomUUID().slice(0, 8)}`,
        MUNICIPALITY_CODE: opts.secondTown.municipalityCode,
        MUNICIPALITY_NAME: opts.secondTown.municipalityName,
        JUKI_DATA_DIR: join(dir, 'data-b'),
      };
      const ormB = await openRegistryDb(envB.DATABASE_URL); // migrated here
      await seedStaff(ormB).finally(() => ormB.close(true));
      const [worker, api] = await Promise.all([
        ps.spawnRole('b-worker', 'worker', { ...clientEnv('worker'), ...envB }),
        ps.spawnRole('b-api', 'api', { ...clientEnv('api'), ...envB, API_PORT: '0' }),
      ]);
      townProcesses.push(worker, api);
      // the simulated CS delivers what is addressed to town B (転出証明書情報) to B's inbound
      await simAdmin(sys.cs.url!, config.csToken, '/cs/v1/_admin/routes', {
        municipalityCode: opts.secondTown.municipalityCode,
        inboundUrl: `${api.url}/cs-inbound/v1`,
        token: config.csInboundToken,
      });
      const client = benchClient(api.url!);
      townB = {
        api: client,
        apiUrl: api.url!,
        clerk: await client.login('clerk1'),
        approver: await client.login('approver1'),
        municipalityCode: opts.secondTown.municipalityCode,
      };
    }
    const postgres = postgresCpu(Object.values(sys.temporal.internals.databases));
    const mariadbPid = mariadbServerPid();
    const snapshot = snapshotOf({
      ...Object.fromEntries([...sys.apis, ...sys.workers, ...townProcesses].map((p) => [p.name, pidCpu(p.pid)])),
      'ceiling worker': pidCpu(ceiling.pid),
      'temporal-server': pidCpu(() => sys.temporal.pid()),
      postgres,
      mariadbd: mariadbPid === undefined ? undefined : pidCpu(() => mariadbPid),
    });
    snapshot(); // the PostgreSQL backends' baseline
    return {
      config,
      orm,
      temporal,
      ...endpoints[0]!,
      endpoints,
      ceilingQueue,
      snapshot,
      threads: (): CpuSnapshot =>
        Object.assign(
          {},
          ...[...sys.apis, ...sys.workers, { name: 'ceiling', pid: ceiling.pid }].map((p) => {
            const pid = p.pid();
            return pid ? threadCpuMs(pid, `${p.name} `) : {};
          }),
        ) as CpuSnapshot,
      server: `Temporal cluster ${sys.temporal.internals.shards} shards on PostgreSQL, mTLS; ${sys.workers.length} workers, ${sys.apis.length} APIs`,
      dbKind: 'mariadb',
      cores: cpus().length,
      /** SQL statements the workers and APIs sent to MariaDB so far, by their text, summed over the processes. */
      sqlCounts: async (): Promise<Record<string, number>> => {
        const pids = [...sys.apis, ...sys.workers].map((p) => p.pid()).filter((p) => p !== undefined);
        const read = (pid: number): Record<string, number> => {
          try {
            return JSON.parse(readFileSync(`${sqlCountFile}.${pid}`, 'utf8')) as Record<string, number>;
          } catch {
            return {};
          }
        };
        const asked = Math.max(0, ...pids.map((pid) => read(pid)['#asked'] ?? 0)) + 1;
        writeFileSync(`${sqlCountFile}.ask`, String(asked));
        for (let i = 0; i < 100 && pids.some((pid) => (read(pid)['#asked'] ?? 0) < asked); i++)
          await new Promise((r) => setTimeout(r, 50));
        const counts: Record<string, number> = {};
        for (const pid of pids)
          for (const [sql, n] of Object.entries(read(pid))) if (sql !== '#asked') counts[sql] = (counts[sql] ?? 0) + n;
        return counts;
      },
      watch: ps.watch,
      logDir: dir,
      townB,
      close,
    };
  } catch (e) {
    await close();
    throw e;
  }
}

/** POST to a simulator's admin API (routes); throws unless it answers 2xx. */
async function simAdmin(url: string, token: string, path: string, body: unknown) {
  const res = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${path}: ${res.status}`);
}

/** `name v, …  = total ms/case` of a cpuPerCase result (the processes that used CPU). */
export function cpuLine(cpu: Record<string, number>): string {
  const total = Object.values(cpu).reduce((a, v) => a + v, 0);
  return (
    Object.entries(cpu)
      .filter(([, v]) => v > 0)
      .map(([k, v]) => `${k} ${v.toFixed(1)}`)
      .join(', ') + ` = ${total.toFixed(1)} ms/case`
  );
}

/**
 * CPU ms of the shared PostgreSQL instance's processes that serve this cluster, as a counter that only grows: the
 * backends connected to its databases (their title names the database) and the instance's background processes
 * (checkpointer, WAL writer, autovacuum, …), i.e. the children of the postmaster; each process counts from its first
 * sight (a backend that exits between two snapshots loses its last slice — Temporal keeps its pool open).
 */
function postgresCpu(databases: string[]): () => number {
  const postmaster = Number(
    readFileSync(join(process.env.JUKI_POSTGRES_DIR ?? '/var/tmp/juki-postgres', 'data', 'postmaster.pid'), 'utf8')
      .split('\n')[0]!
      .trim(),
  );
  const seen = new Map<number, number>();
  let total = 0;
  let first = true;
  return () => {
    for (const name of readdirSync('/proc')) {
      const pid = Number(name);
      if (!pid) continue;
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
        if (ppid !== postmaster) continue;
        const title = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
        const backend =
          /^postgres: \S+ \S+ /.test(title) &&
          !/^postgres: (autovacuum|logical|background|walwriter|checkpointer)/.test(title);
        if (backend && !databases.some((d) => title.includes(` ${d} `))) continue;
        const now = cpuMs(pid);
        total += now - (seen.get(pid) ?? (first ? now : 0));
        seen.set(pid, now);
      } catch {
        // exited while being read
      }
    }
    first = false;
    return total;
  };
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

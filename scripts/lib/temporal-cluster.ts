/**
 * A production-shaped Temporal cluster on this machine: the real Temporal server (scripts/ensure-temporal-server.sh,
 * v1.29.1, all services in one process) on PostgreSQL (scripts/ensure-postgres.sh, one shared instance; every
 * cluster has its own two databases derived from `dir`), more than one history shard, mutual TLS on the frontend and
 * between the services (scripts/temporal-certs.sh), the `default` namespace and our search attributes registered.
 * Every port is a free one. Used by `npm run cluster` (scripts/cluster.ts) and the cluster / fault / benchmark
 * tests. Node built-ins and the Temporal CLI (scripts/ensure-temporal.sh), which registers the namespace and the
 * search attributes.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { SEARCH_ATTRIBUTE_TYPES } from '../../src/workflows/search-attributes';

export interface TemporalClusterOptions {
  /** State directory: certificates, config YAML, server log. The database names are derived from it. */
  dir: string;
  /** Frontend gRPC port (at most 32767: Temporal stores it as SMALLINT); a free one when omitted. */
  frontendPort?: number;
  /** numHistoryShards (fixed when the databases are first made: a later start on the same dir keeps it); default 4. */
  shards?: number;
  /** Receives the server's log lines and progress; the server log is always in `<dir>/temporal-server.log`. */
  log?: (line: string) => void;
}

export interface TemporalCluster {
  /** host:port of the frontend (mTLS). */
  address: string;
  namespace: string;
  /** The CA, a client certificate of our CA (the worker's; `<dir>/certs/api.pem` is the API's) and the server name. */
  tls: { caFile: string; certFile: string; keyFile: string; serverName: string };
  /** TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_TLS_CERT/KEY/CA/SERVER_NAME for our processes. */
  env: Record<string, string>;
  /**
   * Stop the server process (SIGTERM, then SIGKILL) and start it again on the same ports and databases;
   * `whileStopped` runs in between (the backup drill wipes and restores the databases there).
   */
  restart(opts?: { whileStopped?: () => Promise<void> }): Promise<void>;
  /** Stop the server and drop its databases (`keepData`: keep them, a later start on the same dir continues). Idempotent. */
  stop(opts?: { keepData?: boolean }): Promise<void>;
  /** pid of the server process. */
  pid(): number;
}

/** What the cluster is made of, for tests and scripts that look inside (PostgreSQL tables, shard count). */
export interface TemporalClusterInternals {
  postgresUrl: string;
  databases: { temporal: string; visibility: string };
  shards: number;
  cliPath: string;
}

const HOST = '127.0.0.1';
const SERVER_NAME = 'temporal';
const NAMESPACE = 'default';
const ROOT = path.resolve(__dirname, '../..');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const PORT_FLOOR = 20000;
const MAX_PORT = 32767;

/** True when 127.0.0.1:port can be bound right now. */
const portFree = (port: number) =>
  new Promise<boolean>((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, HOST, () => srv.close(() => resolve(true)));
  });

function run(file: string, args: string[], opts: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}) {
  return new Promise<{ stdout: string; stderr: string }>((resolve, reject) => {
    execFile(
      file,
      args,
      { env: opts.env ?? process.env, timeout: opts.timeoutMs ?? 30 * 60_000, maxBuffer: 16 * 1024 * 1024 },
      (err, stdout, stderr) => {
        if (err) reject(new Error(`${path.basename(file)} ${args.slice(0, 4).join(' ')}: ${stderr || err.message}`));
        else resolve({ stdout, stderr });
      },
    );
  });
}

const script = (name: string) => path.join(ROOT, 'scripts', name);

/** The binaries and the PostgreSQL URL (each ensure-script installs or builds once, then answers from its cache). */
async function ensureParts() {
  const server = await run('bash', [script('ensure-temporal-server.sh')]);
  const paths = Object.fromEntries(
    server.stdout
      .trim()
      .split('\n')
      .map((l) => l.split('=', 2) as [string, string]),
  );
  const postgresUrl = (await run('bash', [script('ensure-postgres.sh')])).stdout.trim().split('\n').pop() ?? '';
  const cliPath = (await run('bash', [script('ensure-temporal.sh')])).stdout.trim().split('\n').pop() ?? '';
  return {
    serverBin: paths.TEMPORAL_SERVER_BIN!,
    sqlTool: paths.TEMPORAL_SQL_TOOL_BIN!,
    schemaDir: paths.TEMPORAL_SCHEMA_DIR!,
    postgresUrl,
    cliPath,
  };
}

/** Database names of a state dir: `temporal_<hash>` and `temporal_visibility_<hash>` (lower case, < 63 chars). */
export function clusterDatabaseNames(dir: string) {
  const h = createHash('sha256').update(path.resolve(dir)).digest('hex').slice(0, 12);
  return { temporal: `temporal_${h}`, visibility: `temporal_visibility_${h}` };
}

/** Drops the two databases of a state dir (a cluster that is not running): `npm run cluster -- --fresh`. */
export async function dropTemporalClusterDatabases(dir: string): Promise<void> {
  const url = (await run('bash', [script('ensure-postgres.sh')])).stdout.trim().split('\n').pop() ?? '';
  await dropDatabases(url, clusterDatabaseNames(dir));
}

function pgParts(url: string) {
  const u = new URL(url);
  return { host: u.hostname, port: u.port || '5432', user: decodeURIComponent(u.username), password: u.password };
}

/** psql against the shared instance as our role; -At: bare values. */
async function psql(url: string, sql: string): Promise<string> {
  const pg = pgParts(url);
  const { stdout } = await run(
    'psql',
    ['-X', '-At', '-v', 'ON_ERROR_STOP=1', '-h', pg.host, '-p', pg.port, '-U', pg.user, '-d', 'postgres', '-c', sql],
    { env: { ...process.env, PGPASSWORD: pg.password }, timeoutMs: 60_000 },
  );
  return stdout.trim();
}

const databaseExists = async (url: string, db: string) =>
  (await psql(url, `SELECT 1 FROM pg_database WHERE datname = '${db}'`)) === '1';

async function dropDatabases(url: string, names: { temporal: string; visibility: string }) {
  for (const db of [names.temporal, names.visibility]) await psql(url, `DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
}

/** create + setup-schema 0.0 on a new database, then update-schema (idempotent) with the module's versioned files. */
async function ensureSchema(sqlTool: string, url: string, db: string, versionedDir: string, log: (l: string) => void) {
  const pg = pgParts(url);
  const base = ['--plugin', 'postgres12', '--ep', pg.host, '-p', pg.port, '-u', pg.user, '--pw', pg.password];
  if (!(await databaseExists(url, db))) {
    log(`temporal-cluster: creating database ${db}`);
    await run(sqlTool, [...base, '--db', db, 'create']);
    await run(sqlTool, [...base, '--db', db, 'setup-schema', '-v', '0.0']);
  }
  await run(sqlTool, [...base, '--db', db, 'update-schema', '-d', versionedDir]);
}

function serverConfigYaml(o: {
  shards: number;
  db: { temporal: string; visibility: string };
  pg: ReturnType<typeof pgParts>;
  ports: Record<
    | 'frontend'
    | 'frontendHttp'
    | 'frontendMember'
    | 'history'
    | 'historyMember'
    | 'matching'
    | 'matchingMember'
    | 'worker'
    | 'workerMember',
    number
  >;
  certs: string;
  dynamicConfigFile: string;
}): string {
  const store = (db: string, conns: number) => `
      sql:
        pluginName: postgres12
        databaseName: ${db}
        connectAddr: "${o.pg.host}:${o.pg.port}"
        connectProtocol: tcp
        user: ${JSON.stringify(o.pg.user)}
        password: ${JSON.stringify(o.pg.password)}
        maxConns: ${conns}
        maxIdleConns: ${conns}
        maxConnLifetime: 1h`;
  const c = (f: string) => JSON.stringify(path.join(o.certs, f));
  const svc = (grpc: number, member: number, extra = '') => `
    rpc:
      grpcPort: ${grpc}
      membershipPort: ${member}
      bindOnIP: ${HOST}${extra}`;
  return `# written by scripts/lib/temporal-cluster.ts — regenerated on every start
log:
  stdout: true
  level: warn
persistence:
  defaultStore: postgres-default
  visibilityStore: postgres-visibility
  numHistoryShards: ${o.shards}
  datastores:
    postgres-default:${store(o.db.temporal, 20)}
    postgres-visibility:${store(o.db.visibility, 4)}
global:
  membership:
    maxJoinDuration: 30s
    broadcastAddress: ${HOST}
  pprof: # TEMPORAL_PPROF_PORT=<port>: the server's Go profiles (go tool pprof http://127.0.0.1:<port>/debug/pprof/profile)
    port: ${Number(process.env.TEMPORAL_PPROF_PORT) || 0}
  tls:
    internode:
      server:
        certFile: ${c('internode.pem')}
        keyFile: ${c('internode.key')}
        requireClientAuth: true
        clientCaFiles: [${c('ca.pem')}]
      client:
        serverName: ${SERVER_NAME}
        rootCaFiles: [${c('ca.pem')}]
    frontend:
      server:
        certFile: ${c('server.pem')}
        keyFile: ${c('server.key')}
        requireClientAuth: true
        clientCaFiles: [${c('ca.pem')}]
      client:
        serverName: ${SERVER_NAME}
        rootCaFiles: [${c('ca.pem')}]
    systemWorker:
      certFile: ${c('internode.pem')}
      keyFile: ${c('internode.key')}
      client:
        serverName: ${SERVER_NAME}
        rootCaFiles: [${c('ca.pem')}]
services:
  frontend:${svc(o.ports.frontend, o.ports.frontendMember, `\n      httpPort: ${o.ports.frontendHttp}`)}
  history:${svc(o.ports.history, o.ports.historyMember)}
  matching:${svc(o.ports.matching, o.ports.matchingMember)}
  worker:${svc(o.ports.worker, o.ports.workerMember)}
clusterMetadata:
  enableGlobalNamespace: false
  failoverVersionIncrement: 10
  masterClusterName: active
  currentClusterName: active
  clusterInformation:
    active:
      enabled: true
      initialFailoverVersion: 1
      rpcName: frontend
      rpcAddress: "${HOST}:${o.ports.frontend}"
dcRedirectionPolicy:
  policy: noop
publicClient:
  hostPort: "${HOST}:${o.ports.frontend}"
dynamicConfigClient:
  filepath: ${JSON.stringify(o.dynamicConfigFile)}
  pollInterval: 10s
`;
}

const DYNAMIC_CONFIG = `# written by scripts/lib/temporal-cluster.ts
frontend.enableServerVersionCheck:
  - value: false
# a search attribute registered at start-up is usable at once (the dev server does the same)
system.forceSearchAttributesCacheRefreshOnRead:
  - value: true
`;

export async function startTemporalCluster(
  opts: TemporalClusterOptions,
): Promise<TemporalCluster & { internals: TemporalClusterInternals }> {
  const log = opts.log ?? (() => {});
  const dir = path.resolve(opts.dir);
  fs.mkdirSync(dir, { recursive: true });
  const parts = await ensureParts();

  // certificates: CA, frontend server, internode, clients (worker, api, ui) — made once per state dir
  const certs = path.join(dir, 'certs');
  if (!fs.existsSync(path.join(certs, 'internode.pem'))) {
    log(`temporal-cluster: making certificates in ${certs}`);
    await run('bash', [script('temporal-certs.sh'), certs]);
  }

  // databases and schema; the shard count is fixed by the first start on this dir
  const databases = clusterDatabaseNames(dir);
  const shardsFile = path.join(dir, 'shards');
  const shards = fs.existsSync(shardsFile) ? Number(fs.readFileSync(shardsFile, 'utf8')) : (opts.shards ?? 4);
  if (!Number.isInteger(shards) || shards < 1) throw new Error(`temporal-cluster: bad shard count ${shards}`);
  fs.writeFileSync(shardsFile, String(shards));
  const pgSchema = path.join(parts.schemaDir, 'postgresql', 'v12');
  const createdNow = !(await databaseExists(parts.postgresUrl, databases.temporal));
  await ensureSchema(
    parts.sqlTool,
    parts.postgresUrl,
    databases.temporal,
    path.join(pgSchema, 'temporal', 'versioned'),
    log,
  );
  await ensureSchema(
    parts.sqlTool,
    parts.postgresUrl,
    databases.visibility,
    path.join(pgSchema, 'visibility', 'versioned'),
    log,
  );

  // ports: all free ones (never fixed), distinct, and below 32768: Temporal's cluster_membership table stores each
  // service's gRPC port as SMALLINT (PostgreSQL schema v12), so the kernel's ephemeral range (32768+) cannot be used
  const used = new Set<number>();
  const free = async (wanted?: number) => {
    if (wanted !== undefined) {
      if (wanted > MAX_PORT) throw new Error(`temporal-cluster: frontendPort ${wanted} must be <= ${MAX_PORT}`);
      used.add(wanted);
      return wanted;
    }
    for (;;) {
      const p = PORT_FLOOR + Math.floor(Math.random() * (MAX_PORT - PORT_FLOOR + 1));
      if (!used.has(p) && (await portFree(p))) {
        used.add(p);
        return p;
      }
    }
  };
  const ports = {
    frontend: await free(opts.frontendPort),
    frontendHttp: await free(),
    frontendMember: await free(),
    history: await free(),
    historyMember: await free(),
    matching: await free(),
    matchingMember: await free(),
    worker: await free(),
    workerMember: await free(),
  };
  const configDir = path.join(dir, 'config');
  fs.mkdirSync(configDir, { recursive: true });
  const dynamicConfigFile = path.join(configDir, 'dynamicconfig.yaml');
  fs.writeFileSync(dynamicConfigFile, DYNAMIC_CONFIG);
  fs.writeFileSync(
    path.join(configDir, 'cluster.yaml'),
    serverConfigYaml({ shards, db: databases, pg: pgParts(parts.postgresUrl), ports, certs, dynamicConfigFile }),
  );

  const address = `${HOST}:${ports.frontend}`;
  const tls = {
    caFile: path.join(certs, 'ca.pem'),
    certFile: path.join(certs, 'worker.pem'),
    keyFile: path.join(certs, 'worker.key'),
    serverName: SERVER_NAME,
  };
  const cliTls = [
    '--address',
    address,
    '--namespace',
    NAMESPACE,
    '--tls-ca-path',
    tls.caFile,
    '--tls-cert-path',
    tls.certFile,
    '--tls-key-path',
    tls.keyFile,
    '--tls-server-name',
    SERVER_NAME,
  ];
  const cli = (args: string[]) => run(parts.cliPath, [...args, ...cliTls], { timeoutMs: 20_000 });

  const logFile = path.join(dir, 'temporal-server.log');
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  let tail = '';
  const killOnExit = () => child?.kill('SIGKILL');
  process.on('exit', killOnExit);

  const launch = () => {
    const fd = fs.openSync(logFile, 'a');
    fs.writeSync(fd, `\n--- ${new Date().toISOString()} temporal-server start (${address})\n`);
    const args = ['--root', dir, '--config', 'config', '--env', 'cluster', '--allow-no-auth', 'start'];
    for (const s of ['frontend', 'history', 'matching', 'worker']) args.push('--service', s);
    const c = spawn(parts.serverBin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let partial = '';
    const onOut = (chunk: Buffer) => {
      fs.writeSync(fd, chunk);
      const text = partial + chunk.toString('utf8');
      tail = (tail + chunk.toString('utf8')).slice(-4096);
      const lines = text.split('\n');
      partial = lines.pop() ?? '';
      for (const l of lines) if (l.trim()) log(l);
    };
    c.stdout.on('data', onOut);
    c.stderr.on('data', onOut);
    exited = new Promise<void>((resolve) => c.once('exit', () => (fs.closeSync(fd), resolve())));
    child = c;
  };

  const halt = async () => {
    const c = child;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    c.kill('SIGTERM');
    const done = await Promise.race([exited.then(() => true), sleep(10_000).then(() => false)]);
    if (!done) {
      c.kill('SIGKILL');
      await exited;
    }
  };

  /** Until the frontend answers over mTLS, the namespace and search attributes exist and a workflow can be started. */
  const ready = async (timeoutMs = 120_000) => {
    const deadline = Date.now() + timeoutMs;
    let last = '';
    const step = async (what: string, fn: () => Promise<boolean>) => {
      for (;;) {
        if (child?.exitCode !== null || child?.signalCode !== null)
          throw new Error(`temporal-cluster: server exited during start-up (log: ${logFile})\n${tail}`);
        if (Date.now() > deadline)
          throw new Error(`temporal-cluster: ${what} not done within ${timeoutMs} ms: ${last} (log: ${logFile})`);
        try {
          if (await fn()) return;
        } catch (e) {
          last = (e as Error).message.slice(0, 500);
        }
        await sleep(500);
      }
    };
    await step('namespace default', async () => {
      try {
        await cli(['operator', 'namespace', 'describe']);
        return true;
      } catch {
        await cli(['operator', 'namespace', 'create', '--retention', '720h']).catch((e: Error) => {
          if (!/already exists|AlreadyExists/i.test(e.message)) throw e;
        });
        return false;
      }
    });
    await step('search attributes', async () => {
      const { stdout } = await cli(['operator', 'search-attribute', 'list', '--output', 'json']);
      const have = Object.keys((JSON.parse(stdout) as { customAttributes?: object }).customAttributes ?? {});
      const missing = Object.entries(SEARCH_ATTRIBUTE_TYPES).filter(([n]) => !have.includes(n));
      if (missing.length === 0) return true;
      // one per call: the CLI's --type applies to every --name of a call
      for (const [n, t] of missing) await cli(['operator', 'search-attribute', 'create', '--name', n, '--type', t]);
      return false;
    });
    await step('a workflow start', async () => {
      const id = `cluster-ready-probe-${Date.now()}`;
      await cli([
        'workflow',
        'start',
        '--type',
        'ReadyProbe',
        '--task-queue',
        'cluster-ready-probe',
        '--workflow-id',
        id,
      ]);
      await cli(['workflow', 'terminate', '--workflow-id', id, '--reason', 'readiness probe']);
      return true;
    });
  };

  const startAndWait = async () => {
    launch();
    try {
      await ready();
    } catch (e) {
      await halt();
      throw e;
    }
  };

  log(`temporal-cluster: starting Temporal server on ${address} (${shards} shards, PostgreSQL ${databases.temporal})`);
  try {
    await startAndWait();
  } catch (e) {
    process.removeListener('exit', killOnExit);
    // a first start that failed leaves nothing behind in the shared PostgreSQL
    if (createdNow) await dropDatabases(parts.postgresUrl, databases).catch(() => undefined);
    throw e;
  }
  log(`temporal-cluster: ready on ${address}`);

  let stopped: Promise<void> | undefined;
  return {
    address,
    namespace: NAMESPACE,
    tls,
    env: {
      TEMPORAL_ADDRESS: address,
      TEMPORAL_NAMESPACE: NAMESPACE,
      TEMPORAL_TLS_CA: tls.caFile,
      TEMPORAL_TLS_CERT: tls.certFile,
      TEMPORAL_TLS_KEY: tls.keyFile,
      TEMPORAL_TLS_SERVER_NAME: SERVER_NAME,
    },
    internals: { postgresUrl: parts.postgresUrl, databases, shards, cliPath: parts.cliPath },
    async restart(restartOpts) {
      if (stopped) throw new Error('temporal-cluster: restart() after stop()');
      await halt();
      await restartOpts?.whileStopped?.();
      log(`temporal-cluster: restarting Temporal server on ${address}`);
      await startAndWait();
    },
    stop(stopOpts) {
      stopped ??= (async () => {
        await halt();
        process.removeListener('exit', killOnExit);
        if (stopOpts?.keepData) return;
        await dropDatabases(parts.postgresUrl, databases);
        fs.rmSync(shardsFile, { force: true });
      })();
      return stopped;
    },
    pid() {
      return child?.pid ?? -1;
    },
  };
}

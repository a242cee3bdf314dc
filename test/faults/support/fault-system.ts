/**
 * The fault suite's system (issue 15 item 3): a Temporal server, a private MariaDB database behind a TCP proxy, N
 * workers, M APIs and the three partner simulators, each a separate `node` process of the project's own entry points
 * (src/worker/main.ts, src/api/main.ts, src/partners/*-simulator-main.ts), any of which a scenario kills (SIGKILL) and
 * restarts; helpers to drive cases through an API over HTTP and to count registry rows and simulator messages.
 *
 * Swapping parts is one line each: `startTemporal` (today the dev server with a db file, behind the small
 * `TemporalServer` interface of the cluster contract) and `spawnApp` (the process contract of branch `processes`).
 */
import { execFileSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Connection } from '@temporalio/client';
import { temporal as proto } from '@temporalio/proto';
import { spawnApp, type AppProcess, type AppRole } from '../../../scripts/lib/app-processes';
import type { BackupTargets, TemporalStore } from '../../../scripts/lib/backup';
import { dropTemporalClusterDatabases, startTemporalCluster } from '../../../scripts/lib/temporal-cluster';
import { findFreePort, startTemporalDevServer, type RunningDevServer } from '../../../scripts/lib/temporal-dev-server';
import { openRegistryDb } from '../../../src/db/orm';
import { withMunicipalityCheckDigit } from '../../../src/domain/check-digits';
import { DEMO_PASSWORD, DEMO_USERS, seedStaff } from '../../../src/db/seed/staff';
import { hashPassword } from '../../../src/domain/passwords';
import { SEARCH_ATTRIBUTE_TYPES } from '../../../src/workflows/search-attributes';
import { dropDatabase } from '../../support/demo-town-template';
import { workflowBundleOnce } from '../../support/workflow-bundle';
import { startTcpProxy, type TcpProxy } from './tcp-proxy';

const ROOT = join(__dirname, '..', '..', '..');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------------------------------------------------------
// Temporal: the shape of the cluster contract (scripts/lib/temporal-cluster.ts, branch `cluster`)
// ---------------------------------------------------------------------------------------------------------------

export interface TemporalServer {
  address: string;
  namespace: string;
  /** mTLS material of a client (the cluster); none for the dev server. */
  tls?: { caFile: string; certFile: string; keyFile: string; serverName: string };
  /** TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE (and TEMPORAL_TLS_* on the cluster) for our processes. */
  env: Record<string, string>;
  /**
   * Stops the server and starts it again on the same address with the same persistence; `whileStopped` runs in
   * between (the backup drill wipes and restores the persistence there).
   */
  restart(opts?: { whileStopped?: () => Promise<void> }): Promise<void>;
  stop(): Promise<void>;
  /** Where its state is (what scripts/backup.sh dumps). */
  store: TemporalStore;
  /** Deletes its state: drops the PostgreSQL databases / deletes the SQLite file. Only while stopped. */
  wipe(): Promise<void>;
}

const script = (name: string) =>
  execFileSync('bash', [join(ROOT, 'scripts', name)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] })
    .trim()
    .split('\n')
    .pop()!;

/**
 * The Temporal server of the suite: the production-shape cluster (scripts/lib/temporal-cluster.ts: the Temporal
 * server on PostgreSQL, 4 history shards, mTLS), or with FAULTS_TEMPORAL=dev the dev server with its state in a file.
 */
export async function startTemporal(opts: { dir: string; log?: (line: string) => void }): Promise<TemporalServer> {
  if (process.env.FAULTS_TEMPORAL === 'dev') return startDevServer(opts);
  const dir = join(opts.dir, 'temporal');
  const cluster = await startTemporalCluster({ dir, log: opts.log });
  const { postgresUrl, databases } = cluster.internals;
  return {
    address: cluster.address,
    namespace: cluster.namespace,
    tls: cluster.tls,
    env: cluster.env,
    restart: (o) => cluster.restart(o),
    stop: () => cluster.stop(),
    store: { kind: 'postgres', url: postgresUrl, databases: [databases.temporal, databases.visibility] },
    wipe: () => dropTemporalClusterDatabases(dir),
  };
}

/** The dev server with its state in a SQLite file, so a restart keeps it. */
async function startDevServer(opts: { dir: string; log?: (line: string) => void }): Promise<TemporalServer> {
  const cliPath = process.env.TEMPORAL_CLI_PATH ?? script('ensure-temporal.sh');
  const port = await findFreePort();
  const dbFile = join(opts.dir, 'temporal.sqlite');
  const start = () =>
    startTemporalDevServer({
      cliPath,
      port,
      headless: true,
      dbFile,
      logFile: join(opts.dir, 'temporal.log'),
      searchAttributes: SEARCH_ATTRIBUTE_TYPES,
    });
  let server: RunningDevServer = await start();
  return {
    address: server.address,
    namespace: 'default',
    env: { TEMPORAL_ADDRESS: server.address, TEMPORAL_NAMESPACE: 'default' },
    async restart(o) {
      await server.stop();
      await o?.whileStopped?.();
      server = await start();
    },
    stop: () => server.stop(),
    store: { kind: 'sqlite', file: dbFile },
    async wipe() {
      for (const side of ['', '-wal', '-shm']) rmSync(dbFile + side, { force: true });
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// The system
// ---------------------------------------------------------------------------------------------------------------

export interface FaultSystemOptions {
  workers?: number;
  apis?: number;
  /** Extra environment for every worker and API (short timings: APPROVAL_SLA, ACTIVITY_TIMEOUT, …). */
  env?: Record<string, string>;
  /** The APIs reach Temporal through a proxy the scenario can cut (`temporalProxy`). */
  apiTemporalProxy?: boolean;
}

export interface ApiResponse {
  status: number;
  json: any;
}

export type CsKind =
  | 'identity-updates'
  | 'move-in-notices'
  | 'move-out-certificates'
  | 'certificate-requests'
  | 'move-out-certificate-withdrawals'
  | 'address-annex-notices';
export type JlisKind = 'continued-use' | 'card-events';

export interface RegistryCounts {
  cases: Record<string, number>;
  residents: number;
  residentsWithoutHistory: number;
  history: number;
  outbox: Record<string, number>;
  certificates: number;
  heldCertificates: Record<string, number>;
  inboundMessages: number;
}

export class FaultSystem {
  readonly dir: string;
  temporal!: TemporalServer;
  /** The registry's MariaDB, as the workers and APIs reach it: `dbProxy.cut()` makes it go away for all of them. */
  dbProxy!: TcpProxy;
  /** In front of Temporal for the APIs (with `apiTemporalProxy`). */
  temporalProxy?: TcpProxy;
  workers: AppProcess[] = [];
  apis: AppProcess[] = [];
  cs!: AppProcess;
  jlis!: AppProcess;
  portal!: AppProcess;
  databaseUrl!: string;
  readonly taskQueue = `faults-${randomBytes(4).toString('hex')}`;
  private directUrl!: string;
  private mariadbUrl!: string;
  private orm!: Awaited<ReturnType<typeof openRegistryDb>>;
  private connection!: Connection;
  private env: Record<string, string> = {};
  private secret!: Record<
    'CS_TOKEN' | 'JLIS_TOKEN' | 'PORTAL_TOKEN' | 'CS_INBOUND_TOKEN' | 'JLIS_INBOUND_TOKEN',
    string
  >;
  private tokens = new Map<string, string>();
  private seq = 0;

  private constructor(private readonly opts: FaultSystemOptions) {
    this.dir = mkdtempSync(join(tmpdir(), 'juki-faults-'));
  }

  static async start(opts: FaultSystemOptions = {}): Promise<FaultSystem> {
    const sys = new FaultSystem(opts);
    try {
      await sys.boot();
    } catch (e) {
      await sys.close();
      throw e;
    }
    return sys;
  }

  private log = (file: string) => join(this.dir, `${file}.log`);
  /** A process's output lines into its log file (read back by `tail`). */
  private logTo = (name: string) => (line: string) => appendFileSync(this.log(name), `${line}\n`);

  /** A gRPC connection to Temporal (mTLS on the cluster). */
  async connect(): Promise<Connection> {
    const tls = this.temporal.tls;
    return Connection.connect({
      address: this.temporal.address,
      ...(tls
        ? {
            tls: {
              serverNameOverride: tls.serverName,
              serverRootCACertificate: readFileSync(tls.caFile),
              clientCertPair: { crt: readFileSync(tls.certFile), key: readFileSync(tls.keyFile) },
            },
          }
        : {}),
    });
  }

  private async boot() {
    const opts = this.opts;
    const [bundle, temporal] = await Promise.all([workflowBundleOnce(), startTemporal({ dir: this.dir })]);
    this.temporal = temporal;
    this.connection = await this.connect();

    // a private database on the shared MariaDB, reached through the proxy by our processes
    this.mariadbUrl = process.env.MARIADB_URL ?? script('ensure-mariadb.sh');
    const base = new URL(this.mariadbUrl);
    base.pathname = `/juki_faults_${randomBytes(4).toString('hex')}`;
    this.directUrl = base.toString();
    this.dbProxy = await startTcpProxy({ host: base.hostname, port: Number(base.port || 3306) });
    const proxied = new URL(this.directUrl);
    proxied.hostname = '127.0.0.1';
    proxied.port = String(this.dbProxy.port);
    this.databaseUrl = proxied.toString();
    this.orm = await openRegistryDb(this.directUrl, { migrate: true });
    await seedStaff(this.orm, DEMO_USERS, DEMO_PASSWORD, await hashPassword(DEMO_PASSWORD));

    const k = () => randomBytes(32).toString('base64');
    const token = (what: string) => `${what}-${randomBytes(12).toString('hex')}`;
    const [csPort, jlisPort, portalPort] = [await findFreePort(), await findFreePort(), await findFreePort()];
    const sims = (this.secret = {
      CS_TOKEN: token('cs'),
      JLIS_TOKEN: token('jlis'),
      PORTAL_TOKEN: token('portal'),
      CS_INBOUND_TOKEN: token('cs-inbound'),
      JLIS_INBOUND_TOKEN: token('jlis-inbound'),
    });
    this.env = {
      ...temporal.env,
      ...sims,
      NODE_ENV: 'development',
      JUKI_DATA_DIR: this.dir,
      DATABASE_URL: this.databaseUrl,
      TASK_QUEUE: this.taskQueue,
      PII_ENCRYPTION_KEY: k(),
      PII_INDEX_KEY: k(),
      PAYLOAD_CODEC_KEY: k(),
      ACTOR_SIGNING_KEY: k(),
      CS_URL: `http://127.0.0.1:${csPort}`,
      JLIS_URL: `http://127.0.0.1:${jlisPort}`,
      PORTAL_URL: `http://127.0.0.1:${portalPort}`,
      STAFF_SECOND_FACTOR: 'demo-password',
      PORTAL_KEY_ID: 'faults-portal',
      PORTAL_KEY: k(),
      REGISTRY_RETRY_INITIAL_MS: '100',
      REGISTRY_RETRY_MAX_MS: '2000',
      DELIVERY_RETRY_INITIAL_MS: '150',
      DELIVERY_RETRY_MAX_MS: '2000',
      WORKFLOW_BUNDLE: bundle,
      ...opts.env,
    };
    const sim = (role: AppRole, name: string, env: Record<string, string>) =>
      spawnApp(role, { env, name, log: this.logTo(name) });
    [this.cs, this.jlis, this.portal] = await Promise.all([
      sim('cs-simulator', 'cs', { CS_TOKEN: sims.CS_TOKEN, CS_SIM_PORT: String(csPort) }),
      sim('jlis-simulator', 'jlis', { JLIS_TOKEN: sims.JLIS_TOKEN, JLIS_SIM_PORT: String(jlisPort) }),
      // the portal keeps its state (notices received, registrations, its test PKI) on disk across restarts
      sim('portal-simulator', 'portal', {
        PORTAL_TOKEN: sims.PORTAL_TOKEN,
        PORTAL_SIM_PORT: String(portalPort),
        SIM_STATE_DIR: join(this.dir, 'portal-state'),
      }),
    ]);
    await this.trustPortal();
    if (opts.apiTemporalProxy) {
      const [host = '127.0.0.1', port] = temporal.address.split(':');
      this.temporalProxy = await startTcpProxy({ host, port: Number(port) });
    }
    const workers = opts.workers ?? 1;
    for (let i = 0; i < workers; i++) this.workers.push(await this.startWorker());
    const apis = opts.apis ?? 1;
    for (let i = 0; i < apis; i++) this.apis.push(await this.startApi());
    // the portal submits signed online 転出届 to the first API (as `npm start` registers the town)
    await this.portalAdmin('POST', '/_admin/municipalities', {
      municipalityCode: this.municipalityCode,
      intakeBaseUrl: `${this.apis[0]!.url}/portal/v1`,
      keyId: this.env.PORTAL_KEY_ID,
      key: this.env.PORTAL_KEY,
    });
  }

  /** The town's code (src/config.ts default: MUNICIPALITY_CODE is not set here). */
  readonly municipalityCode = withMunicipalityCheckDigit('13999');

  /** The portal simulator's test CA as the intake's trust anchor: files the APIs read (as `npm start` writes them). */
  private async trustPortal() {
    const t = (await this.portalAdmin('GET', '/_admin/trust')).json as Record<
      'anchors' | 'intermediates' | 'revokedSerials',
      string[]
    >;
    const dir = join(this.dir, 'portal-trust');
    mkdirSync(dir, { recursive: true });
    const files = {
      PORTAL_TRUST_ANCHORS: join(dir, 'anchors.pem'),
      PORTAL_TRUST_INTERMEDIATES: join(dir, 'intermediates.pem'),
      PORTAL_REVOKED_SERIALS: join(dir, 'revoked-serials.txt'),
    };
    writeFileSync(files.PORTAL_TRUST_ANCHORS, t.anchors.join('\n'));
    writeFileSync(files.PORTAL_TRUST_INTERMEDIATES, t.intermediates.join('\n'));
    writeFileSync(files.PORTAL_REVOKED_SERIALS, `${t.revokedSerials.join('\n')}\n`);
    Object.assign(this.env, files);
  }

  /** An admin call to the portal simulator (its bearer token). */
  async portalAdmin(method: string, path: string, body?: unknown): Promise<ApiResponse> {
    const r = await fetch(`${this.portal.url}/portal-sim/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${this.secret.PORTAL_TOKEN}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await r.text();
    const json = text ? (JSON.parse(text) as unknown) : undefined;
    if (!r.ok) throw new Error(`portal ${method} ${path}: ${r.status} ${text}`);
    return { status: r.status, json };
  }

  /** Notices the portal simulator accepted, with how many distinct idempotency keys they carry. */
  async portalReceived(): Promise<{ count: number; distinct: number; items: any[] }> {
    const items = await this.received(this.portal, '/portal-sim/v1', this.secret.PORTAL_TOKEN, 'notices');
    return { count: items.length, distinct: new Set(items.map((i) => i.idempotencyKey)).size, items };
  }

  /** One more worker process on the task queue; ready when Temporal lists its poller. */
  async startWorker(): Promise<AppProcess> {
    const name = `worker-${++this.seq}`;
    return spawnApp('worker', { env: this.env, name, log: this.logTo(name), isReady: (pid) => this.hasPoller(pid) });
  }

  async startApi(): Promise<AppProcess> {
    const name = `api-${++this.seq}`;
    const port = await findFreePort();
    const url = `http://127.0.0.1:${port}`;
    return spawnApp('api', {
      env: {
        ...this.env,
        API_PORT: String(port),
        ...(this.temporalProxy ? { TEMPORAL_ADDRESS: this.temporalProxy.address } : {}),
      },
      name,
      log: this.logTo(name),
      // it listens only after connecting to the registry and Temporal (src/api/main.ts): any answer will do
      isReady: () =>
        fetch(`${url}/api/health`).then(
          () => true,
          () => false,
        ),
    });
  }

  /** Whether Temporal lists the worker process's poller (identity `<pid>@<host>`) on the task queue. */
  private async hasPoller(pid: number): Promise<boolean> {
    const r = await this.connection.workflowService
      .describeTaskQueue({
        namespace: this.temporal.namespace,
        taskQueue: { name: this.taskQueue },
        taskQueueType: proto.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY,
      })
      .catch(() => undefined);
    return r?.pollers?.some((x) => x.identity === `${pid}@${hostname()}`) ?? false;
  }

  /** The last lines a process wrote (for failure messages). */
  tail(name: string, bytes = 3000): string {
    try {
      return readFileSync(this.log(name), 'utf8').slice(-bytes);
    } catch {
      return '';
    }
  }

  // ----- driving cases over HTTP ---------------------------------------------------------------------------------

  async api(
    method: string,
    path: string,
    opts: { token?: string; body?: unknown; headers?: Record<string, string>; via?: number } = {},
  ): Promise<ApiResponse> {
    const target = this.apis[opts.via ?? 0];
    if (!target?.url) throw new Error(`no API ${opts.via ?? 0}`);
    const res = await fetch(target.url + path, {
      method,
      headers: {
        ...(opts.body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
        ...opts.headers,
      },
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
    });
    const text = await res.text();
    let json: any;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = text;
    }
    return { status: res.status, json };
  }

  /** A session of a demo user (cached per user; a session is a DB row, so every API accepts it). */
  async login(userId: string): Promise<string> {
    const known = this.tokens.get(userId);
    if (known) return known;
    const r = await this.api('POST', '/api/auth/login', {
      body: { userId, password: DEMO_PASSWORD, terminalId: 'T-HONCHO-01' },
    });
    if (r.status !== 200) throw new Error(`login ${userId}: ${r.status} ${JSON.stringify(r.json)}`);
    this.tokens.set(userId, r.json.token);
    return r.json.token;
  }

  /** A counter intake by clerk1 (201 expected); returns the case ID. */
  async intake(procedure: string, body: unknown, opts: { via?: number; key?: string } = {}): Promise<string> {
    const r = await this.api('POST', `/api/cases/${procedure}`, {
      token: await this.login('clerk1'),
      body,
      headers: { 'idempotency-key': opts.key ?? randomUUID() },
      via: opts.via,
    });
    if (r.status !== 201) throw new Error(`intake ${procedure}: ${r.status} ${JSON.stringify(r.json)}`);
    return r.json.caseId as string;
  }

  /** 決裁 by approver1 (retried while the API or the workflow is not there yet). */
  async approve(caseId: string, opts: { via?: number } = {}): Promise<void> {
    const token = await this.login('approver1');
    const until = Date.now() + 120_000;
    let last: ApiResponse | undefined;
    while (Date.now() < until) {
      last = await this.api('POST', `/api/cases/${caseId}/approve`, { token, via: opts.via }).catch(() => undefined);
      if (last?.status === 200) return;
      await sleep(500);
    }
    throw new Error(`approve ${caseId}: ${last?.status} ${JSON.stringify(last?.json)}`);
  }

  async caseOf(caseId: string): Promise<any> {
    return (await this.api('GET', `/api/cases/${caseId}`, { token: await this.login('clerk1') })).json;
  }

  /** Waits until every case has `status` (default 180 s); the error names the cases that did not get there. */
  async waitForStatus(caseIds: string[], status: string, timeoutMs = 180_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    let pending = caseIds;
    while (Date.now() < until) {
      const rows = await this.sql<{ case_id: string; status: string }>(
        `select case_id, status from case_record where case_id in (${caseIds.map(() => '?').join(',')})`,
        caseIds,
      );
      pending = caseIds.filter((id) => rows.find((r) => r.case_id === id)?.status !== status);
      if (!pending.length) return;
      await sleep(500);
    }
    const views = await Promise.all(pending.slice(0, 3).map((id) => this.caseOf(id).catch(() => undefined)));
    throw new Error(
      `not ${status}: ${views
        .map((v, i) => `${pending[i]} ${v?.status} (${v?.failingStep ?? '-'}: ${v?.lastError ?? '-'})`)
        .join('; ')}`,
    );
  }

  // ----- counting ------------------------------------------------------------------------------------------------

  async sql<T = Record<string, unknown>>(query: string, params: unknown[] = []): Promise<T[]> {
    return (await this.orm.em.fork().getConnection().execute(query, params)) as T[];
  }

  private async grouped(query: string): Promise<Record<string, number>> {
    const rows = await this.sql<{ k: string; n: number | string }>(query);
    return Object.fromEntries(rows.map((r) => [r.k, Number(r.n)]));
  }

  async counts(): Promise<RegistryCounts> {
    const one = async (q: string) => Number((await this.sql<{ n: number }>(q))[0]?.n);
    return {
      cases: await this.grouped('select status k, count(*) n from case_record group by status'),
      residents: await one('select count(*) n from resident'),
      residentsWithoutHistory: await one(
        'select count(*) n from resident r where not exists (select 1 from resident_history h where h.addressee_number = r.addressee_number)',
      ),
      history: await one('select count(*) n from resident_history'),
      outbox: await this.grouped('select status k, count(*) n from outbox_message group by status'),
      certificates: await one('select count(*) n from certificate_issuance'),
      heldCertificates: await this.grouped('select state k, count(*) n from held_move_out_certificate group by state'),
      inboundMessages: await one('select count(*) n from inbound_message'),
    };
  }

  private async received(sim: AppProcess, prefix: string, token: string, kind: string): Promise<any[]> {
    const r = await fetch(`${sim.url}${prefix}/_admin/received?kind=${kind}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    if (!r.ok) throw new Error(`${sim.name} received ${kind}: ${r.status}`);
    return ((await r.json()) as { items: any[] }).items;
  }

  /** Messages the CS simulator accepted of one kind, with how many distinct idempotency keys they carry. */
  async csReceived(kind: CsKind): Promise<{ count: number; distinct: number; items: any[] }> {
    const items = await this.received(this.cs, '/cs/v1', this.secret.CS_TOKEN, kind);
    return { count: items.length, distinct: new Set(items.map((i) => i.idempotencyKey)).size, items };
  }

  async jlisReceived(kind: JlisKind): Promise<{ count: number; distinct: number; items: any[] }> {
    const items = await this.received(this.jlis, '/jlis/v1', this.secret.JLIS_TOKEN, kind);
    return { count: items.length, distinct: new Set(items.map((i) => i.idempotencyKey)).size, items };
  }

  /** Sets a simulator's faults (src/partners/sim/faults.ts: failNext, delayMs, outage, clear). */
  async faults(partner: 'cs' | 'jlis' | 'portal', body: Record<string, unknown>): Promise<void> {
    const [sim, prefix, token] =
      partner === 'cs'
        ? [this.cs, '/cs/v1', this.secret.CS_TOKEN]
        : partner === 'jlis'
          ? [this.jlis, '/jlis/v1', this.secret.JLIS_TOKEN]
          : [this.portal, '/portal-sim/v1', this.secret.PORTAL_TOKEN];
    const r = await fetch(`${sim.url}${prefix}/_admin/faults`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!r.ok) throw new Error(`${partner} faults: ${r.status} ${await r.text()}`);
  }

  /** The bearer token of an inbound partner route (/cs-inbound: the any-sender development credential). */
  inboundToken(which: 'cs' | 'jlis'): string {
    return which === 'cs' ? this.secret.CS_INBOUND_TOKEN : this.secret.JLIS_INBOUND_TOKEN;
  }

  // ----- backup and restore (test/faults/backup-restore.test.ts) -------------------------------------------------

  /** What scripts/backup.sh backs up in this system: the registry (directly, not through the proxy) and Temporal. */
  get backupTargets(): BackupTargets {
    return { databaseUrl: this.directUrl, temporal: this.temporal.store };
  }

  /**
   * Stops everything of ours (APIs, workers, Temporal), deletes all state (the registry database dropped, Temporal's
   * databases / file deleted), runs `restore`, then starts Temporal, the workers and the APIs again (same addresses).
   * The simulators stay: they are the partners, outside the city's backup.
   */
  async wipeAndRestore(restore: () => Promise<void>): Promise<void> {
    for (const p of [...this.apis, ...this.workers]) await p.kill();
    await this.connection.close();
    await this.temporal.restart({
      whileStopped: async () => {
        await this.orm.close(true);
        await dropDatabase(this.mariadbUrl, new URL(this.directUrl).pathname.slice(1));
        await this.temporal.wipe();
        await restore();
        this.orm = await openRegistryDb(this.directUrl, { migrate: false });
      },
    });
    this.connection = await this.connect();
    for (const p of [...this.workers, ...this.apis]) await p.restart();
  }

  get config(): Record<string, string> {
    return { ...this.env };
  }

  async close(): Promise<void> {
    for (const p of [...this.apis, ...this.workers, this.cs, this.jlis, this.portal])
      await p?.kill('SIGKILL').catch(() => {});
    await this.connection?.close().catch(() => {});
    await this.temporal?.stop().catch(() => {});
    await this.temporalProxy?.close().catch(() => {});
    await this.orm?.close(true).catch(() => {});
    await this.dbProxy?.close().catch(() => {});
    if (this.directUrl) {
      const db = new URL(this.directUrl).pathname.slice(1);
      await dropDatabase(this.mariadbUrl, db).catch(() => {});
    }
    if (!process.env.KEEP_FAULT_LOGS) rmSync(this.dir, { recursive: true, force: true });
    else mkdirSync(this.dir, { recursive: true });
  }
}

/** One line per scenario: the exact counts it ended with. */
export function summary(scenario: string, counts: Record<string, unknown>): void {
  console.log(`[faults] ${scenario}: ${JSON.stringify(counts)}`);
}

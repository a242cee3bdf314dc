/**
 * The production shape on this machine (`npm run cluster`, test/cluster/): the Temporal cluster
 * (scripts/lib/temporal-cluster.ts: the real server on PostgreSQL, mTLS, several shards), the registry on MariaDB /
 * MySQL (migrations run first), N worker and M API processes and the three partner simulators, each a separate
 * `node` process (scripts/lib/app-processes.ts). The keys are made once per state directory (`<dir>/keys.json`, 0600)
 * and given to every process by environment, as production does.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { createConnection } from 'mysql2/promise';
import { withMunicipalityCheckDigit } from '../../src/domain/check-digits';
import { hashPassword } from '../../src/domain/passwords';
import { openRegistryDb } from '../../src/db/orm';
import { DEMO_PASSWORD, DEMO_USERS, seedStaff } from '../../src/db/seed/staff';
import { type AppProcess, spawnApp } from './app-processes';
import { startTemporalCluster, type TemporalCluster, type TemporalClusterInternals } from './temporal-cluster';

export interface ClusterSystemOptions {
  /** State directory (Temporal certificates and config, keys, simulator state). */
  dir: string;
  /** The registry: mysql://… or mariadb://… (its own database; made and migrated here). */
  databaseUrl: string;
  workers?: number;
  apis?: number;
  shards?: number;
  /** Extra environment for every app process (e.g. timings). */
  env?: Record<string, string>;
  /** Node options for a worker or API process by its name (worker-1, api-1 …; benchmarks: `--cpu-prof`, a preload). */
  nodeArgs?: (name: string) => string[];
  log?: (line: string) => void;
}

export interface ClusterSystem {
  temporal: TemporalCluster & { internals: TemporalClusterInternals };
  workers: AppProcess[];
  apis: AppProcess[];
  cs: AppProcess;
  jlis: AppProcess;
  portal: AppProcess;
  /** The environment common to the app processes (without the per-role client certificate). */
  env: Record<string, string>;
  /** Every process, Temporal last; `keepData` keeps the Temporal databases (the registry database is always kept). */
  stop(opts?: { keepData?: boolean }): Promise<void>;
}

const ROOT = path.resolve(__dirname, '../..');

function keysOf(dir: string): Record<string, string> {
  const file = path.join(dir, 'keys.json');
  if (!fs.existsSync(file)) {
    const gen = () => randomBytes(32).toString('base64');
    const keys = {
      PII_ENCRYPTION_KEY: gen(),
      PII_INDEX_KEY: gen(),
      PAYLOAD_CODEC_KEY: gen(),
      ACTOR_SIGNING_KEY: gen(),
      CS_TOKEN: `cs-${randomBytes(12).toString('hex')}`,
      CS_INBOUND_TOKEN: `csin-${randomBytes(12).toString('hex')}`,
      JLIS_TOKEN: `jlis-${randomBytes(12).toString('hex')}`,
      JLIS_INBOUND_TOKEN: `jlisin-${randomBytes(12).toString('hex')}`,
      PORTAL_TOKEN: `portal-${randomBytes(12).toString('hex')}`,
    };
    fs.writeFileSync(file, JSON.stringify(keys, null, 2), { mode: 0o600 });
  }
  return JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, string>;
}

/** `node --import tsx scripts/db/migrate.ts` with the registry's environment (as the compose `migrate` job). */
function migrate(env: Record<string, string>) {
  return new Promise<void>((resolve, reject) =>
    execFile(
      process.execPath,
      ['--import', 'tsx', path.join(ROOT, 'scripts/db/migrate.ts')],
      { cwd: ROOT, env: { ...process.env, ...env }, timeout: 10 * 60_000 },
      (err, _stdout, stderr) => (err ? reject(new Error(`migrate failed: ${stderr || err.message}`)) : resolve()),
    ),
  );
}

/** The registry database of the URL, made if missing (the URL's user needs CREATE on it). */
async function createDatabase(databaseUrl: string) {
  const u = new URL(databaseUrl.replace(/^mariadb:/, 'mysql:'));
  const db = u.pathname.slice(1);
  if (!/^[A-Za-z0-9_]+$/.test(db)) throw new Error('cluster: the registry database name must be [A-Za-z0-9_]+');
  u.pathname = '/';
  const conn = await createConnection(u.toString());
  try {
    await conn.query(`CREATE DATABASE IF NOT EXISTS \`${db}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  } finally {
    await conn.end();
  }
}

export async function startClusterSystem(opts: ClusterSystemOptions): Promise<ClusterSystem> {
  const log = opts.log ?? ((l: string) => console.log(l));
  const dir = path.resolve(opts.dir);
  fs.mkdirSync(dir, { recursive: true });
  const started: AppProcess[] = [];
  let temporal: ClusterSystem['temporal'] | undefined;
  const stop = async (stopOpts?: { keepData?: boolean }) => {
    // APIs first (no new work), then workers (finish in-flight tasks), simulators, Temporal last
    for (const p of started.slice().reverse()) await p.kill('SIGTERM').catch(() => undefined);
    await temporal?.stop(stopOpts);
  };
  try {
    temporal = await startTemporalCluster({ dir: path.join(dir, 'temporal'), shards: opts.shards, log });
    const keys = keysOf(dir);
    const certs = path.dirname(temporal.tls.caFile);
    const simEnv = (name: string): Record<string, string> => {
      const state = path.join(dir, 'sim', name);
      fs.mkdirSync(state, { recursive: true });
      return { SIM_STATE_DIR: state };
    };
    const cs = await spawnApp('cs-simulator', {
      env: { CS_TOKEN: keys.CS_TOKEN!, CS_SIM_PORT: '0', ...simEnv('cs') },
      name: 'cs-sim',
      log,
    });
    started.push(cs);
    const jlis = await spawnApp('jlis-simulator', {
      env: { JLIS_TOKEN: keys.JLIS_TOKEN!, JLIS_SIM_PORT: '0', ...simEnv('jlis') },
      name: 'jlis-sim',
      log,
    });
    started.push(jlis);
    const portal = await spawnApp('portal-simulator', {
      env: { PORTAL_TOKEN: keys.PORTAL_TOKEN!, PORTAL_SIM_PORT: '0', ...simEnv('portal') },
      name: 'portal-sim',
      log,
    });
    started.push(portal);

    const env: Record<string, string> = {
      JUKI_DATA_DIR: path.join(dir, 'data'),
      DATABASE_URL: opts.databaseUrl,
      ...temporal.env,
      ...keys,
      CS_URL: cs.url!,
      JLIS_URL: jlis.url!,
      PORTAL_URL: portal.url!,
      STAFF_SECOND_FACTOR: process.env.STAFF_SECOND_FACTOR ?? 'demo-password',
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
      ...opts.env,
    };
    await createDatabase(opts.databaseUrl);
    log('cluster: registry migrations');
    await migrate(env);
    const orm = await openRegistryDb(opts.databaseUrl, { migrate: false });
    try {
      await seedStaff(orm, DEMO_USERS, DEMO_PASSWORD, await hashPassword(DEMO_PASSWORD));
    } finally {
      await orm.close(true);
    }

    const profile = (name: string) => (opts.nodeArgs ? { nodeArgs: opts.nodeArgs(name) } : {});
    const workers: AppProcess[] = [];
    const workerCert = {
      TEMPORAL_TLS_CERT: path.join(certs, 'worker.pem'),
      TEMPORAL_TLS_KEY: path.join(certs, 'worker.key'),
    };
    // one at a time: each bundles the workflow code first (two at once on 2 cores only take longer)
    for (let i = 1; i <= (opts.workers ?? 2); i++) {
      const w = await spawnApp('worker', {
        env: { ...env, ...workerCert },
        name: `worker-${i}`,
        log,
        ...profile(`worker-${i}`),
      });
      started.push(w);
      workers.push(w);
    }
    const apis: AppProcess[] = [];
    const apiCert = { TEMPORAL_TLS_CERT: path.join(certs, 'api.pem'), TEMPORAL_TLS_KEY: path.join(certs, 'api.key') };
    for (let i = 1; i <= (opts.apis ?? 2); i++) {
      const a = await spawnApp('api', {
        env: { ...env, ...apiCert, API_PORT: '0' },
        name: `api-${i}`,
        log,
        ...profile(`api-${i}`),
      });
      started.push(a);
      apis.push(a);
    }
    // the simulated CS delivers messages addressed to this town (転入通知, 転出証明書情報, 送信依頼) to API 1
    const res = await fetch(`${cs.url}/cs/v1/_admin/${apis.length ? 'routes' : 'health'}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${keys.CS_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        municipalityCode: env.MUNICIPALITY_CODE ?? withMunicipalityCheckDigit('13999') /* src/config.ts default */,
        inboundUrl: `${apis[0]?.url}/cs-inbound/v1`,
        token: keys.CS_INBOUND_TOKEN,
      }),
    });
    if (apis.length && !res.ok) throw new Error(`cluster: CS route registration answered ${res.status}`);
    return { temporal, workers, apis, cs, jlis, portal, env, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

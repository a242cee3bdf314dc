import { execFile } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AppRole, spawnApp } from '../../scripts/lib/app-processes';
import { seedStaff, DEMO_PASSWORD } from '../../src/db/seed/staff';
import { freePort } from './free-port';
import { moveInApplication } from './fixtures';
import { openTestDb } from './harness';
import { eventually } from './system-harness-utils';

/**
 * A preload for every process of a built system: resolving `tsx` or `typescript` (or loading a .ts file) throws, so
 * a compiled entry point that still needs them fails loudly instead of quietly using the development tree's copy.
 */
export function noTypeScriptGuard(): string {
  const file = join(mkdtempSync(join(tmpdir(), 'juki-guard-')), 'no-typescript.cjs');
  writeFileSync(
    file,
    [
      "const Module = require('node:module');",
      'const resolve = Module._resolveFilename;',
      'Module._resolveFilename = function (request, ...rest) {',
      "  if (/^(tsx|typescript)(\\/|$)/.test(request)) throw new Error('the built system required ' + request);",
      '  const file = resolve.call(this, request, ...rest);',
      "  if (/\\.m?ts$/.test(file)) throw new Error('the built system loaded a TypeScript file: ' + file);",
      '  return file;',
      '};',
      '',
    ].join('\n'),
  );
  return file;
}

export interface BuiltProcess {
  name: string;
  /** Every non-empty line it wrote (stdout and stderr). */
  output: string[];
  /** SIGTERM to its process group (SIGKILL after 10 s); resolves when it has exited. */
  stop(): Promise<void>;
}

export interface BuiltSystem {
  apiUrl: string;
  csUrl: string;
  env: Record<string, string>;
  processes: BuiltProcess[];
  /** Starts `node <root>/dist/src/worker/main.js` (another worker on the same task queue). */
  startWorker(root?: string): Promise<BuiltProcess>;
  stop(p: BuiltProcess): Promise<void>;
  close(): Promise<void>;
}

/** The processes' own environment: the machine's PATH and HOME, nothing of the test runner's (no NODE_OPTIONS, tsx). */
const baseEnv = (): Record<string, string> => ({
  PATH: process.env.PATH ?? '/usr/bin:/bin',
  HOME: process.env.HOME ?? '/root',
  NODE_ENV: 'development',
});

/**
 * `node --require <guard> <root>/<file>` in the place of `role` (scripts/lib/app-processes.ts: its own process group,
 * ready by the role's health endpoint or the worker's heartbeat), with `env` and the base environment only.
 */
export async function spawnBuilt(
  role: AppRole,
  opts: { root: string; file: string; env: Record<string, string>; guard: string; node?: string },
): Promise<BuiltProcess> {
  const output: string[] = [];
  const app = await spawnApp(role, {
    cwd: opts.root,
    entry: join(opts.root, opts.file),
    node: opts.node,
    nodeArgs: ['--require', opts.guard],
    env: { ...baseEnv(), ...opts.env },
    inheritEnv: false,
    output,
    log: () => undefined, // kept in `output`
    readyTimeoutMs: 60_000,
    stopTimeoutMs: 10_000,
  });
  return {
    name: app.name,
    output,
    stop: async () => {
      await app.kill('SIGTERM');
    },
  };
}

/** `node --require <guard> <root>/<file>` run to its end (the migrations): its output, or an error with it. */
function runBuilt(
  name: string,
  opts: { root: string; file: string; env: Record<string, string>; guard: string; node?: string },
): Promise<BuiltProcess> {
  return new Promise((resolve, reject) =>
    execFile(
      opts.node ?? process.execPath,
      ['--require', opts.guard, join(opts.root, opts.file)],
      { cwd: opts.root, env: { ...baseEnv(), ...opts.env }, timeout: 5 * 60_000 },
      (err, stdout, stderr) => {
        const output = `${stdout}\n${stderr}`.split('\n').filter(Boolean);
        if (err) reject(new Error(`${name} failed (${err.message}): ${output.join('\n')}`));
        else resolve({ name, output, stop: async () => undefined });
      },
    ),
  );
}

/**
 * The built system as separate `node dist/...` processes of `root` (a checkout with `npm run build` done, or an
 * installed release): the CS and J-LIS simulators, the migrations (`dist/scripts/db/migrate.js`), one worker and the
 * API, on the given Temporal server and database; the demo staff seeded by the test. Every process runs with the
 * no-TypeScript guard.
 */
export async function startBuiltSystem(opts: {
  root: string;
  temporalAddress: string;
  databaseUrl: string;
  node?: string;
}): Promise<BuiltSystem> {
  const { root } = opts;
  if (!existsSync(join(root, 'dist', 'workflow-bundle.js'))) throw new Error(`${root}/dist is not built`);
  const guard = noTypeScriptGuard();
  const key = () => randomBytes(32).toString('base64');
  const csToken = `cs-${randomBytes(8).toString('hex')}`;
  const jlisToken = `jlis-${randomBytes(8).toString('hex')}`;
  const processes: BuiltProcess[] = [];
  const close = async () => {
    await Promise.all(processes.map((p) => p.stop()));
  };
  const run = async (role: AppRole, file: string, env: Record<string, string>, r = root) => {
    const p = await spawnBuilt(role, { root: r, file, env, guard, node: opts.node });
    processes.push(p);
    return p;
  };
  try {
    const csPort = await freePort();
    const jlisPort = await freePort();
    await run('cs-simulator', 'dist/src/partners/cs-simulator-main.js', {
      CS_TOKEN: csToken,
      CS_SIM_PORT: String(csPort),
    });
    await run('jlis-simulator', 'dist/src/partners/card-agency-simulator-main.js', {
      JLIS_TOKEN: jlisToken,
      JLIS_SIM_PORT: String(jlisPort),
    });
    const apiPort = await freePort();
    const dataDir = mkdtempSync(join(tmpdir(), 'juki-built-data-'));
    const env: Record<string, string> = {
      JUKI_DATA_DIR: dataDir,
      WORKER_HEARTBEAT_FILE: join(dataDir, 'worker-heartbeat'),
      DATABASE_URL: opts.databaseUrl,
      TEMPORAL_ADDRESS: opts.temporalAddress,
      TASK_QUEUE: `built-${randomUUID()}`,
      CS_URL: `http://127.0.0.1:${csPort}`,
      CS_TOKEN: csToken,
      JLIS_URL: `http://127.0.0.1:${jlisPort}`,
      JLIS_TOKEN: jlisToken,
      PORTAL_URL: 'http://127.0.0.1:9', // not used by a 転入
      API_HOST: '127.0.0.1',
      API_PORT: String(apiPort),
      STAFF_SECOND_FACTOR: 'demo-password',
      PII_ENCRYPTION_KEY: key(),
      PII_INDEX_KEY: key(),
      PAYLOAD_CODEC_KEY: key(),
      ACTOR_SIGNING_KEY: key(),
    };
    processes.push(
      await runBuilt('migrate', { root, file: 'dist/scripts/db/migrate.js', env, guard, node: opts.node }),
    );
    // the demo staff (clerk1, approver1, …) into the migrated database, as `npm start` seeds them
    const orm = await openTestDb(opts.databaseUrl);
    await seedStaff(orm);
    await orm.close(true);
    const startWorker = (r = root) => run('worker', 'dist/src/worker/main.js', env, r);
    await startWorker();
    await run('api', 'dist/src/api/main.js', env);
    return {
      apiUrl: `http://127.0.0.1:${apiPort}`,
      csUrl: env.CS_URL!,
      env,
      processes,
      startWorker,
      stop: (p) => p.stop(),
      close,
    };
  } catch (e) {
    await close();
    throw e;
  }
}

/** A JSON call to the built API. */
export async function call(
  apiUrl: string,
  method: string,
  path: string,
  opts: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<{ status: number; json: any; buffer: Buffer }> {
  const res = await fetch(apiUrl + path, {
    method,
    headers: {
      ...(opts.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
      ...opts.headers,
    },
    body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
  });
  const buffer = Buffer.from(await res.arrayBuffer());
  const json =
    res.headers.get('content-type')?.includes('json') && buffer.length ? JSON.parse(buffer.toString()) : undefined;
  return { status: res.status, json, buffer };
}

export async function login(apiUrl: string, userId: string): Promise<string> {
  const r = await call(apiUrl, 'POST', '/api/auth/login', {
    body: { userId, password: DEMO_PASSWORD, terminalId: 'T-HONCHO-01' },
  });
  if (r.status !== 200) throw new Error(`login ${userId}: ${r.status}`);
  return r.json.token as string;
}

/**
 * A 転入 through the built API: intake by clerk1, 決裁 by approver1, then COMPLETED with its 住民票の写し. Returns the
 * completed case and the certificate's bytes.
 */
export async function moveInThroughBuiltApi(apiUrl: string): Promise<{ done: any; pdf: Buffer; app: any }> {
  const clerk = await login(apiUrl, 'clerk1');
  const approver = await login(apiUrl, 'approver1');
  const app = moveInApplication();
  const intake = await call(apiUrl, 'POST', '/api/cases/move-in', {
    token: clerk,
    body: app,
    headers: { 'idempotency-key': randomUUID() },
  });
  if (intake.status !== 201) throw new Error(`intake: ${intake.status} ${JSON.stringify(intake.json)}`);
  const caseId: string = intake.json.caseId;
  await eventually(async () => {
    const r = await call(apiUrl, 'POST', `/api/cases/${caseId}/approve`, { token: approver });
    return r.status === 200 ? true : undefined;
  }, 90_000);
  const done = await eventually(async () => {
    const r = await call(apiUrl, 'GET', `/api/cases/${caseId}`, { token: clerk });
    return r.json?.status === 'COMPLETED' && r.json.certificates?.length ? r.json : undefined;
  }, 120_000);
  const pdf = (await call(apiUrl, 'GET', done.certificates[0].href, { token: clerk })).buffer;
  return { done, pdf, app };
}

import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
  child: ChildProcess;
  output: string[];
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

/** Spawns `node [--require guard] <file>` in its own process group and waits for `ready` in its output. */
export async function spawnBuilt(
  name: string,
  opts: { cwd: string; file: string; env: Record<string, string>; guard?: string; ready?: RegExp; node?: string },
): Promise<BuiltProcess> {
  const args = [...(opts.guard ? ['--require', opts.guard] : []), opts.file];
  const child = spawn(opts.node ?? process.execPath, args, {
    cwd: opts.cwd,
    env: { ...baseEnv(), ...opts.env },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const p: BuiltProcess = { name, child, output: [] };
  const onData = (d: Buffer) => p.output.push(...d.toString('utf8').split('\n').filter(Boolean));
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  if (opts.ready) {
    const ready = opts.ready;
    await eventually(async () => {
      if (child.exitCode !== null) throw new Error(`${name} exited ${child.exitCode}: ${p.output.join('\n')}`);
      return p.output.some((l) => ready.test(l)) ? true : undefined;
    }, 60_000);
  }
  return p;
}

/** SIGTERM to the process group, SIGKILL after 10 s; resolves when the process has exited. */
export async function stopBuilt(p: BuiltProcess): Promise<void> {
  const { child } = p;
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const kill = (sig: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, sig);
    } catch {
      /* already gone */
    }
  };
  kill('SIGTERM');
  const timer = setTimeout(() => kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

const urlIn = (p: BuiltProcess, re: RegExp): string => {
  for (const l of p.output) {
    const m = re.exec(l);
    if (m) return m[1]!;
  }
  throw new Error(`${p.name}: no URL in ${p.output.join('\n')}`);
};

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
    await Promise.all(processes.map((p) => stopBuilt(p)));
  };
  const run = async (name: string, file: string, env: Record<string, string>, ready?: RegExp) => {
    const p = await spawnBuilt(name, { cwd: root, file: join(root, file), env, guard, ready, node: opts.node });
    processes.push(p);
    return p;
  };
  try {
    const cs = await run(
      'cs-simulator',
      'dist/src/partners/cs-simulator-main.js',
      { CS_TOKEN: csToken, CS_SIM_PORT: '0' },
      /simulator listening/,
    );
    const jlis = await run(
      'jlis-simulator',
      'dist/src/partners/card-agency-simulator-main.js',
      { JLIS_TOKEN: jlisToken, JLIS_SIM_PORT: '0' },
      /simulator listening/,
    );
    const apiPort = await freePort();
    const dataDir = mkdtempSync(join(tmpdir(), 'juki-built-data-'));
    const env: Record<string, string> = {
      JUKI_DATA_DIR: dataDir,
      WORKER_HEARTBEAT_FILE: join(dataDir, 'worker-heartbeat'),
      DATABASE_URL: opts.databaseUrl,
      TEMPORAL_ADDRESS: opts.temporalAddress,
      TASK_QUEUE: `built-${randomUUID()}`,
      CS_URL: urlIn(cs, /"url":"([^"]+)"/), // its JSON log line
      CS_TOKEN: csToken,
      JLIS_URL: urlIn(jlis, /"url":"([^"]+)"/),
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
    const migrate = await run('migrate', 'dist/scripts/db/migrate.js', env);
    await new Promise<void>((resolve, reject) =>
      migrate.child.exitCode !== null
        ? migrate.child.exitCode === 0
          ? resolve()
          : reject(new Error(migrate.output.join('\n')))
        : migrate.child.once('exit', (code) =>
            code === 0 ? resolve() : reject(new Error(`migrate exited ${code}: ${migrate.output.join('\n')}`)),
          ),
    );
    // the demo staff (clerk1, approver1, …) into the migrated database, as `npm start` seeds them
    const orm = await openTestDb(opts.databaseUrl);
    await seedStaff(orm);
    await orm.close(true);
    const startWorker = (r = root) =>
      spawnBuilt('worker', { cwd: r, file: join(r, 'dist/src/worker/main.js'), env, guard, node: opts.node }).then(
        (p) => (processes.push(p), p),
      );
    await startWorker();
    await run('api', 'dist/src/api/main.js', env, /API listening/);
    return {
      apiUrl: `http://127.0.0.1:${apiPort}`,
      csUrl: env.CS_URL!,
      env,
      processes,
      startWorker,
      stop: stopBuilt,
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

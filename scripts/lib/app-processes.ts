/**
 * The system's own processes, each a separate `node` running one of the project's entry points (npm start, the
 * process and fault tests). Node built-ins only.
 *
 *   role               entry point                                   ready when                     port variable
 *   api                src/api/main.ts                               GET /api/health answers 200    API_PORT
 *   worker             src/worker/main.ts                            its heartbeat file is touched  —
 *   cs-simulator       src/partners/cs-simulator-main.ts             GET /cs/v1/health              CS_SIM_PORT
 *   jlis-simulator     src/partners/card-agency-simulator-main.ts    GET /jlis/v1/health            JLIS_SIM_PORT
 *   portal-simulator   src/partners/portal-simulator-main.ts         GET /portal-sim/v1/health      PORTAL_SIM_PORT
 *
 * JUKI_APP_BUILD=<dir> runs the roles from the compiled build in that directory (`npm run build`) instead.
 * `opts.entry` runs another entry point in a role's place (a bench's own process, a compiled `dist/…js`: a `.ts` entry
 * runs with `--import tsx`, a `.js` one without), `opts.nodeArgs` go before it (`--cpu-prof`, a `--require` preload).
 * The child's environment is this process's plus `opts.env` (`inheritEnv: false`: `opts.env` alone). A port variable
 * that is unset or 0 gets a free port chosen here, once, so `url` is known before the start and a restart listens on
 * the same port. The simulators keep their state in `SIM_STATE_DIR` (from `opts.env`; a restart reuses it). Every
 * child is the leader of its own process group: `kill()` signals the group and waits for the exit; the groups are
 * SIGKILLed when this process exits, and a child whose parent dies without that (SIGKILL) ends itself when its IPC
 * channel closes (the `--import` preload scripts/lib/exit-with-parent.mjs). Readiness: the role's check above, or
 * `opts.readyLine` (an output line matches), or `opts.isReady`.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { findFreePort } from './temporal-dev-server';

export type AppRole = 'api' | 'worker' | 'cs-simulator' | 'jlis-simulator' | 'portal-simulator';

export interface AppProcess {
  name: string;
  /** The pid of the running child (0 while none runs). */
  pid(): number;
  /** Origin of its HTTP server (`http://127.0.0.1:<port>`); none for the worker. */
  url?: string;
  /**
   * Signals the process group (default SIGTERM; SIGKILL after `stopTimeoutMs`) and waits for the exit; resolves with
   * how it ended (undefined when it was not running).
   */
  kill(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null } | undefined>;
  /** Stops it if it runs (SIGTERM) and starts it again: same environment, same port, same state directory. */
  restart(): Promise<void>;
  /** Resolves when the current child is ready; rejects when it exits first or does not get ready in time. */
  ready(): Promise<void>;
}

export interface SpawnAppOptions {
  env: Record<string, string>;
  /** Log prefix and `name` (default: the role). */
  name?: string;
  /** Every output line of the child, prefixed `[name] ` (default: console.log). */
  log?: (line: string) => void;
  /** Called when a child exits without kill() / restart() having asked for it (npm start restarts it). */
  onExit?: (info: { pid: number; code: number | null; signal: NodeJS.Signals | null }) => void;
  /** Default 180 s (the worker bundles the workflows first). */
  readyTimeoutMs?: number;
  /** A readiness check instead of the role's own, polled (e.g. a worker's poller as Temporal lists it). */
  isReady?: (pid: number) => Promise<boolean>;
  /** SIGTERM → SIGKILL after this long (default 15 s). */
  stopTimeoutMs?: number;
  /** Ready when an output line matches (instead of the role's own check; e.g. a process without health endpoint). */
  readyLine?: RegExp;
  /** The child's non-empty output lines as written (no prefix), appended here besides `log`. */
  output?: string[];
  /** Another entry point in the role's place (relative to `cwd`); default: the role's. */
  entry?: string;
  /** Node options before the entry (e.g. `--cpu-prof`, `--require <preload>`). */
  nodeArgs?: string[];
  /** The node binary (default: this one) and the working directory (default: the repository). */
  node?: string;
  cwd?: string;
  /** false: the child's environment is `env` alone, nothing of this process's (default true). */
  inheritEnv?: boolean;
}

interface RoleSpec {
  entry: string;
  portEnv?: string;
  hostEnv?: string;
  healthPath?: string;
}

const ROLES: Record<AppRole, RoleSpec> = {
  api: { entry: 'src/api/main.ts', portEnv: 'API_PORT', hostEnv: 'API_HOST', healthPath: '/api/health' },
  worker: { entry: 'src/worker/main.ts' },
  'cs-simulator': {
    entry: 'src/partners/cs-simulator-main.ts',
    portEnv: 'CS_SIM_PORT',
    hostEnv: 'CS_SIM_HOST',
    healthPath: '/cs/v1/health',
  },
  'jlis-simulator': {
    entry: 'src/partners/card-agency-simulator-main.ts',
    portEnv: 'JLIS_SIM_PORT',
    hostEnv: 'JLIS_SIM_HOST',
    healthPath: '/jlis/v1/health',
  },
  'portal-simulator': {
    entry: 'src/partners/portal-simulator-main.ts',
    portEnv: 'PORTAL_SIM_PORT',
    hostEnv: 'PORTAL_SIM_HOST',
    healthPath: '/portal-sim/v1/health',
  },
};

const ROOT = resolve(__dirname, '../..');

/**
 * JUKI_APP_BUILD=<dir> (e.g. `dist`, after `npm run build`): the roles run the compiled build there — `node
 * <dir>/src/worker/main.js`, as the image does — instead of their TypeScript sources under tsx (a bench measures what
 * ships). A role given `opts.entry` keeps it; the bench finds its own compiled entry points here too.
 */
export function builtEntry(sourceEntry: string): string | undefined {
  const dir = process.env.JUKI_APP_BUILD;
  if (!dir) return undefined;
  const entry = resolve(ROOT, dir, sourceEntry.replace(/\.ts$/, '.js'));
  if (!existsSync(entry)) throw new Error(`JUKI_APP_BUILD: ${entry} is missing (npm run build)`);
  return entry;
}
const PRELOAD = join(__dirname, 'exit-with-parent.mjs');
const TAIL_LINES = 30;

const live = new Set<ChildProcess>();
const killGroup = (child: ChildProcess, signal: NodeJS.Signals) => {
  try {
    process.kill(-child.pid!, signal);
  } catch {
    try {
      child.kill(signal);
    } catch {
      /* gone */
    }
  }
};
let exitHookInstalled = false;
const installExitHook = () => {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const child of live) killGroup(child, 'SIGKILL');
  });
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function healthy(url: string): Promise<boolean> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
    await res.arrayBuffer();
    return res.ok;
  } catch {
    return false;
  }
}

export async function spawnApp(role: AppRole, opts: SpawnAppOptions): Promise<AppProcess> {
  const spec = ROLES[role];
  if (!spec) throw new Error(`unknown role ${String(role)}`);
  const name = opts.name ?? role;
  const log = opts.log ?? ((line: string) => console.log(line));
  const readyTimeoutMs = opts.readyTimeoutMs ?? 180_000;
  const stopTimeoutMs = opts.stopTimeoutMs ?? 15_000;
  const env: Record<string, string> = { ...opts.env };
  let url: string | undefined;
  if (spec.portEnv) {
    if (!env[spec.portEnv] || env[spec.portEnv] === '0') env[spec.portEnv] = String(await findFreePort());
    const host = env[spec.hostEnv!] || '127.0.0.1';
    url = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${env[spec.portEnv]}`;
  }
  const cwd = opts.cwd ?? ROOT;
  const entry = resolve(cwd, opts.entry ?? builtEntry(spec.entry) ?? join(ROOT, spec.entry));
  const nodeArgs = [...(opts.nodeArgs ?? []), ...(entry.endsWith('.ts') ? ['--import', 'tsx'] : [])];
  // a worker touches its own heartbeat file once it polls (src/worker/heartbeat.ts): its readiness, whatever it logs
  if (role === 'worker') env.WORKER_HEARTBEAT_FILE ||= join(tmpdir(), `juki-worker-${process.pid}-${randomUUID()}`);
  installExitHook();

  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  let lastExit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  let readyPromise: Promise<void> = Promise.resolve();
  let expectedExit = false;

  const start = () => {
    expectedExit = false;
    const tail: string[] = [];
    if (role === 'worker') rmSync(env.WORKER_HEARTBEAT_FILE!, { force: true }); // a beat of this run, not the last
    let lineSeen = false;
    const c = spawn(opts.node ?? process.execPath, [...nodeArgs, '--import', PRELOAD, entry], {
      cwd,
      env: opts.inheritEnv === false ? env : { ...process.env, ...env },
      detached: true, // its own process group: kill() reaches everything it started
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    child = c;
    live.add(c);
    let exitInfo: { pid: number; code: number | null; signal: NodeJS.Signals | null } | undefined;
    exited = new Promise<void>((res) => {
      c.once('exit', (code, signal) => {
        exitInfo = { pid: c.pid!, code, signal };
        lastExit = { code, signal };
        live.delete(c);
        res();
        if (!expectedExit && child === c) {
          log(`[${name}] exited unexpectedly (${signal ?? `code ${code}`})`);
          opts.onExit?.(exitInfo);
        }
      });
    });
    for (const stream of [c.stdout!, c.stderr!])
      createInterface({ input: stream }).on('line', (line) => {
        tail.push(line);
        if (tail.length > TAIL_LINES) tail.shift();
        if (line && opts.output) opts.output.push(line);
        if (opts.readyLine?.test(line)) lineSeen = true;
        log(`[${name}] ${line}`);
      });
    readyPromise = (async () => {
      const deadline = Date.now() + readyTimeoutMs;
      while (Date.now() < deadline) {
        if (exitInfo)
          throw new Error(
            `${name} exited before it was ready (${exitInfo.signal ?? `code ${exitInfo.code}`}):\n${tail.join('\n')}`,
          );
        if (
          opts.readyLine
            ? lineSeen
            : opts.isReady
              ? await opts.isReady(c.pid!)
              : spec.healthPath
                ? await healthy(`${url}${spec.healthPath}`)
                : existsSync(env.WORKER_HEARTBEAT_FILE!)
        )
          return;
        await sleep(spec.healthPath ? 200 : 100);
      }
      throw new Error(`${name} was not ready within ${readyTimeoutMs} ms:\n${tail.join('\n')}`);
    })();
    readyPromise.catch(() => undefined); // observed through ready()
  };

  const kill = async (signal: NodeJS.Signals = 'SIGTERM') => {
    const c = child;
    if (!c || c.exitCode !== null || c.signalCode !== null) return undefined;
    expectedExit = true;
    killGroup(c, signal);
    const timer =
      signal === 'SIGKILL'
        ? undefined
        : setTimeout(() => {
            log(`[${name}] did not stop within ${stopTimeoutMs} ms: SIGKILL`);
            killGroup(c, 'SIGKILL');
          }, stopTimeoutMs);
    await exited;
    if (timer) clearTimeout(timer);
    return lastExit;
  };

  start();
  const proc: AppProcess = {
    name,
    url,
    pid: () => (child && child.exitCode === null && child.signalCode === null ? child.pid! : 0),
    kill,
    restart: async () => {
      await kill('SIGTERM');
      start();
      await readyPromise;
    },
    ready: () => readyPromise,
  };
  try {
    await readyPromise;
  } catch (e) {
    await kill('SIGKILL');
    throw e;
  }
  return proc;
}

/** Ctrl-C or SIGTERM: says what stops, runs `stop` once, then exits (1 if stopping failed). */
export function stopOnSignals(what: string, stop: () => Promise<void>): void {
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n==> ${signal}: stopping ${what}…`);
    stop().then(
      () => {
        console.log('==> stopped');
        process.exit(0);
      },
      (e: unknown) => {
        console.error(e);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

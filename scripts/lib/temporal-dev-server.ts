/**
 * Start/stop a Temporal dev server (`temporal server start-dev`, Temporal CLI v1.5.1; get the binary with
 * scripts/ensure-temporal.sh) for local runs and integration tests. Node built-ins only.
 *
 * The server is ready when its gRPC port accepts connections AND every requested custom search attribute is
 * listed by `temporal operator search-attribute list` (start-dev registers them just after the port opens).
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

export type DevServerSearchAttributeType = 'Keyword' | 'Bool' | 'Int' | 'Datetime' | 'Text';

export interface DevServerOptions {
  /** Path of the `temporal` CLI binary. */
  cliPath: string;
  /** gRPC port; a free one when omitted. */
  port?: number;
  /** Web UI port; a free one when omitted. */
  uiPort?: number;
  /** SQLite file for persistent state; omitted → in-memory (lost when the server stops). */
  dbFile?: string;
  /** No Web UI (tests): less memory and CPU. */
  headless?: boolean;
  /** Namespace that must exist (and in which the search attributes are checked); default "default". */
  namespace?: string;
  /** Custom search attributes to register: name → type. */
  searchAttributes: Record<string, DevServerSearchAttributeType>;
  /** Append the server's stdout/stderr here; omitted → discarded (the last lines still appear in errors). */
  logFile?: string;
  /** How long to wait for readiness (default 60 s). */
  startTimeoutMs?: number;
}

export interface RunningDevServer {
  /** host:port of the gRPC frontend. */
  address: string;
  uiUrl: string;
  /** The server process (benchmarks read its CPU time from /proc). */
  pid: number;
  /** SIGTERM, then SIGKILL after 5 s. Idempotent. */
  stop(): Promise<void>;
}

const HOST = '127.0.0.1';
const TAIL_BYTES = 4096;

/** A TCP port on 127.0.0.1 that is free right now. */
export async function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen(0, HOST, () => {
      const addr = srv.address();
      srv.close(() => (addr && typeof addr === 'object' ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

/** True when something accepts TCP connections on host:port. */
function isListening(port: number, host = HOST, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = net.connect({ port, host });
    const done = (up: boolean) => {
      sock.destroy();
      resolve(up);
    };
    sock.setTimeout(timeoutMs, () => done(false));
    sock.once('connect', () => done(true));
    sock.once('error', () => done(false));
  });
}

/** Custom search attribute names the server lists for the namespace, or undefined if it cannot answer yet. */
function listCustomSearchAttributes(
  cliPath: string,
  address: string,
  namespace: string,
): Promise<Set<string> | undefined> {
  return new Promise((resolve) => {
    execFile(
      cliPath,
      ['operator', 'search-attribute', 'list', '--address', address, '--namespace', namespace, '--output', 'json'],
      { timeout: 10_000, maxBuffer: 4 * 1024 * 1024 },
      (err, stdout) => {
        if (err) return resolve(undefined);
        try {
          const parsed = JSON.parse(stdout) as { customAttributes?: Record<string, string> };
          resolve(new Set(Object.keys(parsed.customAttributes ?? {})));
        } catch {
          resolve(undefined);
        }
      },
    );
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function startTemporalDevServer(opts: DevServerOptions): Promise<RunningDevServer> {
  const { cliPath } = opts;
  const namespace = opts.namespace ?? 'default';
  const startTimeoutMs = opts.startTimeoutMs ?? 60_000;

  try {
    fs.accessSync(cliPath, fs.constants.X_OK);
  } catch {
    throw new Error(`Temporal CLI not found or not executable: ${cliPath} (run scripts/ensure-temporal.sh)`);
  }

  // Explicit ports must be free: a second `start` while one runs should fail loudly, not attach to the old one.
  for (const [what, p] of [
    ['gRPC', opts.port],
    ['UI', opts.uiPort],
  ] as const) {
    if (p !== undefined && (await isListening(p))) {
      throw new Error(
        `Temporal dev server: ${what} port ${HOST}:${p} is already in use — is a dev server already running? ` +
          'Stop it first, or choose another port.',
      );
    }
  }
  const port = opts.port ?? (await findFreePort());
  let uiPort = opts.uiPort ?? (await findFreePort());
  while (uiPort === port) uiPort = await findFreePort();
  const address = `${HOST}:${port}`;

  const args = ['server', 'start-dev', '--ip', HOST, '--port', String(port)];
  args.push(...(opts.headless ? ['--headless'] : ['--ui-port', String(uiPort)]));
  if (opts.dbFile) {
    fs.mkdirSync(path.dirname(path.resolve(opts.dbFile)), { recursive: true });
    args.push('--db-filename', opts.dbFile);
  }
  // "default" always exists; --namespace makes sure a custom one does too (harmless for "default").
  args.push('--namespace', namespace);
  for (const [name, type] of Object.entries(opts.searchAttributes)) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`invalid search attribute name: ${name}`);
    args.push('--search-attribute', `${name}=${type}`);
  }
  // No phoning home for a version check (there is no internet here anyway).
  args.push('--dynamic-config-value', 'frontend.enableServerVersionCheck=false');
  args.push('--log-level', 'warn');

  let logFd: number | undefined;
  if (opts.logFile) {
    fs.mkdirSync(path.dirname(path.resolve(opts.logFile)), { recursive: true });
    logFd = fs.openSync(opts.logFile, 'a');
    fs.writeSync(logFd, `\n--- ${new Date().toISOString()} ${cliPath} ${args.join(' ')}\n`);
  }

  // Output goes through pipes so the last lines can be shown if start-up fails.
  const child: ChildProcess = spawn(cliPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let tail = '';
  const onOutput = (chunk: Buffer) => {
    if (logFd !== undefined) fs.writeSync(logFd, chunk);
    tail = (tail + chunk.toString('utf8')).slice(-TAIL_BYTES);
  };
  child.stdout?.on('data', onOutput);
  child.stderr?.on('data', onOutput);

  let exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  const exitPromise = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      exited = { code, signal };
      resolve();
    });
  });
  let spawnError: Error | undefined;
  child.once('error', (err) => {
    spawnError = err;
  });
  // Never leave an orphan server behind if this process exits without stop().
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);

  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopped ??= (async () => {
      process.removeListener('exit', killOnExit);
      if (!exited && child.pid !== undefined) {
        child.kill('SIGTERM');
        const killed = await Promise.race([exitPromise.then(() => true), sleep(5000).then(() => false)]);
        if (!killed) {
          child.kill('SIGKILL');
          await exitPromise;
        }
      }
      child.stdout?.destroy();
      child.stderr?.destroy();
      if (logFd !== undefined) {
        fs.closeSync(logFd);
        logFd = undefined;
      }
    })();
    return stopped;
  };

  const fail = async (why: string): Promise<never> => {
    await stop();
    const out = tail.trim() ? `\n--- last server output ---\n${tail.trim()}` : '';
    const log = opts.logFile ? ` (log: ${opts.logFile})` : '';
    throw new Error(`Temporal dev server on ${address} ${why}${log}${out}`);
  };

  const wanted = Object.keys(opts.searchAttributes);
  const deadline = Date.now() + startTimeoutMs;
  let portUp = false;
  let missing: string[] = wanted;
  for (;;) {
    if (spawnError) return fail(`could not be started: ${spawnError.message}`);
    if (exited) return fail(`exited during start-up (code ${exited.code}, signal ${exited.signal})`);
    if (Date.now() > deadline) {
      return fail(
        portUp
          ? `did not register search attributes [${missing.join(', ')}] within ${startTimeoutMs} ms`
          : `did not open its gRPC port within ${startTimeoutMs} ms`,
      );
    }
    portUp = portUp || (await isListening(port));
    if (portUp) {
      const have = await listCustomSearchAttributes(cliPath, address, namespace);
      if (have) {
        missing = wanted.filter((n) => !have.has(n));
        if (missing.length === 0) break;
      }
    }
    await sleep(200);
  }

  return { address, uiUrl: `http://${HOST}:${uiPort}`, pid: child.pid!, stop };
}

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { AppConfig } from '../../src/config';
import { freePort } from './free-port';
import { eventually } from './system-harness-utils';

export interface WorkerProcess {
  metricsUrl: string;
  /** Every line the process wrote (stdout and stderr). */
  output: string[];
  stop(): Promise<void>;
}

/**
 * The production worker entry (src/worker/main.ts) as its own process, configured by environment for a test
 * system's database, task queue, keys and simulators; ready when its /metrics answers and it polls its task queue.
 */
export async function startWorkerProcess(config: AppConfig, env: Record<string, string> = {}): Promise<WorkerProcess> {
  const metricsPort = await freePort();
  const output: string[] = [];
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'src/worker/main.ts'], {
    cwd: resolve(__dirname, '..', '..'),
    detached: true, // its own process group: stop() kills the whole group
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      JUKI_DATA_DIR: mkdtempSync(join(tmpdir(), 'juki-worker-')),
      DATABASE_URL: config.databaseUrl,
      TEMPORAL_ADDRESS: config.temporalAddress,
      TEMPORAL_NAMESPACE: config.temporalNamespace,
      TASK_QUEUE: config.taskQueue,
      MUNICIPALITY_CODE: config.municipalityCode,
      CS_URL: config.csUrl,
      CS_TOKEN: config.csToken,
      JLIS_URL: config.jlisUrl,
      JLIS_TOKEN: config.jlisToken,
      PORTAL_URL: config.portalUrl,
      PORTAL_TOKEN: config.portalToken,
      PII_ENCRYPTION_KEY: config.keys.piiEncryption,
      PII_INDEX_KEY: config.keys.piiIndex,
      PAYLOAD_CODEC_KEY: config.keys.payloadCodec,
      ACTOR_SIGNING_KEY: config.keys.actorSigning,
      WORKER_METRICS_PORT: String(metricsPort),
      ...env,
    },
  });
  const collect = (chunk: Buffer) => output.push(...chunk.toString('utf8').split('\n').filter(Boolean));
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const stop = async () => {
    if (child.exitCode !== null || child.pid === undefined) return;
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      return;
    }
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // gone
      }
    }, 15_000);
    await exited;
    clearTimeout(timer);
  };
  const metricsUrl = `http://127.0.0.1:${metricsPort}/metrics`;
  try {
    // bundling the workflows takes a while on a busy machine
    await eventually(async () => {
      if (child.exitCode !== null)
        throw new Error(`worker exited (${child.exitCode}): ${output.slice(-5).join(' | ')}`);
      return output.some((l) => l.includes('"worker running"')) ? true : undefined;
    }, 180_000);
  } catch (e) {
    await stop();
    throw e;
  }
  return { metricsUrl, output, stop };
}

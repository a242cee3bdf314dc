import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnApp } from '../../scripts/lib/app-processes';
import type { AppConfig } from '../../src/config';
import { freePort } from './free-port';

export interface WorkerProcess {
  metricsUrl: string;
  /** Every line the process wrote (stdout and stderr). */
  output: string[];
  /** SIGTERM; resolves with how the process ended (a worker that did not stop by itself is SIGKILLed after 15 s). */
  stop(): Promise<{ code: number | null; signal: NodeJS.Signals | null } | undefined>;
}

/**
 * The production worker entry (src/worker/main.ts) as its own process (scripts/lib/app-processes.ts), configured by
 * environment for a test system's database, task queue, keys and simulators — nothing of the test runner's
 * environment but PATH and HOME; ready when it polls its task queue (its heartbeat file).
 */
export async function startWorkerProcess(config: AppConfig, env: Record<string, string> = {}): Promise<WorkerProcess> {
  const metricsPort = await freePort();
  const output: string[] = [];
  const worker = await spawnApp('worker', {
    inheritEnv: false,
    output,
    log: () => undefined, // kept in `output`
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
  return { metricsUrl: `http://127.0.0.1:${metricsPort}/metrics`, output, stop: () => worker.kill('SIGTERM') };
}

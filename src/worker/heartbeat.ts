import { utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Worker } from '@temporalio/worker';

/** Where a worker process says it is alive (the image's HEALTHCHECK, scripts/healthcheck.ts, reads it). */
export const workerHeartbeatFile = (env: NodeJS.ProcessEnv = process.env): string =>
  env.WORKER_HEARTBEAT_FILE ?? join(tmpdir(), 'juki-worker-heartbeat');

/** Touches the heartbeat file every 10 s while the worker is RUNNING (polling its task queue); returns the stopper. */
export function startWorkerHeartbeat(worker: Pick<Worker, 'getState'>, file = workerHeartbeatFile()): () => void {
  const beat = () => {
    if (worker.getState() !== 'RUNNING') return;
    const now = new Date();
    try {
      utimesSync(file, now, now);
    } catch {
      writeFileSync(file, `${process.pid}\n`);
    }
  };
  const timer = setInterval(beat, 10_000);
  timer.unref();
  setImmediate(beat);
  return () => clearInterval(timer);
}

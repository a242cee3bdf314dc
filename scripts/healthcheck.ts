/**
 * The image's HEALTHCHECK (`node dist/scripts/healthcheck.js`), one command for both roles of the same image:
 *   - a worker writes its heartbeat file (WORKER_HEARTBEAT_FILE, default <tmpdir>/juki-worker-heartbeat) every 10 s
 *     while it polls (src/worker/main.ts): healthy when that file is younger than 60 s;
 *   - otherwise the API: healthy when GET http://127.0.0.1:$API_PORT/api/health answers 200 (database and Temporal
 *     reachable).
 * Exit 0 healthy, 1 not; one line saying why.
 */
import { statSync } from 'node:fs';
import { workerHeartbeatFile } from '../src/worker/heartbeat';

async function main(): Promise<number> {
  const file = workerHeartbeatFile();
  const age = (() => {
    try {
      return Date.now() - statSync(file).mtimeMs;
    } catch {
      return undefined;
    }
  })();
  if (age !== undefined) {
    const ok = age < 60_000;
    console.log(`worker heartbeat ${Math.round(age / 1000)} s old: ${ok ? 'healthy' : 'stale'}`);
    return ok ? 0 : 1;
  }
  const url = `http://127.0.0.1:${process.env.API_PORT ?? 3000}/api/health`;
  const res = await fetch(url, { signal: AbortSignal.timeout(4_000) }).catch(() => undefined);
  console.log(`api ${url}: ${res ? res.status : 'no answer'}`);
  return res?.ok ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  () => process.exit(1),
);

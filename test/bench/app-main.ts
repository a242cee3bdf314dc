/**
 * API and worker in one process, as `npm start` runs them on one machine (startSystem without simulators): the
 * benchmark's process on SQLite, whose transactions do not span processes (two writers get SQLITE_BUSY_SNAPSHOT).
 * Configuration from env, like src/api/main.ts and src/worker/main.ts.
 */
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { loadConfig } from '../../src/config';
import { startSystem } from '../../src/system';

async function main() {
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const sys = await startSystem(loadConfig());
  console.log(`API listening on ${sys.apiUrl}`);
  const stop = () => void sys.close().then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((e: unknown) => {
  console.error(`app failed: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});

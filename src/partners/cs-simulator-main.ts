/**
 * Runs the CS simulator as a process: `node dist/src/partners/cs-simulator-main.js` (dev: `tsx src/partners/cs-simulator-main.ts`).
 *   CS_TOKEN               bearer token the simulator accepts (required)
 *   CS_SIM_PORT            port (default 7401; 0 = a free port)
 *   CS_SIM_HOST            interface (default 127.0.0.1)
 *   CS_SIM_MUNICIPALITIES  optional comma-separated municipality codes the CS serves
 *   SIM_STATE_DIR          directory for its state (cs-simulator.json), kept across restarts; unset: in memory
 * Logs only method, path, status and message IDs.
 */
import { startCsSimulator } from './cs-simulator';
import { exitOnSignals, portFromEnv } from './sim/server';
import { logger } from '../observability/log';

const log = logger('cs-sim');

const main = async (): Promise<void> => {
  const token = process.env.CS_TOKEN;
  if (!token) throw new Error('CS_TOKEN is required');
  const port = portFromEnv('CS_SIM_PORT', 7401);
  const municipalities = process.env.CS_SIM_MUNICIPALITIES?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const sim = await startCsSimulator({
    token,
    port,
    host: process.env.CS_SIM_HOST ?? '127.0.0.1',
    ...(municipalities?.length ? { municipalities } : {}),
    stateDir: process.env.SIM_STATE_DIR || undefined,
    log: (line) => log.info(line),
  });
  log.info({ url: sim.url }, 'CS simulator listening');
  exitOnSignals(() => sim.close());
};

main().catch((err: unknown) => {
  log.fatal({ err }, 'failed to start');
  process.exit(1);
});

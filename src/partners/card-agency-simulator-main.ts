/**
 * Runs the J-LIS card management simulator as a process: `node dist/src/partners/card-agency-simulator-main.js` (dev: `tsx src/partners/card-agency-simulator-main.ts`).
 *   JLIS_TOKEN                      bearer token the simulator accepts (required)
 *   JLIS_SIM_PORT                   port (default 7402; 0 = a free port)
 *   JLIS_SIM_HOST                   interface (default 127.0.0.1)
 *   JLIS_SIM_CONTINUED_USE_DAYS     継続利用 period after the 転入届 (default 90)
 *   SIM_STATE_DIR                   directory for its state (jlis-simulator.json), kept across restarts; unset: in memory
 * Logs only method, path, status and request IDs or error codes.
 */
import { startCardAgencySimulator } from './card-agency-simulator';
import { exitOnSignals, portFromEnv } from './sim/server';
import { logger } from '../observability/log';

const log = logger('jlis-sim');

const main = async (): Promise<void> => {
  const token = process.env.JLIS_TOKEN;
  if (!token) throw new Error('JLIS_TOKEN is required');
  const port = portFromEnv('JLIS_SIM_PORT', 7402);
  const days = process.env.JLIS_SIM_CONTINUED_USE_DAYS;
  const continuedUseDays = days === undefined || days === '' ? undefined : Number(days);
  if (continuedUseDays !== undefined && !(Number.isInteger(continuedUseDays) && continuedUseDays > 0))
    throw new Error('JLIS_SIM_CONTINUED_USE_DAYS must be a positive whole number');
  const sim = await startCardAgencySimulator({
    token,
    port,
    host: process.env.JLIS_SIM_HOST ?? '127.0.0.1',
    ...(continuedUseDays === undefined ? {} : { continuedUseDays }),
    stateDir: process.env.SIM_STATE_DIR || undefined,
    log: (line) => log.info(line),
  });
  log.info({ url: sim.url }, 'J-LIS card management simulator listening');
  exitOnSignals(() => sim.close());
};

main().catch((err: unknown) => {
  log.fatal({ err }, 'failed to start');
  process.exit(1);
});

/**
 * Runs the J-LIS card management simulator as a process: `tsx src/partners/card-agency-simulator-main.ts`.
 *   JLIS_TOKEN                      bearer token the simulator accepts (required)
 *   JLIS_SIM_PORT                   port (default 7402; 0 = a free port)
 *   JLIS_SIM_HOST                   interface (default 127.0.0.1)
 *   JLIS_SIM_CONTINUED_USE_DAYS     継続利用 period after the 転入届 (default 90)
 *   SIM_STATE_DIR                   directory for its state (jlis-simulator.json), kept across restarts; unset: in memory
 * Logs only method, path, status and request IDs or error codes.
 */
import { startCardAgencySimulator } from './card-agency-simulator';
import { exitOnSignals, portFromEnv } from './sim/server';

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
    log: (line) => console.log(`[jlis-sim] ${line}`),
  });
  console.log(`[jlis-sim] J-LIS card management simulator listening on ${sim.url}`);
  exitOnSignals(() => sim.close());
};

main().catch((err: unknown) => {
  console.error(`[jlis-sim] failed to start: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});

/**
 * Runs the マイナポータル simulator as a process: `node dist/src/partners/portal-simulator-main.js` (dev: `tsx src/partners/portal-simulator-main.ts`).
 *   PORTAL_TOKEN                     bearer token the simulator accepts (required)
 *   PORTAL_SIM_PORT                  port (default 7403; 0 = a free port)
 *   PORTAL_SIM_HOST                  interface (default 127.0.0.1)
 * Optionally registers one municipality at start (all four or none; otherwise POST /portal-sim/v1/_admin/municipalities):
 *   PORTAL_SIM_MUNICIPALITY_CODE     e.g. 139998
 *   PORTAL_SIM_INTAKE_URL            the municipality's intake base URL, e.g. http://127.0.0.1:3000/portal/v1
 *   PORTAL_SIM_KEY_ID                key ID of the X-Portal-* request signature
 *   PORTAL_SIM_KEY                   the shared HMAC key, base64 (at least 32 bytes)
 *   SIM_STATE_DIR                    directory for its state and test PKI, kept across restarts; unset: in memory
 * The trust configuration for the municipality is at GET /portal-sim/v1/_admin/trust. Logs only method, path, status and IDs.
 */
import { startPortalSimulator } from './portal-simulator';
import { exitOnSignals, portFromEnv } from './sim/server';
import { logger } from '../observability/log';

const log = logger('portal-sim');

const REGISTRATION = [
  'PORTAL_SIM_MUNICIPALITY_CODE',
  'PORTAL_SIM_INTAKE_URL',
  'PORTAL_SIM_KEY_ID',
  'PORTAL_SIM_KEY',
] as const;

const main = async (): Promise<void> => {
  const token = process.env.PORTAL_TOKEN;
  if (!token) throw new Error('PORTAL_TOKEN is required');
  const port = portFromEnv('PORTAL_SIM_PORT', 7403);
  const given = REGISTRATION.filter((name) => process.env[name]);
  if (given.length > 0 && given.length < REGISTRATION.length)
    throw new Error(`set all of ${REGISTRATION.join(', ')} or none`);
  const sim = await startPortalSimulator({
    token,
    port,
    host: process.env.PORTAL_SIM_HOST ?? '127.0.0.1',
    stateDir: process.env.SIM_STATE_DIR || undefined,
    log: (line) => log.info(line),
  });
  if (given.length > 0) {
    try {
      sim.state.registerMunicipalityRequest({
        municipalityCode: process.env.PORTAL_SIM_MUNICIPALITY_CODE,
        intakeBaseUrl: process.env.PORTAL_SIM_INTAKE_URL,
        keyId: process.env.PORTAL_SIM_KEY_ID,
        key: process.env.PORTAL_SIM_KEY,
      });
    } catch (err) {
      await sim.close();
      const fields = (err as { errors?: Array<{ field: string }> }).errors?.map((e) => e.field).join(', ');
      throw new Error(`the PORTAL_SIM_* municipality registration is invalid${fields ? ` (${fields})` : ''}`);
    }
  }
  log.info({ url: sim.url }, 'マイナポータル simulator listening');
  exitOnSignals(() => sim.close());
};

main().catch((err: unknown) => {
  log.fatal({ err }, 'failed to start');
  process.exit(1);
});

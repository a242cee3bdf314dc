/**
 * The one-machine system: Temporal dev server (SQLite under data/), registry DB (SQLite by default, MySQL/MariaDB
 * when DATABASE_URL says so), the CS simulator, the worker and the API, with demo data in the embedded default
 * database or with `--demo` (never in production; src/db/seed/start-plan.ts). Ctrl-C stops everything.
 * Started by scripts/start.sh (`npm start [-- --demo]`), which installs what is missing first.
 */
import { replenishResidentCodePool } from '../src/activities/resident-code-pool';
import { CsHttpClient } from '../src/partners/cs-http-client';
import { join } from 'node:path';
import { loadConfig, keyBytes } from '../src/config';
import { createPiiCrypto } from '../src/db/pii-crypto';
import { loadDemoTown } from '../src/db/seed/load-demo';
import { DEMO_PASSWORD, DEMO_USERS, DEMO_TERMINALS, seedStaff } from '../src/db/seed/staff';
import { startSeedPlan } from '../src/db/seed/start-plan';
import { StaffUser } from '../src/db/entities';
import { logger } from '../src/observability/log';
import { startSystem } from '../src/system';
import { installTemporalRuntime } from '../src/worker/telemetry';
import { SEARCH_ATTRIBUTE_TYPES } from '../src/workflows/search-attributes';
import { startTemporalDevServer, type RunningDevServer } from './lib/temporal-dev-server';

const log = logger('start');
const step = (s: string) => log.info(s);

async function main() {
  // decided before anything starts: `--demo` in production is refused with its reason
  const plan = startSeedPlan({ argv: process.argv.slice(2), env: process.env });
  if ('refused' in plan) throw new Error(plan.refused);
  // the Temporal SDK's logs into the JSON log, its metrics appended to the worker's /metrics
  const temporalMetricsUrl = await installTemporalRuntime();
  let config = loadConfig();
  let dev: RunningDevServer | undefined;
  if (!process.env.TEMPORAL_ADDRESS) {
    const cliPath = process.env.TEMPORAL_CLI_PATH;
    if (!cliPath) throw new Error('TEMPORAL_CLI_PATH is not set: run `npm start` (scripts/start.sh)');
    step(`Temporal dev server: starting (history in ${join(config.dataDir, 'temporal.sqlite')})`);
    const [host, port] = config.temporalAddress.split(':');
    dev = await startTemporalDevServer({
      cliPath,
      port: Number(port),
      uiPort: Number(new URL(config.temporalUiUrl).port),
      dbFile: join(config.dataDir, 'temporal.sqlite'),
      searchAttributes: SEARCH_ATTRIBUTE_TYPES,
      logFile: join(config.dataDir, 'temporal.log'),
    });
    config = { ...config, temporalAddress: dev.address ?? `${host}:${port}`, temporalUiUrl: dev.uiUrl };
  }
  const stopAll = async () => {
    await sys?.close();
    await dev?.stop();
  };
  let sys: Awaited<ReturnType<typeof startSystem>> | undefined;
  try {
    step(
      `registry, CS simulator, worker and API: starting (database ${config.databaseUrl.replace(/\/\/[^@]*@/, '//***@')})`,
    );
    sys = await startSystem(config, {
      csSimulator: { port: Number(new URL(config.csUrl).port) },
      jlisSimulator: { port: Number(new URL(config.jlisUrl).port) },
      portalSimulator: { port: Number(new URL(config.portalUrl).port) },
      log: (l) => log.info(l),
      temporalMetricsUrl,
    });
    let residentRecordCodes: string[] = [];
    if (plan.demo) {
      step(`demo data (${plan.reason}): staff, terminals and the town of さくら市`);
      await seedStaff(sys.orm);
      const pii = createPiiCrypto(keyBytes(config.keys.piiEncryption), keyBytes(config.keys.piiIndex));
      const town = await loadDemoTown(sys.orm, pii, { municipalityCode: sys.config.municipalityCode });
      residentRecordCodes = town.residentRecordCodes;
      log.info({ residents: town.residents, households: town.households, loaded: town.loaded }, 'demo town ready');
    } else {
      step(`no demo data (${plan.reason})`);
      if (!(await sys.orm.em.fork().count(StaffUser, {})))
        log.warn(
          'no staff users yet: create the first security administrator with `npm run admin:create -- <userId> <氏名> <terminalId>`',
        );
    }
    const csAdmin = (path: string, body: unknown) =>
      fetch(`${sys!.csUrl}/cs/v1/_admin/${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${config.csToken}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    if (residentRecordCodes.length) await csAdmin('registered', { residentRecordCodes });
    // the simulated CS delivers messages addressed to this town (転入通知, 転出証明書情報, 送信依頼) to its inbound API
    await csAdmin('routes', {
      municipalityCode: config.municipalityCode,
      inboundUrl: `${sys.apiUrl}/cs-inbound/v1`,
      token: config.csInboundToken,
    });
    // the 住民票コード pool (domain.md §4.7 step 1): a batch from the CS when below RESIDENT_CODE_POOL_THRESHOLD
    const pool = await replenishResidentCodePool({
      orm: sys.orm,
      cs: new CsHttpClient({ baseUrl: sys.csUrl, token: config.csToken }),
      config: sys.config,
    });
    log.info({ unused: pool.after, added: pool.added }, '住民票コード pool');
  } catch (e) {
    await stopAll();
    throw e;
  }

  console.log(`
住民記録 案件管理システム is running.
  Web UI        ${sys.apiUrl}/   (窓口・決裁・監督者の画面${plan.demo ? '; log in with a demo user below' : ''})
  API           ${sys.apiUrl}/api   (OpenAPI: ${sys.apiUrl}/api/openapi.json, health: ${sys.apiUrl}/api/health)
  Temporal UI   ${config.temporalUiUrl}
  CS simulator  ${sys.csUrl}/cs/v1/health   J-LIS simulator ${sys.jlisUrl}/jlis/v1/health
  マイナポータル  ${sys.portalUrl}/portal-sim/v1/health (simulator: submits signed online 転出届 to ${sys.apiUrl}/portal/v1)
${
  plan.demo
    ? `  Demo users    ${DEMO_USERS.map((u) => `${u.userId} (${u.roles.join(',')})`).join(', ')}
                password: ${DEMO_PASSWORD}   terminals: ${DEMO_TERMINALS.map((t) => t.terminalId).join(', ')}`
    : '  Staff         no demo users in this database (staff: 職員管理 /admin/users; the first: npm run admin:create)'
}
  Try a move-in: see README "Drive a move-in with curl"; an online 転出: README "An online 転出 from the portal simulator".
Press Ctrl-C to stop.`);

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'stopping API, worker, simulators and Temporal');
    stopAll().then(
      () => {
        log.info('stopped');
        process.exit(0);
      },
      (e: unknown) => {
        log.error({ err: e }, 'stop failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((e: unknown) => {
  log.fatal({ err: e }, 'start failed');
  process.exit(1);
});

/**
 * The one-machine system, one process per part (issue 15 item 2): the Temporal dev server (SQLite under data/), the
 * CS, J-LIS and マイナポータル simulators (their state under data/simulators/), the worker and the API — each a
 * separate `node` of the project's entry points started by scripts/lib/app-processes.ts, so one dying leaves the
 * others running; a part that dies is started again after a short backoff. The registry (SQLite by default,
 * MySQL/MariaDB when DATABASE_URL says so) is migrated, and the demo data loaded (embedded default database or
 * `--demo`, never in production; src/db/seed/start-plan.ts), here, once, before the worker and the API start.
 * Ctrl-C stops everything. Started by scripts/start.sh (`npm start [-- --demo]`), which installs what is missing first.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { replenishResidentCodePool } from '../src/activities/resident-code-pool';
import { CsHttpClient } from '../src/partners/cs-http-client';
import { loadConfig } from '../src/config';
import { attachPiiCipher, encryptClearRows } from '../src/db/encrypted-columns';
import { openRegistryDb } from '../src/db/orm';
import { piiCryptoFor } from '../src/db/pii-crypto';
import { loadDemoTown } from '../src/db/seed/load-demo';
import { DEMO_PASSWORD, DEMO_USERS, DEMO_TERMINALS, seedStaff } from '../src/db/seed/staff';
import { startSeedPlan } from '../src/db/seed/start-plan';
import { StaffUser } from '../src/db/entities';
import { SEARCH_ATTRIBUTE_TYPES } from '../src/workflows/search-attributes';
import { spawnApp, stopOnSignals, type AppProcess, type AppRole } from './lib/app-processes';
import { startTemporalDevServer, type RunningDevServer } from './lib/temporal-dev-server';

const step = (s: string) => console.log(`==> ${s}`);
const portOf = (url: string) => new URL(url).port;
/** Restart backoff: 1 s, doubling to 30 s; back to 1 s once a process has run for a minute. */
const BACKOFF_MS = { first: 1_000, max: 30_000, stableAfter: 60_000 };

async function main() {
  // decided before anything starts: `--demo` in production is refused with its reason
  const plan = startSeedPlan({ argv: process.argv.slice(2), env: process.env });
  if ('refused' in plan) throw new Error(plan.refused);
  let config = loadConfig();
  const parts: Partial<Record<AppRole, AppProcess>> = {};
  let dev: RunningDevServer | undefined;
  let stopping = false;
  const stopAll = async () => {
    stopping = true;
    // the API first (no new cases), then the worker (finishes its tasks), then the partners, then Temporal
    for (const role of ['api', 'worker', 'portal-simulator', 'jlis-simulator', 'cs-simulator'] as const)
      await parts[role]?.kill();
    await dev?.stop();
  };

  try {
    if (!process.env.TEMPORAL_ADDRESS) {
      const cliPath = process.env.TEMPORAL_CLI_PATH;
      if (!cliPath) throw new Error('TEMPORAL_CLI_PATH is not set: run `npm start` (scripts/start.sh)');
      step(`Temporal dev server: starting (history in ${join(config.dataDir, 'temporal.sqlite')})`);
      dev = await startTemporalDevServer({
        cliPath,
        port: Number(portOf(`http://${config.temporalAddress}`)),
        uiPort: Number(portOf(config.temporalUiUrl)),
        dbFile: join(config.dataDir, 'temporal.sqlite'),
        searchAttributes: SEARCH_ATTRIBUTE_TYPES,
        logFile: join(config.dataDir, 'temporal.log'),
      });
      config = { ...config, temporalAddress: dev.address, temporalUiUrl: dev.uiUrl };
    }

    // the registry: migrated and (on the plan's say) seeded here, once, before the worker and the API start
    step(`registry database: migrating (${config.databaseUrl.replace(/\/\/[^@]*@/, '//***@')})`);
    const orm = await openRegistryDb(config.databaseUrl, { migrationDatabaseUrl: config.migrationDatabaseUrl });
    let residentRecordCodes: string[] = [];
    try {
      attachPiiCipher(orm, piiCryptoFor(config.keys));
      await encryptClearRows(orm); // rows from before encryption at rest (idempotent)
      if (plan.demo) {
        step(`demo data (${plan.reason}): staff, terminals and the town of さくら市`);
        await seedStaff(orm);
        const town = await loadDemoTown(orm, piiCryptoFor(config.keys), { municipalityCode: config.municipalityCode });
        residentRecordCodes = town.residentRecordCodes;
        console.log(
          `    ${town.loaded ? 'loaded' : 'already present'}: ${town.residents} residents in ${town.households} households`,
        );
      } else {
        step(`no demo data (${plan.reason})`);
        if (!(await orm.em.fork().count(StaffUser, {})))
          console.log(
            '    no staff users yet: create the first security administrator with `npm run admin:create -- <userId> <氏名> <terminalId>`',
          );
      }

      // every part is its own process; the environment is this one's plus what they must agree on
      const simStateDir = join(config.dataDir, 'simulators');
      const base: Record<string, string> = {
        TEMPORAL_ADDRESS: config.temporalAddress,
        SIM_STATE_DIR: simStateDir,
      };
      const start = async (role: AppRole, env: Record<string, string>, name: string = role) => {
        let backoff = BACKOFF_MS.first;
        let startedAt = Date.now();
        const p: AppProcess = await spawnApp(role, {
          env: { ...base, ...env },
          name,
          log: (line) => console.log(`    ${line}`),
          onExit: ({ pid, code, signal }) => {
            if (stopping) return;
            if (Date.now() - startedAt > BACKOFF_MS.stableAfter) backoff = BACKOFF_MS.first;
            step(`${name} (pid ${pid}) died (${signal ?? `exit code ${code}`}): restarting in ${backoff / 1000} s`);
            const wait = backoff;
            backoff = Math.min(backoff * 2, BACKOFF_MS.max);
            setTimeout(() => {
              if (stopping) return;
              startedAt = Date.now();
              p.restart().then(
                () => {
                  step(`${name} restarted (pid ${p.pid()})`);
                  if (role === 'portal-simulator') void writePortalTrust();
                },
                (e: unknown) => step(`${name} did not come back: ${e instanceof Error ? e.message.split('\n')[0] : e}`),
              );
            }, wait).unref();
          },
        });
        parts[role] = p;
        return p;
      };

      step(`partner simulators: starting (their state in ${simStateDir})`);
      const apiUrl = `http://${config.apiHost === '0.0.0.0' ? '127.0.0.1' : config.apiHost}:${config.apiPort}`;
      const [cs, jlis, portal] = await Promise.all([
        start('cs-simulator', { CS_TOKEN: config.csToken, CS_SIM_PORT: portOf(config.csUrl) }),
        start('jlis-simulator', {
          JLIS_TOKEN: config.jlisToken,
          JLIS_SIM_PORT: portOf(config.jlisUrl),
          JLIS_SIM_CONTINUED_USE_DAYS: String(config.deadlines.continuedUseDays),
        }),
        start('portal-simulator', {
          PORTAL_TOKEN: config.portalToken,
          PORTAL_SIM_PORT: portOf(config.portalUrl),
          // the simulator submits signed online 転出届 to this town's intake
          PORTAL_SIM_MUNICIPALITY_CODE: config.municipalityCode,
          PORTAL_SIM_INTAKE_URL: `${apiUrl}/portal/v1`,
          PORTAL_SIM_KEY_ID: config.portalKeyId,
          PORTAL_SIM_KEY: config.portalKey,
        }),
      ]);

      // the portal's test CA is the trust anchor of the intake: written to files the API re-reads when they change
      const trustDir = join(config.dataDir, 'portal-trust');
      const trustFiles = {
        PORTAL_TRUST_ANCHORS: join(trustDir, 'anchors.pem'),
        PORTAL_TRUST_INTERMEDIATES: join(trustDir, 'intermediates.pem'),
        PORTAL_REVOKED_SERIALS: join(trustDir, 'revoked-serials.txt'),
      };
      const admin = async (url: string, token: string, path: string, body?: unknown) => {
        const res = await fetch(`${url}${path}`, {
          method: body === undefined ? 'GET' : 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        });
        if (!res.ok) throw new Error(`${path}: ${res.status}`);
        return res.status === 204 ? undefined : ((await res.json()) as unknown);
      };
      const writePortalTrust = async () => {
        const t = (await admin(portal.url!, config.portalToken, '/portal-sim/v1/_admin/trust')) as {
          anchors: string[];
          intermediates: string[];
          revokedSerials: string[];
        };
        mkdirSync(trustDir, { recursive: true });
        writeFileSync(trustFiles.PORTAL_TRUST_ANCHORS, t.anchors.join('\n'));
        writeFileSync(trustFiles.PORTAL_TRUST_INTERMEDIATES, t.intermediates.join('\n'));
        writeFileSync(trustFiles.PORTAL_REVOKED_SERIALS, `${t.revokedSerials.join('\n')}\n`);
      };
      await writePortalTrust();

      if (residentRecordCodes.length)
        await admin(cs.url!, config.csToken, '/cs/v1/_admin/registered', { residentRecordCodes });
      // the simulated CS delivers messages addressed to this town (転入通知, 転出証明書情報, 送信依頼) to its inbound API
      await admin(cs.url!, config.csToken, '/cs/v1/_admin/routes', {
        municipalityCode: config.municipalityCode,
        inboundUrl: `${apiUrl}/cs-inbound/v1`,
        token: config.csInboundToken,
      });
      // J-LIS answers 個人番号 generation requests and reports cards to this town's inbound API
      await admin(jlis.url!, config.jlisToken, '/jlis/v1/_admin/routes', {
        municipalityCode: config.municipalityCode,
        inboundUrl: `${apiUrl}/jlis-inbound/v1`,
        token: config.jlisInboundToken,
      });
      // the 住民票コード pool (domain.md §4.7 step 1): a batch from the CS when below RESIDENT_CODE_POOL_THRESHOLD
      const pool = await replenishResidentCodePool({
        orm,
        cs: new CsHttpClient({ baseUrl: cs.url!, token: config.csToken }),
        config,
      });
      console.log(`    住民票コード pool: ${pool.after} unused (${pool.added} received from the CS)`);

      step('worker and API: starting');
      const appEnv = {
        ...trustFiles,
        CS_URL: cs.url!,
        JLIS_URL: jlis.url!,
        PORTAL_URL: portal.url!,
        API_PORT: String(config.apiPort),
        API_HOST: config.apiHost,
      };
      await Promise.all([start('worker', appEnv), start('api', appEnv)]);
    } finally {
      await orm.close(true);
    }
  } catch (e) {
    await stopAll();
    throw e;
  }

  const pids = Object.values(parts)
    .map((p) => `${p.name} ${p.pid()}`)
    .join(', ');
  const [cs, jlis, portal, api] = [
    parts['cs-simulator'],
    parts['jlis-simulator'],
    parts['portal-simulator'],
    parts.api,
  ].map((p) => p?.url);
  console.log(`
住民記録 案件管理システム is running, one process per part (pids: ${pids}${dev ? '; Temporal dev server' : ''}).
  Web UI        ${api}/   (窓口・決裁・監督者の画面${plan.demo ? '; log in with a demo user below' : ''})
  API           ${api}/api   (OpenAPI: ${api}/api/openapi.json, health: ${api}/api/health)
  Temporal      ${config.temporalAddress}   UI ${config.temporalUiUrl}
  CS simulator  ${cs}/cs/v1/health   J-LIS simulator ${jlis}/jlis/v1/health
  マイナポータル  ${portal}/portal-sim/v1/health (simulator: submits signed online 転出届 to ${api}/portal/v1)
  State         registry ${config.databaseUrl.startsWith('sqlite:') ? config.databaseUrl.slice(7) : '(DATABASE_URL)'}, simulators ${join(config.dataDir, 'simulators')}
${
  plan.demo
    ? `  Demo users    ${DEMO_USERS.map((u) => `${u.userId} (${u.roles.join(',')})`).join(', ')}
                password: ${DEMO_PASSWORD}   terminals: ${DEMO_TERMINALS.map((t) => t.terminalId).join(', ')}`
    : '  Staff         no demo users in this database (staff: 職員管理 /admin/users; the first: npm run admin:create)'
}
  A part that dies is started again (with a backoff); the others keep running.
  Try a move-in: see README "Drive a move-in with curl"; an online 転出: README "An online 転出 from the portal simulator".
Press Ctrl-C to stop.`);

  stopOnSignals('API, worker, simulators and Temporal', stopAll);
}

main().catch((e: unknown) => {
  console.error(`start failed: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});

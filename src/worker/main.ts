/**
 * Production worker entry (one of N stateless replicas): `node dist/src/worker/main.js` (development: tsx on the
 * sources). Configuration from env; WORKFLOW_BUNDLE = the path of a prebuilt workflow bundle (tests: the run's one
 * bundle); compiled, it loads dist's prebuilt bundle; else it bundles at start.
 */
import { NativeConnection } from '@temporalio/worker';
import { loadConfig } from '../config';
import { createCertificateRendererPool } from '../activities/certificate-render-pool';
import { attachPiiCipher } from '../db/encrypted-columns';
import { openRegistryDb } from '../db/orm';
import { piiCryptoFor } from '../db/pii-crypto';
import { CardAgencyHttpClient } from '../partners/card-agency-http-client';
import { CsHttpClient } from '../partners/cs-http-client';
import { PortalHttpClient } from '../partners/portal-http-client';
import { logger, rootLogger } from '../observability/log';
import { ensureHeldCertificateSweepInBackground } from '../procedures/held-certificate/sweep-start';
import { temporalClientOn, temporalTlsOf } from '../temporal/client';
import { createRegistryWorker } from './create-worker';
import { startWorkerHeartbeat } from './heartbeat';
import { installTemporalRuntime, startWorkerMetricsServer } from './telemetry';

const log = logger('worker');

async function main() {
  const config = loadConfig();
  rootLogger.level = config.logLevel;
  const temporalMetrics = await installTemporalRuntime(config.logLevel); // before the first connection
  const metrics = await startWorkerMetricsServer(config.metrics, temporalMetrics);
  log.info({ metrics: metrics.url }, 'worker metrics listening');
  const orm = await openRegistryDb(config.databaseUrl, {
    migrate: process.env.MIGRATE_ON_START === 'true',
    migrationDatabaseUrl: config.migrationDatabaseUrl,
  });
  const pii = piiCryptoFor(config.keys);
  attachPiiCipher(orm, pii); // applications and certificate PDFs are encrypted at rest (src/db/encrypted-columns.ts)
  const cs = new CsHttpClient({ baseUrl: config.csUrl, token: config.csToken });
  const cards = new CardAgencyHttpClient({ baseUrl: config.jlisUrl, token: config.jlisToken });
  // the worker's own connection, closed after the run: an open one kept the stopped process alive (issue 15)
  const certificates = createCertificateRendererPool(config.certificateRenderThreads); // off the main thread
  const connection = await NativeConnection.connect({ address: config.temporalAddress, ...temporalTlsOf(config) });
  const worker = await createRegistryWorker({
    config,
    connection,
    deps: {
      orm,
      pii,
      cs,
      cards,
      portal: new PortalHttpClient({ baseUrl: config.portalUrl, token: config.portalToken }),
      certificates,
      config,
    },
    ...(process.env.WORKFLOW_BUNDLE ? { workflowBundle: { codePath: process.env.WORKFLOW_BUNDLE } } : {}),
  });
  const running = worker.run(); // returns after SIGINT/SIGTERM once in-flight tasks are done
  while (worker.getState() === 'INITIALIZED') await new Promise((r) => setTimeout(r, 20));
  // the first beat as soon as it polls: the image's HEALTHCHECK (scripts/healthcheck.ts) and the readiness of
  // scripts/lib/app-processes.ts read it, whatever LOG_LEVEL says
  const stopHeartbeat = startWorkerHeartbeat(worker);
  if (worker.getState() === 'RUNNING') log.info({ taskQueue: config.taskQueue }, 'worker running');
  // the held-certificate sweep runs whatever happened to it (as at the API's start); retried, never fatal. Its client
  // shares the worker's connection
  const sweep = ensureHeldCertificateSweepInBackground(temporalClientOn(connection, config), config, {
    retryMs: config.workflowStartReconcileMs,
    log: (line) => log.warn(line),
  });
  void sweep.ensured.then(() => log.info({ taskQueue: config.taskQueue }, 'held-certificate sweep ensured'));
  await running;
  stopHeartbeat();
  sweep.stop();
  await Promise.all([orm.close(true), metrics.close(), connection.close(), certificates.close()]);
  log.info('worker stopped');
}

main().catch((e: unknown) => {
  log.fatal({ err: e }, 'worker failed');
  process.exit(1);
});

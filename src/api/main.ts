/** Production API entry (behind a load balancer): `node dist/src/api/main.js`. Configuration from env. */
import { loadConfig } from '../config';
import { attachPiiCipher } from '../db/encrypted-columns';
import { openRegistryDb } from '../db/orm';
import { piiCryptoFor } from '../db/pii-crypto';
import { createTemporalClient } from '../temporal/client';
import { PROCEDURES } from '../procedures';
import { logger, rootLogger } from '../observability/log';
import { createApiApp } from './app';
import { fileTrustSource, unconfiguredTrust } from './portal-trust';
import { ensureHeldCertificateSweepInBackground } from '../procedures/held-certificate/sweep-start';
import { runWorkflowStartReconciler } from './workflow-starts';

const log = logger('api');

async function main() {
  const config = loadConfig();
  rootLogger.level = config.logLevel;
  const orm = await openRegistryDb(config.databaseUrl, {
    migrate: process.env.MIGRATE_ON_START === 'true',
    migrationDatabaseUrl: config.migrationDatabaseUrl,
  });
  const pii = piiCryptoFor(config.keys);
  attachPiiCipher(orm, pii); // applications and certificate PDFs are encrypted at rest (src/db/encrypted-columns.ts)
  const temporal = await createTemporalClient(config);
  const server = createApiApp({
    orm,
    pii,
    temporal,
    config,
    portalTrust: config.portalTrustFiles ? fileTrustSource(config.portalTrustFiles) : unconfiguredTrust,
    procedures: PROCEDURES,
  }).listen(config.apiPort, config.apiHost, () =>
    log.info({ host: config.apiHost, port: config.apiPort }, 'API listening'),
  );
  const stopReconciler = runWorkflowStartReconciler(orm, temporal, config.workflowStartReconcileMs);
  // the held-certificate sweep runs whatever happened to it; a Temporal briefly unreachable is retried, not fatal
  const sweep = ensureHeldCertificateSweepInBackground(temporal, config, {
    retryMs: config.workflowStartReconcileMs,
    log: (line) => log.warn(line),
  });
  const stop = () => {
    stopReconciler();
    sweep.stop();
    server.close(() => void Promise.all([orm.close(true), temporal.connection.close()]).then(() => process.exit(0)));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((e: unknown) => {
  log.fatal({ err: e }, 'api failed');
  process.exit(1);
});

/** Production worker entry (one of N stateless replicas): `tsx src/worker/main.ts`. Configuration from env. */
import { loadConfig } from '../config';
import { createCertificateRenderer } from '../activities/certificate-renderer';
import { attachPiiCipher } from '../db/encrypted-columns';
import { openRegistryDb } from '../db/orm';
import { piiCryptoFor } from '../db/pii-crypto';
import { CardAgencyHttpClient } from '../partners/card-agency-http-client';
import { CsHttpClient } from '../partners/cs-http-client';
import { PortalHttpClient } from '../partners/portal-http-client';
import { createRegistryWorker } from './create-worker';

async function main() {
  const config = loadConfig();
  const orm = await openRegistryDb(config.databaseUrl, {
    migrate: process.env.MIGRATE_ON_START === 'true',
    migrationDatabaseUrl: config.migrationDatabaseUrl,
  });
  const pii = piiCryptoFor(config.keys);
  attachPiiCipher(orm, pii); // applications and certificate PDFs are encrypted at rest (src/db/encrypted-columns.ts)
  const cs = new CsHttpClient({ baseUrl: config.csUrl, token: config.csToken });
  const cards = new CardAgencyHttpClient({ baseUrl: config.jlisUrl, token: config.jlisToken });
  const worker = await createRegistryWorker({
    config,
    deps: {
      orm,
      pii,
      cs,
      cards,
      portal: new PortalHttpClient({ baseUrl: config.portalUrl, token: config.portalToken }),
      certificates: createCertificateRenderer(),
      config,
    },
    // a prebuilt bundle (tests: test/support/workflow-bundle.ts) saves the bundling at every start; default: bundle now
    ...(process.env.WORKFLOW_BUNDLE_PATH ? { workflowBundle: { codePath: process.env.WORKFLOW_BUNDLE_PATH } } : {}),
  });
  const running = worker.run(); // returns after SIGINT/SIGTERM once in-flight tasks are done
  while (worker.getState() === 'INITIALIZED') await new Promise((r) => setTimeout(r, 20));
  // scripts/lib/app-processes.ts waits for this line (WORKER_READY_LINE)
  if (worker.getState() === 'RUNNING') console.log(`worker running: task queue ${config.taskQueue}`);
  await running;
  await orm.close(true);
}

main().catch((e: unknown) => {
  console.error(`worker failed: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});

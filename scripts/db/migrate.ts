/**
 * Applies pending registry migrations (production: run once before rolling out API/worker replicas), as the migration
 * DB user when MIGRATION_DATABASE_URL is set, which then grants the application's user (audit_log: INSERT, SELECT);
 * then encrypts at rest what is still stored in clear (applications and certificate PDFs from before issue 13;
 * `encryptClearRows`, idempotent).
 */
import { loadConfig } from '../../src/config';
import { attachPiiCipher, encryptClearRows } from '../../src/db/encrypted-columns';
import { openRegistryDb } from '../../src/db/orm';
import { piiCryptoFor } from '../../src/db/pii-crypto';

const config = loadConfig();
openRegistryDb(config.databaseUrl, { migrationDatabaseUrl: config.migrationDatabaseUrl })
  .then(async (orm) => {
    console.log(`migrations applied: ${(await orm.migrator.getExecuted()).length}`);
    attachPiiCipher(orm, piiCryptoFor(config.keys));
    const n = await encryptClearRows(orm);
    console.log(`encrypted at rest: ${n.applications} applications, ${n.certificates} certificates`);
    await orm.close(true);
  })
  .catch((e: unknown) => {
    console.error(`migration failed: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  });

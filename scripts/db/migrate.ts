/**
 * Applies pending registry migrations (production: run once before rolling out API/worker replicas), as the migration
 * DB user when MIGRATION_DATABASE_URL is set, which then grants the application's user (audit_log: INSERT, SELECT).
 */
import { loadConfig } from '../../src/config';
import { openRegistryDb } from '../../src/db/orm';

const config = loadConfig();
openRegistryDb(config.databaseUrl, { migrationDatabaseUrl: config.migrationDatabaseUrl })
  .then(async (orm) => {
    console.log(`migrations applied: ${(await orm.migrator.getExecuted()).length}`);
    await orm.close(true);
  })
  .catch((e: unknown) => {
    console.error(`migration failed: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  });

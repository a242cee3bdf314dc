/** Applies pending registry migrations (production: run once before rolling out API/worker replicas). */
import { loadConfig } from '../../src/config';
import { openRegistryDb } from '../../src/db/orm';

openRegistryDb(loadConfig().databaseUrl)
  .then(async (orm) => {
    console.log(`migrations applied: ${(await orm.migrator.getExecuted()).length}`);
    await orm.close(true);
  })
  .catch((e: unknown) => {
    console.error(`migration failed: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  });

/**
 * Applies pending registry migrations, then encrypts at rest what is still stored in clear (applications and
 * certificate PDFs from before issue 13; `encryptClearRows`, idempotent) — production: run once before rolling out
 * API/worker replicas.
 */
import { keyBytes, loadConfig } from '../../src/config';
import { attachPiiCipher, encryptClearRows } from '../../src/db/encrypted-columns';
import { openRegistryDb } from '../../src/db/orm';
import { createPiiCrypto } from '../../src/db/pii-crypto';

const config = loadConfig();
openRegistryDb(config.databaseUrl)
  .then(async (orm) => {
    console.log(`migrations applied: ${(await orm.migrator.getExecuted()).length}`);
    attachPiiCipher(orm, createPiiCrypto(keyBytes(config.keys.piiEncryption), keyBytes(config.keys.piiIndex)));
    const n = await encryptClearRows(orm);
    console.log(`encrypted at rest: ${n.applications} applications, ${n.certificates} certificates`);
    await orm.close(true);
  })
  .catch((e: unknown) => {
    console.error(`migration failed: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  });

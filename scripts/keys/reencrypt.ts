/**
 * `npm run keys:reencrypt`: rewrites every encrypted value of the registry with the current PII key and recomputes the
 * blind indexes (src/db/reencrypt.ts). Prints counts only, never a value. Exit 1 when a value could not be read.
 */
import { loadConfig } from '../../src/config';
import { openRegistryDb } from '../../src/db/orm';
import { piiCryptoFor } from '../../src/db/pii-crypto';
import { reencryptAll } from '../../src/db/reencrypt';

async function main() {
  const config = loadConfig();
  const orm = await openRegistryDb(config.databaseUrl, { migrate: false });
  try {
    const pii = piiCryptoFor(config.keys);
    const r = await reencryptAll(orm, pii);
    console.log(
      `keys:reencrypt: current key ${pii.currentKeyId}; ${r.tables} tables, ${r.reencrypted} values re-encrypted, ` +
        `${r.reindexed} blind indexes recomputed, ${r.unreadable.length} unreadable`,
    );
    for (const u of r.unreadable) console.log(`  unreadable: ${u.table}.${u.column}`);
    if (r.unreadable.length) process.exitCode = 1;
  } finally {
    await orm.close(true);
  }
}

main().catch((e: unknown) => {
  console.error(`keys:reencrypt failed: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});

/**
 * `npm run audit:verify`: walks the audit hash chain (src/db/audit-chain.ts) and prints OK, or the first row that does
 * not fit (its id, position and why) with exit code 1. Reads only; run it as the application's or an auditor's DB user.
 */
import { loadConfig } from '../../src/config';
import { verifyAuditChain } from '../../src/db/audit-chain';
import { openRegistryDb } from '../../src/db/orm';

async function main() {
  const orm = await openRegistryDb(loadConfig().databaseUrl, { migrate: false });
  try {
    const r = await verifyAuditChain(orm);
    if (r.ok) console.log(`audit:verify OK: ${r.checked} rows in the chain (${r.unchained} written before it)`);
    else {
      const b = r.firstBroken!;
      console.log(`audit:verify BROKEN at row id ${b.id ?? '-'} (chain position ${b.chainSeq}): ${b.reason}`);
      process.exitCode = 1;
    }
  } finally {
    await orm.close(true);
  }
}

main().catch((e: unknown) => {
  console.error(`audit:verify failed: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(2);
});

/**
 * `npm run admin:create -- <userId> <氏名> <terminalId>`: the first security administrator of a database that has
 * none (a fresh production or test database: `npm start` seeds demo users only into the embedded default or with
 * `--demo`). Prints a one-time password, which must be changed at the first login; registers the terminal when it is
 * missing. Refused once a security administrator exists. Run on the server, configured from the environment as the
 * API (DATABASE_URL, …); with STAFF_SECOND_FACTOR=webauthn, follow with scripts/staff-auth-enrolment-code.ts.
 */
import { loadConfig } from '../src/config';
import { createFirstSecurityAdmin } from '../src/db/first-admin';
import { openRegistryDb } from '../src/db/orm';

async function main() {
  const [userId, displayName, terminalId] = process.argv.slice(2);
  if (!userId || !displayName || !terminalId)
    throw new Error('usage: npm run admin:create -- <userId> <氏名> <terminalId>');
  const config = loadConfig();
  const orm = await openRegistryDb(config.databaseUrl, { migrationDatabaseUrl: config.migrationDatabaseUrl });
  try {
    const r = await createFirstSecurityAdmin(orm, { userId, displayName, terminalId });
    console.log(
      `security administrator ${userId} created${r.terminalCreated ? `, terminal ${terminalId} registered` : ''}.`,
    );
    console.log(`one-time password (shown once; to be changed at the first login): ${r.initialPassword}`);
    if (config.staffAuth.secondFactor === 'webauthn')
      console.log(
        `next: node dist/scripts/staff-auth-enrolment-code.js ${userId} ${terminalId}  (enrol the terminal's authenticator; in a checkout: npx tsx scripts/staff-auth-enrolment-code.ts)`,
      );
  } finally {
    await orm.close(true);
  }
}

main().catch((e: unknown) => {
  console.error(`admin:create failed: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});

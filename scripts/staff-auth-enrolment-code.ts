/**
 * `npx tsx scripts/staff-auth-enrolment-code.ts <userId> <terminalId>`: a one-time code (30 minutes) with which the
 * user enrols the platform authenticator of a registered terminal at `/login/enrol` — the first security administrator
 * of an office, who then enrols everybody else on the 端末・生体認証 screen (README "Security"). Run on the server, by
 * the installer; configuration from the environment as for the API.
 */
import { loadConfig } from '../src/config';
import { audit } from '../src/db/audit-writer';
import { AuditAction } from '../src/db/entities';
import { openRegistryDb } from '../src/db/orm';
import { enrolmentOptions, INSTALLER } from '../src/api/webauthn';

async function main() {
  const [userId, terminalId] = process.argv.slice(2);
  if (!userId || !terminalId) throw new Error('usage: staff-auth-enrolment-code.ts <userId> <terminalId>');
  const config = loadConfig();
  const orm = await openRegistryDb(config.databaseUrl);
  try {
    const o = await enrolmentOptions(
      orm,
      config.staffAuth,
      { userId: INSTALLER, terminalId },
      userId,
      new Date(),
      30 * 60_000,
    );
    if (!o) throw new Error('no such active user, or the terminal is not registered');
    const em = orm.em.fork();
    audit(em, {
      actorId: INSTALLER,
      actorRoles: [],
      terminalId,
      action: AuditAction.AUTH_ADMIN,
      function: 'staff-auth-enrolment-code',
      detail: { userId, terminalId, step: 'code' },
    });
    await em.flush();
    console.log(`enrolment code for ${userId} at ${terminalId} (30 minutes, once): ${o.challengeId}`);
    console.log(`open ${config.staffAuth.origins[0]}/login/enrol at that terminal`);
  } finally {
    await orm.close();
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});

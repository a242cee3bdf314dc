import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { verifyAuditChain } from '../../src/db/audit-chain';
import { audit } from '../../src/db/audit-writer';
import { AuditAction, AuditLog } from '../../src/db/entities';
import { migrateAs, openRegistryDb, type Orm } from '../../src/db/orm';
import { dropDatabase } from '../support/demo-town-template';

const run = promisify(execFile);

/** Writes `n` audit rows, each in its own transaction, all at once (API and worker processes do the same). */
async function writeConcurrently(orm: Orm, n: number, prefix: string) {
  await Promise.all(
    Array.from({ length: n }, (_, i) =>
      orm.em.fork().transactional(async (em) => {
        audit(em, {
          actorId: `${prefix}${i % 3}`,
          actorRoles: ['clerk'],
          terminalId: 'T-HONCHO-01',
          action: AuditAction.INQUIRY,
          function: 'POST /api/residents/search',
          targetAddresseeNumber: String(100000 + i),
          individualNumberAccessed: i % 5 === 0,
          detail: { i, at: new Date(), nested: { b: 1, a: [1, 'x'] } },
        });
      }),
    ),
  );
}

const sqliteFile = () => join(mkdtempSync(join(tmpdir(), 'juki-audit-')), 'registry.sqlite');
const mariaUrl = (name: string) => {
  const u = new URL(inject('mariadbUrl'));
  u.pathname = `/${name}`;
  return u.toString();
};

// issue 13 item 6: a hash chain over the audit rows, verified by a command; altering a row is named
describe.each([
  ['SQLite', () => `sqlite:${sqliteFile()}`],
  ['MariaDB', () => mariaUrl(`juki_it_${randomBytes(4).toString('hex')}`)],
])('tamper-evident audit on %s', (db, url) => {
  const databaseUrl = url();
  let orm: Orm;
  afterAll(async () => {
    await orm?.close(true);
    if (db === 'MariaDB') await dropDatabase(inject('mariadbUrl'), new URL(databaseUrl).pathname.slice(1));
  });

  it('concurrent writers make one unbroken chain; an altered, a deleted or a trailing-deleted row is named', async () => {
    orm = await openRegistryDb(databaseUrl);
    await writeConcurrently(orm, 30, 'clerk');
    const rows = await orm.em.fork().find(AuditLog, {}, { orderBy: { chainSeq: 'asc' } });
    expect(rows.map((r) => r.chainSeq)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    expect(await verifyAuditChain(orm)).toEqual({ ok: true, checked: 30, unchained: 0 });

    // an insider changes who looked at a person: the verifier names that row
    const conn = orm.em.getConnection();
    const victim = rows[6]!;
    await conn.execute('update audit_log set actor_id = ? where id = ?', ['auditor1', victim.id]);
    expect((await verifyAuditChain(orm)).firstBroken).toMatchObject({ id: victim.id, chainSeq: 7 });
    expect((await verifyAuditChain(orm)).firstBroken?.reason).toMatch(/altered/);
    // and through the command
    const cli = await run('npx', ['tsx', 'scripts/audit/verify.ts'], {
      env: { ...process.env, DATABASE_URL: databaseUrl, JUKI_DATA_DIR: mkdtempSync(join(tmpdir(), 'juki-cli-')) },
    }).catch((e: { stdout: string; code: number }) => e);
    expect(cli.stdout).toContain(`BROKEN at row id ${victim.id} (chain position 7)`);
    await conn.execute('update audit_log set actor_id = ? where id = ?', [victim.actorId, victim.id]);
    expect((await verifyAuditChain(orm)).ok).toBe(true);

    // a row deleted in the middle: the next one no longer fits
    await conn.execute('delete from audit_log where id = ?', [rows[11]!.id]);
    expect((await verifyAuditChain(orm)).firstBroken).toMatchObject({ id: rows[12]!.id, chainSeq: 13 });
  });

  // InnoDB REPEATABLE READ: a transaction's snapshot is taken at its first read, so the head must be read with a lock
  // (SQLite runs one transaction at a time: no snapshot can be stale there)
  it.runIf(db === 'MariaDB')(
    'a writer whose transaction read before another writer committed still takes the next position',
    async () => {
      const entry = (actorId: string) => ({
        actorId,
        actorRoles: ['clerk'],
        action: AuditAction.INQUIRY,
        function: 'GET /api/residents/0000001',
        individualNumberAccessed: false,
      });
      const ownUrl = url();
      const db2 = await openRegistryDb(ownUrl);
      try {
        let otherCommitted!: () => void;
        const committed = new Promise<void>((r) => (otherCommitted = r));
        const early = db2.em.fork().transactional(async (em) => {
          await em.count(AuditLog, {}); // the snapshot starts here
          await committed;
          audit(em, entry('early-reader'));
        });
        await db2.em.fork().transactional(async (em) => audit(em, entry('other-writer')));
        otherCommitted();
        await early;
        const rows = await db2.em.fork().find(AuditLog, {}, { orderBy: { chainSeq: 'asc' } });
        expect(rows.map((r) => [r.actorId, r.chainSeq])).toEqual([
          ['other-writer', 1],
          ['early-reader', 2],
        ]);
        expect((await verifyAuditChain(db2)).ok).toBe(true);
      } finally {
        await db2.close(true);
        if (db === 'MariaDB') await dropDatabase(inject('mariadbUrl'), new URL(ownUrl).pathname.slice(1));
      }
    },
  );

  it('the last rows deleted: the chain head names the gap', async () => {
    const secondUrl = url();
    const fresh = await openRegistryDb(secondUrl);
    try {
      await writeConcurrently(fresh, 5, 'approver');
      const last = await fresh.em.fork().findOneOrFail(AuditLog, { chainSeq: 5 });
      await fresh.em.getConnection().execute('delete from audit_log where id = ?', [last.id]);
      const r = await verifyAuditChain(fresh);
      expect(r.ok).toBe(false);
      expect(r.firstBroken).toMatchObject({ id: null, chainSeq: 5 });
    } finally {
      await fresh.close(true);
      if (db === 'MariaDB') await dropDatabase(inject('mariadbUrl'), new URL(secondUrl).pathname.slice(1));
    }
  });
});

// the application's DB user may only INSERT and SELECT audit_log; the migrations run as another user
describe('MariaDB: the application user cannot change audit rows', () => {
  const name = `juki_it_${randomBytes(4).toString('hex')}`;
  const appUser = `juki_app_${randomBytes(3).toString('hex')}`;
  const migrationUrl = mariaUrl(name);
  const appUrl = (() => {
    const u = new URL(migrationUrl);
    u.username = appUser;
    u.password = 'app-secret-0123';
    return u.toString();
  })();
  let app: Orm | undefined;
  let admin: Orm | undefined;
  afterAll(async () => {
    await app?.close(true);
    await admin?.em.getConnection().execute(`drop user if exists '${appUser}'@'127.0.0.1'`);
    await admin?.close(true);
    await dropDatabase(inject('mariadbUrl'), name);
  });

  it('migrates as the migration user, grants the app user; its UPDATE and DELETE on audit_log are refused', async () => {
    admin = await openRegistryDb(mariaUrl('juki_test'), { migrate: false });
    await admin.em.getConnection().execute(`create user '${appUser}'@'127.0.0.1' identified by 'app-secret-0123'`);
    await migrateAs(migrationUrl, appUrl, '127.0.0.1');
    app = await openRegistryDb(appUrl, { migrate: false });
    await writeConcurrently(app, 4, 'clerk');
    expect(await verifyAuditChain(app)).toEqual({ ok: true, checked: 4, unchained: 0 });
    const conn = app.em.getConnection();
    await expect(conn.execute("update audit_log set actor_id = 'auditor1' where chain_seq = 2")).rejects.toThrow(
      /UPDATE command denied/i,
    );
    await expect(conn.execute('delete from audit_log where chain_seq = 4')).rejects.toThrow(/DELETE command denied/i);
    await expect(conn.execute('drop table audit_log')).rejects.toThrow(/DROP command denied/i);
    // the rest of the registry is the application's as before
    await conn.execute("update staff_user set display_name = display_name where user_id = 'nobody'");
    expect(await verifyAuditChain(app)).toEqual({ ok: true, checked: 4, unchained: 0 });
  });
});

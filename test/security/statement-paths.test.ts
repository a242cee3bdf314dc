import { randomBytes, createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { resolveSession, SESSION_MAX_MS } from '../../src/api/auth';
import { verifyAuditChain } from '../../src/db/audit-chain';
import { audit } from '../../src/db/audit-writer';
import { nextSerial } from '../../src/db/counters';
import { projectionActivities } from '../../src/activities/projection';
import type { ActivityDeps } from '../../src/activities/deps';
import {
  AuditAction,
  AuditLog,
  CaseActionLog,
  CaseRecord,
  Counter,
  StaffSession,
  StaffUser,
  Terminal,
} from '../../src/db/entities';
import { AttentionReason, CaseAction } from '../../src/domain/case-status';
import { openRegistryDb, type Orm } from '../../src/db/orm';
import { seedStaff } from '../../src/db/seed/staff';
import { Role } from '../../src/domain/roles';
import { dropDatabase } from '../support/demo-town-template';

const sqliteFile = () => join(mkdtempSync(join(tmpdir(), 'juki-stmts-')), 'registry.sqlite');
const mariaUrl = () => {
  const u = new URL(inject('mariadbUrl'));
  u.pathname = `/juki_it_${randomBytes(4).toString('hex')}`;
  return u.toString();
};

/**
 * Issue 15 (statements per 転入): the one-statement forms of the session lookup (session, user and terminal in one
 * join), the serial counters (one upsert / locking update) and the audit chain's head read keep their guarantees on
 * both databases: a revocation, deactivation or lock ends a session at the next request; concurrent draws never
 * repeat a number; concurrent transactions with several audit rows each still make one unbroken chain.
 */
describe.each([
  ['SQLite', () => `sqlite:${sqliteFile()}`],
  ['MariaDB', mariaUrl],
])('one-statement paths on %s', (db, url) => {
  const databaseUrl = url();
  let orm: Orm;
  beforeAll(async () => {
    orm = await openRegistryDb(databaseUrl);
    await seedStaff(orm, undefined, undefined, 'scrypt$not-used');
  });
  afterAll(async () => {
    await orm?.close(true);
    if (db === 'MariaDB') await dropDatabase(inject('mariadbUrl'), new URL(databaseUrl).pathname.slice(1));
  });

  const newSession = async (userId: string, terminalId = 'T-HONCHO-01', lastSeenAt = new Date()) => {
    const token = randomBytes(16).toString('hex');
    const em = orm.em.fork();
    em.persist(
      em.create(StaffSession, {
        tokenHash: createHash('sha256').update(token).digest('hex'),
        userId,
        terminalId,
        createdAt: lastSeenAt,
        lastSeenAt,
        expiresAt: new Date(Date.now() + SESSION_MAX_MS),
      }),
    );
    await em.flush();
    return token;
  };
  const set = async <T extends object>(entity: new () => T, where: object, values: object) =>
    orm.em.fork().nativeUpdate(entity as never, where as never, values as never);

  it('a session resolves with its user and roles; a revoked session, a deactivated user or terminal and a lock end it at once', async () => {
    const token = await newSession('approver2');
    const ok = await resolveSession(orm, token, '127.0.0.1');
    expect(ok).toEqual({
      ok: true,
      staff: {
        userId: 'approver2',
        displayName: '審査　真理',
        roles: [Role.APPROVER, Role.SUPPORT_MEASURE_OFFICER],
        terminalId: 'T-HONCHO-01',
        ip: '127.0.0.1',
      },
      mustChangePassword: false,
    });
    expect(await resolveSession(orm, 'no-such-token', undefined)).toEqual({ ok: false, reason: 'missing' });

    // revoked (logout, password change): refused on the very next request
    await set(StaffSession, { tokenHash: createHash('sha256').update(token).digest('hex') }, { revokedAt: new Date() });
    expect(await resolveSession(orm, token, undefined)).toEqual({ ok: false, reason: 'expired' });

    const t2 = await newSession('clerk2', 'T-HONCHO-02');
    expect((await resolveSession(orm, t2, undefined)).ok).toBe(true);
    await set(Terminal, { terminalId: 'T-HONCHO-02' }, { active: false });
    expect(await resolveSession(orm, t2, undefined)).toEqual({ ok: false, reason: 'expired' });
    await set(Terminal, { terminalId: 'T-HONCHO-02' }, { active: true });
    expect((await resolveSession(orm, t2, undefined)).ok).toBe(true);
    await set(StaffUser, { userId: 'clerk2' }, { active: false });
    expect(await resolveSession(orm, t2, undefined)).toEqual({ ok: false, reason: 'expired' });
    await set(StaffUser, { userId: 'clerk2' }, { active: true, lockedUntil: new Date(Date.now() + 60_000) });
    expect(await resolveSession(orm, t2, undefined)).toEqual({ ok: false, reason: 'expired' });
    await set(StaffUser, { userId: 'clerk2' }, { lockedUntil: null, validUntil: new Date(Date.now() - 1000) });
    expect(await resolveSession(orm, t2, undefined)).toEqual({ ok: false, reason: 'expired' });
    await set(StaffUser, { userId: 'clerk2' }, { validUntil: null, mustChangePassword: true });
    expect(await resolveSession(orm, t2, undefined)).toMatchObject({ ok: true, mustChangePassword: true });
  });

  it('the idle timer: refreshed by a request after a minute, not by a background refresh; an idle session ends', async () => {
    const seen = new Date(Date.now() - 5 * 60_000);
    const token = await newSession('clerk1', 'T-HONCHO-01', seen);
    const hash = createHash('sha256').update(token).digest('hex');
    const lastSeen = async () => (await orm.em.fork().findOneOrFail(StaffSession, { tokenHash: hash })).lastSeenAt;
    expect((await resolveSession(orm, token, undefined, new Date(), false)).ok).toBe(true);
    expect(Math.abs((await lastSeen()).getTime() - seen.getTime())).toBeLessThan(1000);
    const now = new Date();
    expect((await resolveSession(orm, token, undefined, now)).ok).toBe(true);
    expect(Math.abs((await lastSeen()).getTime() - now.getTime())).toBeLessThan(1000);
    expect(await resolveSession(orm, token, undefined, new Date(now.getTime() + 31 * 60_000))).toEqual({
      ok: false,
      reason: 'expired',
    });
  });

  it('a counter drawn concurrently never repeats (a new name and an existing one)', async () => {
    const draw = (name: string, n: number) =>
      Promise.all(Array.from({ length: n }, () => orm.em.fork().transactional((em) => nextSerial(em, name, 1))));
    const first = await draw('test:new', 1);
    expect(first).toEqual([1]);
    const again = await draw('test:new', 20);
    expect(new Set([...first, ...again]).size).toBe(first.length + again.length);
    const row = await orm.em.fork().findOneOrFail(Counter, { name: 'test:new' });
    expect(row.value).toBe(Math.max(...first, ...again));
    expect(await orm.em.fork().transactional((em) => nextSerial(em, 'test:start', 100))).toBe(100);
    expect(await orm.em.fork().transactional((em) => nextSerial(em, 'test:start', 100))).toBe(101);
  });

  it('transactions with several audit rows each, run concurrently, make one unbroken chain', async () => {
    await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        orm.em.fork().transactional(async (em) => {
          audit(
            em,
            ...[0, 1, 2].map((k) => ({
              actorId: `clerk${i}`,
              actorRoles: ['clerk'],
              action: AuditAction.INQUIRY,
              function: 'GET /api/residents/:addresseeNumber',
              targetAddresseeNumber: String(200000 + i * 10 + k),
            })),
          );
        }),
      ),
    );
    const rows = await orm.em.fork().find(AuditLog, {}, { orderBy: { chainSeq: 'asc' } });
    expect(rows.map((r) => r.chainSeq)).toEqual(Array.from({ length: 24 }, (_, i) => i + 1));
    expect(await verifyAuditChain(orm)).toEqual({ ok: true, checked: 24, unchained: 0 });
  });

  it('projectCase in one UPDATE: a stale revision is ignored, a failing step keeps its attention, the first final status completes, subjects fill case_subject', async () => {
    const caseId = `proj-${db}`;
    const em0 = orm.em.fork();
    em0.persist(
      em0.create(CaseRecord, {
        caseId,
        procedure: 'move-in',
        status: 'RECEIVED',
        workflowId: `wf-${caseId}`,
        enteredBy: 'clerk1',
        revision: 1,
        needsAttention: true,
        attentionReason: AttentionReason.ACTIVITY_FAILING,
        failingStep: 'commitMoveIn',
        attempt: 4,
        escalated: false,
        createdAt: new Date(),
        updatedAt: new Date(),
      }),
    );
    await em0.flush();
    const project = projectionActivities({ orm } as unknown as ActivityDeps).projectCase;
    const row = () => orm.em.fork().findOneOrFail(CaseRecord, { caseId });
    const base = { caseId, procedure: 'move-in', needsAttention: false, attentionReason: null };

    await project({ ...base, revision: 3, status: 'AWAITING_APPROVAL', awaitingRole: 'approver', makerId: 'clerk1' });
    expect(await row()).toMatchObject({
      status: 'AWAITING_APPROVAL',
      revision: 3,
      awaitingRole: 'approver',
      makerId: 'clerk1',
      // the failure recorder's attention stays until the step succeeds
      needsAttention: true,
      attentionReason: AttentionReason.ACTIVITY_FAILING,
      failingStep: 'commitMoveIn',
    });
    await project({ ...base, revision: 2, status: 'RECEIVED' }); // late: ignored
    expect((await row()).status).toBe('AWAITING_APPROVAL');

    await project({ ...base, revision: 4, status: 'DELIVERING', awaitingRole: null, subjects: ['A1', 'A2'] });
    expect(await row()).toMatchObject({ status: 'DELIVERING', subjectAddresseeNumbers: ['A1', 'A2'] });
    expect((await row()).awaitingRole ?? null).toBeNull();
    const subjects = await orm.em
      .getConnection()
      .execute('select addressee_number as a from case_subject where case_id = ? order by addressee_number', [caseId]);
    expect(subjects.map((r: { a: string }) => r.a)).toEqual(['A1', 'A2']);

    // a reason of the status helper replaces another reason of its own
    await orm.em.fork().nativeUpdate(CaseRecord, { caseId }, { attentionReason: 'OVERDUE' });
    await project({ ...base, revision: 5, status: 'DELIVERING' });
    expect(await row()).toMatchObject({ needsAttention: false });
    expect((await row()).attentionReason ?? null).toBeNull();

    await project({ ...base, revision: 6, status: 'COMPLETED', final: true });
    const done = await row();
    expect(done).toMatchObject({ status: 'COMPLETED', needsAttention: false });
    expect([done.failingStep, done.attempt, done.attentionReason].map((v) => v ?? null)).toEqual([null, null, null]);
    expect(done.completedAt).toBeInstanceOf(Date);
    await new Promise((r) => setTimeout(r, 1100));
    await project({ ...base, revision: 7, status: 'COMPLETED', final: true });
    expect((await row()).completedAt?.getTime()).toBe(done.completedAt!.getTime()); // kept
    expect((await row()).revision).toBe(7);

    await expect(project({ ...base, caseId: 'no-such-case', status: 'X' })).rejects.toMatchObject({
      name: 'NotFoundError',
    });
  });
  it('recordDecision reads once (the subjects and whether the decision is logged), logs it with an audit row per subject, and a retry writes nothing more', async () => {
    const caseId = `dec-${db}`;
    const em0 = orm.em.fork();
    em0.persist(
      em0.create(CaseRecord, {
        caseId,
        procedure: 'move-in',
        status: 'AWAITING_APPROVAL',
        workflowId: `wf-${caseId}`,
        enteredBy: 'clerk1',
        revision: 1,
        needsAttention: false,
        escalated: false,
        subjectAddresseeNumbers: ['D1', 'D2'],
        createdAt: new Date(),
        updatedAt: new Date(),
      }),
    );
    await em0.flush();
    const record = projectionActivities({ orm } as unknown as ActivityDeps).recordDecision;
    const decision = {
      kind: 'APPROVED' as const,
      by: 'approver1',
      terminalId: 'T-HONCHO-01',
      at: new Date().toISOString(),
    };
    const conn = orm.em.getConnection() as unknown as { logQuery: (q: string, c?: unknown) => void };
    const logQuery = conn.logQuery;
    const reads: string[] = [];
    conn.logQuery = function (this: unknown, q: string, c?: unknown) {
      if (/^\s*select/i.test(q) && !/audit_chain_head/.test(q)) reads.push(q);
      return logQuery.call(this, q, c);
    };
    try {
      await record({ caseId, decision });
      expect(reads).toHaveLength(1);
      await record({ caseId, decision }); // an activity retry after a lost acknowledgement
    } finally {
      conn.logQuery = logQuery;
    }
    const em = orm.em.fork();
    expect(await em.count(CaseActionLog, { caseId, action: CaseAction.APPROVE })).toBe(1);
    const audits = await em.find(AuditLog, { caseId }, { orderBy: { chainSeq: 'asc' } });
    expect(audits.map((a) => [a.targetAddresseeNumber, a.function, a.actorId])).toEqual([
      ['D1', 'approve', 'approver1'],
      ['D2', 'approve', 'approver1'],
    ]);
    expect((await verifyAuditChain(orm)).ok).toBe(true);
    await expect(record({ caseId: 'no-such-case', decision })).rejects.toMatchObject({
      name: 'NotFoundError',
      message: expect.stringMatching(/^CaseRecord not found/),
    });
  });
});

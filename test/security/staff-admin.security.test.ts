import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditAction, AuditLog, StaffCredential, StaffUser, Terminal } from '../../src/db/entities';
import { verifyAuditChain } from '../../src/db/audit-chain';
import { createFirstSecurityAdmin } from '../../src/db/first-admin';
import { openRegistryDb } from '../../src/db/orm';
import { DEMO_PASSWORD, seedStaff } from '../../src/db/seed/staff';
import { Role } from '../../src/domain/roles';
import { freshMariaDbUrl, startTestSystem, type TestSystem } from '../support/system-harness';

/**
 * Issue 14 item 7 on the running system (MariaDB, real HTTP): staff users managed by the security administrator —
 * the role gate, a new user's one-time password and the forced change, the password change ending other sessions,
 * the four-eyes password reset, nobody changing their own rights, lock / unlock and the automatic lock, validity,
 * a retired terminal's authenticators, and the first administrator of an empty database.
 */
describe('staff administration (/api/admin, /api/auth/password)', () => {
  let sys: TestSystem;
  let admin1: string;
  let admin2: string;
  let ipSeq = 0;
  const nextIp = () => `192.0.2.${++ipSeq}`;

  beforeAll(async () => {
    sys = await startTestSystem(freshMariaDbUrl());
    await seedStaff(sys.orm, [{ userId: 'secadmin2', displayName: '管理　二郎', roles: [Role.SECURITY_ADMIN] }]);
    admin1 = await sys.login('secadmin1');
    admin2 = await sys.login('secadmin2');
  });
  afterAll(async () => sys?.close());

  const loginWith = (userId: string, password: string, ip = nextIp()) =>
    sys.api('POST', '/api/auth/login', {
      body: { userId, password, terminalId: 'T-HONCHO-01' },
      headers: { 'x-forwarded-for': ip },
    });
  const audits = (fn: string) => sys.orm.em.fork().find(AuditLog, { function: fn }, { orderBy: { id: 'asc' } });
  const user = (userId: string) => sys.orm.em.fork().findOneOrFail(StaffUser, { userId });
  const create = (token: string, body: unknown) => sys.api('POST', '/api/admin/users', { token, body });

  it('non-administrators get 403 on the admin routes, audited; no user is created', async () => {
    for (const who of ['clerk1', 'approver1', 'supervisor1', 'auditor1']) {
      const t = await sys.login(who);
      expect((await sys.api('GET', '/api/admin/users', { token: t })).status).toBe(403);
      const r = await create(t, { userId: `x-${who}`, displayName: '不正　登録', roles: [Role.SECURITY_ADMIN] });
      expect(r.status).toBe(403);
      expect(r.json.error).toBe('FORBIDDEN');
      expect(await sys.orm.em.fork().count(StaffUser, { userId: `x-${who}` })).toBe(0);
    }
    const denied = (await audits('POST /api/admin/users')).filter((a) => a.outcome === 'denied');
    expect(denied.map((a) => a.actorId).sort()).toEqual(['approver1', 'auditor1', 'clerk1', 'supervisor1']);
    expect(denied.every((a) => a.action === AuditAction.DENIED)).toBe(true);
  });

  it('bad input is refused with the field and the rule, and nothing is stored', async () => {
    const r = await create(admin1, {
      userId: 'bad id!',
      displayName: '',
      roles: ['system'],
      validFrom: '2027-02-30',
    });
    expect(r.status).toBe(400);
    const fields = r.json.errors.map((e: { field: string; rule: string }) => `${e.field} ${e.rule}`);
    expect(fields).toEqual(
      expect.arrayContaining(['/userId pattern', '/displayName minLength', '/roles/0 enum', '/validFrom format']),
    );
    const backwards = await create(admin1, {
      userId: 'clerk-bw',
      displayName: '期間　逆',
      roles: [Role.CLERK],
      validFrom: '2027-04-01',
      validUntil: '2027-03-31',
    });
    expect(backwards.status).toBe(400);
    expect(backwards.json.errors).toEqual([expect.objectContaining({ field: '/validUntil', rule: 'afterValidFrom' })]);
    expect(await sys.orm.em.fork().count(StaffUser, { userId: { $in: ['bad id!', 'clerk-bw'] } })).toBe(0);
  });

  it('a new clerk logs in with the one-time password, can do nothing but change it, and the change ends other sessions', async () => {
    const r = await create(admin1, { userId: 'clerk-new', displayName: '新任　一郎', roles: [Role.CLERK] });
    expect(r.status).toBe(201);
    const otp: string = r.json.initialPassword;
    expect(otp).toMatch(/^[A-Za-z0-9]{16}$/);
    expect(await user('clerk-new')).toMatchObject({ roles: [Role.CLERK], mustChangePassword: true });
    const created = (await audits('POST /api/admin/users')).filter((a) => a.outcome === 'ok');
    expect(created).toHaveLength(1);
    expect(created[0]).toMatchObject({ actorId: 'secadmin1', action: AuditAction.AUTH_ADMIN });
    expect(created[0]!.detail).toMatchObject({ userId: 'clerk-new', step: 'create', roles: [Role.CLERK] });
    expect(JSON.stringify(created[0]!.detail)).not.toContain(otp); // the password is never stored or logged

    const first = await loginWith('clerk-new', otp);
    expect(first.status).toBe(200);
    expect(first.json.mustChangePassword).toBe(true);
    const token: string = first.json.token;
    const blocked = await sys.api('GET', '/api/cases', { token });
    expect(blocked.status).toBe(403);
    expect(blocked.json.error).toBe('PASSWORD_CHANGE_REQUIRED');
    expect((await sys.api('GET', '/api/me', { token })).status).toBe(200);
    const elsewhere: string = (await loginWith('clerk-new', otp)).json.token;

    // every problem at once, named by field; a wrong current password is refused and counted as a failed login
    const weak = await sys.api('POST', '/api/auth/password', {
      token,
      body: { currentPassword: otp, newPassword: 'clerk-new-1', newPasswordConfirm: 'other' },
    });
    expect(weak.status).toBe(400);
    expect(weak.json.errors.map((e: { field: string; rule: string }) => `${e.field} ${e.rule}`)).toEqual([
      '/newPassword policy',
      '/newPassword policy',
      '/newPasswordConfirm match',
    ]);
    const wrong = await sys.api('POST', '/api/auth/password', {
      token,
      body: {
        currentPassword: 'not-the-password',
        newPassword: 'kawasemi-2027-haru',
        newPasswordConfirm: 'kawasemi-2027-haru',
      },
    });
    expect(wrong.status).toBe(400);
    expect(wrong.json.errors).toEqual([expect.objectContaining({ field: '/currentPassword' })]);
    expect((await user('clerk-new')).mustChangePassword).toBe(true);

    const ok = await sys.api('POST', '/api/auth/password', {
      token,
      body: { currentPassword: otp, newPassword: 'kawasemi-2027-haru', newPasswordConfirm: 'kawasemi-2027-haru' },
    });
    expect(ok.status).toBe(204);
    expect((await sys.api('GET', '/api/cases', { token })).status).toBe(200);
    expect((await sys.api('GET', '/api/me', { token: elsewhere })).status).toBe(401); // the other session ended
    expect((await loginWith('clerk-new', otp)).status).toBe(401);
    const again = await loginWith('clerk-new', 'kawasemi-2027-haru');
    expect(again.status).toBe(200);
    expect(again.json.mustChangePassword).toBe(false);
    const changed = (await audits('POST /api/auth/password')).map((a) => [a.outcome, (a.detail as any).refused]);
    expect(changed).toEqual([
      ['denied', 'CURRENT_PASSWORD'],
      ['ok', undefined],
    ]);
  });

  it('nobody changes their own roles, validity or lock (403 SELF_CHANGE, audited); another administrator can', async () => {
    const own = await sys.api('POST', '/api/admin/users/secadmin1/roles', {
      token: admin1,
      body: { roles: [Role.SECURITY_ADMIN, Role.SUPERVISOR] },
    });
    expect(own.status).toBe(403);
    expect(own.json.error).toBe('SELF_CHANGE');
    expect((await sys.api('POST', '/api/admin/users/secadmin1/lock', { token: admin1 })).status).toBe(403);
    expect((await user('secadmin1')).roles).toEqual([Role.SECURITY_ADMIN]);
    const refused = (await audits('POST /api/admin/users/:userId/roles')).filter((a) => a.outcome === 'denied');
    expect(refused[0]!.detail).toMatchObject({ userId: 'secadmin1', refused: 'SELF_CHANGE' });

    const other = await sys.api('POST', '/api/admin/users/clerk2/roles', {
      token: admin1,
      body: { roles: [Role.CLERK, Role.APPROVER] },
    });
    expect(other.status).toBe(200);
    expect((await user('clerk2')).roles).toEqual([Role.CLERK, Role.APPROVER]);
    const done = (await audits('POST /api/admin/users/:userId/roles')).filter((a) => a.outcome === 'ok');
    expect(done[0]!.detail).toMatchObject({
      userId: 'clerk2',
      before: [Role.CLERK],
      after: [Role.CLERK, Role.APPROVER],
    });
  });

  it('a password reset needs a second administrator: the requester and the user are refused (FOUR_EYES)', async () => {
    const clerkSession = await sys.login('clerk1');
    const req = await sys.api('POST', '/api/admin/users/clerk1/password-resets', { token: admin1 });
    expect(req.status).toBe(201);
    const resetId: string = req.json.resetId;
    const twice = await sys.api('POST', '/api/admin/users/clerk1/password-resets', { token: admin2 });
    expect(twice.status).toBe(409);

    const self = await sys.api('POST', `/api/admin/password-resets/${resetId}/approve`, { token: admin1 });
    expect(self.status).toBe(403);
    expect(self.json.error).toBe('FOUR_EYES');
    const byClerk = await sys.api('POST', `/api/admin/password-resets/${resetId}/approve`, { token: clerkSession });
    expect(byClerk.status).toBe(403);
    // nothing changed yet: the old password still works, the session goes on
    expect((await sys.api('GET', '/api/me', { token: clerkSession })).status).toBe(200);
    expect((await user('clerk1')).mustChangePassword).toBe(false);

    const approved = await sys.api('POST', `/api/admin/password-resets/${resetId}/approve`, { token: admin2 });
    expect(approved.status).toBe(200);
    const otp: string = approved.json.initialPassword;
    expect((await sys.api('GET', '/api/me', { token: clerkSession })).status).toBe(401);
    expect((await loginWith('clerk1', DEMO_PASSWORD)).status).toBe(401);
    const first = await loginWith('clerk1', otp);
    expect(first.status).toBe(200);
    expect(first.json.mustChangePassword).toBe(true);
    expect((await sys.api('POST', `/api/admin/password-resets/${resetId}/approve`, { token: admin2 })).status).toBe(
      409,
    );

    const rows = await audits('POST /api/admin/password-resets/:resetId/approve');
    expect(rows.map((a) => [a.actorId, a.outcome])).toEqual([
      ['secadmin1', 'denied'],
      ['clerk1', 'denied'],
      ['secadmin2', 'ok'],
    ]);
    expect(rows[2]!.detail).toMatchObject({ userId: 'clerk1', requestedBy: 'secadmin1' });
    expect((rows[2]!.detail as { sessionsEnded: number }).sessionsEnded).toBeGreaterThanOrEqual(1);
  });

  it('a locked user is refused at login and their sessions end; the automatic lock is shown and unlocked', async () => {
    const session = await sys.login('approver1');
    expect((await sys.api('POST', '/api/admin/users/approver1/lock', { token: admin1 })).json.state).toBe('SUSPENDED');
    expect((await sys.api('GET', '/api/me', { token: session })).status).toBe(401);
    expect((await loginWith('approver1', DEMO_PASSWORD)).status).toBe(401);
    expect((await sys.api('POST', '/api/admin/users/approver1/unlock', { token: admin2 })).json.state).toBe('ACTIVE');
    expect((await loginWith('approver1', DEMO_PASSWORD)).status).toBe(200);

    // the automatic lock after 5 failures (LOGIN_MAX_FAILURES), shown with its evidence
    for (let i = 0; i < 5; i++) expect((await loginWith('auditor1', 'wrong-password')).status).toBe(401);
    const shown = await sys.api('GET', '/api/admin/users/auditor1', { token: admin1 });
    expect(shown.json).toMatchObject({ state: 'LOCKED', failedLoginsSinceLastLogin: 5 });
    expect(new Date(shown.json.lockedUntil).getTime()).toBeGreaterThan(Date.now());
    expect((await loginWith('auditor1', DEMO_PASSWORD)).status).toBe(401);
    await sys.api('POST', '/api/admin/users/auditor1/unlock', { token: admin1 });
    // one more failure after the unlock does not lock again: the failures before it no longer count
    expect((await loginWith('auditor1', 'wrong-password')).status).toBe(401);
    expect((await loginWith('auditor1', DEMO_PASSWORD)).status).toBe(200);
    const lockRows = await audits('POST /api/admin/users/:userId/unlock');
    expect(lockRows.map((a) => (a.detail as any).automaticLockEnded)).toEqual([false, true]);
  });

  it('validity: an expired user and a user whose validity has not begun are refused at login', async () => {
    const session = await sys.login('supervisor2');
    const day = (offset: number) => new Date(Date.now() + 9 * 3600_000 + offset * 86400_000).toISOString().slice(0, 10);
    const expired = await sys.api('POST', '/api/admin/users/supervisor2/validity', {
      token: admin1,
      body: { validUntil: day(-1) },
    });
    expect(expired.json).toMatchObject({ state: 'EXPIRED', validUntil: day(-1) });
    expect((await sys.api('GET', '/api/me', { token: session })).status).toBe(401);
    expect((await loginWith('supervisor2', DEMO_PASSWORD)).status).toBe(401);

    await sys.api('POST', '/api/admin/users/supervisor2/validity', { token: admin1, body: { validFrom: day(1) } });
    expect((await user('supervisor2')).validUntil).toBeFalsy();
    expect((await loginWith('supervisor2', DEMO_PASSWORD)).status).toBe(401);

    await sys.api('POST', '/api/admin/users/supervisor2/validity', {
      token: admin1,
      body: { validFrom: day(0), validUntil: day(0) },
    });
    expect((await loginWith('supervisor2', DEMO_PASSWORD)).status).toBe(200);
  });

  it('the terminal list shows each terminal with the users whose authenticator is bound to it', async () => {
    expect(
      (
        await sys.api('POST', '/api/staff-auth/terminals', {
          token: admin1,
          body: { terminalId: 'T-TEST-09', name: '試験9', place: '本庁 市民課', printerName: 'プリンタ009' },
        })
      ).status,
    ).toBe(201);
    const em = sys.orm.em.fork();
    em.persist(
      em.create(StaffCredential, {
        credentialId: 'cred-t-test-09',
        userId: 'clerk2',
        terminalId: 'T-TEST-09',
        publicKey: 'AA',
        counter: 0,
        enrolledBy: 'secadmin1',
        createdAt: new Date(),
      }),
    );
    await em.flush();
    const listed = await sys.api('GET', '/api/admin/terminals', { token: admin1 });
    expect(listed.json.find((t: any) => t.terminalId === 'T-TEST-09')).toMatchObject({
      status: 'REGISTERED',
      enrolledUsers: ['clerk2'],
    });
    expect((await sys.api('GET', '/api/admin/users/clerk2', { token: admin1 })).json.credentials).toEqual([
      expect.objectContaining({ terminalId: 'T-TEST-09' }),
    ]);
    // retired: the binding stays on record (the security design: a terminal registered again works with it), but
    // no login happens there
    expect((await sys.api('POST', '/api/staff-auth/terminals/T-TEST-09/revoke', { token: admin1 })).status).toBe(200);
    const after = await sys.api('GET', '/api/admin/terminals', { token: admin1 });
    expect(after.json.find((t: any) => t.terminalId === 'T-TEST-09').status).toBe('REVOKED');
    const refused = await sys.api('POST', '/api/auth/login', {
      body: { userId: 'clerk2', password: DEMO_PASSWORD, terminalId: 'T-TEST-09' },
      headers: { 'x-forwarded-for': nextIp() },
    });
    expect(refused.status).toBe(401);
  });

  it('admin:create makes the first security administrator of an empty database, once', async () => {
    const orm = await openRegistryDb(`sqlite:${join(mkdtempSync(join(tmpdir(), 'juki-admin-')), 'registry.sqlite')}`);
    try {
      const r = await createFirstSecurityAdmin(orm, {
        userId: 'sec-first',
        displayName: '初代　管理',
        terminalId: 'T-01',
      });
      expect(r.terminalCreated).toBe(true);
      const u = await orm.em.fork().findOneOrFail(StaffUser, { userId: 'sec-first' });
      expect(u).toMatchObject({ roles: [Role.SECURITY_ADMIN], mustChangePassword: true });
      expect(await orm.em.fork().findOne(Terminal, { terminalId: 'T-01', active: true })).toBeTruthy();
      expect(await orm.em.fork().count(StaffUser, {})).toBe(1); // no demo users
      const row = await orm.em.fork().findOneOrFail(AuditLog, { function: 'admin:create' });
      expect(row).toMatchObject({ actorId: 'installer', action: AuditAction.AUTH_ADMIN });
      await expect(
        createFirstSecurityAdmin(orm, { userId: 'sec-second', displayName: '二代　管理', terminalId: 'T-01' }),
      ).rejects.toThrow(/a security administrator exists already/);
    } finally {
      await orm.close(true);
    }
    // the running system's database has one: refused there too
    await expect(
      createFirstSecurityAdmin(sys.orm, { userId: 'sec-third', displayName: '三代　管理', terminalId: 'T-HONCHO-01' }),
    ).rejects.toThrow(/exists already/);
  });

  it('every administration row above is part of an unbroken audit hash chain', async () => {
    const chain = await verifyAuditChain(sys.orm);
    expect(chain.ok).toBe(true);
    expect(
      await sys.orm.em.fork().count(AuditLog, { action: AuditAction.AUTH_ADMIN, chainSeq: { $ne: null } }),
    ).toBeGreaterThan(15);
  });
});

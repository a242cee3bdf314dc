import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditAction, AuditLog, StaffCredential, StaffUser } from '../../src/db/entities';
import { Role } from '../../src/domain/roles';
import { tokenHash } from '../../src/config';
import { DEMO_PASSWORD, seedStaff } from '../../src/db/seed/staff';
import { completeEnrolment, enrolmentOptions, INSTALLER } from '../../src/api/webauthn';
import { freePort } from '../support/free-port';
import { testConfig } from '../support/harness';
import { SoftAuthenticator } from '../support/soft-authenticator';
import { freshMariaDbUrl, startTestSystem, type TestSystem } from '../support/system-harness';

/**
 * Issue 13 item 2 on the API (MariaDB, production mode): password + WebAuthn assertion of a platform authenticator
 * bound to the user and the registered terminal it was enrolled on; enrolment and terminal revocation by a security
 * administrator; recovery with four-eyes; sessions re-checked on every request. Each terminal has its own
 * authenticator (a software one here with real P-256 signatures; the browser test uses Chromium's virtual one).
 */
describe('two-factor staff login (WebAuthn)', () => {
  let sys: TestSystem;
  const terminals: Record<string, SoftAuthenticator> = {};
  const at = (terminalId: string) => terminals[terminalId]!;

  beforeAll(async () => {
    const port = await freePort();
    const origin = `http://localhost:${port}`;
    sys = await startTestSystem(freshMariaDbUrl(), {
      config: {
        apiPort: port,
        production: true,
        csInboundCredentials: { '131016': tokenHash('a-token-of-chiyoda-0123456789') }, // no any-sender in production
        staffAuth: { ...testConfig().staffAuth, secondFactor: 'webauthn', rpId: 'localhost', origins: [origin] },
      },
    });
    for (const t of ['T-HONCHO-01', 'T-HONCHO-02', 'T-SHISHO-01']) terminals[t] = new SoftAuthenticator(origin);
    await seedStaff(sys.orm, [{ userId: 'secadmin2', displayName: '管理　二郎', roles: [Role.SECURITY_ADMIN] }]);
    // the first administrators' authenticators: the installer's one-time code (scripts/staff-auth-enrolment-code.ts)
    for (const [userId, terminalId] of [
      ['secadmin1', 'T-HONCHO-02'],
      ['secadmin2', 'T-SHISHO-01'],
    ] as const)
      expect((await installerEnrol(userId, terminalId)).status).toBe(201);
  });
  afterAll(async () => sys?.close());

  /** What the installer's code does at the terminal: /api/auth/enrolment/options, the authenticator, /api/auth/enrolment. */
  const installerEnrol = async (userId: string, terminalId: string, reuse?: string) => {
    const code =
      reuse ??
      (await enrolmentOptions(
        sys.orm,
        sys.config.staffAuth,
        { userId: INSTALLER, terminalId },
        userId,
        new Date(),
        30 * 60_000,
      ))!.challengeId;
    const o = await sys.api('POST', '/api/auth/enrolment/options', { body: { code } });
    if (o.status !== 200) return o;
    const r = await sys.api('POST', '/api/auth/enrolment', {
      body: { challengeId: code, response: at(terminalId).create(o.json.options) },
    });
    return { ...r, code };
  };

  const login = async (userId: string, terminalId: string, opts: { assertion?: boolean; asUser?: number } = {}) => {
    const o = (await sys.api('POST', '/api/auth/webauthn/options')).json;
    const body: Record<string, unknown> = { userId, password: DEMO_PASSWORD, terminalId };
    if (opts.assertion !== false) {
      body.challengeId = o.challengeId;
      body.assertion = at(terminalId).get(o.options, opts.asUser ?? 0);
    }
    return sys.api('POST', '/api/auth/login', { body });
  };
  const token = async (userId: string, terminalId: string, asUser = 0) => {
    const r = await login(userId, terminalId, { asUser });
    expect(r.status, `${userId}@${terminalId}`).toBe(200);
    return r.json.token as string;
  };
  const enrol = async (adminToken: string, terminalId: string, userId: string) => {
    const o = await sys.api('POST', '/api/staff-auth/credentials/options', { token: adminToken, body: { userId } });
    expect(o.status).toBe(200);
    return sys.api('POST', '/api/staff-auth/credentials', {
      token: adminToken,
      body: { challengeId: o.json.challengeId, response: at(terminalId).create(o.json.options) },
    });
  };

  it("the installer's enrolment code works once, at its terminal, and a made-up code is refused", async () => {
    const first = await installerEnrol('approver1', 'T-HONCHO-01');
    expect(first.status).toBe(201);
    expect((await installerEnrol('approver1', 'T-HONCHO-01', (first as { code: string }).code)).status).toBe(404);
    const made = await sys.api('POST', '/api/auth/enrolment/options', { body: { code: 'A'.repeat(24) } });
    expect(made.status).toBe(404);
    expect(made.json.error).toBe('ENROLMENT_CODE_INVALID');
    // an administrator's own enrolment challenge is no installer code
    const admin = await enrolmentOptions(
      sys.orm,
      sys.config.staffAuth,
      { userId: 'secadmin1', terminalId: 'T-HONCHO-02' },
      'clerk2',
    );
    expect((await sys.api('POST', '/api/auth/enrolment/options', { body: { code: admin!.challengeId } })).status).toBe(
      404,
    );
  });

  it('the password alone is refused, with the same answer as a wrong password, and audited', async () => {
    const r = await login('secadmin1', 'T-HONCHO-02', { assertion: false });
    expect(r.status).toBe(401);
    expect(r.json.error).toBe('LOGIN_FAILED');
    const rows = await sys.orm.em
      .fork()
      .find(AuditLog, { actorId: 'secadmin1', action: AuditAction.LOGIN_FAILED }, { orderBy: { id: 'desc' } });
    expect(rows[0]?.detail).toEqual({ reason: 'second factor' });
  });

  it('enrolment by a security administrator binds the credential to the user and to the terminal', async () => {
    const admin = await token('secadmin1', 'T-HONCHO-02');
    const clerkToken = await sys.login('clerk1').catch(() => undefined); // password-only helper: refused
    expect(clerkToken).toBeUndefined();
    const enrolled = await enrol(admin, 'T-HONCHO-02', 'clerk1');
    expect(enrolled.status).toBe(201);
    expect(enrolled.json).toMatchObject({ userId: 'clerk1', terminalId: 'T-HONCHO-02' });
    expect((await sys.api('GET', '/api/me', { token: await token('clerk1', 'T-HONCHO-02', 1) })).json.userId).toBe(
      'clerk1',
    );
    // the same authenticator's credential does not log in another user, nor at another terminal
    expect((await login('approver1', 'T-HONCHO-02', { asUser: 1 })).status).toBe(401);
    terminals['T-HONCHO-01'] = terminals['T-HONCHO-02']!; // the authenticator carried to another terminal
    expect((await login('clerk1', 'T-HONCHO-01', { asUser: 1 })).status).toBe(401);
    const rows = await sys.orm.em.fork().find(AuditLog, { actorId: 'secadmin1', action: AuditAction.AUTH_ADMIN });
    expect(rows.map((a) => a.detail)).toContainEqual({ userId: 'clerk1', terminalId: 'T-HONCHO-02', step: 'enrol' });
  });

  it('login options name one credential for any user ID and terminal, known or not, stable per input', async () => {
    const opts = async (userId: string, terminalId = 'T-HONCHO-02') =>
      (await sys.api('POST', '/api/auth/webauthn/options', { body: { userId, terminalId } })).json.options
        .allowCredentials as Array<{ id: string }>;
    const enrolled = await opts('clerk1');
    const noCredential = await opts('clerk2');
    const unknown = await opts('nobody-at-all');
    for (const a of [enrolled, noCredential, unknown]) expect(a).toHaveLength(1);
    expect(new Set([enrolled[0]!.id, noCredential[0]!.id, unknown[0]!.id]).size).toBe(3);
    expect((await opts('nobody-at-all'))[0]!.id).toBe(unknown[0]!.id);
    expect(unknown[0]!.id).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('an assertion is good for one challenge only', async () => {
    const o = (await sys.api('POST', '/api/auth/webauthn/options')).json;
    const body = {
      userId: 'secadmin2',
      password: DEMO_PASSWORD,
      terminalId: 'T-SHISHO-01',
      challengeId: o.challengeId,
      assertion: at('T-SHISHO-01').get(o.options),
    };
    expect((await sys.api('POST', '/api/auth/login', { body })).status).toBe(200);
    expect((await sys.api('POST', '/api/auth/login', { body })).status).toBe(401);
  });

  it('only a security administrator enrols, registers or revokes; bad inputs name the field', async () => {
    const clerk = await token('clerk1', 'T-HONCHO-02', 1);
    for (const [path, body] of [
      ['/api/staff-auth/credentials/options', { userId: 'clerk2' }],
      ['/api/staff-auth/terminals/T-HONCHO-02/revoke', undefined],
      ['/api/staff-auth/recoveries', { userId: 'clerk1', reason: '紛失' }],
    ] as const)
      expect((await sys.api('POST', path, { token: clerk, body })).status, path).toBe(403);
    const admin = await token('secadmin2', 'T-SHISHO-01');
    const bad = await sys.api('POST', '/api/staff-auth/credentials/options', {
      token: admin,
      body: { userId: 'a b' },
    });
    expect(bad.status).toBe(400);
    expect(bad.json.errors).toEqual([expect.objectContaining({ field: '/userId', rule: 'pattern' })]);
    const badTerminal = await sys.api('POST', '/api/staff-auth/terminals', {
      token: admin,
      body: { terminalId: 'T-NEW-01', name: '新端末', place: '本庁' },
    });
    expect(badTerminal.status).toBe(400);
    expect(badTerminal.json.errors[0]).toMatchObject({ field: '/printerName', rule: 'required' });
  });

  it('a revoked terminal ends its sessions at once; a user past its validity is logged out at the next request', async () => {
    const clerk = await token('clerk1', 'T-HONCHO-02', 1);
    expect((await sys.api('GET', '/api/me', { token: clerk })).status).toBe(200);
    const admin = await token('secadmin2', 'T-SHISHO-01');
    expect((await sys.api('POST', '/api/staff-auth/terminals/T-HONCHO-02/revoke', { token: admin })).status).toBe(200);
    const after = await sys.api('GET', '/api/me', { token: clerk });
    expect(after.status).toBe(401);
    expect((await login('clerk1', 'T-HONCHO-02', { asUser: 1 })).status).toBe(401);

    const admin2 = await token('secadmin2', 'T-SHISHO-01');
    await sys.orm.em
      .fork()
      .nativeUpdate(StaffUser, { userId: 'secadmin2' }, { validUntil: new Date(Date.now() - 1000) });
    expect((await sys.api('GET', '/api/me', { token: admin2 })).status).toBe(401);
    await sys.orm.em.fork().nativeUpdate(StaffUser, { userId: 'secadmin2' }, { validUntil: null });
  });

  it('recovery of a lost authenticator needs a second security administrator (four-eyes), audited', async () => {
    const a = await token('secadmin2', 'T-SHISHO-01');
    const asked = await sys.api('POST', '/api/staff-auth/recoveries', {
      token: a,
      body: { userId: 'clerk1', reason: '端末の指紋認証装置の故障' },
    });
    expect(asked.status).toBe(201);
    const id = asked.json.recoveryId as string;
    const self = await sys.api('POST', `/api/staff-auth/recoveries/${id}/approve`, { token: a });
    expect(self.status).toBe(403);
    expect(self.json.error).toBe('FOUR_EYES');
    expect(await sys.orm.em.fork().count(StaffCredential, { userId: 'clerk1', revokedAt: null })).toBe(1);
    // secadmin1's own terminal was revoked above: the office registers it again, and the authenticator still works
    const registered = await sys.api('POST', '/api/staff-auth/terminals', {
      token: a,
      body: { terminalId: 'T-SHISHO-02', name: '北支所2', place: '北支所', printerName: 'プリンタ102' },
    });
    expect(registered.status).toBe(201);
    const o = await enrolmentOptions(
      sys.orm,
      sys.config.staffAuth,
      { userId: 'bootstrap', terminalId: 'T-SHISHO-02' },
      'secadmin1',
    );
    terminals['T-SHISHO-02'] = new SoftAuthenticator(sys.config.staffAuth.origins[0]!);
    await completeEnrolment(
      sys.orm,
      sys.config.staffAuth,
      { userId: 'bootstrap', terminalId: 'T-SHISHO-02' },
      o!.challengeId,
      at('T-SHISHO-02').create(o!.options),
    );
    const b = await token('secadmin1', 'T-SHISHO-02');
    const approved = await sys.api('POST', `/api/staff-auth/recoveries/${id}/approve`, { token: b });
    expect(approved.status).toBe(200);
    expect(await sys.orm.em.fork().count(StaffCredential, { userId: 'clerk1', revokedAt: null })).toBe(0);
    const audit = await sys.orm.em
      .fork()
      .find(AuditLog, { action: AuditAction.AUTH_ADMIN }, { orderBy: { id: 'asc' } });
    expect(audit.map((r) => [r.actorId, r.detail?.step, r.detail?.refused])).toEqual(
      expect.arrayContaining([
        ['secadmin2', 'request', undefined],
        ['secadmin2', 'approve', 'FOUR_EYES'],
        ['secadmin1', 'approve', undefined],
      ]),
    );
  });

  it('production: the session cookie is Secure even over plain HTTP', async () => {
    const res = await fetch(`${sys.apiUrl}/login`);
    await res.text();
    expect(res.headers.getSetCookie().every((c) => c.includes('; Secure'))).toBe(true);
    expect(res.headers.getSetCookie().length).toBeGreaterThan(0);
  });
});

import * as crypto from 'node:crypto';
import { createRequire, syncBuiltinESMExports } from 'node:module';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { LoginAttempt, StaffUser } from '../../src/db/entities';
import { loadDemoTown } from '../../src/db/seed/load-demo';
import { DEMO_PASSWORD } from '../../src/db/seed/staff';
import { piiOf, testConfig } from '../support/harness';
import { demoHousehold } from '../support/online-fixtures';
import { freshMariaDbUrl, startTestSystem, type TestSystem } from '../support/system-harness';

/**
 * Issue 13 items 5 and 10 against the running system (MariaDB, real HTTP): parallel password guesses, the fixed lock
 * window, the same work for unknown users and terminals, scrypt at OWASP parameters with transparent re-hash, and the
 * security headers on every kind of answer.
 */
describe('login throttling, password hashing and headers', () => {
  let sys: TestSystem;
  const scryptCalls: number[] = [];
  const nodeCrypto = createRequire(__filename)('node:crypto') as typeof crypto;
  const originalScrypt = nodeCrypto.scrypt;

  beforeAll(async () => {
    sys = await startTestSystem(freshMariaDbUrl(), {
      config: { staffAuth: { ...testConfig().staffAuth, maxFailedLogins: 5, maxFailedPerAddress: 6 } },
    });
    // every scrypt run is counted with its cost parameter N (the code path of a password check)
    nodeCrypto.scrypt = ((...args: any[]) => {
      scryptCalls.push(args.length > 4 ? (args[3]?.N ?? args[3]?.cost ?? 16384) : 16384);
      return (originalScrypt as any)(...args);
    }) as typeof crypto.scrypt;
    syncBuiltinESMExports();
  });
  afterAll(async () => {
    nodeCrypto.scrypt = originalScrypt;
    syncBuiltinESMExports();
    await sys?.close();
  });

  // each test comes from its own address (through the loopback proxy), so one test's failures do not throttle another
  let from = 0;
  let currentIp = '192.0.2.0';
  beforeEach(() => void (currentIp = `192.0.2.${++from}`));
  const attempt = (userId: string, password: string, terminalId = 'T-HONCHO-01', ip = currentIp) =>
    sys.api('POST', '/api/auth/login', { body: { userId, password, terminalId }, headers: { 'x-forwarded-for': ip } });
  const user = (userId: string) => sys.orm.em.fork().findOneOrFail(StaffUser, { userId });

  it('40 parallel wrong passwords are all counted: the account is locked and the right password refused', async () => {
    // from 40 addresses (a botnet), so only the per-user counter can stop them
    const answers = await Promise.all(
      Array.from({ length: 40 }, (_, i) => attempt('clerk2', 'wrong-password', 'T-HONCHO-01', `198.51.100.${i + 1}`)),
    );
    expect(answers.every((a) => a.status === 401)).toBe(true);
    const failed = await sys.orm.em.fork().count(LoginAttempt, { userId: 'clerk2', outcome: 'failed' });
    expect(failed).toBe(40);
    expect((await user('clerk2')).lockedUntil?.getTime()).toBeGreaterThan(Date.now());
    const right = await attempt('clerk2', DEMO_PASSWORD);
    expect(right.status).toBe(401);
    expect(right.json.error).toBe('LOGIN_FAILED');
  });

  it('a locked account keeps its fixed lock window: further attempts do not move it', async () => {
    for (let i = 0; i < 5; i++) expect((await attempt('approver2', 'wrong')).status).toBe(401);
    const lockedUntil = (await user('approver2')).lockedUntil!;
    expect(lockedUntil.getTime()).toBeGreaterThan(Date.now());
    await new Promise((r) => setTimeout(r, 1_100)); // a re-lock would now give a later time (second precision)
    for (let i = 0; i < 3; i++) expect((await attempt('approver2', 'wrong')).status).toBe(401);
    expect((await attempt('approver2', DEMO_PASSWORD)).status).toBe(401);
    expect((await user('approver2')).lockedUntil!.getTime()).toBe(lockedUntil.getTime());
  });

  it('unknown users and unknown terminals run the same password hash as a known user and get the same answer', async () => {
    const run = async (userId: string, terminalId: string) => {
      scryptCalls.length = 0;
      const r = await attempt(userId, 'wrong-password', terminalId);
      return { status: r.status, json: r.json, hashes: [...scryptCalls] };
    };
    const known = await run('auditor1', 'T-HONCHO-01');
    const unknownUser = await run(`nobody-${randomUUID().slice(0, 8)}`, 'T-HONCHO-01');
    const unknownTerminal = await run('supervisor1', 'T-NOWHERE-99');
    expect(known.hashes).toEqual([2 ** 17]);
    expect(unknownUser.hashes).toEqual(known.hashes);
    expect(unknownTerminal.hashes).toEqual(known.hashes);
    for (const r of [unknownUser, unknownTerminal]) {
      expect(r.status).toBe(known.status);
      expect(r.json).toEqual(known.json);
    }
  });

  it('one source address is refused after too many failures, for any user', async () => {
    const ip = '203.0.113.7';
    await Promise.all(Array.from({ length: 6 }, (_, i) => attempt(`guess-${i}`, 'x', 'T-HONCHO-01', ip)));
    expect((await attempt('clerk1', DEMO_PASSWORD, 'T-HONCHO-01', ip)).status).toBe(401);
    expect((await attempt('clerk1', DEMO_PASSWORD, 'T-HONCHO-01', '203.0.113.8')).status).toBe(200);
  });

  it('stores passwords with scrypt N=2^17, r=8, p=1 and re-hashes an old hash at the next login', async () => {
    const salt = crypto.randomBytes(16);
    const legacy = `scrypt$${salt.toString('base64')}$${crypto.scryptSync(DEMO_PASSWORD, salt, 32).toString('base64')}`;
    const em = sys.orm.em.fork();
    await em.nativeUpdate(StaffUser, { userId: 'auditor1' }, { passwordHash: legacy });
    expect((await attempt('auditor1', DEMO_PASSWORD)).status).toBe(200);
    const renewed = (await user('auditor1')).passwordHash;
    expect(renewed).toMatch(/^scrypt\$ln=17,r=8,p=1\$/);
    expect((await attempt('auditor1', DEMO_PASSWORD)).status).toBe(200);
    expect((await user('auditor1')).passwordHash).toBe(renewed);
  });

  it('every answer carries nosniff and HSTS: API JSON, errors, pages, static files and PDFs', async () => {
    await loadDemoTown(sys.orm, piiOf(sys.config), { households: 2 });
    const clerk = await sys.login('clerk1');
    const [person] = await demoHousehold(sys.orm, 0, 1);
    const copy = await sys.api('POST', '/api/certificates/resident-record-copy', {
      token: clerk,
      headers: { 'x-request-id': randomUUID() },
      body: {
        addresseeNumbers: [person!.addresseeNumber],
        options: {},
        requester: { relation: 'self' },
        identityDocument: { type: 'myNumberCard' },
      },
    });
    expect(copy.status).toBe(201);
    const urls: Array<[string, string | undefined]> = [
      ['/api/health', undefined],
      ['/api/cases', undefined], // 401 JSON
      ['/api/nothing-here', clerk], // 404 JSON
      [copy.json.href as string, clerk], // the PDF
      ['/login', undefined],
      ['/static/app.js', undefined],
    ];
    for (const [path, token] of urls) {
      const res = await fetch(sys.apiUrl + path, { headers: token ? { authorization: `Bearer ${token}` } : {} });
      await res.arrayBuffer();
      expect(res.headers.get('x-content-type-options'), path).toBe('nosniff');
      expect(res.headers.get('strict-transport-security'), path).toMatch(/^max-age=\d{8,}; includeSubDomains$/);
      if (path === copy.json.href) expect(res.headers.get('content-type')).toContain('application/pdf');
    }
  });
});

import { describe, expect, it } from 'vitest';
import { startSeedPlan } from '../../src/db/seed/start-plan';
import { oneTimePassword, passwordProblems, PASSWORD_MIN_LENGTH } from '../../src/domain/passwords';
import { adminChangeRefusal, staffUserState, validityProblem } from '../../src/domain/staff-admin';

/** Issue 14 item 7: the rules of staff administration, the password policy and what `npm start` seeds. */
describe('staff administration rules', () => {
  const now = new Date('2026-12-09T03:00:00Z');
  const later = new Date(now.getTime() + 60_000);
  const earlier = new Date(now.getTime() - 60_000);

  it('a user’s state: administrator lock first, then validity, then the automatic lock', () => {
    expect(staffUserState({ active: true }, now)).toBe('ACTIVE');
    expect(staffUserState({ active: false, lockedUntil: later }, now)).toBe('SUSPENDED');
    expect(staffUserState({ active: true, validUntil: earlier, lockedUntil: later }, now)).toBe('EXPIRED');
    expect(staffUserState({ active: true, validFrom: later }, now)).toBe('NOT_YET_VALID');
    expect(staffUserState({ active: true, lockedUntil: later }, now)).toBe('LOCKED');
    // an automatic lock that has run out (or was ended by an unlock: lockedUntil = the unlock time) is no lock
    expect(staffUserState({ active: true, lockedUntil: earlier, validFrom: earlier, validUntil: later }, now)).toBe(
      'ACTIVE',
    );
  });

  it('nobody changes their own roles, validity or lock; a reset is approved by neither its requester nor its user', () => {
    for (const change of ['roles', 'validity', 'lock', 'unlock'] as const) {
      expect(adminChangeRefusal(change, { actorId: 'a1', targetUserId: 'a1' })).toBe('SELF_CHANGE');
      expect(adminChangeRefusal(change, { actorId: 'a1', targetUserId: 'clerk9' })).toBeUndefined();
    }
    expect(adminChangeRefusal('reset-request', { actorId: 'a1', targetUserId: 'a1' })).toBeUndefined();
    const approve = (actorId: string, targetUserId: string, requestedBy: string) =>
      adminChangeRefusal('reset-approve', { actorId, targetUserId, requestedBy });
    expect(approve('a1', 'clerk9', 'a1')).toBe('FOUR_EYES');
    expect(approve('a2', 'a2', 'a1')).toBe('FOUR_EYES');
    expect(approve('a2', 'clerk9', 'a1')).toBeUndefined();
  });

  it('validity: the last day may not come before the first', () => {
    expect(validityProblem('2027-04-01', '2027-03-31')).toMatch(/終了日/);
    expect(validityProblem('2027-04-01', '2027-04-01')).toBeUndefined();
    expect(validityProblem(undefined, '2027-03-31')).toBeUndefined();
  });

  it('the password policy names every problem at once', () => {
    expect(passwordProblems('kawasemi-2027-haru', { userId: 'clerk7' })).toEqual([]);
    expect(passwordProblems('short', { userId: 'clerk7' })).toEqual([
      `パスワードは${PASSWORD_MIN_LENGTH}文字以上にしてください`,
    ]);
    expect(passwordProblems('my-Clerk7-password', { userId: 'clerk7' })).toEqual([
      'パスワードにユーザーIDを含めないでください',
    ]);
    expect(passwordProblems('aaaaaaaaaaaaaa', { userId: 'clerk7' })).toEqual(['同じ文字だけのパスワードは使えません']);
    expect(passwordProblems('kawasemi-2027-haru', { userId: 'clerk7', current: 'kawasemi-2027-haru' })).toEqual([
      '現在のパスワードとは別のものにしてください',
    ]);
    expect(passwordProblems('x'.repeat(201), { userId: 'c' })).toHaveLength(2);
  });

  it('one-time passwords: 16 characters without look-alikes, different every time, and they pass the policy', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const p = oneTimePassword();
      expect(p).toMatch(/^[A-HJ-NP-Za-km-z2-9]{16}$/);
      expect(passwordProblems(p, { userId: 'clerk7' })).toEqual([]);
      seen.add(p);
    }
    expect(seen.size).toBe(200);
  });
});

describe('what npm start seeds (startSeedPlan)', () => {
  it('demo data into the embedded default database, or with --demo', () => {
    expect(startSeedPlan({ argv: [], env: {} })).toMatchObject({ demo: true });
    expect(startSeedPlan({ argv: ['--demo'], env: { DATABASE_URL: 'mysql://u:p@db/x' } })).toMatchObject({
      demo: true,
    });
  });

  it('never into another database without --demo', () => {
    expect(startSeedPlan({ argv: [], env: { DATABASE_URL: 'mysql://u:p@db/x' } })).toMatchObject({ demo: false });
    expect(startSeedPlan({ argv: [], env: { DATABASE_URL: 'sqlite:/srv/juki/registry.sqlite' } })).toMatchObject({
      demo: false,
    });
  });

  it('--demo is refused in production with a clear message; production never seeds', () => {
    const r = startSeedPlan({ argv: ['--demo'], env: { NODE_ENV: 'production', DATABASE_URL: 'mysql://u:p@db/x' } });
    expect(r).toEqual({
      refused: expect.stringMatching(/--demo is refused in production mode \(NODE_ENV=production\)/),
    });
    expect(startSeedPlan({ argv: [], env: { NODE_ENV: 'production' } })).toMatchObject({ demo: false });
  });
});

import { describe, expect, it } from 'vitest';
import {
  DEFAULT_MOVE_RULES as R,
  authCertificateRevokedFrom,
  continuedUseLastDay,
  heldCertificateLastDay,
  heldCertificatePurgeAt,
  isLateMoveIn,
  isLateMoveOut,
  moveInDueDate,
  moveInNoticeOverdueDay,
  onlineMoveOutWindow,
  removalDate,
  specialMoveInLastDay,
} from '../../src/domain/move-deadlines';

// domain.md §10.2, in Japan time
describe('特例転入 last day = min(P + 30, 転入日 + 14)', () => {
  it.each([
    ['2025-04-01', '2025-04-03', '2025-04-17'],
    ['2025-04-01', '2025-04-25', '2025-05-01'],
    ['2025-04-10', '2025-04-05', '2025-04-19'],
  ])('planned %s, moved in %s → %s', (p, m, last) => expect(specialMoveInLastDay(p, m, R)).toBe(last));
});

describe('held 転出証明書情報', () => {
  it('is held through P + 30 and purged at 00:00 JST on P + 31', () => {
    expect(heldCertificateLastDay('2025-04-01', R)).toBe('2025-05-01');
    expect(heldCertificatePurgeAt('2025-04-01', R).toISOString()).toBe('2025-05-01T15:00:00.000Z'); // = 2025-05-02T00:00+09:00
  });
  it('resets from a changed planned date', () => {
    expect(heldCertificatePurgeAt('2025-04-20', R).toISOString()).toBe('2025-05-20T15:00:00.000Z'); // 2025-05-21T00:00+09:00
  });
  it('crosses month ends and leap years', () => {
    expect(heldCertificateLastDay('2025-01-31', R)).toBe('2025-03-02');
    expect(heldCertificateLastDay('2024-01-31', R)).toBe('2024-03-01');
    expect(heldCertificatePurgeAt('2024-01-31', R).toISOString()).toBe('2024-03-01T15:00:00.000Z');
  });
});

describe('転出 rules', () => {
  it('14-day rule: 04-15 is an ordinary 届出, 04-16 is ex officio', () => {
    expect(isLateMoveOut('2025-04-01', '2025-04-15', R)).toBe(false);
    expect(isLateMoveOut('2025-04-01', '2025-04-16', R)).toBe(true);
  });
  it('除票 on the earlier of the planned date and the 転入日 of the 転入通知', () => {
    expect(removalDate('2025-04-10', '2025-04-05')).toBe('2025-04-05');
    expect(removalDate('2025-04-01', '2025-04-03')).toBe('2025-04-01');
    expect(removalDate('2025-04-01')).toBe('2025-04-01');
  });
  it('未着 flag at P + 30; 利用者証明用 certificate revoked from P + 31', () => {
    expect(moveInNoticeOverdueDay('2025-04-01', R)).toBe('2025-05-01');
    expect(authCertificateRevokedFrom('2025-04-01', R)).toBe('2025-05-02');
  });
  it('継続利用 by 転入届 + 90 days', () => expect(continuedUseLastDay('2025-04-17', R)).toBe('2025-07-16'));
  it('online window is P − 30 … P + 10', () =>
    expect(onlineMoveOutWindow('2025-04-01', R)).toEqual({ first: '2025-03-02', last: '2025-04-11' }));
});

describe('転入届 due date (law: 住基法第22条, domain.md §10.2)', () => {
  it('moved in 2025-04-03: last day 04-17; 04-18 is accepted and flagged late', () => {
    expect(moveInDueDate('2025-04-03', R)).toBe('2025-04-17');
    expect(isLateMoveIn('2025-04-03', '2025-04-17', R)).toBe(false);
    expect(isLateMoveIn('2025-04-03', '2025-04-18', R)).toBe(true);
  });
});

describe('the numbers come from the rules passed in (configuration), not from constants', () => {
  const twenty = {
    ...R,
    specialMoveInDaysAfterPlanned: 20,
    specialMoveInDaysAfterMoveIn: 20,
    heldCertificateDays: 20,
    moveInFilingDays: 20,
    lateMoveOutDays: 20,
    moveInNoticeOverdueDays: 20,
    continuedUseDays: 20,
    authCertificateRevocationDays: 20,
    onlineWindowBefore: 20,
    onlineWindowAfter: 20,
  };
  it('a 20-day setting moves every deadline', () => {
    expect(specialMoveInLastDay('2025-04-01', '2025-04-03', twenty)).toBe('2025-04-21');
    expect(heldCertificatePurgeAt('2025-04-01', twenty).toISOString()).toBe('2025-04-21T15:00:00.000Z');
    expect(isLateMoveIn('2025-04-03', '2025-04-23', twenty)).toBe(false);
    expect(isLateMoveIn('2025-04-03', '2025-04-24', twenty)).toBe(true);
    expect(isLateMoveOut('2025-04-01', '2025-04-21', twenty)).toBe(false);
    expect(isLateMoveOut('2025-04-01', '2025-04-22', twenty)).toBe(true);
    expect(moveInNoticeOverdueDay('2025-04-01', twenty)).toBe('2025-04-21');
    expect(continuedUseLastDay('2025-04-17', twenty)).toBe('2025-05-07');
    expect(authCertificateRevokedFrom('2025-04-01', twenty)).toBe('2025-04-22');
    expect(onlineMoveOutWindow('2025-04-01', twenty)).toEqual({ first: '2025-03-12', last: '2025-04-21' });
  });
});

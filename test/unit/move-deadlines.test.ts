import { describe, expect, it } from 'vitest';
import {
  authCertificateRevokedFrom,
  continuedUseLastDay,
  heldCertificateLastDay,
  heldCertificatePurgeAt,
  isLateMoveOut,
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
  ])('planned %s, moved in %s → %s', (p, m, last) => expect(specialMoveInLastDay(p, m)).toBe(last));
});

describe('held 転出証明書情報', () => {
  it('is held through P + 30 and purged at 00:00 JST on P + 31', () => {
    expect(heldCertificateLastDay('2025-04-01')).toBe('2025-05-01');
    expect(heldCertificatePurgeAt('2025-04-01').toISOString()).toBe('2025-05-01T15:00:00.000Z'); // = 2025-05-02T00:00+09:00
  });
  it('resets from a changed planned date', () => {
    expect(heldCertificatePurgeAt('2025-04-20').toISOString()).toBe('2025-05-20T15:00:00.000Z'); // 2025-05-21T00:00+09:00
  });
  it('crosses month ends and leap years', () => {
    expect(heldCertificateLastDay('2025-01-31')).toBe('2025-03-02');
    expect(heldCertificateLastDay('2024-01-31')).toBe('2024-03-01');
    expect(heldCertificatePurgeAt('2024-01-31').toISOString()).toBe('2024-03-01T15:00:00.000Z');
  });
});

describe('転出 rules', () => {
  it('14-day rule: 04-15 is an ordinary 届出, 04-16 is ex officio', () => {
    expect(isLateMoveOut('2025-04-01', '2025-04-15')).toBe(false);
    expect(isLateMoveOut('2025-04-01', '2025-04-16')).toBe(true);
  });
  it('除票 on the earlier of the planned date and the 転入日 of the 転入通知', () => {
    expect(removalDate('2025-04-10', '2025-04-05')).toBe('2025-04-05');
    expect(removalDate('2025-04-01', '2025-04-03')).toBe('2025-04-01');
    expect(removalDate('2025-04-01')).toBe('2025-04-01');
  });
  it('未着 flag at P + 30; 利用者証明用 certificate revoked from P + 31', () => {
    expect(moveInNoticeOverdueDay('2025-04-01')).toBe('2025-05-01');
    expect(authCertificateRevokedFrom('2025-04-01')).toBe('2025-05-02');
  });
  it('継続利用 by 転入届 + 90 days', () => expect(continuedUseLastDay('2025-04-17')).toBe('2025-07-16'));
  it('online window is P − 30 … P + 10', () =>
    expect(onlineMoveOutWindow('2025-04-01')).toEqual({ first: '2025-03-02', last: '2025-04-11' }));
});

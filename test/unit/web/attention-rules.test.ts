import { describe, expect, it } from 'vitest';
import { attentionReasons, countBy, partnerHealth, partnerOf } from '../../../src/api/web/queries/attention-rules';
import { statusGroup } from '../../../src/api/web/queries/dashboard-query';

const now = new Date('2026-11-24T00:00:00Z');

describe('why a case needs a supervisor', () => {
  it('combines the recorded reason, a failing step, escalation and an approaching purge', () => {
    expect(
      attentionReasons(
        {
          status: 'DELIVERING',
          needsAttention: true,
          attentionReason: 'ACTIVITY_FAILING',
          failingStep: 'deliverCsMessages',
        },
        now,
      ),
    ).toEqual(['ACTIVITY_FAILING']);
    expect(
      attentionReasons(
        { status: 'AWAITING_APPROVAL', needsAttention: true, attentionReason: 'APPROVAL_OVERDUE', escalated: true },
        now,
      ),
    ).toEqual(['APPROVAL_OVERDUE', 'ESCALATED']);
    expect(
      attentionReasons({ status: 'DELIVERING', needsAttention: false, failingStep: 'deliverCsMessages' }, now),
    ).toEqual(['ACTIVITY_FAILING']);
    expect(attentionReasons({ status: 'COMPLETED', needsAttention: false }, now)).toEqual([]);
  });
  it('shows a held 転出証明書情報 within 3 days of its purge, not later ones, not purged ones', () => {
    const held = (days: number, status = 'HELD') => ({
      status,
      needsAttention: false,
      purgeAt: new Date(now.getTime() + days * 86400_000),
    });
    expect(attentionReasons(held(2.9), now)).toEqual(['PURGE_SOON']);
    expect(attentionReasons(held(3.1), now)).toEqual([]);
    expect(attentionReasons(held(1, 'PURGED'), now)).toEqual([]);
  });
  it('names the partner of a failing step', () => {
    expect(partnerOf('deliverCsMessages', 'CsUnavailableError: CS POST /cs/v1/identity-updates: HTTP 503')).toBe('CS');
    expect(
      partnerOf('deliverCsMessages', 'CardAgencyUnavailableError: J-LIS POST /jlis/v1/continued-use: HTTP 503'),
    ).toBe('JLIS');
    expect(partnerOf('notifyPortal', 'timeout')).toBe('PORTAL');
    expect(partnerOf('sendCardEvents', 'connect ECONNREFUSED')).toBe('JLIS'); // the card status events go to J-LIS
    expect(partnerOf('commitMoveIn', 'OptimisticLockError')).toBeUndefined();
    expect(partnerOf(undefined)).toBeUndefined();
  });
  it('rates partner health from recent calls', () => {
    const at = (minAgo: number) => new Date(now.getTime() - minAgo * 60_000);
    const calls = [
      ...Array.from({ length: 4 }, (_, i) => ({ partner: 'CS', ok: i === 0, at: at(i === 0 ? 2 : 1) })),
      ...Array.from({ length: 10 }, (_, i) => ({ partner: 'JLIS', ok: i !== 0, at: at(2) })),
      { partner: 'PORTAL', ok: false, at: at(120) },
    ];
    const h = partnerHealth(calls, now, 15 * 60_000);
    expect(h.map((x) => [x.partner, x.state, x.calls, x.failures])).toEqual([
      ['CS', 'down', 4, 3],
      ['JLIS', 'ok', 10, 1],
      ['PORTAL', 'unknown', 0, 0],
    ]);
    expect(h[0]!.errorRate).toBe(0.75);
  });
  it('is 障害 on N failed calls in a row, whatever the rate, and 正常 again on the first success (issue 14 bug 6)', () => {
    const at = (secAgo: number) => new Date(now.getTime() - secAgo * 1000);
    // a busy morning, then a total CS outage: 100 good calls, then the latest 3 failed (3 % of the window)
    const outage = [
      ...Array.from({ length: 100 }, (_, i) => ({ partner: 'CS', ok: true, at: at(600 + i) })),
      ...Array.from({ length: 3 }, (_, i) => ({ partner: 'CS', ok: false, at: at(10 + i) })),
    ];
    expect(partnerHealth(outage, now, 15 * 60_000)[0]).toMatchObject({ state: 'down', failingInARow: 3, failures: 3 });
    expect(partnerHealth(outage, now, 15 * 60_000, 5)[0]!.state).toBe('ok'); // PARTNER_DOWN_AFTER_FAILURES=5
    expect(partnerHealth(outage.slice(0, 102), now, 15 * 60_000)[0]!.state).toBe('ok'); // 2 in a row: not yet
    // the outage ends: the first success is 正常, though most calls of the window failed
    const recovered = [
      ...Array.from({ length: 8 }, (_, i) => ({ partner: 'CS', ok: false, at: at(10 + i) })),
      { partner: 'CS', ok: true, at: at(1) },
    ];
    expect(partnerHealth(recovered, now, 15 * 60_000)[0]).toMatchObject({ state: 'ok', failingInARow: 0 });
    // intermittent errors still count by rate
    const flaky = Array.from({ length: 10 }, (_, i) => ({ partner: 'CS', ok: i % 2 === 0, at: at(10 + i) }));
    expect(partnerHealth(flaky, now, 15 * 60_000)[0]!.state).toBe('down');
  });
  it('counts by reason and groups statuses for the dashboard', () => {
    expect(countBy([['A'], ['A', 'B'], []], (x) => x)).toEqual([
      ['A', 2],
      ['B', 1],
    ]);
    expect(statusGroup('AWAITING_APPROVAL', false)).toBe('wait');
    expect(statusGroup('DELIVERING', true)).toBe('alert');
    expect(statusGroup('DELIVERY_REJECTED', false)).toBe('alert');
    expect(statusGroup('COMPLETED', false)).toBe('done');
    expect(statusGroup('CANCELLED', false)).toBe('closed');
    expect(statusGroup('SOMETHING_NEW', false)).toBe('run');
  });
});

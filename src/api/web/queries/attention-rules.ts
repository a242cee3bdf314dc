/**
 * Why a case needs a supervisor, as pure rules over the case projection (unit-tested): the recorded attention reason,
 * a failing activity (step, attempts, next retry), escalation, and a held 転出証明書情報 close to its purge time.
 * Also which partner a failing step talks to, and partner health from recent partner calls.
 */
export const Reason = {
  ACTIVITY_FAILING: 'ACTIVITY_FAILING',
  APPROVAL_OVERDUE: 'APPROVAL_OVERDUE',
  CS_REJECTED: 'CS_REJECTED',
  MOVE_IN_NOTICE_OVERDUE: 'MOVE_IN_NOTICE_OVERDUE',
  CERTIFICATE_INFO_OVERDUE: 'CERTIFICATE_INFO_OVERDUE',
  ESCALATED: 'ESCALATED',
  PURGE_SOON: 'PURGE_SOON',
} as const;
export type Reason = (typeof Reason)[keyof typeof Reason];

export const PURGE_WARNING_MS = 3 * 86400_000; // a held certificate due within 3 days is shown

export type Partner = 'CS' | 'JLIS' | 'PORTAL';
export const PARTNERS: readonly Partner[] = ['CS', 'JLIS', 'PORTAL'];

export interface AttentionRow {
  status: string;
  needsAttention: boolean;
  attentionReason?: string | null;
  failingStep?: string | null;
  lastError?: string | null;
  escalated?: boolean | null;
  purgeAt?: Date | null; // held 転出証明書情報 only
}

const HELD_STATES = new Set(['HELD', 'IN_USE']);

export function attentionReasons(r: AttentionRow, now: Date, purgeWarningMs = PURGE_WARNING_MS): string[] {
  const out = new Set<string>();
  if (r.needsAttention && r.attentionReason) out.add(r.attentionReason);
  if (r.failingStep) out.add(Reason.ACTIVITY_FAILING);
  if (r.escalated) out.add(Reason.ESCALATED);
  if (r.purgeAt && HELD_STATES.has(r.status) && r.purgeAt.getTime() - now.getTime() <= purgeWarningMs)
    out.add(Reason.PURGE_SOON);
  if (r.needsAttention && !out.size) out.add('UNSPECIFIED');
  return [...out];
}

/** The partner behind a failing step: CS delivery (its outbox also carries J-LIS requests), J-LIS, the portal. */
export function partnerOf(step: string | null | undefined, lastError?: string | null): Partner | undefined {
  if (!step) return undefined;
  const s = `${step} ${lastError ?? ''}`;
  if (/portal/i.test(s)) return 'PORTAL';
  if (/j-?lis|card ?agency|card ?events|continued ?use/i.test(s)) return 'JLIS';
  if (/\bCS\b|Cs[A-Z]/.test(s)) return 'CS';
  return undefined;
}

export interface PartnerCallLike {
  partner: string;
  ok: boolean;
  at: Date;
}
export type HealthState = 'ok' | 'degraded' | 'down' | 'unknown';
export interface PartnerHealth {
  partner: Partner;
  calls: number;
  failures: number;
  errorRate: number;
  /** The latest calls that failed in a row. */
  failingInARow: number;
  state: HealthState;
}

/** Default of PARTNER_DOWN_AFTER_FAILURES: this many failed calls in a row make a partner 障害. */
export const DOWN_AFTER_FAILURES = 3;

/**
 * Partner health from the calls of the window (issue 14 bug 6): down when the latest `downAfterFailures` calls all
 * failed (a total outage, however many calls succeeded before it in the window); otherwise the error rate of the
 * calls since the last such run of failures — so the first success after an outage is 正常 again — down at ≥ 50 % of
 * at least 3 calls, degraded above 10 %; unknown without calls.
 */
export function partnerHealth(
  calls: readonly PartnerCallLike[],
  now: Date,
  windowMs: number,
  downAfterFailures = DOWN_AFTER_FAILURES,
): PartnerHealth[] {
  const since = now.getTime() - windowMs;
  return PARTNERS.map((partner) => {
    const mine = calls
      .filter((c) => c.partner === partner && c.at.getTime() >= since)
      .sort((a, b) => b.at.getTime() - a.at.getTime());
    const failures = mine.filter((c) => !c.ok).length;
    const errorRate = mine.length ? failures / mine.length : 0;
    const streak = mine.findIndex((c) => c.ok);
    const failingInARow = streak === -1 ? mine.length : streak;
    const recent = sinceLastOutage(mine, downAfterFailures);
    const recentRate = recent.length ? recent.filter((c) => !c.ok).length / recent.length : 0;
    const state: HealthState = !mine.length
      ? 'unknown'
      : failingInARow >= downAfterFailures
        ? 'down'
        : recentRate >= 0.5 && recent.length >= 3
          ? 'down'
          : recentRate > 0.1
            ? 'degraded'
            : 'ok';
    return { partner, calls: mine.length, failures, errorRate, failingInARow, state };
  });
}

/** The calls (newest first) newer than the latest run of `n` or more failures. */
function sinceLastOutage(newestFirst: readonly PartnerCallLike[], n: number): PartnerCallLike[] {
  let run = 0;
  for (let i = 0; i < newestFirst.length; i++) {
    run = newestFirst[i]!.ok ? 0 : run + 1;
    if (run >= n) return newestFirst.slice(0, i + 1 - run);
  }
  return [...newestFirst];
}

/** Counts per key, in first-seen order. */
export function countBy<T>(items: readonly T[], keys: (t: T) => readonly string[]): Array<[string, number]> {
  const m = new Map<string, number>();
  for (const it of items) for (const k of keys(it)) m.set(k, (m.get(k) ?? 0) + 1);
  return [...m];
}

import { formatBirthDate, isBirthDate, isIsoDate, jstDate, toSeireki, toWareki } from '../../domain/dates';

/** Display formats for clerks: 和暦 dates (domain.md §3.1), JST times, compact ages. */

export const toDate = (v: Date | string | number | null | undefined): Date | undefined => {
  if (v === null || v === undefined || v === '') return undefined;
  const d = v instanceof Date ? v : new Date(v);
  return Number.isNaN(d.getTime()) ? undefined : d;
};

/** 'YYYY-MM-DD' → 令和8年11月20日; a foreign resident's birth date stays 西暦 (standard spec 1.1.9). */
export const wareki = (d: string | null | undefined, opts: { seireki?: boolean } = {}): string => {
  if (!d) return '';
  if (!isIsoDate(d)) return isBirthDate(d) ? formatBirthDate(d, opts) : d; // 昭和20年 月 日, 不詳 (domain.md §3.1)
  return opts.seireki ? toSeireki(d) : toWareki(d);
};

const pad = (n: number) => String(n).padStart(2, '0');

/** An instant in JST: 令和8年11月24日 10:32 (or only the time when `timeOnly`). */
export const jstDateTime = (
  v: Date | string | number | null | undefined,
  opts: { timeOnly?: boolean; seconds?: boolean } = {},
): string => {
  const d = toDate(v);
  if (!d) return '';
  const j = new Date(d.getTime() + 9 * 3600_000);
  const time = `${pad(j.getUTCHours())}:${pad(j.getUTCMinutes())}${opts.seconds ? `:${pad(j.getUTCSeconds())}` : ''}`;
  return opts.timeOnly ? time : `${toWareki(jstDate(d))} ${time}`;
};

/** Machine-readable value for <time datetime>. */
export const isoInstant = (v: Date | string | number | null | undefined): string => toDate(v)?.toISOString() ?? '';

/** 45秒, 12分, 3時間5分, 2日4時間 */
export const duration = (ms: number): string => {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}秒`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}分`;
  const h = Math.floor(m / 60);
  if (h < 24) return m % 60 ? `${h}時間${m % 60}分` : `${h}時間`;
  const days = Math.floor(h / 24);
  return h % 24 ? `${days}日${h % 24}時間` : `${days}日`;
};

/** Age of a case (or time since an instant) relative to `now`. */
export const ageOf = (from: Date | string | null | undefined, now: Date): string => {
  const d = toDate(from);
  return d ? duration(now.getTime() - d.getTime()) : '';
};

/** Until a due instant: 「あと3時間」 or 「2日超過」. */
export const dueIn = (
  due: Date | string | null | undefined,
  now: Date,
): { text: string; overdue: boolean } | undefined => {
  const d = toDate(due);
  if (!d) return undefined;
  const ms = d.getTime() - now.getTime();
  return ms >= 0 ? { text: `あと${duration(ms)}`, overdue: false } : { text: `${duration(-ms)}超過`, overdue: true };
};

export const percent = (ratio: number, digits = 1): string => `${(ratio * 100).toFixed(digits)}%`;

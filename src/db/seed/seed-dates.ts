/** Date helpers for synthetic data (calendar dates as 'YYYY-MM-DD'; arithmetic via src/domain/dates). */
import { addDays, type IsoDate } from '../../domain/dates';
import type { Prng } from './prng';

const DAY_MS = 86_400_000;
const epochDay = (d: IsoDate): number => Date.parse(`${d}T00:00:00Z`) / DAY_MS;

export const daysBetween = (from: IsoDate, to: IsoDate): number => epochDay(to) - epochDay(from);

export const yearOf = (d: IsoDate): number => Number(d.slice(0, 4));

/** The same month/day `years` later (29 February → 28 February in a common year). */
export const addYears = (d: IsoDate, years: number): IsoDate => {
  const y = String(yearOf(d) + years).padStart(4, '0');
  const md = d.slice(5);
  const candidate = `${y}-${md}`;
  return md === '02-29' && !isLeap(Number(y)) ? `${y}-02-28` : candidate;
};

const isLeap = (y: number): boolean => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;

export const maxOf = (...dates: IsoDate[]): IsoDate => dates.reduce((a, b) => (a >= b ? a : b));
export const minOf = (...dates: IsoDate[]): IsoDate => dates.reduce((a, b) => (a <= b ? a : b));

/** Uniform date in [from, to]; if the range is empty, `from`. */
export const randomDate = (rng: Prng, from: IsoDate, to: IsoDate): IsoDate => {
  const span = daysBetween(from, to);
  return span <= 0 ? from : addDays(from, rng.int(0, span));
};

/** Random date in [from, to] skewed towards `to` (recent events are more frequent in a registry). */
export const recentDate = (rng: Prng, from: IsoDate, to: IsoDate, skew = 1.8): IsoDate => {
  const span = daysBetween(from, to);
  if (span <= 0) return from;
  return addDays(from, Math.floor(span * (1 - Math.pow(rng.next(), skew))));
};

/** Random date within a calendar year. */
export const dateInYear = (rng: Prng, year: number): IsoDate =>
  randomDate(rng, `${String(year).padStart(4, '0')}-01-01`, `${String(year).padStart(4, '0')}-12-31`);

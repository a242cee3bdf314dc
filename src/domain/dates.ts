/**
 * Calendar dates in Japan time (domain.md §0). A registry date is a plain 'YYYY-MM-DD' string; arithmetic is done
 * on calendar days in UTC so that no host time zone can shift it. "X + N days" adds N calendar days (初日不算入).
 */

export type IsoDate = string; // 'YYYY-MM-DD'

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export const isIsoDate = (s: string): boolean => {
  const m = ISO_DATE.exec(s);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]);
};

const toUtc = (d: IsoDate): Date => {
  if (!isIsoDate(d)) throw new RangeError(`not a calendar date: ${d}`);
  return new Date(`${d}T00:00:00Z`);
};

export const addDays = (d: IsoDate, n: number): IsoDate => {
  const t = toUtc(d);
  t.setUTCDate(t.getUTCDate() + n);
  return t.toISOString().slice(0, 10);
};

export const minDate = (a: IsoDate, b: IsoDate): IsoDate => (a <= b ? a : b);

/** The Japan-time calendar date of an instant. */
export const jstDate = (at: Date | number): IsoDate => new Date(Number(at) + 9 * 3600_000).toISOString().slice(0, 10);

/** The instant 00:00 JST that starts the given calendar date. */
export const jstStartOfDay = (d: IsoDate): Date => new Date(toUtc(d).getTime() - 9 * 3600_000);

/**
 * The day on which a person born on `birthDate` attains age `years`. Under 年齢計算ニ関スル法律 age counts from the
 * day of birth (初日算入), and by 民法第143条第2項 a year-period ends at the end of the day before the anniversary; where
 * the anniversary does not exist (29 February in a common year) it ends on the last day of that month. So the new age
 * is attained on the day before the birthday; a 29 February birth attains it on 28 February in every year.
 */
export const ageAttainedOn = (birthDate: IsoDate, years: number): IsoDate => {
  const [by, bm, bd] = birthDate.split('-').map(Number) as [number, number, number];
  const y = String(by + years).padStart(4, '0');
  const anniversary = `${y}-${String(bm).padStart(2, '0')}-${String(bd).padStart(2, '0')}`;
  if (isIsoDate(anniversary)) return addDays(anniversary, -1);
  return addDays(`${y}-${String(bm + 1).padStart(2, '0')}-01`, -1); // no such day: the last day of the month
};

/** Whole years of age on a date: the new age counts from the day before the birthday (ageAttainedOn). */
export const ageOn = (birthDate: IsoDate, on: IsoDate): number => {
  const by = Number(birthDate.slice(0, 4));
  let age = Number(on.slice(0, 4)) - by + 1; // at most this (a 1 January birth attains it on 31 December)
  while (age > 0 && ageAttainedOn(birthDate, age) > on) age--;
  return age;
};

/** Eras for 和暦 display (domain.md §3.1: display is 和暦 except foreign residents' birth dates). */
const ERAS: ReadonlyArray<{ name: string; start: IsoDate }> = [
  { name: '令和', start: '2019-05-01' },
  { name: '平成', start: '1989-01-08' },
  { name: '昭和', start: '1926-12-25' },
  { name: '大正', start: '1912-07-30' },
  { name: '明治', start: '1868-01-25' },
];

/** 'YYYY-MM-DD' → '令和7年4月1日' (元年 for year 1). Dates before 明治 are shown in 西暦. */
export const toWareki = (d: IsoDate): string => {
  const [y, m, day] = d.split('-').map(Number) as [number, number, number];
  const era = ERAS.find((e) => d >= e.start);
  if (!era) return `${y}年${m}月${day}日`;
  const n = y - Number(era.start.slice(0, 4)) + 1;
  return `${era.name}${n === 1 ? '元' : n}年${m}月${day}日`;
};

export const toSeireki = (d: IsoDate): string => {
  const [y, m, day] = d.split('-').map(Number) as [number, number, number];
  return `${y}年${m}月${day}日`;
};

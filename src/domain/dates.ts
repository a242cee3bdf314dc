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

/**
 * Eras for 和暦 display and input (domain.md §3.1: display is 和暦 except foreign residents' birth dates), newest
 * first, each with its first and last day: 令和 from 2019-05-01, 平成 1989-01-08..2019-04-30, 昭和 1926-12-25..
 * 1989-01-07, 大正 1912-07-30..1926-12-25 (its last day is also 昭和元年12月25日), 明治 ..1912-07-30 (明治45年7月30日, the day
 * of the change, is held in registries and must be storable: domain.md §3.1).
 */
const ERAS: ReadonlyArray<{ name: string; letter: string; start: IsoDate; end?: IsoDate }> = [
  { name: '令和', letter: 'R', start: '2019-05-01' },
  { name: '平成', letter: 'H', start: '1989-01-08', end: '2019-04-30' },
  { name: '昭和', letter: 'S', start: '1926-12-25', end: '1989-01-07' },
  { name: '大正', letter: 'T', start: '1912-07-30', end: '1926-12-25' },
  { name: '明治', letter: 'M', start: '1868-01-25', end: '1912-07-30' },
];

/** The era of a name as typed (令和, 令, R; after normalizeDateText), or undefined. */
export const eraOf = (typed: string) => ERAS.find((e) => typed === e.name || typed === e.name[0] || typed === e.letter);

/** The 西暦 year of year `n` of an era (元年 = 1). */
export const eraYear = (era: { start: IsoDate }, n: number): number => Number(era.start.slice(0, 4)) + n - 1;

/** Whether the days earliest..latest overlap the era: 平成31年5月1日 or 昭和64年1月8日 do not exist. */
export const withinEra = (era: { start: IsoDate; end?: IsoDate }, earliest: IsoDate, latest: IsoDate): boolean =>
  latest >= era.start && (!era.end || earliest <= era.end);

/**
 * A date as typed with the IME on, folded to the half-width form the parsers read: full-width digits, letters and
 * separators (NFKC: ２０２６－１２－０３, Ｒ８．１２．３, ｓ60.6.15, ㍻), dashes and long-vowel marks as '-', 元(年) as 1,
 * ideographic spaces as spaces, era letters upper-case.
 */
export const normalizeDateText = (input: string): string =>
  input
    .normalize('NFKC')
    .trim()
    .replace(/[ー―‐‑–—−]/g, '-')
    .replace(/[、，,]/g, '.')
    .replace(/元/g, '1')
    .toUpperCase();

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

/**
 * A 生年月日 that may be partly unknown (domain spec §3.1, standard spec 1.1.8: 「年月日不詳」 and the like must be
 * storable; no plain `Date`). The value is 'YYYY-MM-DD' with '00' for each unknown part, from the day up:
 * 'YYYY-MM-DD' (known), 'YYYY-MM-00' (日不詳), 'YYYY-00-00' (月日不詳), '0000-00-00' (年月日不詳). The zeros are the
 * qualifier: the same ten characters everywhere (API, registry column, CS messages), ordered by the earliest possible
 * day. A month without its year, or a day without its month, is not a value.
 */
export type BirthDate = string;
export type BirthDatePrecision = 'day' | 'month' | 'year' | 'unknown';

export const UNKNOWN_BIRTH_DATE: BirthDate = '0000-00-00';

/** How much of the date is known; undefined when the value is not a (partly unknown) date. */
export const birthDatePrecision = (d: string): BirthDatePrecision | undefined => {
  if (isIsoDate(d)) return 'day';
  if (d === UNKNOWN_BIRTH_DATE) return 'unknown';
  const m = /^(\d{4})-(\d{2})-00$/.exec(d);
  if (!m || m[1] === '0000') return undefined;
  if (m[2] === '00') return 'year';
  return Number(m[2]) >= 1 && Number(m[2]) <= 12 ? 'month' : undefined;
};
export const isBirthDate = (d: string): boolean => birthDatePrecision(d) !== undefined;

/** The earliest and the latest calendar day the value can be; undefined bounds for 年月日不詳. */
export const birthDateBounds = (d: BirthDate): { earliest?: IsoDate; latest?: IsoDate } => {
  switch (birthDatePrecision(d)) {
    case 'day':
      return { earliest: d, latest: d };
    case 'month':
      return { earliest: `${d.slice(0, 8)}01`, latest: addDays(`${nextMonth(d.slice(0, 7))}-01`, -1) };
    case 'year':
      return { earliest: `${d.slice(0, 4)}-01-01`, latest: `${d.slice(0, 4)}-12-31` };
    default:
      return {};
  }
};
const nextMonth = (ym: string): string => {
  const [y, m] = ym.split('-').map(Number) as [number, number];
  return m === 12
    ? `${String(y + 1).padStart(4, '0')}-01`
    : `${String(y).padStart(4, '0')}-${String(m + 1).padStart(2, '0')}`;
};

/**
 * Ages a person of this 生年月日 can have on a day: `min` from the latest possible birth day, `max` from the earliest
 * (undefined when the year is unknown). A rule that needs a person to be at least N uses `min`, one that needs a person
 * to be under N uses `max`: an unknown part never makes anyone look old enough, or young enough.
 */
export const ageRangeOn = (birthDate: BirthDate, on: IsoDate): { min: number; max?: number } => {
  const { earliest, latest } = birthDateBounds(birthDate);
  return {
    min: latest ? Math.max(0, ageOn(latest, on)) : 0,
    ...(earliest ? { max: ageOn(earliest, on) } : {}),
  };
};

/**
 * 和暦 display (西暦 with `seireki`, standard spec 1.1.9) of a 生年月日: 昭和20年8月15日, 昭和20年8月 日 (日不詳),
 * 昭和20年 月 日 (月日不詳), 不詳 (年月日不詳). The era of a partly known date is that of its earliest possible day.
 * Any other string is shown as recorded.
 */
export const formatBirthDate = (d: string, opts: { seireki?: boolean } = {}): string => {
  const precision = birthDatePrecision(d);
  if (!precision) return d;
  if (precision === 'unknown') return '不詳';
  const full = opts.seireki ? toSeireki(birthDateBounds(d).earliest!) : toWareki(birthDateBounds(d).earliest!);
  if (precision === 'day') return full;
  const year = full.slice(0, full.indexOf('年') + 1);
  if (precision === 'year') return `${year} 月 日`;
  return `${full.slice(0, full.indexOf('月') + 1)} 日`;
};

/**
 * The 生年月日 of a CS message (本人確認情報, 転出証明書情報, 送信依頼; docs/partner-contracts.md): the same ten
 * characters, '00' for the unknown parts (standard spec 1.1.8: converted when sent). Throws on anything else, so a
 * malformed value never leaves the registry.
 */
export const toCsBirthDate = (d: BirthDate): string => {
  if (!isBirthDate(d)) throw new RangeError('not a 生年月日 value');
  return d;
};

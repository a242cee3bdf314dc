/**
 * Foreign-resident households (domain.md §3.7): names in katakana/kanji with the alphabet name kept apart,
 * 在留資格 and 在留期間 (or 特別永住者), arrivals from abroad or from another municipality; some mixed households
 * with a Japanese 世帯主.
 */
import { addDays, type IsoDate } from '../../domain/dates';
import { Sex } from '../../domain/registry-values';
import {
  birthYearForAge,
  childYears,
  kosekiOf,
  maxBirthYear,
  MIN_BIRTH_YEAR,
  person,
  surname,
  type Draft,
  type HouseholdPlan,
  type PlanContext,
} from './people';
import { abroadAddress } from './places';
import { addressSinceFor, foundersSince } from './plan-dates';
import { addYears, dateInYear, maxOf, yearOf } from './seed-dates';
import { NATIONALITIES, type ForeignNamePart, type NationalityProfile } from './data/foreign-names';

interface Status {
  category: '中長期在留者' | '特別永住者';
  status?: string;
  periods: readonly string[]; // empty: no period of stay
}

const S = (status: string, ...periods: string[]): Status => ({ category: '中長期在留者', status, periods });
const TRAINEE = S('技能実習（2号ロ）', '1年', '2年');
const SKILLED = S('特定技能1号', '1年', '3年');
const ENGINEER = S('技術・人文知識・国際業務', '5年', '3年', '1年');
const STUDENT = S('留学', '2年', '1年3月', '1年');
const DEPENDENT = S('家族滞在', '3年', '1年');
const SPOUSE_OF_JAPANESE = S('日本人の配偶者等', '3年', '1年', '5年');
const LONG_TERM = S('定住者', '5年', '3年', '1年');
const PERMANENT = S('永住者');
const SPECIAL_PERMANENT: Status = { category: '特別永住者', periods: [] };

const periodDays = (period: string): number => {
  const m = /^(?:(\d+)年)?(?:(\d+)月)?$/.exec(period);
  return Math.round(Number(m?.[1] ?? 0) * 365.25 + Number(m?.[2] ?? 0) * 30.4);
};

const profile = (nationality: string): NationalityProfile => {
  const p = NATIONALITIES[nationality];
  if (!p) throw new Error(`no nationality profile for ${nationality}`);
  return p;
};

const foreigner = (
  ctx: PlanContext,
  p: NationalityProfile,
  relationshipToHead: string,
  sex: Sex,
  year: number,
  family: ForeignNamePart,
  st: Status,
  used: Set<string>,
): Draft => {
  let given: ForeignNamePart;
  do given = ctx.rng.pick(sex === Sex.MALE ? p.male : p.female);
  while (used.has(given.alphabet));
  used.add(given.alphabet);
  const period = st.periods.length > 0 ? ctx.rng.pick(st.periods) : undefined;
  return {
    relationshipToHead,
    sex,
    birthDate: dateInYear(ctx.rng, year),
    familyName: family.display,
    familyNameKana: family.kana,
    givenName: given.display,
    givenNameKana: given.kana,
    foreign: {
      nationalityRegion: p.nationality,
      alphabetName: `${family.alphabet} ${given.alphabet}`,
      foreignResidentCategory: st.category,
      ...(st.status ? { statusOfResidence: st.status } : {}),
      ...(period
        ? { periodOfStay: period, periodOfStayExpiry: addDays(ctx.today, ctx.rng.int(20, periodDays(period))) }
        : {}),
    },
  };
};

const clampYear = (ctx: PlanContext, y: number, minAge = 18): number =>
  Math.min(maxBirthYear(ctx.today) - minAge, Math.max(MIN_BIRTH_YEAR, y));

/** Children of a foreign couple; those born before the family came get the same status. */
const foreignChildren = (
  ctx: PlanContext,
  p: NationalityProfile,
  parents: Draft[],
  family: ForeignNamePart,
  st: Status,
  used: Set<string>,
  max: number,
): Draft[] =>
  childYears(
    ctx,
    parents.map((d) => yearOf(d.birthDate)),
    ctx.rng.int(0, max),
  ).map((y) => foreigner(ctx, p, '子', ctx.rng.chance(0.5) ? Sex.MALE : Sex.FEMALE, y, family, st, used));

const plan = (
  ctx: PlanContext,
  members: Draft[],
  nationality: string,
  recentYears: number,
  abroad = 0.6,
): HouseholdPlan => {
  const earliest = addYears(ctx.today, -recentYears);
  const since = maxOf(
    earliest,
    foundersSince(
      ctx,
      members.filter((m) => m.relationshipToHead !== '子').map((m) => m.birthDate),
    ),
  );
  const from = ctx.rng.chance(abroad) ? abroadAddress(ctx.rng, nationality) : ctx.previousAddress();
  return { members, since, from, addressSince: addressSinceFor(ctx, since, 0.1) };
};

type Builder = (ctx: PlanContext, used: Set<string>) => HouseholdPlan;

const BUILDERS: ReadonlyArray<readonly [Builder, number]> = [
  // Vietnamese trainees and skilled workers living alone.
  [
    (ctx, used) => {
      const p = profile('ベトナム');
      const st = ctx.rng.weighted([
        [TRAINEE, 50],
        [SKILLED, 30],
        [ENGINEER, 20],
      ] as const);
      const sex = ctx.rng.chance(0.6) ? Sex.MALE : Sex.FEMALE;
      return plan(
        ctx,
        [foreigner(ctx, p, '世帯主', sex, birthYearForAge(ctx, 20, 33), ctx.rng.pick(p.families), st, used)],
        p.nationality,
        4,
        0.7,
      );
    },
    25,
  ],
  // Vietnamese or Chinese engineer with a 家族滞在 spouse (own family name) and children.
  [
    (ctx, used) => {
      const p = profile(ctx.rng.chance(0.5) ? 'ベトナム' : '中国');
      const permanent = p.nationality === '中国' && ctx.rng.chance(0.35);
      const headYear = birthYearForAge(ctx, permanent ? 40 : 26, permanent ? 62 : 42);
      const family = ctx.rng.pick(p.families);
      const head = foreigner(ctx, p, '世帯主', Sex.MALE, headYear, family, permanent ? PERMANENT : ENGINEER, used);
      const wife = foreigner(
        ctx,
        p,
        '妻',
        Sex.FEMALE,
        clampYear(ctx, headYear + ctx.rng.int(-2, 5)),
        ctx.rng.pick(p.families),
        permanent ? PERMANENT : DEPENDENT,
        used,
      );
      const kids = foreignChildren(ctx, p, [head, wife], family, permanent ? PERMANENT : DEPENDENT, used, 2);
      return plan(ctx, [head, wife, ...kids], p.nationality, permanent ? 25 : 8);
    },
    25,
  ],
  // Chinese students.
  [
    (ctx, used) => {
      const p = profile('中国');
      const sex = ctx.rng.chance(0.5) ? Sex.MALE : Sex.FEMALE;
      return plan(
        ctx,
        [foreigner(ctx, p, '世帯主', sex, birthYearForAge(ctx, 19, 28), ctx.rng.pick(p.families), STUDENT, used)],
        p.nationality,
        3,
        0.5,
      );
    },
    10,
  ],
  // Korean 特別永住者 (born in Japan): couple, sometimes with an adult child.
  [
    (ctx, used) => {
      const p = profile('韓国');
      const headYear = birthYearForAge(ctx, 55, 85);
      const family = ctx.rng.pick(p.families);
      const head = foreigner(ctx, p, '世帯主', Sex.MALE, headYear, family, SPECIAL_PERMANENT, used);
      const wife = foreigner(
        ctx,
        p,
        '妻',
        Sex.FEMALE,
        clampYear(ctx, headYear + ctx.rng.int(-2, 5)),
        ctx.rng.pick(p.families),
        SPECIAL_PERMANENT,
        used,
      );
      const kids = ctx.rng.chance(0.5) ? foreignChildren(ctx, p, [head, wife], family, SPECIAL_PERMANENT, used, 1) : [];
      if (ctx.rng.chance(0.4)) head.arrival = { kind: 'birth' };
      const since = foundersSince(
        ctx,
        [head.birthDate, wife.birthDate],
        kids[0] ? addDays(kids[0].birthDate, -1) : undefined,
        true,
      );
      return {
        members: [head, wife, ...kids],
        since,
        from: ctx.previousAddress(),
        addressSince: addressSinceFor(ctx, since),
      };
    },
    12,
  ],
  // Japanese husband as 世帯主 (筆頭者 of his own 戸籍), Filipina wife (日本人の配偶者等 or 永住者), Japanese children.
  [
    (ctx, used) => {
      const p = profile('フィリピン');
      const family = surname(ctx.rng);
      const husband = person(ctx, '世帯主', Sex.MALE, birthYearForAge(ctx, 35, 60), family, used, 'self');
      const wifeYear = clampYear(ctx, yearOf(husband.birthDate) + ctx.rng.int(2, 9));
      const wife = foreigner(
        ctx,
        p,
        '妻',
        Sex.FEMALE,
        wifeYear,
        ctx.rng.pick(p.families),
        ctx.rng.chance(0.6) ? SPOUSE_OF_JAPANESE : PERMANENT,
        used,
      );
      const kids = childYears(ctx, [yearOf(husband.birthDate), wifeYear], ctx.rng.int(0, 2)).map((y) =>
        person(ctx, '子', ctx.rng.chance(0.5) ? Sex.MALE : Sex.FEMALE, y, family, used, kosekiOf(husband)),
      );
      return plan(ctx, [husband, wife, ...kids], p.nationality, 20, 0);
    },
    10,
  ],
  // Filipina single mother (定住者) with children.
  [
    (ctx, used) => {
      const p = profile('フィリピン');
      const family = ctx.rng.pick(p.families);
      const head = foreigner(ctx, p, '世帯主', Sex.FEMALE, birthYearForAge(ctx, 28, 45), family, LONG_TERM, used);
      const kids = foreignChildren(ctx, p, [head], family, LONG_TERM, used, 2);
      return plan(ctx, [head, ...kids], p.nationality, 10, 0.3);
    },
    6,
  ],
  // Brazilian (Nikkei) family, 定住者 or 永住者, sharing one family name.
  [
    (ctx, used) => {
      const p = profile('ブラジル');
      const st = ctx.rng.chance(0.5) ? LONG_TERM : PERMANENT;
      const family = ctx.rng.pick(p.families);
      const headYear = birthYearForAge(ctx, 28, 55);
      const head = foreigner(ctx, p, '世帯主', Sex.MALE, headYear, family, st, used);
      const wife = foreigner(ctx, p, '妻', Sex.FEMALE, clampYear(ctx, headYear + ctx.rng.int(-2, 5)), family, st, used);
      const kids = foreignChildren(ctx, p, [head, wife], family, st, used, 2);
      return plan(ctx, [head, wife, ...kids], p.nationality, 15, 0.5);
    },
    12,
  ],
];

export const foreignHouseholdPlan = (ctx: PlanContext): HouseholdPlan =>
  ctx.rng.weighted(BUILDERS)(ctx, new Set<string>());

/** 外国人住民となった年月日: the start of the foreign-resident register (2012-07-09) for those already living here. */
export const FOREIGN_REGISTER_START: IsoDate = '2012-07-09';

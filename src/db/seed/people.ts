/**
 * Building blocks for synthetic household members: the draft shape, names by sex and generation, birth
 * years, 本籍 / 筆頭者 choices and married or unmarried couples.
 */
import type { IsoDate } from '../../domain/dates';
import { Sex } from '../../domain/registry-values';
import type { DemoForeignInfo } from './demo-town-types';
import type { HomeAddress } from './places';
import { otherDomicile } from './places';
import type { Prng } from './prng';
import { dateInYear, yearOf } from './seed-dates';
import { FEMALE_GIVEN_NAMES, MALE_GIVEN_NAMES, NAME_ERAS, nameEraOfYear } from './data/given-names';
import type { NamePair } from './data/name-pairs';
import { SURNAMES } from './data/surnames';

export const MIN_BIRTH_YEAR = 1930;

export type Arrival = { kind: 'birth' } | { kind: 'moveIn'; date: IsoDate; from: string };

export type DraftForeignInfo = Omit<DemoForeignInfo, 'residenceCardNumber' | 'becameForeignResidentDate'>;

/** A member before identifiers and residence dates are assigned. */
export interface Draft {
  relationshipToHead: string;
  sex: Sex;
  birthDate: IsoDate;
  familyName: string;
  familyNameKana: string;
  givenName: string;
  givenNameKana: string;
  registeredDomicile?: string;
  familyRegisterHead?: string;
  foreign?: DraftForeignInfo;
  /** Default: born here if born after the household's move-in, else moved in with the founders. */
  arrival?: Arrival;
}

export interface HouseholdPlan {
  members: Draft[];
  since: IsoDate; // the founders' move-in date
  from: string; // the founders' previous address
  addressSince: IsoDate; // the household has lived at the current address since (later after a 転居)
}

export interface PlanContext {
  rng: Prng;
  today: IsoDate;
  home: HomeAddress;
  inTownDomicile(): string;
  previousAddress(): string;
}

const SURNAME_WEIGHTS = SURNAMES.map((s, i) => [s, 1 / (i + 6)] as const);

export const surname = (rng: Prng): NamePair => rng.weighted(SURNAME_WEIGHTS);

/** A given name popular for the sex and birth year (sometimes from a neighbouring generation). */
export const givenName = (rng: Prng, sex: Sex, birthYear: number, avoid: ReadonlySet<string> = new Set()): NamePair => {
  const lists = sex === Sex.MALE ? MALE_GIVEN_NAMES : FEMALE_GIVEN_NAMES;
  const era = nameEraOfYear(birthYear);
  const i = NAME_ERAS.indexOf(era);
  for (;;) {
    const shifted = rng.chance(0.15)
      ? NAME_ERAS[Math.min(NAME_ERAS.length - 1, Math.max(0, i + rng.pick([-1, 1])))]
      : era;
    const name = rng.pick(lists[shifted ?? era]);
    if (!avoid.has(name.kanji)) return name;
  }
};

export const fullName = (family: string, given: string): string => `${family}　${given}`;

export const maxBirthYear = (today: IsoDate): number => yearOf(today) - 1;

/** Birth year for an age range on `today`, clamped to [1930, last year]. */
export const birthYearForAge = (ctx: PlanContext, minAge: number, maxAge: number): number => {
  const y = yearOf(ctx.today) - ctx.rng.int(minAge, maxAge);
  return Math.min(maxBirthYear(ctx.today), Math.max(MIN_BIRTH_YEAR, y));
};

/** Japanese member with a given family name; the given name avoids those already used in the household. */
export const person = (
  ctx: PlanContext,
  relationshipToHead: string,
  sex: Sex,
  birthYear: number,
  family: NamePair,
  used: Set<string>,
  koseki: { domicile: string; head: string } | 'self',
): Draft => {
  const given = givenName(ctx.rng, sex, birthYear, used);
  used.add(given.kanji);
  const draft: Draft = {
    relationshipToHead,
    sex,
    birthDate: dateInYear(ctx.rng, birthYear),
    familyName: family.kanji,
    familyNameKana: family.kana,
    givenName: given.kanji,
    givenNameKana: given.kana,
  };
  const k = koseki === 'self' ? { domicile: familyDomicile(ctx), head: fullName(family.kanji, given.kanji) } : koseki;
  draft.registeredDomicile = k.domicile;
  draft.familyRegisterHead = k.head;
  return draft;
};

/** Where a family keeps its 本籍: often the home lot, sometimes elsewhere in town, else another prefecture. */
export const familyDomicile = (ctx: PlanContext): string =>
  ctx.rng.weighted<() => string>([
    [() => ctx.home.domicile, 45],
    [() => ctx.inTownDomicile(), 15],
    [() => otherDomicile(ctx.rng), 40],
  ])();

/** Name of an absent (or deceased) father or husband, as a 筆頭者. */
export const absentMan = (ctx: PlanContext, family: string, birthYear: number): string =>
  fullName(family, givenName(ctx.rng, Sex.MALE, Math.max(MIN_BIRTH_YEAR - 20, birthYear)).kanji);

/** Birth years of children of parents born in `parentYears`: 21–45 years after each parent, not after last year. */
export const childYears = (ctx: PlanContext, parentYears: number[], count: number, minYear = 0): number[] => {
  const lo = Math.max(minYear, ...parentYears.map((y) => y + 21));
  const hi = Math.min(maxBirthYear(ctx.today), ...parentYears.map((y) => y + 45));
  if (lo > hi) return [];
  const years: number[] = [];
  let y = ctx.rng.int(lo, Math.max(lo, Math.min(hi, hi - (count - 1) * 2)));
  for (let i = 0; i < count && y <= hi; i++) {
    years.push(y);
    y += ctx.rng.int(1, 5);
  }
  return years;
};

export interface Couple {
  head: Draft;
  partner: Draft;
  married: boolean;
  /** Family name, 本籍 and 筆頭者 of the couple's 戸籍 (for children), or of the head when unmarried. */
  family: NamePair;
  koseki: { domicile: string; head: string };
}

/**
 * A couple living together: mostly husband as 世帯主 and 妻 sharing his name; some wives as 世帯主 with the
 * husband as 夫 (a few under the wife's name, so she is the 筆頭者); a few unmarried partners (妻（未届）/夫（未届）).
 */
export const makeCouple = (ctx: PlanContext, headYear: number, used: Set<string>, allowUnmarried = true): Couple => {
  const { rng } = ctx;
  const kind = rng.weighted<'husband' | 'wife' | 'unmarried'>([
    ['husband', 86],
    ['wife', 9],
    ['unmarried', allowUnmarried ? 5 : 0],
  ]);
  const headIsWife = kind === 'wife' || (kind === 'unmarried' && rng.chance(0.3));
  const gap = rng.int(-3, 6); // husband older by up to 6 years, younger by up to 3
  const clampYear = (y: number): number => Math.min(maxBirthYear(ctx.today) - 18, Math.max(MIN_BIRTH_YEAR, y));
  const partnerYear = clampYear(headIsWife ? headYear - gap : headYear + gap);
  const headSex = headIsWife ? Sex.FEMALE : Sex.MALE;
  const partnerSex = headIsWife ? Sex.MALE : Sex.FEMALE;
  const family = surname(rng);
  if (kind === 'unmarried') {
    const head = person(ctx, '世帯主', headSex, headYear, family, used, 'self');
    const partnerFamily = surname(rng);
    const partnerKoseki = rng.chance(0.5)
      ? 'self'
      : { domicile: otherDomicile(rng), head: absentMan(ctx, partnerFamily.kanji, partnerYear - 28) };
    const partner = person(
      ctx,
      headIsWife ? '夫（未届）' : '妻（未届）',
      partnerSex,
      partnerYear,
      partnerFamily,
      used,
      partnerKoseki,
    );
    return { head, partner, married: false, family, koseki: kosekiOf(head) };
  }
  const domicile = familyDomicile(ctx);
  const head = person(ctx, '世帯主', headSex, headYear, family, used, { domicile, head: '' });
  const partner = person(ctx, headIsWife ? '夫' : '妻', partnerSex, partnerYear, family, used, { domicile, head: '' });
  const husband = headIsWife ? partner : head;
  const registerHolder = kind === 'wife' && rng.chance(0.2) ? head : husband; // 妻の氏を称する婚姻 → wife is 筆頭者
  const koseki = { domicile, head: fullName(registerHolder.familyName, registerHolder.givenName) };
  head.familyRegisterHead = koseki.head;
  partner.familyRegisterHead = koseki.head;
  return { head, partner, married: true, family, koseki };
};

export const kosekiOf = (d: Draft): { domicile: string; head: string } => ({
  domicile: d.registeredDomicile ?? '',
  head: d.familyRegisterHead ?? '',
});

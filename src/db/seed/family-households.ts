/** Household compositions: singles, couples, couples with children, single parents. */
import { addDays } from '../../domain/dates';
import { Sex } from '../../domain/registry-values';
import {
  absentMan,
  birthYearForAge,
  childYears,
  familyDomicile,
  kosekiOf,
  makeCouple,
  person,
  surname,
  type HouseholdPlan,
  type PlanContext,
} from './people';
import { otherDomicile } from './places';
import { addressSinceFor, foundersSince, laterDate } from './plan-dates';
import { yearOf } from './seed-dates';

const randomSex = (ctx: PlanContext): Sex => (ctx.rng.chance(0.5) ? Sex.MALE : Sex.FEMALE);

/** One person: young adults (often still in the parents' 戸籍), middle-aged, elderly (often widowed). */
export const singlePlan = (ctx: PlanContext): HouseholdPlan => {
  const { rng } = ctx;
  const used = new Set<string>();
  const band = rng.weighted<'young' | 'middle' | 'old'>([
    ['young', 50],
    ['middle', 20],
    ['old', 30],
  ]);
  const family = surname(rng);
  let sex = randomSex(ctx);
  let year: number;
  let koseki: { domicile: string; head: string } | 'self';
  if (band === 'old') {
    year = birthYearForAge(ctx, 65, 94);
    sex = rng.chance(0.7) ? Sex.FEMALE : Sex.MALE;
    koseki =
      sex === Sex.FEMALE ? { domicile: familyDomicile(ctx), head: absentMan(ctx, family.kanji, year - 3) } : 'self';
  } else {
    year = band === 'young' ? birthYearForAge(ctx, 20, 39) : birthYearForAge(ctx, 40, 64);
    const inParentsRegister = rng.chance(band === 'young' ? 0.6 : 0.3);
    koseki = inParentsRegister
      ? { domicile: otherDomicile(rng), head: absentMan(ctx, family.kanji, year - 28) }
      : 'self';
  }
  const head = person(ctx, '世帯主', sex, year, family, used, koseki);
  const bornHere = band === 'old' && rng.chance(0.1);
  if (bornHere) head.arrival = { kind: 'birth' };
  const since = bornHere ? head.birthDate : foundersSince(ctx, [head.birthDate], undefined, band === 'old');
  return {
    members: [head],
    since,
    from: ctx.previousAddress(),
    addressSince: addressSinceFor(ctx, since, bornHere ? 0.8 : 0.15),
  };
};

/** A couple without children living with them (young couples and empty nesters). */
export const couplePlan = (ctx: PlanContext): HouseholdPlan => {
  const used = new Set<string>();
  const couple = makeCouple(ctx, birthYearForAge(ctx, 24, 90), used);
  const since = foundersSince(ctx, [couple.head.birthDate, couple.partner.birthDate]);
  const joined = couple.married && ctx.rng.chance(0.3) ? laterDate(ctx, since) : undefined;
  if (joined) couple.partner.arrival = { kind: 'moveIn', date: joined, from: ctx.previousAddress() };
  return {
    members: [couple.head, couple.partner],
    since,
    from: ctx.previousAddress(),
    addressSince: addressSinceFor(ctx, since),
  };
};

/** A married couple with one to three children (an occasional pair of twins). */
export const nuclearPlan = (ctx: PlanContext): HouseholdPlan => {
  const { rng } = ctx;
  const used = new Set<string>();
  const couple = makeCouple(ctx, birthYearForAge(ctx, 28, 62), used, false);
  const count = rng.weighted([
    [1, 35],
    [2, 45],
    [3, 20],
  ] as const);
  const parentYears = [yearOf(couple.head.birthDate), yearOf(couple.partner.birthDate)];
  const children = childYears(ctx, parentYears, count).map((y) =>
    person(ctx, '子', randomSex(ctx), y, couple.family, used, couple.koseki),
  );
  const last = children[children.length - 1];
  if (last && rng.chance(0.04)) {
    const twin = person(ctx, '子', randomSex(ctx), yearOf(last.birthDate), couple.family, used, couple.koseki);
    twin.birthDate = last.birthDate;
    children.push(twin);
  }
  const since = foundersSince(ctx, [couple.head.birthDate, couple.partner.birthDate], undefined, true);
  const first = children[0];
  const joined = rng.chance(0.2) ? laterDate(ctx, since, first ? addDays(first.birthDate, -1) : undefined) : undefined;
  if (joined) couple.partner.arrival = { kind: 'moveIn', date: joined, from: ctx.previousAddress() };
  return {
    members: [couple.head, couple.partner, ...children],
    since,
    from: ctx.previousAddress(),
    addressSince: addressSinceFor(ctx, since),
  };
};

/** A parent (mostly a mother, head of her own 戸籍 after a divorce) with one or two children. */
export const singleParentPlan = (ctx: PlanContext): HouseholdPlan => {
  const used = new Set<string>();
  const family = surname(ctx.rng);
  const sex = ctx.rng.chance(0.85) ? Sex.FEMALE : Sex.MALE;
  const head = person(ctx, '世帯主', sex, birthYearForAge(ctx, 26, 58), family, used, 'self');
  const children = childYears(ctx, [yearOf(head.birthDate)], ctx.rng.int(1, 2)).map((y) =>
    person(ctx, '子', randomSex(ctx), y, family, used, kosekiOf(head)),
  );
  const since = foundersSince(ctx, [head.birthDate]);
  return {
    members: [head, ...children],
    since,
    from: ctx.previousAddress(),
    addressSince: addressSinceFor(ctx, since),
  };
};

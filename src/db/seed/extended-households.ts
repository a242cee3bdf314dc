/** Household compositions: three generations, siblings, and households with 同居人. */
import { addDays } from '../../domain/dates';
import { Sex } from '../../domain/registry-values';
import {
  absentMan,
  birthYearForAge,
  childYears,
  familyDomicile,
  fullName,
  kosekiOf,
  makeCouple,
  maxBirthYear,
  MIN_BIRTH_YEAR,
  person,
  surname,
  type Draft,
  type HouseholdPlan,
  type PlanContext,
} from './people';
import { otherDomicile } from './places';
import { addressSinceFor, foundersSince, laterDate, latestEvent } from './plan-dates';
import { addYears, maxOf, minOf, randomDate, yearOf } from './seed-dates';

const randomSex = (ctx: PlanContext): Sex => (ctx.rng.chance(0.5) ? Sex.MALE : Sex.FEMALE);
const selfKoseki = (d: Draft): void => {
  d.familyRegisterHead = fullName(d.familyName, d.givenName);
};

/** A couple (with 0–2 children) and the head's 父 and/or 母, or the wife's mother/father (妻の母 / 妻の父). */
export const withParentsPlan = (ctx: PlanContext): HouseholdPlan => {
  const { rng } = ctx;
  const used = new Set<string>();
  const couple = makeCouple(ctx, birthYearForAge(ctx, 35, 62), used, false);
  const kids = childYears(
    ctx,
    [yearOf(couple.head.birthDate), yearOf(couple.partner.birthDate)],
    rng.weighted([
      [0, 30],
      [1, 35],
      [2, 35],
    ] as const),
  );
  const children = kids.map((y) => person(ctx, '子', randomSex(ctx), y, couple.family, used, couple.koseki));
  const wifesSide = couple.head.sex === Sex.MALE && rng.chance(0.2);
  const child = wifesSide ? couple.partner : couple.head; // whose parents live here
  const sameName =
    !wifesSide && (child.sex === Sex.MALE || couple.koseki.head === fullName(child.familyName, child.givenName));
  const parentsFamily = sameName ? { kanji: child.familyName, kana: child.familyNameKana } : surname(rng);
  const ref = yearOf(child.birthDate);
  const members: Draft[] = [couple.head, couple.partner, ...children];
  if (ref - 22 >= MIN_BIRTH_YEAR) {
    const motherYear = rng.int(Math.max(MIN_BIRTH_YEAR, ref - 40), ref - 22);
    const fatherYear = Math.max(MIN_BIRTH_YEAR, ref - 45, Math.min(ref - 21, motherYear - rng.int(0, 5)));
    const prefix = wifesSide ? '妻の' : '';
    const domicile = sameName && rng.chance(0.5) ? couple.koseki.domicile : otherDomicile(rng);
    const father = person(ctx, `${prefix}父`, Sex.MALE, fatherYear, parentsFamily, used, { domicile, head: '' });
    selfKoseki(father);
    const mother = person(ctx, `${prefix}母`, Sex.FEMALE, motherYear, parentsFamily, used, kosekiOf(father));
    const which = rng.weighted<'both' | 'mother' | 'father'>([
      ['both', 35],
      ['mother', 50],
      ['father', 15],
    ]);
    const parents = which === 'both' ? [father, mother] : which === 'mother' ? [mother] : [father];
    members.push(...parents);
    const since = foundersSince(ctx, [couple.head.birthDate, couple.partner.birthDate]);
    const joined = rng.chance(0.6) ? laterDate(ctx, since) : undefined;
    if (joined) {
      const from = ctx.previousAddress();
      for (const p of parents) p.arrival = { kind: 'moveIn', date: joined, from };
    }
    return { members, since, from: ctx.previousAddress(), addressSince: addressSinceFor(ctx, since) };
  }
  const since = foundersSince(ctx, [couple.head.birthDate, couple.partner.birthDate]);
  return { members, since, from: ctx.previousAddress(), addressSince: addressSinceFor(ctx, since) };
};

/**
 * An elderly head (with 妻 or widowed), a married 子 with the in-law (子の妻, or 子の夫 when a daughter stays),
 * their children (子の子) and sometimes an unmarried younger 子.
 */
export const childFamilyPlan = (ctx: PlanContext): HouseholdPlan => {
  const { rng } = ctx;
  const used = new Set<string>();
  const headYear = birthYearForAge(ctx, 58, 88);
  const widowed = rng.chance(0.3);
  let elders: Draft[];
  let eldersFamily: { kanji: string; kana: string };
  if (widowed) {
    eldersFamily = surname(rng);
    const koseki = { domicile: familyDomicile(ctx), head: absentMan(ctx, eldersFamily.kanji, headYear - 3) };
    elders = [person(ctx, '世帯主', Sex.FEMALE, headYear, eldersFamily, used, koseki)];
  } else {
    const couple = makeCouple(ctx, headYear, used, false);
    eldersFamily = couple.family;
    elders = [couple.head, couple.partner];
  }
  const elderKoseki = kosekiOf(elders[0] as Draft);
  const parentYears = elders.map((e) => yearOf(e.birthDate));
  const lo = Math.max(...parentYears.map((y) => y + 21));
  const hi = Math.min(maxBirthYear(ctx.today) - 24, ...parentYears.map((y) => y + 45));
  const childYear = rng.int(lo, Math.max(lo, hi));
  const son = rng.chance(0.75);
  // A daughter usually takes her husband's name; then both are in his 戸籍.
  const youngFamily = son || rng.chance(0.3) ? eldersFamily : surname(rng);
  const youngDomicile = rng.chance(0.6) ? elderKoseki.domicile : ctx.home.domicile;
  const child = person(ctx, '子', son ? Sex.MALE : Sex.FEMALE, childYear, youngFamily, used, {
    domicile: youngDomicile,
    head: '',
  });
  const inLawYear = Math.min(
    maxBirthYear(ctx.today) - 23,
    son ? childYear + rng.int(-2, 5) : childYear - rng.int(-2, 5),
  );
  const inLaw = person(ctx, son ? '子の妻' : '子の夫', son ? Sex.FEMALE : Sex.MALE, inLawYear, youngFamily, used, {
    domicile: youngDomicile,
    head: '',
  });
  const holder = !son && youngFamily !== eldersFamily ? inLaw : child; // 筆頭者 = whose name the couple bears
  const youngKoseki = { domicile: youngDomicile, head: fullName(holder.familyName, holder.givenName) };
  child.familyRegisterHead = youngKoseki.head;
  inLaw.familyRegisterHead = youngKoseki.head;

  // Elders settled here before the child was born (the head was sometimes born here).
  const childBirth = child.birthDate;
  const bornHere = rng.chance(0.4);
  const eldersAdult = maxOf(...elders.map((e) => addYears(e.birthDate, 20)));
  const since =
    eldersAdult < childBirth ? randomDate(rng, eldersAdult, addDays(childBirth, -1)) : addDays(childBirth, -1);
  if (bornHere && elders[0]) {
    elders[0].arrival = { kind: 'birth' };
    const partner = elders[1];
    if (partner)
      partner.arrival = {
        kind: 'moveIn',
        date: maxOf(since, addYears(partner.birthDate, 18)),
        from: ctx.previousAddress(),
      };
  }
  // The in-law married in and moved here; grandchildren were born afterwards.
  const marriedFrom = addYears(maxOf(child.birthDate, inLaw.birthDate), 22);
  const marriage = randomDate(rng, marriedFrom, minOf(latestEvent(ctx), addYears(marriedFrom, 12)));
  inLaw.arrival = { kind: 'moveIn', date: marriage, from: ctx.previousAddress() };
  const grandYears = childYears(
    ctx,
    [childYear, inLawYear],
    rng.weighted([
      [0, 20],
      [1, 35],
      [2, 35],
      [3, 10],
    ] as const),
    yearOf(marriage) + 1,
  );
  const grandchildren = grandYears.map((y) => person(ctx, '子の子', randomSex(ctx), y, youngFamily, used, youngKoseki));
  const members = [...elders, child, inLaw, ...grandchildren];
  const siblingYears = rng.chance(0.2) ? childYears(ctx, parentYears, 1, childYear + 2) : [];
  for (const y of siblingYears) members.push(person(ctx, '子', randomSex(ctx), y, eldersFamily, used, elderKoseki));
  return { members, since, from: ctx.previousAddress(), addressSince: addressSinceFor(ctx, since, 0.1) };
};

/** Two unmarried siblings (兄 / 姉 / 弟 / 妹 of the head), both still in their father's 戸籍. */
export const siblingsPlan = (ctx: PlanContext): HouseholdPlan => {
  const { rng } = ctx;
  const used = new Set<string>();
  const headYear = birthYearForAge(ctx, 25, 70);
  const family = surname(rng);
  const koseki = { domicile: familyDomicile(ctx), head: absentMan(ctx, family.kanji, headYear - 30) };
  const head = person(ctx, '世帯主', randomSex(ctx), headYear, family, used, koseki);
  const offset = rng.pick([-8, -6, -5, -3, -2, -1, 1, 2, 3, 4, 6, 8]);
  const siblingYear = Math.min(maxBirthYear(ctx.today) - 18, Math.max(MIN_BIRTH_YEAR, headYear + offset));
  const sibling = person(ctx, '', randomSex(ctx), siblingYear, family, used, koseki);
  if (sibling.birthDate === head.birthDate) sibling.birthDate = addDays(sibling.birthDate, 400);
  const older = sibling.birthDate < head.birthDate;
  sibling.relationshipToHead = sibling.sex === Sex.MALE ? (older ? '兄' : '弟') : older ? '姉' : '妹';
  const since = foundersSince(ctx, [head.birthDate, sibling.birthDate]);
  const joined = rng.chance(0.4) ? laterDate(ctx, since) : undefined;
  if (joined) sibling.arrival = { kind: 'moveIn', date: joined, from: ctx.previousAddress() };
  return { members: [head, sibling], since, from: ctx.previousAddress(), addressSince: addressSinceFor(ctx, since) };
};

/** A head sharing the home with one or two unrelated 同居人 of similar age. */
export const lodgersPlan = (ctx: PlanContext): HouseholdPlan => {
  const { rng } = ctx;
  const used = new Set<string>();
  const headYear = birthYearForAge(ctx, 20, 45);
  const head = person(ctx, '世帯主', randomSex(ctx), headYear, surname(rng), used, 'self');
  const members: Draft[] = [head];
  const count = rng.chance(0.7) ? 1 : 2;
  for (let i = 0; i < count; i++) {
    let family = surname(rng);
    while (family.kanji === head.familyName) family = surname(rng);
    const year = Math.min(maxBirthYear(ctx.today) - 20, Math.max(MIN_BIRTH_YEAR, headYear + rng.int(-6, 6)));
    const koseki = rng.chance(0.5)
      ? 'self'
      : { domicile: otherDomicile(rng), head: absentMan(ctx, family.kanji, year - 28) };
    members.push(person(ctx, '同居人', randomSex(ctx), year, family, used, koseki));
  }
  const since = foundersSince(
    ctx,
    members.map((m) => m.birthDate),
  );
  for (const m of members.slice(1)) {
    const joined = rng.chance(0.5) ? laterDate(ctx, since) : undefined;
    if (joined) m.arrival = { kind: 'moveIn', date: joined, from: ctx.previousAddress() };
  }
  return { members, since, from: ctx.previousAddress(), addressSince: addressSinceFor(ctx, since) };
};

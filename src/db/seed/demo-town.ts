/**
 * Deterministic synthetic town for demo data and benchmarks: households of a fictional municipality (default
 * 東京都さくら市) with residents, identifiers and residence dates that satisfy the registry's rules
 * (domain.md §3, §3.7, §7). Pure: no database, no I/O, no clock, no Math.random — same options, same town.
 */
import { addDays, isIsoDate, type IsoDate } from '../../domain/dates';
import { relationshipRank } from '../../domain/registry-values';
import type { DemoHousehold, DemoResident, DemoTown, DemoTownOptions } from './demo-town-types';
import { childFamilyPlan, lodgersPlan, siblingsPlan, withParentsPlan } from './extended-households';
import { couplePlan, nuclearPlan, singleParentPlan, singlePlan } from './family-households';
import { FOREIGN_REGISTER_START, foreignHouseholdPlan } from './foreign-households';
import { IdentifierAllocator } from './identifier-allocator';
import type { Draft, HouseholdPlan, PlanContext } from './people';
import { domicileMunicipalityCode, otherMunicipalityAddress, TownAddresses, type HomeAddress } from './places';
import { createPrng, type Prng } from './prng';
import { maxOf, minOf } from './seed-dates';

export type {
  DemoForeignInfo,
  DemoHousehold,
  DemoNewMover,
  DemoResident,
  DemoTown,
  DemoTownOptions,
} from './demo-town-types';
export { generateNewMover } from './new-mover';

export const DEMO_TOWN_DEFAULTS = {
  seed: 1,
  households: 420,
  municipalityName: 'さくら市',
  municipalityCode: '139998',
  prefectureName: '東京都',
  today: '2026-11-01',
} as const;

/** Share of households with a foreign resident (spread evenly over the serials). */
const FOREIGN_SHARE = 0.03;

type Builder = (ctx: PlanContext) => HouseholdPlan;

/** Composition, relative frequency, and how often such a household lives in an apartment (方書). */
const COMPOSITIONS: ReadonlyArray<readonly [{ build: Builder; apartment: number }, number]> = [
  [{ build: singlePlan, apartment: 0.55 }, 25],
  [{ build: couplePlan, apartment: 0.3 }, 20],
  [{ build: nuclearPlan, apartment: 0.2 }, 29],
  [{ build: singleParentPlan, apartment: 0.45 }, 6],
  [{ build: withParentsPlan, apartment: 0.03 }, 6],
  [{ build: childFamilyPlan, apartment: 0.03 }, 7],
  [{ build: siblingsPlan, apartment: 0.35 }, 3],
  [{ build: lodgersPlan, apartment: 0.7 }, 3],
];
const FOREIGN_COMPOSITION = { build: foreignHouseholdPlan, apartment: 0.75 };

export function generateDemoTown(opts: DemoTownOptions = {}): DemoTown {
  const o = { ...DEMO_TOWN_DEFAULTS, ...opts };
  if (!isIsoDate(o.today)) throw new RangeError(`today must be YYYY-MM-DD: ${o.today}`);
  if (!Number.isInteger(o.households) || o.households < 1)
    throw new RangeError('households must be a positive integer');
  const root = createPrng(o.seed);
  const rng = root.fork(1);
  const ids = new IdentifierAllocator(root.fork(2));
  const addresses = new TownAddresses(
    root.fork(3),
    o.prefectureName,
    o.municipalityName,
    Math.ceil(o.households * 0.36),
  );
  const households: DemoHousehold[] = [];
  for (let i = 0; i < o.households; i++) {
    const foreign = Math.floor((i + 1) * FOREIGN_SHARE) > Math.floor(i * FOREIGN_SHARE);
    const composition = foreign ? FOREIGN_COMPOSITION : rng.weighted(COMPOSITIONS);
    const home = rng.chance(composition.apartment) ? addresses.apartment() : addresses.house();
    const ctx: PlanContext = {
      rng,
      today: o.today,
      home,
      inTownDomicile: () => addresses.inTownDomicile(),
      previousAddress: () => otherMunicipalityAddress(rng).address,
    };
    households.push(toHousehold(composition.build(ctx), home, ids, rng, o.today));
  }
  // the 本籍地's code beside every 本籍 (where the 附票記載事項通知 goes); drawn from the text, no randomness
  for (const r of households.flatMap((h) => h.members)) {
    const code = r.registeredDomicile ? domicileMunicipalityCode(r.registeredDomicile, o) : undefined;
    if (code) r.domicileMunicipalityCode = code;
  }
  return { households };
}

/** 世帯主 first, then rank, birth date and (through the serial order) 宛名番号 (domain.md §3.2). */
const memberOrder = (a: Draft, b: Draft): number => {
  const rank = (d: Draft): number => (d.relationshipToHead === '世帯主' ? 0 : relationshipRank(d.relationshipToHead));
  return rank(a) - rank(b) || (a.birthDate < b.birthDate ? -1 : a.birthDate > b.birthDate ? 1 : 0);
};

const toHousehold = (
  plan: HouseholdPlan,
  home: HomeAddress,
  ids: IdentifierAllocator,
  rng: Prng,
  today: IsoDate,
): DemoHousehold => {
  const drafts = plan.members.map((d, i) => ({ d, i })).sort((a, b) => memberOrder(a.d, b.d) || a.i - b.i);
  return {
    householdNumber: ids.nextHouseholdNumber(),
    address: home.address,
    ...(home.addressSupplement ? { addressSupplement: home.addressSupplement } : {}),
    postalCode: home.postalCode,
    addressCode: home.addressCode,
    members: drafts.map(({ d }) => toResident(d, plan, ids, rng, today)),
  };
};

const toResident = (
  d: Draft,
  plan: HouseholdPlan,
  ids: IdentifierAllocator,
  rng: Prng,
  today: IsoDate,
): DemoResident => {
  const arrival =
    d.arrival ??
    (d.birthDate > plan.since
      ? { kind: 'birth' as const }
      : { kind: 'moveIn' as const, date: plan.since, from: plan.from });
  const became = arrival.kind === 'birth' ? d.birthDate : maxOf(arrival.date, d.birthDate);
  const established = maxOf(became, plan.addressSince);
  const delay =
    arrival.kind === 'birth' && established === became
      ? rng.int(0, 14) // 出生届: within 14 days
      : rng.weighted<() => number>([
          [() => rng.int(0, 7), 80],
          [() => rng.int(8, 14), 17],
          [() => rng.int(15, 45), 3],
        ])();
  const resident: DemoResident = {
    addresseeNumber: ids.nextAddresseeNumber(),
    residentRecordCode: ids.residentRecordCode(),
    individualNumber: ids.individualNumber(),
    familyName: d.familyName,
    givenName: d.givenName,
    familyNameKana: d.familyNameKana,
    givenNameKana: d.givenNameKana,
    sex: d.sex,
    birthDate: d.birthDate,
    relationshipToHead: d.relationshipToHead,
    becameResidentDate: became,
    addressEstablishedDate: established,
    notificationDate: minOf(today, addDays(established, delay)),
    becameResidentReason: arrival.kind === 'birth' ? '出生' : '転入',
    hasCard: rng.chance(0.75),
  };
  if (arrival.kind === 'moveIn') resident.previousAddress = arrival.from;
  if (d.foreign) {
    resident.foreign = {
      ...d.foreign,
      residenceCardNumber: ids.residenceCardNumber(),
      becameForeignResidentDate: maxOf(became, FOREIGN_REGISTER_START),
    };
  } else {
    resident.registeredDomicile = d.registeredDomicile ?? '';
    resident.familyRegisterHead = d.familyRegisterHead ?? '';
  }
  return resident;
};

/** One synthetic person living in another municipality and about to move into the demo town (benchmarks). */
import { addDays, isIsoDate, type IsoDate } from '../../domain/dates';
import { Sex } from '../../domain/registry-values';
import type { DemoNewMover } from './demo-town-types';
import { IdentifierAllocator } from './identifier-allocator';
import { absentMan, birthYearForAge, fullName, person, surname, type PlanContext } from './people';
import { otherDomicile, otherMunicipalityAddress } from './places';
import { createPrng } from './prng';
import { addYears, minOf, randomDate } from './seed-dates';

const MOVER_STREAM = 0x6d6f7665; // separates mover identifiers from those of the town built with the same seed

export function generateNewMover(seed: number, today: IsoDate = '2026-11-01'): DemoNewMover {
  if (!isIsoDate(today)) throw new RangeError(`today must be YYYY-MM-DD: ${today}`);
  const root = createPrng(seed).fork(MOVER_STREAM);
  const rng = root.fork(1);
  const ids = new IdentifierAllocator(root.fork(2));
  const origin = otherMunicipalityAddress(rng);
  const ctx: PlanContext = {
    rng,
    today,
    home: { address: origin.address, postalCode: '', addressCode: '', domicile: otherDomicile(rng) },
    inTownDomicile: () => otherDomicile(rng),
    previousAddress: () => otherMunicipalityAddress(rng).address,
  };
  const band = rng.weighted<readonly [number, number]>([
    [[20, 39], 60],
    [[40, 64], 30],
    [[65, 85], 10],
  ]);
  const year = birthYearForAge(ctx, band[0], band[1]);
  const family = surname(rng);
  const sex = rng.chance(0.5) ? Sex.MALE : Sex.FEMALE;
  const draft = person(ctx, '世帯主', sex, year, family, new Set(), { domicile: otherDomicile(rng), head: '' });
  draft.familyRegisterHead =
    band[0] === 20 && rng.chance(0.5)
      ? absentMan(ctx, family.kanji, year - 28) // still in the parents' 戸籍
      : fullName(draft.familyName, draft.givenName);
  const moveInDate = addDays(today, -rng.int(0, 13));
  const plannedMoveOutDate = minOf(today, addDays(moveInDate, -rng.int(-3, 10)));
  const adult = addYears(draft.birthDate, 18);
  return {
    residentRecordCode: ids.residentRecordCode(),
    individualNumber: ids.individualNumber(),
    familyName: draft.familyName,
    givenName: draft.givenName,
    familyNameKana: draft.familyNameKana,
    givenNameKana: draft.givenNameKana,
    sex: draft.sex,
    birthDate: draft.birthDate,
    registeredDomicile: draft.registeredDomicile ?? '',
    familyRegisterHead: draft.familyRegisterHead,
    previousAddress: origin.address,
    previousMunicipalityCode: origin.municipalityCode,
    previousAddressEstablishedDate: randomDate(rng, adult, addDays(moveInDate, -60)),
    plannedMoveOutDate,
    moveInDate,
    hasCard: rng.chance(0.8),
  };
}

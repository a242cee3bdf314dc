import type { MikroORM } from '@mikro-orm/core';
import type { OnlineMoveOutContent } from '../../src/procedures/online-move-out/schema';
import { addDays } from '../../src/domain/dates';
import { ResidentStatus } from '../../src/domain/registry-values';
import { Household, Resident } from '../../src/db/entities';
import { today } from './fixtures';
import { TOWN_B } from './move-fixtures';

/** A demo-town household (the n-th active one with at least `minMembers` members): head first. */
export async function demoHousehold(orm: MikroORM, n = 0, minMembers = 1): Promise<Resident[]> {
  const em = orm.em.fork();
  const households = await em.find(Household, { active: true }, { orderBy: { householdNumber: 'asc' } });
  let seen = 0;
  for (const h of households) {
    const members = await em.find(
      Resident,
      { householdNumber: h.householdNumber, status: ResidentStatus.RESIDENT },
      { orderBy: { addresseeNumber: 'asc' } },
    );
    if (members.length < minMembers || !members.some((m) => m.relationshipToHead === '世帯主')) continue;
    if (seen++ === n)
      return [
        ...members.filter((m) => m.relationshipToHead === '世帯主'),
        ...members.filter((m) => m.relationshipToHead !== '世帯主'),
      ];
  }
  throw new Error('no such demo household');
}

const person = (r: Resident) => ({
  familyName: r.familyName,
  givenName: r.givenName,
  birthDate: r.birthDate,
  sex: r.sex,
});

/** The online 転出届 of a whole household, signed by its head, moving to town B in a week. */
export function onlineContent(members: Resident[], over: Partial<OnlineMoveOutContent> = {}): OnlineMoveOutContent {
  const head = members[0]!;
  return {
    applicationDate: today(),
    applicant: { ...person(head), isMover: true },
    currentAddress: [head.address, head.addressSupplement].filter(Boolean).join('　'),
    movers: members.map(person),
    destination: { address: '神奈川県相模原市中央区中央一丁目1番1号', municipalityCode: TOWN_B },
    plannedMoveOutDate: addDays(today(), 7),
    plannedVisitDate: addDays(today(), 8),
    contactPhone: '090-1234-5678',
    ...over,
  };
}

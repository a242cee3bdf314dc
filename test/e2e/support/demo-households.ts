import type { MikroORM } from '@mikro-orm/core';
import { Household, Resident } from '../../../src/db/entities';

/** The `n`-th active household of the demo town with at least `min` current residents (宛名番号 order inside). */
export async function demoHousehold(orm: MikroORM, n: number, min = 2): Promise<Resident[]> {
  const em = orm.em.fork();
  const households = await em.find(Household, { active: true }, { orderBy: { householdNumber: 'asc' }, limit: 60 });
  let seen = 0;
  for (const h of households) {
    const members = await em.find(Resident, { householdNumber: h.householdNumber, status: 'RESIDENT' }, { orderBy: { addresseeNumber: 'asc' } });
    if (members.length >= min && members.length <= 4 && !members.some((m) => m.isForeignResident) && seen++ === n) return members;
  }
  throw new Error('no such demo household');
}

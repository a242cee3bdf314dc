import { LockMode, type EntityManager } from '@mikro-orm/core';
import { Counter } from './entities';

/**
 * Advances a named serial counter inside the caller's transaction (row lock on MySQL; SQLite serialises writers).
 * Used for 宛名番号, 世帯番号 and the daily 発行番号 serial.
 */
export async function nextSerial(em: EntityManager, name: string, start = 1): Promise<number> {
  const isSqlite = em.getPlatform().constructor.name.toLowerCase().includes('sqlite');
  const row = await em.findOne(Counter, { name }, isSqlite ? {} : { lockMode: LockMode.PESSIMISTIC_WRITE });
  if (!row) {
    const created = em.create(Counter, { name, value: start });
    em.persist(created);
    await em.flush();
    return start;
  }
  row.value += 1;
  await em.flush();
  return row.value;
}

export const CounterName = {
  ADDRESSEE: 'addresseeNumber',
  HOUSEHOLD: 'householdNumber',
  issueSerial: (yyyymmdd: string) => `issueSerial:${yyyymmdd}`,
} as const;

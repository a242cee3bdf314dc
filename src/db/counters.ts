import type { EntityManager } from '@mikro-orm/core';
import { onSqlite } from './dialect';

/**
 * Advances a named serial counter inside the caller's transaction, in one statement (issue 15: statements per 転入).
 * SQLite: an upsert with RETURNING (SQLite serialises writers). MySQL / MariaDB: an UPDATE that takes the row's lock
 * until the commit and hands the new value back through LAST_INSERT_ID(expr) (the OK packet's insert ID); the first
 * draw of a name inserts it. Used for 宛名番号, 世帯番号 and the daily 発行番号 serial.
 */
export async function nextSerial(em: EntityManager, name: string, start = 1): Promise<number> {
  const conn = em.getConnection();
  const ctx = em.getTransactionContext();
  if (onSqlite(em)) {
    const [row] = (await conn.execute(
      'insert into counter (name, value) values (?, ?) on conflict (name) do update set value = value + 1 returning value',
      [name, start],
      'all',
      ctx,
    )) as Array<{ value: number }>;
    return Number(row!.value);
  }
  const updated = (await conn.execute(
    'update counter set value = last_insert_id(value + 1) where name = ?',
    [name],
    'run',
    ctx,
  )) as { affectedRows: number; insertId?: number };
  if (updated.affectedRows === 1 && updated.insertId) return Number(updated.insertId);
  if (updated.affectedRows === 1) throw new Error(`counter ${name}: the new value was not returned`);
  await conn.execute('insert into counter (name, value) values (?, ?)', [name, start], 'run', ctx);
  return start;
}

export const CounterName = {
  ADDRESSEE: 'addresseeNumber',
  HOUSEHOLD: 'householdNumber',
  issueSerial: (yyyymmdd: string) => `issueSerial:${yyyymmdd}`,
} as const;

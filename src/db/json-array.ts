import { raw, type EntityManager } from '@mikro-orm/core';
import { onSqlite } from './dialect';

/**
 * A filter on a JSON array column (`type: 'json'`, e.g. case_record.subject_addressee_numbers) that holds when the
 * array contains any of the strings — for `em.find` / `em.count`, combinable with other conditions. MikroORM encodes the
 * value of a condition on a JSON property as JSON, so `{ subjectAddresseeNumbers: { $like: '%"0000582"%' } }` became
 * `like '"%\"0000582\"%"'` and never matched (issue 14 bug 1); this uses each dialect's JSON functions on the column
 * instead: SQLite `json_each`, MySQL / MariaDB `json_contains` (MariaDB keeps JSON as checked LONGTEXT).
 */
export function jsonArrayContainsAny(
  em: EntityManager,
  column: string,
  values: readonly string[],
): Record<string, unknown> {
  if (!/^[a-z_]+$/.test(column)) throw new RangeError('not a column name');
  if (!values.length) return { [raw('1 = 0')]: [] };
  const marks = values.map(() => '?').join(', ');
  const sqlite = onSqlite(em);
  const expr = sqlite
    ? (alias: string) => `exists (select 1 from json_each(${alias}.${column}) where json_each.value in (${marks}))`
    : (alias: string) => `(${values.map(() => `json_contains(${alias}.${column}, json_quote(?))`).join(' or ')})`;
  return { [raw(expr, values)]: [] };
}

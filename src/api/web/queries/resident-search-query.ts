import { raw, type EntityManager } from '@mikro-orm/core';
import { nameSplits, type SearchCriteria } from '../../../domain/resident-search';
import { Resident } from '../../../db/entities';
import { jsonArrayContainsAny } from '../../../db/json-array';
import { protectedPersons } from '../../../db/support-measures';
import type { PiiCrypto } from '../../../db/pii-crypto';

export const SEARCH_LIMIT = 50;

/** LIKE wildcards are dropped from the typed text (SQLite has no default escape character). */
const likeText = (s: string) => s.replace(/[\\%_]/g, '');

/**
 * The registry query of an allowed search (see src/domain/resident-search.ts): exact 住民票コード, exact 個人番号 by its
 * blind index (the clear number never reaches the DB) — the 住民票コード also among the 旧住民票コード —, or 氏名 (kanji or kana, any 氏/名 split) plus 住所 (partial)
 * or 生年月日 (exact), optionally 性別. Current records, 転出予定者 and 除票 alike.
 */
export function searchFilter(em: EntityManager, c: SearchCriteria, pii: PiiCrypto): Record<string, unknown> {
  if (c.mode === 'code')
    return {
      $or: [
        { residentRecordCode: c.residentRecordCode },
        // the few records with 旧住民票コード (an indexed generated flag), not the JSON column of every record
        {
          $and: [
            { [raw((alias: string) => `${alias}.has_former_record_codes = 1`)]: [] },
            jsonArrayContainsAny(em, 'former_resident_record_codes', [c.residentRecordCode]),
          ],
        },
      ],
    };
  if (c.mode === 'number') return { individualNumberIndex: pii.blindIndex(c.individualNumber) };
  const names = nameSplits(c.name).flatMap(([family, given]) => [
    { familyName: family, givenName: given },
    { familyNameKana: family, givenNameKana: given },
  ]);
  return {
    $or: names,
    ...(c.address ? { address: { $like: `%${likeText(c.address)}%` } } : {}),
    ...(c.birthDate ? { birthDate: c.birthDate } : {}),
    ...(c.sex ? { sex: c.sex } : {}),
  };
}

/**
 * What a search result shows (the search page's list): the columns it needs and no more — not the encrypted 個人番号,
 * the JSON columns or the other 50 columns of a record, whose transfer and hydration were half the time of a search
 * listing 50 persons at 720 000 residents (issue 15 item 4). The record itself opens from the list.
 */
export const SEARCH_RESULT_FIELDS = [
  'addresseeNumber',
  'familyName',
  'givenName',
  'familyNameKana',
  'givenNameKana',
  'birthDate',
  'sex',
  'isForeignResident',
  'address',
  'addressSupplement',
  'status',
  'plannedMoveOutDate',
  'removalDate',
] as const satisfies ReadonlyArray<keyof Resident>;
export type SearchResultRow = Pick<Resident, (typeof SEARCH_RESULT_FIELDS)[number]>;

export async function searchResidents(
  em: EntityManager,
  pii: PiiCrypto,
  c: SearchCriteria,
): Promise<{ rows: SearchResultRow[]; truncated: boolean }> {
  const rows: SearchResultRow[] = await em.find(Resident, searchFilter(em, c, pii) as never, {
    fields: SEARCH_RESULT_FIELDS,
    orderBy: { familyNameKana: 'asc', givenNameKana: 'asc', addresseeNumber: 'asc' },
    limit: SEARCH_LIMIT + 1,
  });
  return { rows: rows.slice(0, SEARCH_LIMIT), truncated: rows.length > SEARCH_LIMIT };
}

/** Persons under a 抑止 or 支援措置 in force (domain.md §8.6): flagged on every screen that shows them. */
export async function blockedAddresseeNumbers(em: EntityManager, addresseeNumbers: string[]): Promise<Set<string>> {
  return protectedPersons(em, addresseeNumbers);
}

/** The address of a protected person is shown only to the 支援措置責任者 (domain.md §8.6). */
export const PROTECTED_ADDRESS_TEXT = '（支援措置・抑止のため表示しません）';
/** The rows of the record that give where the person lives (or lived, or goes). */
export const ADDRESS_ROWS: ReadonlySet<string> = new Set([
  '住所',
  '方書',
  '郵便番号',
  '前住所',
  '転出予定先住所',
  '転出確定住所',
]);

import type { EntityManager } from '@mikro-orm/core';
import { nameSplits, type SearchCriteria } from '../../../domain/resident-search';
import { Resident } from '../../../db/entities';
import { issuanceBlocked } from '../../../db/issuance-blocks';
import type { PiiCrypto } from '../../../db/pii-crypto';

export const SEARCH_LIMIT = 50;

/** LIKE wildcards are dropped from the typed text (SQLite has no default escape character). */
const likeText = (s: string) => s.replace(/[\\%_]/g, '');

/**
 * The registry query of an allowed search (see src/domain/resident-search.ts): exact 住民票コード, exact 個人番号 by its
 * blind index (the clear number never reaches the DB), or 氏名 (kanji or kana, any 氏/名 split) plus 住所 (partial)
 * or 生年月日 (exact), optionally 性別. Current records, 転出予定者 and 除票 alike.
 */
export function searchFilter(c: SearchCriteria, pii: PiiCrypto): Record<string, unknown> {
  if (c.mode === 'code')
    return {
      $or: [
        { residentRecordCode: c.residentRecordCode },
        { formerResidentRecordCodes: { $like: `%"${c.residentRecordCode}"%` } },
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

export async function searchResidents(
  em: EntityManager,
  pii: PiiCrypto,
  c: SearchCriteria,
): Promise<{ rows: Resident[]; truncated: boolean }> {
  const rows = await em.find(Resident, searchFilter(c, pii) as never, {
    orderBy: { familyNameKana: 'asc', givenNameKana: 'asc', addresseeNumber: 'asc' },
    limit: SEARCH_LIMIT + 1,
  });
  return { rows: rows.slice(0, SEARCH_LIMIT), truncated: rows.length > SEARCH_LIMIT };
}

/** Persons under a 抑止 or 支援措置 (domain.md §8.6), from the one hook the counter issuance uses too. */
export async function blockedAddresseeNumbers(em: EntityManager, addresseeNumbers: string[]): Promise<Set<string>> {
  return issuanceBlocked(em, addresseeNumbers);
}

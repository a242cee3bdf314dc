import type { EntityManager } from '@mikro-orm/core';

/**
 * 抑止 and 支援措置 on issuance (domain.md §8.6): the persons whose certificates may not be issued. The registry has no
 * block table yet, so nobody is blocked; the counter issuance, the search results and the resident record already
 * ask this one function, which is where the block records will be connected.
 */
export async function issuanceBlocked(_em: EntityManager, _addresseeNumbers: readonly string[]): Promise<Set<string>> {
  return new Set();
}

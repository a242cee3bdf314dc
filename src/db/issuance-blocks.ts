import type { EntityManager } from '@mikro-orm/core';
import type { SupportMeasure } from './entities';
import { blockedForIssuance } from './support-measures';

/**
 * 抑止 and 支援措置 on issuance (domain.md §8.6): the persons whose certificates may not be issued now — a measure in
 * force (also 仮支援措置 and an expired one, which ends only when ended) on 証明書発行 at level ERROR, without a
 * 一時解除. The counter issuance, the case certificates, the search results and the resident record ask this hook.
 */
export async function issuanceBlocked(
  em: EntityManager,
  addresseeNumbers: readonly string[],
  now = new Date(),
  measures?: SupportMeasure[],
): Promise<Set<string>> {
  return blockedForIssuance(em, addresseeNumbers, now, measures);
}

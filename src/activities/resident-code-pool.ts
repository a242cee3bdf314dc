import { randomUUID } from 'node:crypto';
import { addResidentCodes, residentCodePoolLevel } from '../db/resident-code-pool';
import type { CsGateway } from '../partners/cs-gateway';
import type { MikroORM } from '@mikro-orm/core';
import type { AppConfig } from '../config';

/**
 * Replenishes the 住民票コード pool from the CS when it has fallen below the configured threshold (domain.md §4.7
 * step 1): one batch of `residentCodePool.batchSize` codes. Run at start-up in embedded mode and by
 * `npm run pool:replenish`; returns the level before and after. A CS failure throws (the caller retries or reports).
 */
export async function replenishResidentCodePool(deps: {
  orm: MikroORM;
  cs: CsGateway;
  config: Pick<AppConfig, 'municipalityCode' | 'residentCodePool'>;
}): Promise<{ before: number; after: number; added: number }> {
  const em = deps.orm.em.fork();
  const before = await residentCodePoolLevel(em);
  if (before >= deps.config.residentCodePool.threshold) return { before, after: before, added: 0 };
  const batch = await deps.cs.requestResidentCodes({
    municipalityCode: deps.config.municipalityCode,
    idempotencyKey: `${deps.config.municipalityCode}-resident-codes-${randomUUID()}`,
    count: deps.config.residentCodePool.batchSize,
  });
  const added = await addResidentCodes(em, batch.batchId, batch.codes);
  return { before, after: before + added, added };
}

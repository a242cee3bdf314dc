import { randomInt } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/core';
import { ResidentCodePoolEntry } from './entities';

/** Rule code of the refusal when the pool cannot supply a 住民票コード (domain.md §4.7 step 1: block if empty). */
export const RESIDENT_CODE_POOL_EMPTY = 'residentCodePoolEmpty';
export const RESIDENT_CODE_POOL_EMPTY_MESSAGE =
  '住民票コードの在庫がありません。住基ネット（CS）から住民票コードの払出しを受けてから、もう一度受け付けてください。';

/**
 * The intake refusal in the shape of the other rule errors (422 RULE_VIOLATION, `case-intake.ts`): an intake's
 * `check` returns it when `residentCodePoolLevel(em)` is smaller than the number of codes it needs.
 */
export const residentCodePoolEmptyError = (field = '/'): { field: string; rule: string; message: string } => ({
  field,
  rule: RESIDENT_CODE_POOL_EMPTY,
  message: RESIDENT_CODE_POOL_EMPTY_MESSAGE,
});

/** The pool has no unused 住民票コード left: the intake is refused and nothing is stored. */
export class ResidentCodePoolEmptyError extends Error {
  readonly rule = RESIDENT_CODE_POOL_EMPTY;
  override readonly name = 'ResidentCodePoolEmptyError';
  constructor() {
    super(RESIDENT_CODE_POOL_EMPTY_MESSAGE);
  }
}

/** Unused 住民票コード in the pool. */
export const residentCodePoolLevel = (em: EntityManager): Promise<number> =>
  em.count(ResidentCodePoolEntry, { usedAt: null });

/**
 * Draws one unused 住民票コード at random (domain.md §4.7 step 1, standard spec 4.3) inside the caller's transaction
 * and marks it used (compare-and-set, so two concurrent draws never get the same code). Throws
 * ResidentCodePoolEmptyError when the pool is empty.
 */
export async function drawResidentRecordCode(em: EntityManager, caseId?: string): Promise<string> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const level = await residentCodePoolLevel(em);
    if (level === 0) throw new ResidentCodePoolEmptyError();
    const [pick] = await em.find(
      ResidentCodePoolEntry,
      { usedAt: null },
      { orderBy: { code: 'asc' }, offset: randomInt(level), limit: 1, fields: ['code'] },
    );
    if (!pick) continue;
    const won = await em.nativeUpdate(
      ResidentCodePoolEntry,
      { code: pick.code, usedAt: null },
      { usedAt: new Date(), usedByCaseId: caseId },
    );
    if (won) return pick.code;
  }
  throw new ResidentCodePoolEmptyError();
}

/** Stores a batch the CS handed out; codes already known are skipped. Returns how many were new. */
export async function addResidentCodes(em: EntityManager, batchId: string, codes: string[]): Promise<number> {
  const known = new Set(
    (await em.find(ResidentCodePoolEntry, { code: { $in: codes } }, { fields: ['code'] })).map((e) => e.code),
  );
  const fresh = [...new Set(codes)].filter((c) => !known.has(c));
  for (const code of fresh) em.persist(em.create(ResidentCodePoolEntry, { code, batchId, receivedAt: new Date() }));
  await em.flush();
  return fresh.length;
}

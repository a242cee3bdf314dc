import type { EntityManager } from '@mikro-orm/core';
import type { ChangeReason } from '../domain/change-reason';
import { toCsBirthDate } from '../domain/dates';
import { OutboxMessage, type OutboxKind, type Resident } from '../db/entities';
import { fullName } from '../db/registry-lookup';
import { csChangeReasonFor } from '../partners/cs-codes';
import type { IdentityUpdate } from '../partners/cs-gateway';
import type { ActivityDeps } from './deps';

/**
 * Queues one outgoing partner message in the caller's transaction (transactional outbox, architecture principle 2):
 * the next 更新順番号 for (kind, 住民票コード), a stable idempotency key, and the body encrypted at rest.
 */
export async function enqueue(
  em: EntityManager,
  deps: Pick<ActivityDeps, 'pii' | 'config'>,
  p: {
    caseId: string;
    kind: OutboxKind;
    residentRecordCode: string;
    keyPart: string;
    build: (sequence: number, idempotencyKey: string) => object;
  },
  /**
   * `inTransaction`: the caller runs in a transaction and flushes its own changes before it ends; the row is then
   * inserted at once and nothing else is flushed here. Otherwise the caller's pending changes are flushed with it.
   */
  opts: { inTransaction?: boolean } = {},
): Promise<void> {
  // the last 更新順番号 as a scalar, in the caller's transaction: no entity is loaded into (and flushed with) the
  // caller's unit of work (issue 15, MikroORM CPU per 転入); every outbox row is written here and flushed at once
  const [last] = (await em
    .getConnection()
    .execute(
      'select max(sequence) as seq from outbox_message where kind = ? and resident_record_code = ?',
      [p.kind, p.residentRecordCode],
      'all',
      em.getTransactionContext(),
    )) as Array<{ seq: number | string | null }>;
  const sequence = Number(last?.seq ?? 0) + 1;
  const idempotencyKey = `${deps.config.municipalityCode}-${p.caseId}-${p.keyPart}`;
  const body = p.build(sequence, idempotencyKey);
  const row = em.create(
    OutboxMessage,
    {
      caseId: p.caseId,
      kind: p.kind,
      residentRecordCode: p.residentRecordCode,
      sequence,
      idempotencyKey,
      payloadEnc: deps.pii.encrypt(JSON.stringify(body)),
    } as OutboxMessage,
    { persist: false },
  );
  // inside the caller's transaction: the row as one INSERT now, and the caller's own changes at its next flush
  // (the 転入's commit flushes once instead of once per message; issue 15, MikroORM CPU per 転入)
  if (opts.inTransaction && em.isInTransaction()) await em.insert(row);
  else {
    em.persist(row);
    await em.flush(); // the next enqueue for the same person sees this sequence
  }
}

export const displayAddress = (r: Pick<Resident, 'address' | 'addressSupplement'>): string =>
  [r.address, r.addressSupplement].filter(Boolean).join('　');

/**
 * 本人確認情報: exactly the 8 items (+ 氏名の振り仮名 when the 2025 item set is on), domain.md §3.4; without the
 * 個人番号 only for a person who has none yet (a 出生 before J-LIS generated it).
 */
export const identityUpdateOf =
  (
    deps: Pick<ActivityDeps, 'config'>,
    r: Resident,
    individualNumber: string | undefined,
    reason: ChangeReason,
    changeDate: string,
  ) =>
  (sequenceNumber: number, idempotencyKey: string): IdentityUpdate => ({
    municipalityCode: deps.config.municipalityCode,
    idempotencyKey,
    sequenceNumber,
    identity: {
      residentRecordCode: r.residentRecordCode!,
      name: fullName(r),
      birthDate: toCsBirthDate(r.birthDate),
      sex: r.sex,
      address: displayAddress(r),
      ...(individualNumber ? { individualNumber } : {}),
      changeReason: csChangeReasonFor(reason)!,
      changeDate,
      ...(deps.config.identityUpdateIncludesKana ? { nameKana: `${r.familyNameKana}　${r.givenNameKana}` } : {}),
    },
  });

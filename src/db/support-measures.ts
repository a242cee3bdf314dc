import type { EntityManager } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { jstDate } from '../domain/dates';
import {
  blocksIssuance,
  inForce,
  MeasureKind,
  MeasureLevel,
  MeasureProcess,
  MeasureState,
  PendingAction,
  ProvisionalReason,
  supportPeriodEnd,
  type MeasureState as State,
} from '../domain/support-measures';
import { SupportMeasure, SupportMeasureEvent } from './entities';

/**
 * The 支援措置 / 抑止 register as the rest of the registry asks it (domain.md §8.6): which persons are protected, which
 * may not be issued a certificate now, the use of a 一時解除, and the switch to 仮支援措置 on a 転出. The rules are in
 * src/domain/support-measures.ts; entering and confirming in src/api/support-measures-service.ts.
 */

/** The measures not ended that name any of these persons (as 支援対象者 or as persons protected with them). */
export async function measuresFor(em: EntityManager, addresseeNumbers: readonly string[]): Promise<SupportMeasure[]> {
  const nums = [...new Set(addresseeNumbers)];
  if (!nums.length) return [];
  // the register in force is small (a city's 支援措置 and 抑止, not its residents): the persons are matched here, since a
  // LIKE on a JSON column compares against the JSON-encoded pattern on SQLite and MariaDB alike
  const rows = await em.find(SupportMeasure, { state: { $ne: MeasureState.ENDED } });
  return rows.filter((m) => inForce(m) && m.addresseeNumbers.some((a) => nums.includes(a)));
}

const covered = (rows: SupportMeasure[], addresseeNumbers: readonly string[], pick: (m: SupportMeasure) => boolean) => {
  const out = new Set<string>();
  for (const m of rows.filter(pick)) for (const a of m.addresseeNumbers) if (addresseeNumbers.includes(a)) out.add(a);
  return out;
};

/** Persons under a 支援措置 or 抑止 in force (flag on search results and every screen showing the person). */
export async function protectedPersons(em: EntityManager, addresseeNumbers: readonly string[]): Promise<Set<string>> {
  return covered(await measuresFor(em, addresseeNumbers), addresseeNumbers, () => true);
}

/** Persons whose certificates may not be issued now: a blocking measure without a 一時解除 in force. */
export async function blockedForIssuance(
  em: EntityManager,
  addresseeNumbers: readonly string[],
  now = new Date(),
  measures?: SupportMeasure[],
): Promise<Set<string>> {
  return covered(measures ?? (await measuresFor(em, addresseeNumbers)), addresseeNumbers, (m) =>
    blocksIssuance(m, now),
  );
}

const event = (
  em: EntityManager,
  m: SupportMeasure,
  actorId: string,
  action: string,
  detail?: Record<string, unknown>,
) =>
  em.persist(
    em.create(SupportMeasureEvent, { measureId: m.measureId, at: new Date(), actorId, action, state: m.state, detail }),
  );

/** A 一時解除 is for one issuance: issuing for a released person uses it up (recorded in the measure's history). */
export async function useReleases(
  em: EntityManager,
  addresseeNumbers: readonly string[],
  actorId: string,
  detail: Record<string, unknown>,
  now = new Date(),
  /** The persons' measures, when the caller has just read them in the same transaction (`measuresFor`). */
  measures?: SupportMeasure[],
): Promise<void> {
  for (const m of measures ?? (await measuresFor(em, addresseeNumbers))) {
    if (!m.releasedUntil || m.releasedUntil <= now) continue;
    m.releasedUntil = undefined;
    m.updatedAt = now;
    event(em, m, actorId, 'RELEASE_USED', detail);
  }
}

/**
 * On the 転出 of a protected person the origin switches to 仮支援措置 as 前住所地 (domain.md §4.3 step 2, §8.6), so the
 * 除票の写し and 転出証明書 stay blocked; the change goes into the measure's history. Idempotent per case.
 */
export async function provisionalOnMoveOut(
  em: EntityManager,
  addresseeNumbers: readonly string[],
  caseId: string,
  actorId: string,
): Promise<number> {
  let n = 0;
  for (const m of await measuresFor(em, addresseeNumbers)) {
    if (m.state === MeasureState.PROVISIONAL && m.provisionalReason === ProvisionalReason.MOVED_OUT) continue;
    const from: State = m.state;
    m.state = MeasureState.PROVISIONAL;
    m.provisionalReason = ProvisionalReason.MOVED_OUT;
    m.updatedAt = new Date();
    event(em, m, actorId, 'MOVED_OUT', { caseId, from });
    n++;
  }
  return n;
}

/**
 * Destination side: a person whose 転出証明書情報 said they are protected at the origin arrives under 仮支援措置, in
 * the 特例転入's commit, until a 支援措置責任者 here confirms it (the decision) or ends it. Entered by `system`, so any
 * officer may confirm (four-eyes holds: the system is not an officer).
 */
export async function provisionalOnArrival(
  em: EntityManager,
  addresseeNumbers: readonly string[],
  caseId: string,
): Promise<void> {
  const now = new Date();
  const start = jstDate(now);
  for (const a of addresseeNumbers) {
    const m = em.create(SupportMeasure, {
      measureId: randomUUID(),
      kind: MeasureKind.SUPPORT,
      state: MeasureState.PROVISIONAL,
      provisionalReason: ProvisionalReason.MOVED_IN,
      targetAddresseeNumber: a,
      addresseeNumbers: [a],
      processes: Object.values(MeasureProcess),
      level: MeasureLevel.ERROR,
      startDate: start,
      endDate: supportPeriodEnd(start),
      pending: { action: PendingAction.ENTER, by: 'system', at: now.toISOString() },
      enteredBy: 'system',
      createdAt: now,
      updatedAt: now,
    });
    em.persist(m);
    event(em, m, 'system', 'MOVED_IN', { caseId });
  }
}

import { CaseAction } from '../../domain/case-status';
import { audit, SYSTEM_ACTOR } from '../../db/audit-writer';
import { LockMode, type EntityManager } from '@mikro-orm/core';
import {
  AuditAction,
  CaseActionLog,
  HeldCertificateState,
  HeldMoveOutCertificate,
  InboundKind,
  InboundMessage,
} from '../../db/entities';
import type { ActivityDeps } from '../../activities/deps';
import { closePurgedHeldCases, erasedHeldColumns, erasePersonalData } from '../../db/registry-lookup';
import { onSqlite } from '../../db/dialect';

/** Erases one held row's personal data (the stub stays), with its case action and audit rows. */
function purgeRow(em: EntityManager, held: HeldMoveOutCertificate, asOf: Date): void {
  erasePersonalData(held, asOf);
  purgeRecords(em, held);
}

/** The case action and audit rows of one purged held row (its ID, message ID and origin: no personal data). */
function purgeRecords(
  em: EntityManager,
  held: Pick<HeldMoveOutCertificate, 'heldId' | 'messageId' | 'originMunicipalityCode'>,
): void {
  em.persist(
    em.create(CaseActionLog, {
      caseId: held.heldId,
      action: CaseAction.PURGED,
      actorId: 'system',
      detail: { messageId: held.messageId, origin: held.originMunicipalityCode },
      at: new Date(),
    }),
  );
  audit(em, {
    ...SYSTEM_ACTOR,
    action: AuditAction.BATCH,
    function: 'purgeHeldCertificate',
    caseId: held.heldId,
    individualNumberAccessed: true,
    detail: { purged: true },
  });
}

/** Activities of the destination's held 転出証明書情報 (domain.md §4.5). */
export function heldCertificateActivities(deps: ActivityDeps) {
  return {
    async loadHeldCertificate(input: {
      heldId: string;
    }): Promise<{ state: HeldCertificateState; purgeAt: string; plannedVisitDate?: string }> {
      const held = await deps.orm.em.fork().findOneOrFail(HeldMoveOutCertificate, { heldId: input.heldId });
      return {
        state: held.state,
        purgeAt: (held.purgeAt ?? new Date(0)).toISOString(),
        ...(held.plannedVisitDate ? { plannedVisitDate: held.plannedVisitDate } : {}),
      };
    },

    /**
     * The irreversible purge: personal data (payload with the 個人番号, 住民票コード, dates) is deleted; the stub
     * keeps message ID, origin, received and purged times. Refuses (returns false) if the row is in use or its
     * deadline moved past `asOf` (workflow time), so a late-arriving replacement is never purged early.
     */
    async purgeHeldCertificate(input: { heldId: string; asOf: string }): Promise<boolean> {
      return deps.orm.em.fork().transactional(async (em) => {
        const held = await em.findOneOrFail(HeldMoveOutCertificate, { heldId: input.heldId });
        if (held.state === HeldCertificateState.PURGED) return true;
        if (held.state !== HeldCertificateState.HELD || !held.purgeAt || held.purgeAt > new Date(input.asOf))
          return false;
        purgeRow(em, held, new Date(input.asOf));
        await em.flush();
        return true;
      });
    },

    /**
     * The sweep (one workflow for all held rows, issue 15): purges up to `limit` HELD rows due at `asOf` (workflow
     * time) in one transaction, as `purgeHeldCertificate` does each, and closes their case rows (PURGED, no deadline,
     * no 来庁予定日). Rows in use by a 特例転入 are left to their own workflow. Returns how many it purged and, when
     * none is left due, the next purge instant of a held row. The last batch also clears the match keys of unmatched
     * 取消 whose certificate would be purged by now (`InboundMessage.matchUntil`).
     *
     * Memory (issue 15: a burst of 10 000 at one midnight): the rows are read without their payload, locked (MySQL;
     * SQLite serialises writers), and erased and closed by two statements each rather than as loaded entities, so a
     * batch holds three short strings per row besides its case action and audit rows.
     */
    async purgeDueHeldCertificates(input: {
      asOf: string;
      limit: number;
    }): Promise<{ purged: number; nextDueAt?: string }> {
      const asOf = new Date(input.asOf);
      return deps.orm.em.fork().transactional(async (em) => {
        const isSqlite = onSqlite(em);
        const due = await em.find(
          HeldMoveOutCertificate,
          { state: HeldCertificateState.HELD, purgeAt: { $lte: asOf } },
          {
            orderBy: { purgeAt: 'asc', heldId: 'asc' },
            limit: input.limit,
            fields: ['heldId', 'messageId', 'originMunicipalityCode'],
            ...(isSqlite ? {} : { lockMode: LockMode.PESSIMISTIC_WRITE }),
          },
        );
        if (due.length) {
          const ids = due.map((h) => h.heldId);
          await em.nativeUpdate(HeldMoveOutCertificate, { heldId: { $in: ids } }, erasedHeldColumns(asOf));
          await closePurgedHeldCases(em, ids, new Date());
          for (const held of due) purgeRecords(em, held);
          await em.flush();
        }
        if (due.length === input.limit) return { purged: due.length };
        // an unmatched 取消's match key, past the purge instant its certificate would have: nothing left to withdraw
        await em.nativeUpdate(
          InboundMessage,
          {
            kind: InboundKind.MOVE_OUT_CERTIFICATE_WITHDRAWAL,
            matchKey: { $ne: null },
            matchUntil: { $lte: asOf },
          },
          { matchKey: null, matchUntil: null },
        );
        const next = await em.findOne(
          HeldMoveOutCertificate,
          { state: HeldCertificateState.HELD, purgeAt: { $gt: asOf } },
          { orderBy: { purgeAt: 'asc' }, fields: ['heldId', 'purgeAt'] },
        );
        return { purged: due.length, ...(next?.purgeAt ? { nextDueAt: next.purgeAt.toISOString() } : {}) };
      });
    },
  };
}

export type HeldCertificateActivities = ReturnType<typeof heldCertificateActivities>;

import { CaseAction } from '../../domain/case-status';
import { audit, SYSTEM_ACTOR } from '../../db/audit-writer';
import { AuditAction, CaseActionLog, HeldCertificateState, HeldMoveOutCertificate } from '../../db/entities';
import type { ActivityDeps } from '../../activities/deps';
import { erasePersonalData } from '../../db/registry-lookup';

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
        erasePersonalData(held, new Date(input.asOf));
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
        await em.flush();
        return true;
      });
    },
  };
}

export type HeldCertificateActivities = ReturnType<typeof heldCertificateActivities>;

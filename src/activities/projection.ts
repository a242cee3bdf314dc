import { CaseAction, FINAL_STATUSES, type CaseStatus, type Procedure } from '../domain/case-status';
import { audit } from '../db/audit-writer';
import { AuditAction, CaseActionLog, CaseRecord } from '../db/entities';
import type { Decision } from '../workflows/shared/case-types';
import type { ActivityDeps } from './deps';

export interface ProjectCaseInput {
  caseId: string;
  procedure: Procedure;
  /** Increases with every write of the workflow's status helper; an older revision is ignored. */
  revision?: number;
  status: CaseStatus;
  needsAttention: boolean;
  attentionReason: string | null;
  dueAt?: string | null;
  assignedTo?: string | null;
  escalated?: boolean;
  makerId?: string;
  awaitingRole?: string | null;
}

export interface RecordCaseActionInput {
  caseId: string;
  action: CaseAction;
  actorId: string;
  actorRoles: string[];
  terminalId?: string;
  detail?: Record<string, unknown>;
}

/** Writes the case projection row (called only through the workflows' status helper). */
export function projectionActivities(deps: ActivityDeps) {
  const now = deps.now ?? (() => new Date());
  return {
    async projectCase(p: ProjectCaseInput): Promise<void> {
      const em = deps.orm.em.fork();
      const row = await em.findOneOrFail(CaseRecord, { caseId: p.caseId });
      if (p.revision !== undefined) {
        if (p.revision <= row.revision) return; // a newer state was already written
        row.revision = p.revision;
      }
      row.status = p.status;
      row.procedure = p.procedure;
      if (p.assignedTo !== undefined) row.assignedTo = p.assignedTo ?? undefined;
      if (p.escalated !== undefined) row.escalated = p.escalated;
      if (p.makerId) row.makerId = p.makerId;
      if (p.awaitingRole !== undefined) row.awaitingRole = p.awaitingRole ?? undefined;
      // activity-failure attention is owned by the failure recorder; a status change clears other reasons only
      if (FINAL_STATUSES.has(p.status))
        Object.assign(row, {
          failingStep: undefined,
          attempt: undefined,
          lastError: undefined,
          nextRetryAt: undefined,
        });
      if (p.needsAttention || row.attentionReason !== 'ACTIVITY_FAILING' || FINAL_STATUSES.has(p.status)) {
        row.needsAttention = p.needsAttention;
        row.attentionReason = p.attentionReason ?? undefined;
      }
      if (p.dueAt !== undefined) row.dueAt = p.dueAt ? new Date(p.dueAt) : undefined;
      row.updatedAt = now();
      if (FINAL_STATUSES.has(p.status)) row.completedAt ??= now();
      await em.flush();
    },

    /** Logs a human step (claim, 差戻し, escalation, retry, cancellation, …) in the case action log and the audit trail. */
    async recordCaseAction(p: RecordCaseActionInput): Promise<void> {
      const em = deps.orm.em.fork();
      const row = await em.findOne(CaseRecord, { caseId: p.caseId });
      em.persist(
        em.create(CaseActionLog, {
          caseId: p.caseId,
          action: p.action,
          actorId: p.actorId,
          terminalId: p.terminalId,
          detail: p.detail,
          at: now(),
        }),
      );
      audit(
        em,
        ...(row?.subjectAddresseeNumbers?.length ? row.subjectAddresseeNumbers : [undefined]).map((a) => ({
          actorId: p.actorId,
          actorRoles: p.actorRoles,
          terminalId: p.terminalId,
          action: AuditAction.CHANGE_PROVISIONAL,
          function: `case:${p.action}`,
          caseId: p.caseId,
          targetAddresseeNumber: a,
        })),
      );
      await em.flush();
    },

    /** Logs the 決裁 (approve / reject) in the case action log and the audit trail. */
    async recordDecision(p: { caseId: string; decision: Decision }): Promise<void> {
      const em = deps.orm.em.fork();
      const row = await em.findOneOrFail(CaseRecord, { caseId: p.caseId });
      if (row.decidedBy) return; // already recorded (activity retry)
      row.decidedBy = p.decision.by;
      const action = p.decision.kind === 'APPROVED' ? CaseAction.APPROVE : CaseAction.REJECT;
      em.persist(
        em.create(CaseActionLog, {
          caseId: p.caseId,
          action,
          actorId: p.decision.by,
          terminalId: p.decision.terminalId,
          detail: p.decision.reason ? { reason: p.decision.reason } : undefined,
          at: new Date(p.decision.at),
        }),
      );
      audit(
        em,
        ...(row.subjectAddresseeNumbers?.length ? row.subjectAddresseeNumbers : [undefined]).map((a) => ({
          actorId: p.decision.by,
          actorRoles: ['approver'],
          terminalId: p.decision.terminalId,
          action: AuditAction.CHANGE_PROVISIONAL,
          function: action === CaseAction.APPROVE ? 'approve' : 'reject',
          targetAddresseeNumber: a,
          caseId: p.caseId,
        })),
      );
      await em.flush();
    },
  };
}

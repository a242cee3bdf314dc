import { Context } from '@temporalio/activity';
import { NotFoundError, raw, UniqueConstraintViolationException, type EntityManager } from '@mikro-orm/core';
import type { Decision } from '../domain/case-actions';
import { AttentionReason, CaseAction } from '../domain/case-status';
import { auditPerSubject } from '../db/audit-writer';
import { syncCaseSubjects } from '../db/case-subjects';
import { caseProjected } from '../db/projection-notices';
import { AuditAction, CaseActionLog, CaseRecord } from '../db/entities';
import type { ActivityDeps } from './deps';

const ACTIVITY_FAILING: string = AttentionReason.ACTIVITY_FAILING;

export interface ProjectCaseInput {
  caseId: string;
  procedure: string;
  /** Increases with every write of the workflow's status helper; an older revision is ignored. */
  revision?: number;
  status: string;
  /** The status closes the case (its procedure's definition says so): failures are cleared, completedAt is set. */
  final?: boolean;
  needsAttention: boolean;
  attentionReason: string | null;
  dueAt?: string | null;
  assignedTo?: string | null;
  escalated?: boolean;
  makerId?: string;
  awaitingRole?: string | null;
  /** The persons of the case (宛名番号), once known. */
  subjects?: string[];
  plannedVisitDate?: string | null;
  decidedBy?: string;
  /** The approval to log before this projection (patch `decision-logged-locally`: the one after the 決裁). */
  decision?: Decision;
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
      // the approval first, in its own transaction, as the recordDecision activity did before this status
      if (p.decision) await logDecision(deps, p.caseId, p.decision);
      // one conditional UPDATE, no read and no transaction around it (issue 15: statements per 転入): it writes only
      // if no newer revision was written; new subjects also rewrite case_subject, in one transaction with it
      const em = deps.orm.em.fork();
      const final = Boolean(p.final);
      const set: Record<string, unknown> = { status: p.status, procedure: p.procedure, updatedAt: now() };
      if (p.revision !== undefined) set.revision = p.revision;
      if (p.assignedTo !== undefined) set.assignedTo = p.assignedTo;
      if (p.escalated !== undefined) set.escalated = p.escalated;
      if (p.makerId) set.makerId = p.makerId;
      if (p.awaitingRole !== undefined) set.awaitingRole = p.awaitingRole;
      if (p.subjects) set.subjectAddresseeNumbers = p.subjects;
      if (p.plannedVisitDate !== undefined) set.plannedVisitDate = p.plannedVisitDate;
      if (p.decidedBy) set.decidedBy = p.decidedBy;
      if (final) Object.assign(set, { failingStep: null, attempt: null, lastError: null, nextRetryAt: null });
      // activity-failure attention is owned by the failure recorder; a status change clears other reasons only.
      // needs_attention comes first: MySQL evaluates the assignments in order, with the values already assigned
      if (p.needsAttention || final)
        Object.assign(set, { needsAttention: p.needsAttention, attentionReason: p.attentionReason });
      else
        Object.assign(set, {
          needsAttention: raw(`case when attention_reason = '${ACTIVITY_FAILING}' then needs_attention else false end`),
          attentionReason: raw(`case when attention_reason = '${ACTIVITY_FAILING}' then attention_reason else ? end`, [
            p.attentionReason,
          ]),
        });
      if (p.dueAt !== undefined) set.dueAt = p.dueAt ? new Date(p.dueAt) : null;
      const where = { caseId: p.caseId, ...(p.revision !== undefined ? { revision: { $lt: p.revision } } : {}) };
      const write = async (e: EntityManager) => {
        // the first final status sets completed_at; a later one keeps it
        const n = final
          ? (await e.nativeUpdate(CaseRecord, { ...where, completedAt: null }, { ...set, completedAt: now() })) ||
            (await e.nativeUpdate(CaseRecord, { ...where, completedAt: { $ne: null } }, set))
          : await e.nativeUpdate(CaseRecord, where, set);
        if (n && p.subjects) await syncCaseSubjects(e, [[p.caseId, p.subjects]]);
        return n;
      };
      const written = p.subjects ? await em.transactional(write) : await write(em);
      // nothing written: a newer revision is there, or the row is missing (NotFoundError: the step stops, no retry)
      if (!written) await em.findOneOrFail(CaseRecord, { caseId: p.caseId }, { fields: ['caseId'] });
      // committed: an API step waiting in this process for the new status learns it without reading the row
      else caseProjected(p.caseId, p.status);
    },

    /**
     * Logs a human step (claim, 差戻し, escalation, retry, cancellation, …) in the case action log and the audit trail.
     * Idempotent under activity retry: the row is keyed by this activity's execution (workflow run + activity ID), so a
     * retry after a lost acknowledgement finds it and writes nothing more. Run as a local activity since patch
     * `case-actions-logged-locally` (src/workflows/step-log.ts): keyed the same way, by its local activity ID.
     */
    async recordCaseAction(p: RecordCaseActionInput): Promise<void> {
      const em = deps.orm.em.fork();
      const stepKey = activityStepKey();
      if (stepKey && (await em.count(CaseActionLog, { stepKey }))) return;
      const row = await em.findOne(CaseRecord, { caseId: p.caseId });
      em.persist(
        em.create(CaseActionLog, {
          caseId: p.caseId,
          action: p.action,
          actorId: p.actorId,
          terminalId: p.terminalId,
          detail: p.detail,
          at: now(),
          stepKey,
        }),
      );
      auditPerSubject(em, row?.subjectAddresseeNumbers, {
        actorId: p.actorId,
        actorRoles: p.actorRoles,
        terminalId: p.terminalId,
        action: AuditAction.CHANGE_PROVISIONAL,
        function: `case:${p.action}`,
        caseId: p.caseId,
      });
      try {
        await em.flush();
      } catch (e) {
        if (!(e instanceof UniqueConstraintViolationException)) throw e; // a concurrent attempt of the same step wrote it
      }
    },

    /** Logs the 決裁 (approve / reject) in the case action log and the audit trail. */
    async recordDecision(p: { caseId: string; decision: Decision }): Promise<void> {
      await logDecision(deps, p.caseId, p.decision);
    },
  };
}

/**
 * The 決裁 (approve / reject) in the case action log and the audit trail, in its own transaction; idempotent (a retry
 * finds it logged and writes nothing). The `recordDecision` activity, and since patch `decision-logged-locally` the
 * first step of the projection that follows an approval (`ProjectCaseInput.decision`).
 */
async function logDecision(deps: ActivityDeps, caseId: string, decision: Decision): Promise<void> {
  const em = deps.orm.em.fork();
  const action = decision.kind === 'APPROVED' ? CaseAction.APPROVE : CaseAction.REJECT;
  // one scalar read (issue 15: statements per 転入): the subjects (the audit rows' persons; no row to hydrate and
  // compare at the flush) and whether the decision is already logged (an activity retry writes nothing more)
  const [row] = (await em.getConnection().execute(
    `select c.subject_addressee_numbers as subjects,
       (select count(*) from case_action_log a where a.case_id = c.case_id and a.action = ?) as recorded
     from case_record c where c.case_id = ?`,
    [action, caseId],
  )) as Array<{ subjects: unknown; recorded: number | string }>;
  if (!row) throw NotFoundError.findOneFailed('CaseRecord', { caseId });
  if (Number(row.recorded)) return; // already recorded (activity retry)
  const subjects = (typeof row.subjects === 'string' ? JSON.parse(row.subjects) : row.subjects) as string[] | null;
  em.persist(
    em.create(CaseActionLog, {
      caseId,
      action,
      actorId: decision.by,
      terminalId: decision.terminalId,
      // the text stays in case_note (encrypted); the log names it (issue 13 item 1)
      detail: decision.reasonId
        ? { reasonId: decision.reasonId }
        : decision.reason
          ? { reason: decision.reason }
          : undefined,
      at: new Date(decision.at),
    }),
  );
  auditPerSubject(em, subjects, {
    actorId: decision.by,
    actorRoles: ['approver'],
    terminalId: decision.terminalId,
    action: AuditAction.CHANGE_PROVISIONAL,
    function: action === CaseAction.APPROVE ? 'approve' : 'reject',
    caseId,
  });
  await em.flush();
}

/**
 * The identity of the running activity execution (the same for every retry of it); undefined outside an activity.
 * A local activity (`recordCaseAction` since patch `case-actions-logged-locally`) has an ID of its own too, the
 * workflow's sequence number of the call: kept by its retries and by its run again after a failed workflow task (the
 * replay makes the same call); only a retry backing off longer than the local retry threshold (1 min) would be
 * scheduled anew under a new number, and the frame's local activities back off 30 s at most (src/workflows/status.ts).
 * Its key says `local-`: the SDK numbers activities and local activities from one counter today, and the prefix keeps
 * the two apart should that change. An activity's key is unchanged (the rows logged before the patch).
 */
function activityStepKey(): string | undefined {
  try {
    const { workflowExecution, activityId, isLocal } = Context.current().info;
    const id = isLocal ? `local-${activityId}` : activityId;
    return `${workflowExecution?.workflowId}/${workflowExecution?.runId}/${id}`.slice(0, 200);
  } catch {
    return undefined;
  }
}

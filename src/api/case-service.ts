import { allowedActions, type WorkView } from '../domain/case-actions';
import { compileSchema } from '../domain/ajv';
import { can, type Role } from '../domain/roles';
import { audit } from '../db/audit-writer';
import { reasonOfAction, storeCaseNote } from '../db/case-notes';
import {
  AuditAction,
  CaseActionLog,
  CaseApplication,
  CaseNote,
  CaseRecord,
  CertificateIssuance,
  StaffUser,
} from '../db/entities';
import { maskIndividualNumber } from '../db/pii-crypto';
import {
  approveUpdate,
  confirmReviewUpdate,
  rejectUpdate,
  requestChangesUpdate,
  requestContactUpdate,
  resubmitUpdate,
} from '../workflows/approval';
import {
  cancelCaseUpdate,
  claimUpdate,
  escalateUpdate,
  reassignUpdate,
  releaseUpdate,
  retryNowUpdate,
} from '../workflows/work';
import type { ApiDeps } from './api-deps';
import type { StaffContext } from './auth';
import { auditDenied, authorize } from './authorize';
import { executeCaseUpdate } from './case-updates';
import { ApiError } from './errors';

const reasonSchema = { type: 'string', minLength: 1, maxLength: 500, pattern: '\\S' } as const;
const validateReason = compileSchema<{ reason: string }>({
  type: 'object',
  additionalProperties: false,
  required: ['reason'],
  properties: { reason: reasonSchema },
});
const validateOptionalReason = compileSchema<{ reason?: string }>({
  type: 'object',
  additionalProperties: false,
  required: [],
  properties: { reason: { type: 'string', maxLength: 500, nullable: true } },
});
const validateReassign = compileSchema<{ to: string; reason: string }>({
  type: 'object',
  additionalProperties: false,
  required: ['to', 'reason'],
  properties: {
    to: { type: 'string', minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9._-]+$' },
    reason: reasonSchema,
  },
});
const reasonOf = (body: unknown): string => {
  const v = validateReason(body ?? {});
  if (!v.ok) throw new ApiError(400, 'VALIDATION_FAILED', '理由を入力してください', v.errors);
  return v.value.reason;
};
const optionalReasonOf = (body: unknown): string | undefined => {
  const v = validateOptionalReason(body ?? {});
  if (!v.ok) throw new ApiError(400, 'VALIDATION_FAILED', '入力内容に誤りがあります', v.errors);
  return v.value.reason?.trim() || undefined;
};

/** A case as the API answers GET /api/cases/:caseId and the case screen shows it. */
export type CaseView = ReturnType<ReturnType<typeof caseSummaryOf>> & {
  allowedActions: string[];
  application?: Record<string, any>;
  actions: Array<{ action: string; actorId: string; at: Date; detail?: Record<string, any> }>;
  certificates: Array<{
    certificateId: string;
    issueNumber: string;
    type: string;
    issuedAt: Date;
    pages: number;
    printedItems?: Record<string, boolean>;
    href: string;
  }>;
  temporalUi: string;
  findings?: Array<{ rule: string; message: string; mover?: number }>;
};

/** The summary of a projection row, with the labels of its procedure and status from the procedure table. */
export const caseSummaryOf = (procedures: ApiDeps['procedures']) => (c: CaseRecord) => ({
  caseId: c.caseId,
  procedure: c.procedure,
  procedureLabel: procedures.procedureLabel(c.procedure),
  status: c.status,
  statusLabel: procedures.statusLabel(c.status),
  enteredBy: c.enteredBy,
  makerId: c.makerId,
  decidedBy: c.decidedBy,
  assignedTo: c.assignedTo,
  awaitingRole: c.awaitingRole ?? null,
  escalated: c.escalated,
  dueAt: c.dueAt,
  plannedVisitDate: c.plannedVisitDate,
  flags: c.flags ?? [],
  subjectAddresseeNumbers: c.subjectAddresseeNumbers ?? [],
  needsAttention: c.needsAttention,
  attentionReason: c.attentionReason,
  failingStep: c.failingStep,
  attempt: c.attempt,
  lastError: c.lastError,
  nextRetryAt: c.nextRetryAt,
  createdAt: c.createdAt,
  updatedAt: c.updatedAt,
  completedAt: c.completedAt,
});

/** The work view of a projection row (domain/case-actions.ts), for the actions the current user may take. */
export const workViewOf =
  (procedures: ApiDeps['procedures']) =>
  (c: CaseRecord): WorkView => {
    const definition = procedures.caseModule(c.procedure)?.definition;
    return {
      status: c.status,
      final: procedures.isFinal(c.procedure, c.status),
      cancellable: procedures.isCancellable(c.procedure, c.status),
      makerId: c.makerId ?? c.enteredBy,
      assignedTo: c.assignedTo,
      escalated: c.escalated,
      retryable: c.status === 'DELIVERY_REJECTED' || Boolean(c.failingStep),
      reviewBlocked: (c.flags ?? []).some((f) => definition?.reviewBlockingFlags.includes(f)),
    };
  };

/** The stored application for display: every encrypted 個人番号 (`individualNumberEnc`) becomes `individualNumber`, masked or shown. */
function presentApplication(value: unknown, show: (enc: string) => string): unknown {
  if (Array.isArray(value)) return value.map((v) => presentApplication(v, show));
  if (!value || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>).map(([k, v]) =>
      k === 'individualNumberEnc' && typeof v === 'string'
        ? ['individualNumber', show(v)]
        : [k, presentApplication(v, show)],
    ),
  );
}

type Actor = { userId: string; roles: string[]; terminalId?: string };

/**
 * Runs a human step whose reason the clerk typed (issue 13 item 1): the text, validated by ajv before, is stored
 * encrypted in case_note and the update carries only its ID (`reasonId`) — no free text in the workflow history.
 * A refusal by the workflow's validator (a 4xx; the update left no history) removes the note again.
 */
async function withReason<T>(
  d: ApiDeps,
  row: CaseRecord,
  actor: Actor,
  kind: string,
  text: string | undefined,
  run: (reason: { reasonId?: string }) => Promise<T>,
): Promise<T> {
  if (!text?.trim()) return run({});
  const em = d.orm.em.fork();
  const reasonId = await storeCaseNote(em, d.pii, { caseId: row.caseId, kind, text, authorId: actor.userId });
  try {
    return await run({ reasonId });
  } catch (e) {
    if (e instanceof ApiError && e.status < 500) await em.nativeDelete(CaseNote, { id: reasonId });
    throw e;
  }
}
type Step = {
  gate: (roles: readonly Role[]) => boolean;
  run(d: ApiDeps, row: CaseRecord, actor: Actor, body: unknown, requestId?: string): Promise<unknown>;
};
const update = executeCaseUpdate;

/** The human steps on a case, by the name of their API endpoint (POST /api/cases/:caseId/<name>). */
export const CASE_STEPS: Record<string, Step> = {
  approve: {
    gate: can.approve,
    run: async (d, row, actor, _b, id) => ({
      decision: await update(d.temporal, row.workflowId, approveUpdate, [{ actor }], id),
    }),
  },
  reject: {
    gate: can.work,
    async run(d, row, actor, body, id) {
      const reason = reasonOf(body);
      const decision = await withReason(d, row, actor, 'reject', reason, (r) =>
        update(d.temporal, row.workflowId, rejectUpdate, [{ actor, ...r }], id),
      );
      return { decision: { ...decision, reason: decision.reason ?? reason.trim() } };
    },
  },
  'confirm-review': {
    gate: can.enterCase,
    async run(d, row, actor, body, id) {
      // the procedure's own part of the 審査 (e.g. the online 転出's 世帯主変更), checked and stored first
      const own = d.procedures.caseModule(row.procedure)?.review?.(d, row, actor, body);
      const reason = optionalReasonOf(own ? own.rest : body);
      await own?.store();
      return withReason(d, row, actor, 'confirm-review', reason, (r) =>
        update(d.temporal, row.workflowId, confirmReviewUpdate, [{ actor, ...r }], id),
      );
    },
  },
  'request-contact': {
    gate: can.enterCase,
    run: (d, row, actor, body, id) =>
      withReason(d, row, actor, 'request-contact', reasonOf(body), (r) =>
        update(d.temporal, row.workflowId, requestContactUpdate, [{ actor, ...r }], id),
      ),
  },
  'request-changes': {
    gate: can.approve,
    run: (d, row, actor, body, id) =>
      withReason(d, row, actor, 'request-changes', reasonOf(body), (r) =>
        update(d.temporal, row.workflowId, requestChangesUpdate, [{ actor, ...r }], id),
      ),
  },
  resubmit: {
    gate: can.enterCase,
    run: (d, row, actor, body, id) =>
      withReason(d, row, actor, 'resubmit', optionalReasonOf(body), (r) =>
        update(d.temporal, row.workflowId, resubmitUpdate, [{ actor, ...r }], id),
      ),
  },
  claim: {
    gate: can.work,
    run: (d, row, actor, _b, id) => update(d.temporal, row.workflowId, claimUpdate, [{ actor }], id),
  },
  release: {
    gate: can.work,
    run: (d, row, actor, _b, id) => update(d.temporal, row.workflowId, releaseUpdate, [{ actor }], id),
  },
  reassign: {
    gate: can.superviseCases,
    async run(d, row, actor, body, id) {
      const v = validateReassign(body ?? {});
      if (!v.ok) throw new ApiError(400, 'VALIDATION_FAILED', '担当者と理由を入力してください', v.errors);
      const target = await d.orm.em.fork().findOne(StaffUser, { userId: v.value.to, active: true });
      if (!target)
        throw new ApiError(422, 'UNKNOWN_USER', '指定の職員が見つかりません', [
          { field: '/to', rule: 'staffExists', message: '/to must name an active staff user' },
        ]);
      return withReason(d, row, actor, 'reassign', v.value.reason, (r) =>
        update(
          d.temporal,
          row.workflowId,
          reassignUpdate,
          [{ actor, to: target.userId, toRoles: target.roles, ...r }],
          id,
        ),
      );
    },
  },
  escalate: {
    gate: can.superviseCases,
    run: (d, row, actor, body, id) =>
      withReason(d, row, actor, 'escalate', reasonOf(body), (r) =>
        update(d.temporal, row.workflowId, escalateUpdate, [{ actor, ...r }], id),
      ),
  },
  'retry-now': {
    gate: can.superviseCases,
    run: (d, row, actor, body, id) =>
      withReason(d, row, actor, 'retry-now', reasonOf(body), (r) =>
        update(d.temporal, row.workflowId, retryNowUpdate, [{ actor, ...r }], id),
      ),
  },
  cancel: {
    gate: can.superviseCases,
    run: (d, row, actor, body, id) =>
      withReason(d, row, actor, 'cancel', reasonOf(body), (r) =>
        update(d.temporal, row.workflowId, cancelCaseUpdate, [{ actor, ...r }], id),
      ),
  },
};

/**
 * Reading cases and taking human steps on them: the one place for the role gates, masking and the audit of reads,
 * called by the JSON API and by the web UI alike (no HTTP loopback).
 */
export function caseService(deps: ApiDeps) {
  const { orm } = deps;
  const summary = caseSummaryOf(deps.procedures);
  const viewOf = workViewOf(deps.procedures);
  const load = async (caseId: string) => {
    const row = await orm.em.fork().findOne(CaseRecord, { caseId });
    if (!row) throw new ApiError(404, 'CASE_NOT_FOUND', '案件が見つかりません');
    return row;
  };

  return {
    summary,

    async list(staff: StaffContext, q: Record<string, unknown>) {
      await authorize(orm, staff, can.readCases, 'GET /api/cases');
      // the procedure filter names a procedure of the table (issue 14 bug 11), else nothing could ever match
      if (typeof q.procedure === 'string' && !deps.procedures.caseModule(q.procedure))
        throw new ApiError(400, 'VALIDATION_FAILED', '入力内容に誤りがあります', [
          { field: '/procedure', rule: 'enum', message: '手続（procedure）は手続一覧にあるコードを指定してください' },
        ]);
      const where: Record<string, unknown> = {};
      for (const k of ['status', 'procedure', 'assignedTo', 'awaitingRole'])
        if (typeof q[k] === 'string') where[k] = q[k];
      if (q.needsAttention === 'true') where.needsAttention = true;
      const limit = Math.min(Number(q.limit ?? 100) || 100, 500);
      const rows = await orm.em.fork().find(CaseRecord, where, { orderBy: { createdAt: 'desc' }, limit });
      return rows.map(summary);
    },

    /** One case with its application (個人番号 masked unless `reveal` and a number-use role), log and documents. Audited. */
    async read(staff: StaffContext, caseId: string, opts: { reveal?: boolean } = {}): Promise<CaseView> {
      await authorize(orm, staff, can.readCases, 'GET /api/cases/:caseId');
      const row = await load(caseId);
      const em = orm.em.fork();
      const reveal = Boolean(opts.reveal);
      if (reveal && !can.seeIndividualNumber(staff.roles)) {
        await auditDenied(orm, staff, 'GET /api/cases/:caseId?showIndividualNumber', { caseId });
        throw new ApiError(403, 'FORBIDDEN', '個人番号を表示する権限がありません');
      }
      const app = await em.findOne(CaseApplication, { caseId });
      const application =
        app &&
        (presentApplication(app.payload, (enc) =>
          reveal ? deps.pii.decrypt(enc) : maskIndividualNumber(enc),
        ) as Record<string, any>);
      const actions = await em.find(CaseActionLog, { caseId }, { orderBy: { id: 'asc' } });
      const certificates = await em.find(
        CertificateIssuance,
        { caseId },
        { fields: ['certificateId', 'issueNumber', 'certificateType', 'issuedAt', 'pages', 'printedItems'] },
      );
      const targets = row.subjectAddresseeNumbers?.length ? row.subjectAddresseeNumbers : [undefined];
      audit(
        em,
        ...targets.map((a) => ({
          actorId: staff.userId,
          actorRoles: staff.roles,
          terminalId: staff.terminalId,
          ip: staff.ip,
          action: AuditAction.INQUIRY,
          function: 'GET /api/cases/:caseId',
          caseId,
          targetAddresseeNumber: a,
          individualNumberAccessed: reveal,
        })),
      );
      await em.flush();
      return {
        ...summary(row),
        allowedActions: allowedActions(viewOf(row), staff),
        application: application ?? undefined,
        actions: await Promise.all(
          actions.map(async (a) => {
            // a reason typed by staff is stored in case_note (issue 13 item 1): the log names it by ID
            const reason = await reasonOfAction(em, deps.pii, caseId, a.detail);
            const detail = reason ? { ...a.detail, reason } : a.detail;
            return { action: a.action, actorId: a.actorId, at: a.at, detail };
          }),
        ),
        certificates: certificates.map((c) => ({
          certificateId: c.certificateId,
          issueNumber: c.issueNumber,
          type: c.certificateType,
          issuedAt: c.issuedAt,
          pages: c.pages,
          printedItems: c.printedItems,
          href: `/api/certificates/${c.certificateId}/pdf`,
        })),
        temporalUi: `${deps.config.temporalUiUrl}/namespaces/${deps.config.temporalNamespace}/workflows/${encodeURIComponent(row.workflowId)}`,
      };
    },

    /**
     * A human step on the case workflow (`step`: the endpoint name, e.g. `approve`): the role gate, the body's
     * validation, then the workflow's update and its validator. A refusal for lack of rights (403) is audited.
     * `requestId` (X-Request-Id or the form's render ID) is the update ID: a double submit runs once.
     */
    async act(staff: StaffContext, caseId: string, step: string, body: unknown, requestId?: string) {
      const s = CASE_STEPS[step];
      if (!s) throw new ApiError(404, 'NOT_FOUND', 'そのような操作はありません');
      const fn = `POST /api/cases/:caseId/${step}`;
      await authorize(orm, staff, s.gate, fn);
      const row = await load(caseId);
      const actor = { userId: staff.userId, roles: staff.roles, terminalId: staff.terminalId };
      try {
        const result = await s.run(deps, row, actor, body, requestId);
        return { caseId: row.caseId, ...(result && typeof result === 'object' ? result : {}) };
      } catch (e) {
        if (e instanceof ApiError && e.status === 403)
          await auditDenied(orm, staff, fn, { caseId: row.caseId, detail: { code: e.code } });
        throw e;
      }
    },
  };
}

export type CaseService = ReturnType<typeof caseService>;

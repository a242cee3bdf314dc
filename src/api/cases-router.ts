import type { MikroORM } from '@mikro-orm/core';
import type { Client } from '@temporalio/client';
import { Router, type Request } from 'express';
import type { AppConfig } from '../config';
import { compileSchema } from '../domain/ajv';
import { caseStatusLabel, procedureLabel, type CaseStatus } from '../domain/case-status';
import { can, type Role } from '../domain/roles';
import { audit } from '../db/audit-writer';
import {
  AuditAction,
  CaseActionLog,
  CaseApplication,
  CaseRecord,
  CertificateIssuance,
  StaffUser,
} from '../db/entities';
import { maskIndividualNumber, type PiiCrypto } from '../db/pii-crypto';
import { allowedActions } from '../domain/case-actions';
import { BLOCKING_FINDINGS } from '../domain/online-move-out-rules';
import {
  approveUpdate,
  confirmReviewUpdate,
  rejectUpdate,
  requestChangesUpdate,
  requestContactUpdate,
  resubmitUpdate,
} from '../workflows/shared/approval';
import {
  cancelCaseUpdate,
  claimUpdate,
  escalateUpdate,
  reassignUpdate,
  releaseUpdate,
  retryNowUpdate,
} from '../workflows/shared/work';
import { requireRole, staffOf, type StaffContext } from './auth';
import { executeCaseUpdate } from './case-updates';
import { ApiError } from './errors';
import { intakeMoveIn } from './move-in-intake';
import { intakeMoveOut } from './move-out-intake';
import { intakeSpecialMoveIn } from './special-move-in-intake';

export interface CasesRouterDeps {
  orm: MikroORM;
  pii: PiiCrypto;
  temporal: Client;
  config: AppConfig;
}

interface ReasonBody {
  reason: string;
}
const validateReason = compileSchema<ReasonBody>({
  type: 'object',
  additionalProperties: false,
  required: ['reason'],
  properties: { reason: { type: 'string', minLength: 1, maxLength: 500, pattern: '\\S' } },
});
const reasonOf = (body: unknown): string => {
  const v = validateReason(body ?? {});
  if (!v.ok) throw new ApiError(400, 'VALIDATION_FAILED', '理由を入力してください', v.errors);
  return v.value.reason;
};

interface OptionalReasonBody {
  reason?: string;
}
const validateOptionalReason = compileSchema<OptionalReasonBody>({
  type: 'object',
  additionalProperties: false,
  required: [],
  properties: { reason: { type: 'string', maxLength: 500, nullable: true } },
});
const optionalReasonOf = (body: unknown): string | undefined => {
  const v = validateOptionalReason(body ?? {});
  if (!v.ok) throw new ApiError(400, 'VALIDATION_FAILED', '入力内容に誤りがあります', v.errors);
  return v.value.reason?.trim() || undefined;
};

interface ReassignBody {
  to: string;
  reason: string;
}
const validateReassign = compileSchema<ReassignBody>({
  type: 'object',
  additionalProperties: false,
  required: ['to', 'reason'],
  properties: {
    to: { type: 'string', minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9._-]+$' },
    reason: { type: 'string', minLength: 1, maxLength: 500, pattern: '\\S' },
  },
});

/** The work view of a projection row (domain/case-actions.ts), for the actions the current user may take. */
export const workViewOf = (c: CaseRecord) => ({
  status: c.status as CaseStatus,
  makerId: c.makerId ?? c.enteredBy,
  assignedTo: c.assignedTo,
  escalated: c.escalated,
  retryable: c.status === 'DELIVERY_REJECTED' || Boolean(c.failingStep),
  reviewBlocked: (c.flags ?? []).some((f) => BLOCKING_FINDINGS.has(f)),
});

const actorOf = (s: StaffContext) => ({ userId: s.userId, roles: s.roles, terminalId: s.terminalId });
const requestId = (req: Request) => req.get('x-request-id') ?? undefined;

async function loadCase(orm: MikroORM, caseId: string) {
  const row = await orm.em.fork().findOne(CaseRecord, { caseId });
  if (!row) throw new ApiError(404, 'CASE_NOT_FOUND', '案件が見つかりません');
  return row;
}

/** Intake, case read, and the human steps (approve / reject / retry delivery) as Temporal Updates. */
export function casesRouter(deps: CasesRouterDeps): Router {
  const r = Router();
  const { orm } = deps;

  r.post('/move-in', requireRole(orm, can.enterCase, 'POST /api/cases/move-in'), async (req, res) => {
    const result = await intakeMoveIn(deps, staffOf(res), req.body, req.get('idempotency-key') ?? undefined);
    res.status(result.created ? 201 : 200).json(result);
  });

  r.post('/move-out', requireRole(orm, can.enterCase, 'POST /api/cases/move-out'), async (req, res) => {
    const result = await intakeMoveOut(deps, staffOf(res), req.body, req.get('idempotency-key') ?? undefined);
    res.status(result.created ? 201 : 200).json(result);
  });

  r.post('/special-move-in', requireRole(orm, can.enterCase, 'POST /api/cases/special-move-in'), async (req, res) => {
    const result = await intakeSpecialMoveIn(deps, staffOf(res), req.body, req.get('idempotency-key') ?? undefined);
    res.status(result.created ? 201 : 200).json(result);
  });

  r.get('/', requireRole(orm, can.readCases, 'GET /api/cases'), async (req, res) => {
    const where: Record<string, unknown> = {};
    if (typeof req.query.status === 'string') where.status = req.query.status;
    if (typeof req.query.procedure === 'string') where.procedure = req.query.procedure;
    if (req.query.needsAttention === 'true') where.needsAttention = true;
    if (typeof req.query.assignedTo === 'string') where.assignedTo = req.query.assignedTo;
    if (typeof req.query.awaitingRole === 'string') where.awaitingRole = req.query.awaitingRole;
    const limit = Math.min(Number(req.query.limit ?? 100) || 100, 500);
    const rows = await orm.em.fork().find(CaseRecord, where, { orderBy: { createdAt: 'desc' }, limit });
    res.json({ cases: rows.map(caseSummary) });
  });

  r.get('/:caseId', requireRole(orm, can.readCases, 'GET /api/cases/:caseId'), async (req, res) => {
    const staff = staffOf(res);
    const caseId = String(req.params.caseId);
    const row = await loadCase(orm, caseId);
    const em = orm.em.fork();
    const app = await em.findOne(CaseApplication, { caseId });
    const reveal = req.query.showIndividualNumber === 'true';
    if (reveal && !can.seeIndividualNumber(staff.roles)) {
      audit(em, {
        actorId: staff.userId,
        actorRoles: staff.roles,
        terminalId: staff.terminalId,
        ip: staff.ip,
        action: AuditAction.DENIED,
        function: 'GET /api/cases/:caseId?showIndividualNumber',
        caseId,
        outcome: 'denied',
      });
      await em.flush();
      throw new ApiError(403, 'FORBIDDEN', '個人番号を表示する権限がありません');
    }
    const application =
      app && presentApplication(app.payload, (enc) => (reveal ? deps.pii.decrypt(enc) : maskIndividualNumber(enc)));
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
    res.json({
      ...caseSummary(row),
      allowedActions: allowedActions(workViewOf(row), staff),
      application,
      actions: actions.map((a) => ({ action: a.action, actorId: a.actorId, at: a.at, detail: a.detail })),
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
    });
  });

  /** A human step on the case workflow; a refusal for lack of rights (403) is audited like any refused access. */
  const step = (
    path: string,
    gate: (roles: readonly Role[]) => boolean,
    run: (row: CaseRecord, actor: ReturnType<typeof actorOf>, req: Request) => Promise<unknown>,
  ) =>
    r.post(`/:caseId/${path}`, requireRole(orm, gate, `POST /api/cases/:caseId/${path}`), async (req, res) => {
      const staff = staffOf(res);
      const row = await loadCase(orm, String(req.params.caseId));
      try {
        const result = await run(row, actorOf(staff), req);
        res.json({ caseId: row.caseId, ...(result && typeof result === 'object' ? result : {}) });
      } catch (e) {
        if (e instanceof ApiError && e.status === 403) {
          const em = orm.em.fork();
          audit(em, {
            actorId: staff.userId,
            actorRoles: staff.roles,
            terminalId: staff.terminalId,
            ip: staff.ip,
            action: AuditAction.DENIED,
            function: `POST /api/cases/:caseId/${path}`,
            caseId: row.caseId,
            outcome: 'denied',
            detail: { code: e.code },
          });
          await em.flush();
        }
        throw e;
      }
    });
  const update = executeCaseUpdate;
  const t = deps.temporal;

  step('approve', can.approve, async (row, actor, req) => ({
    decision: await update(t, row.workflowId, approveUpdate, [{ actor }], requestId(req)),
  }));
  step('reject', can.work, async (row, actor, req) => ({
    decision: await update(t, row.workflowId, rejectUpdate, [{ actor, reason: reasonOf(req.body) }], requestId(req)),
  }));
  step('confirm-review', can.enterCase, (row, actor, req) =>
    update(t, row.workflowId, confirmReviewUpdate, [{ actor, reason: optionalReasonOf(req.body) }], requestId(req)),
  );
  step('request-contact', can.enterCase, (row, actor, req) =>
    update(t, row.workflowId, requestContactUpdate, [{ actor, reason: reasonOf(req.body) }], requestId(req)),
  );
  step('request-changes', can.approve, (row, actor, req) =>
    update(t, row.workflowId, requestChangesUpdate, [{ actor, reason: reasonOf(req.body) }], requestId(req)),
  );
  step('resubmit', can.enterCase, (row, actor, req) =>
    update(t, row.workflowId, resubmitUpdate, [{ actor, reason: optionalReasonOf(req.body) }], requestId(req)),
  );
  step('claim', can.work, (row, actor, req) => update(t, row.workflowId, claimUpdate, [{ actor }], requestId(req)));
  step('release', can.work, (row, actor, req) => update(t, row.workflowId, releaseUpdate, [{ actor }], requestId(req)));
  step('reassign', can.superviseCases, async (row, actor, req) => {
    const v = validateReassign(req.body ?? {});
    if (!v.ok) throw new ApiError(400, 'VALIDATION_FAILED', '担当者と理由を入力してください', v.errors);
    const target = await orm.em.fork().findOne(StaffUser, { userId: v.value.to, active: true });
    if (!target)
      throw new ApiError(422, 'UNKNOWN_USER', '指定の職員が見つかりません', [
        { field: '/to', rule: 'staffExists', message: '/to must name an active staff user' },
      ]);
    return update(
      t,
      row.workflowId,
      reassignUpdate,
      [{ actor, to: target.userId, toRoles: target.roles, reason: v.value.reason }],
      requestId(req),
    );
  });
  step('escalate', can.superviseCases, (row, actor, req) =>
    update(t, row.workflowId, escalateUpdate, [{ actor, reason: reasonOf(req.body) }], requestId(req)),
  );
  step('retry-now', can.superviseCases, (row, actor, req) =>
    update(t, row.workflowId, retryNowUpdate, [{ actor, reason: reasonOf(req.body) }], requestId(req)),
  );
  step('cancel', can.superviseCases, (row, actor, req) =>
    update(t, row.workflowId, cancelCaseUpdate, [{ actor, reason: reasonOf(req.body) }], requestId(req)),
  );

  return r;
}

export const caseSummary = (c: CaseRecord) => ({
  caseId: c.caseId,
  procedure: c.procedure,
  procedureLabel: procedureLabel[c.procedure],
  status: c.status,
  statusLabel: caseStatusLabel[c.status as CaseStatus],
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

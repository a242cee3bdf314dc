import type { MikroORM } from '@mikro-orm/core';
import type { Client } from '@temporalio/client';
import { Router, type Request } from 'express';
import type { AppConfig } from '../config';
import { compileSchema } from '../domain/ajv';
import { caseStatusLabel, procedureLabel, type CaseStatus } from '../domain/case-status';
import { can } from '../domain/roles';
import { audit } from '../db/audit-writer';
import { AuditAction, CaseActionLog, CaseApplication, CaseRecord, CertificateIssuance } from '../db/entities';
import { maskIndividualNumber, type PiiCrypto } from '../db/pii-crypto';
import { approveUpdate, rejectUpdate } from '../workflows/shared/approval';
import { retryDeliveryUpdate } from '../workflows/shared/delivery';
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

interface ReasonBody { reason: string }
const validateReason = compileSchema<ReasonBody>({
  type: 'object', additionalProperties: false, required: ['reason'],
  properties: { reason: { type: 'string', minLength: 1, maxLength: 500, pattern: '\\S' } },
});
const reasonOf = (body: unknown): string => {
  const v = validateReason(body ?? {});
  if (!v.ok) throw new ApiError(400, 'VALIDATION_FAILED', '理由を入力してください', v.errors);
  return v.value.reason;
};

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
      audit(em, { actorId: staff.userId, actorRoles: staff.roles, terminalId: staff.terminalId, ip: staff.ip, action: AuditAction.DENIED, function: 'GET /api/cases/:caseId?showIndividualNumber', caseId, outcome: 'denied' });
      await em.flush();
      throw new ApiError(403, 'FORBIDDEN', '個人番号を表示する権限がありません');
    }
    const application = app && presentApplication(app.payload, (enc) => (reveal ? deps.pii.decrypt(enc) : maskIndividualNumber(enc)));
    const actions = await em.find(CaseActionLog, { caseId }, { orderBy: { id: 'asc' } });
    const certificates = await em.find(CertificateIssuance, { caseId }, { fields: ['certificateId', 'issueNumber', 'certificateType', 'issuedAt', 'pages', 'printedItems'] });
    const targets = row.subjectAddresseeNumbers?.length ? row.subjectAddresseeNumbers : [undefined];
    audit(em, ...targets.map((a) => ({
      actorId: staff.userId, actorRoles: staff.roles, terminalId: staff.terminalId, ip: staff.ip, action: AuditAction.INQUIRY,
      function: 'GET /api/cases/:caseId', caseId, targetAddresseeNumber: a, individualNumberAccessed: reveal,
    })));
    await em.flush();
    res.json({
      ...caseSummary(row),
      application,
      actions: actions.map((a) => ({ action: a.action, actorId: a.actorId, at: a.at, detail: a.detail })),
      certificates: certificates.map((c) => ({ certificateId: c.certificateId, issueNumber: c.issueNumber, type: c.certificateType, issuedAt: c.issuedAt, pages: c.pages, printedItems: c.printedItems, href: `/api/certificates/${c.certificateId}/pdf` })),
      temporalUi: `${deps.config.temporalUiUrl}/namespaces/${deps.config.temporalNamespace}/workflows/${encodeURIComponent(row.workflowId)}`,
    });
  });

  r.post('/:caseId/approve', requireRole(orm, can.approve, 'POST /api/cases/:caseId/approve'), async (req, res) => {
    const row = await loadCase(orm, String(req.params.caseId));
    const decision = await executeCaseUpdate(deps.temporal, row.workflowId, approveUpdate, [{ actor: actorOf(staffOf(res)) }], requestId(req));
    res.json({ caseId: row.caseId, decision });
  });

  r.post('/:caseId/reject', requireRole(orm, can.approve, 'POST /api/cases/:caseId/reject'), async (req, res) => {
    const reason = reasonOf(req.body);
    const row = await loadCase(orm, String(req.params.caseId));
    const decision = await executeCaseUpdate(deps.temporal, row.workflowId, rejectUpdate, [{ actor: actorOf(staffOf(res)), reason }], requestId(req));
    res.json({ caseId: row.caseId, decision });
  });

  r.post('/:caseId/retry-delivery', requireRole(orm, can.superviseCases, 'POST /api/cases/:caseId/retry-delivery'), async (req, res) => {
    const reason = reasonOf(req.body);
    const row = await loadCase(orm, String(req.params.caseId));
    await executeCaseUpdate(deps.temporal, row.workflowId, retryDeliveryUpdate, [{ actor: actorOf(staffOf(res)), reason }], requestId(req));
    res.json({ caseId: row.caseId, retried: true });
  });

  return r;
}

export const caseSummary = (c: CaseRecord) => ({
  caseId: c.caseId, procedure: c.procedure, procedureLabel: procedureLabel[c.procedure], status: c.status,
  statusLabel: caseStatusLabel[c.status as CaseStatus], enteredBy: c.enteredBy, decidedBy: c.decidedBy, assignedTo: c.assignedTo,
  flags: c.flags ?? [], subjectAddresseeNumbers: c.subjectAddresseeNumbers ?? [], needsAttention: c.needsAttention,
  attentionReason: c.attentionReason, failingStep: c.failingStep, attempt: c.attempt, lastError: c.lastError,
  nextRetryAt: c.nextRetryAt, createdAt: c.createdAt, updatedAt: c.updatedAt, completedAt: c.completedAt,
});

/** The stored application for display: every encrypted 個人番号 (`individualNumberEnc`) becomes `individualNumber`, masked or shown. */
function presentApplication(value: unknown, show: (enc: string) => string): unknown {
  if (Array.isArray(value)) return value.map((v) => presentApplication(v, show));
  if (!value || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) =>
    k === 'individualNumberEnc' && typeof v === 'string' ? ['individualNumber', show(v)] : [k, presentApplication(v, show)]));
}

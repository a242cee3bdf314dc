import { createHash } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/core';
import { allowedActions, type WorkView } from '../domain/case-actions';
import { stepErrorText } from '../domain/partner-error-text';
import { CaseAction } from '../domain/case-status';
import { compileSchema } from '../domain/ajv';
import { can, type Role } from '../domain/roles';
import { actorFields, auditPerSubject } from '../db/audit-writer';
import { reasonOfAction, storeCaseNote } from '../db/case-notes';
import { CaseStatus } from '../domain/case-status';
import { sealNumber } from './kept-numbers';
import { applicationChanges, type ApplicationChange } from './application-diff';
import {
  AuditAction,
  CaseActionLog,
  CaseApplication,
  CaseApplicationVersion,
  CaseNote,
  CaseRecord,
  CertificateIssuance,
  StaffUser,
  WorkflowStartRequest,
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
  withdrawUpdate,
} from '../workflows/work';
import type { ApiDeps } from './api-deps';
import type { StaffContext } from './auth';
import { auditDenied, authorize } from './authorize';
import { executeCaseUpdate } from './case-updates';
import { ApiError } from './errors';
import { startCaseWorkflow } from './workflow-starts';
import { onCaseProjected, projectionsInThisProcess } from '../db/projection-notices';

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
  /** The last correction (訂正して再提出): what changed against the application the approver saw before. */
  correction?: { version: number; by: string; at: Date; changes: ApplicationChange[] };
  /** The reason of the last 差戻し, while the case is returned. */
  returnReason?: string;
  /** The procedure can be corrected on its intake form (it has a `web.formValues` hook). */
  correctable?: boolean;
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
  /** 取下げ: the entering clerk withdraws a counter intake before 決裁 (the workflow checks maker and status). */
  withdraw: {
    gate: can.enterCase,
    run(d, row, actor, body, id) {
      const reason = reasonOf(body);
      if (!d.procedures.caseModule(row.procedure)?.intake)
        throw new ApiError(409, 'NOT_IN_STEP', 'この手続は窓口で受け付けたものではないため取り下げられません');
      return withReason(d, row, actor, 'withdraw', reason, (r) =>
        update(d.temporal, row.workflowId, withdrawUpdate, [{ actor, ...r }], id),
      );
    },
  },
  /**
   * 訂正して再提出: the corrected application (the procedure's own schema and intake rules, every error at once,
   * nothing changed on an error) replaces the stored one, kept as a version, and the case is resubmitted. Only the
   * entering clerk (the maker, who alone may resubmit), only while RETURNED (409 NOT_RETURNED).
   */
  correct: {
    gate: can.enterCase,
    async run(d, row, actor, body, id) {
      const intake = d.procedures.caseModule(row.procedure)?.intake;
      if (!intake) throw new ApiError(409, 'NOT_IN_STEP', 'この手続は窓口の様式で訂正できません');
      if (row.status !== CaseStatus.RETURNED)
        throw new ApiError(409, 'NOT_RETURNED', 'この案件は差戻し中ではありません（訂正できるのは差戻しの間だけです）');
      if ((row.makerId ?? row.enteredBy) !== actor.userId)
        throw new ApiError(403, 'NOT_MAKER', '訂正は入力者本人だけができます');
      const staff = actor as StaffContext;
      const result = await intake.run({ ...d, correction: { caseId: row.caseId } }, staff, body, undefined);
      await update(d.temporal, row.workflowId, resubmitUpdate, [{ actor }], id);
      return { corrected: true, flags: result.flags };
    },
  },
};

/** Steps whose update is followed by a status the workflow projects itself: `act` waits for it. */
const SETTLES = ['approve', 'reject', 'withdraw'];
/**
 * How long a step waits for the projection notice of a worker in this process before it reads the row (the case's
 * workflow task may have gone to a worker in another process). The notice comes after the update's activity round
 * trip: 0.1–0.3 s, more under load.
 */
const NOTICE_WAIT_MS = 1_000;

/** The reason of the last 差戻し of a case (its case_note), or undefined. */
async function lastReturnReason(d: ApiDeps, caseId: string): Promise<string | undefined> {
  const em = d.orm.em.fork();
  const last = await em.findOne(
    CaseActionLog,
    { caseId, action: 'REQUEST_CHANGES' as CaseActionLog['action'] },
    { orderBy: { id: 'desc' } },
  );
  return last ? reasonOfAction(em, d.pii, caseId, last.detail) : undefined;
}

/** JSON pointer (RFC 6901) into a stored application. */
const atPointer = (doc: unknown, pointer: string): unknown =>
  pointer
    .split('/')
    .slice(1)
    .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce<unknown>((v, t) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[t] : undefined), doc);

type VersionedRow = Pick<
  CaseRecord,
  'status' | 'needsAttention' | 'assignedTo' | 'failingStep' | 'attempt' | 'lastError'
>;

/** Changes whenever what the case screen shows changes: the row's state, its log and its documents. */
export const caseVersionOf = (row: VersionedRow, actions: number, certificates: number): string => {
  const failure = row.failingStep ? `${row.failingStep}:${row.attempt ?? 0}:${row.lastError ?? ''}` : '';
  const state = [row.status, row.needsAttention ? 1 : 0, row.assignedTo ?? '', failure, actions, certificates];
  return createHash('sha256').update(state.join('|')).digest('hex').slice(0, 16);
};

async function caseVersion(em: EntityManager, row: CaseRecord): Promise<string> {
  const actions = await em.count(CaseActionLog, { caseId: row.caseId });
  const certificates = await em.count(CertificateIssuance, { caseId: row.caseId });
  return caseVersionOf(row, actions, certificates);
}

/**
 * Reading cases and taking human steps on them: the one place for the role gates, masking and the audit of reads,
 * called by the JSON API and by the web UI alike (no HTTP loopback).
 */
export function caseService(deps: ApiDeps) {
  const { orm } = deps;
  const summary = caseSummaryOf(deps.procedures);
  const viewOf = workViewOf(deps.procedures);
  /**
   * The case row's status once it has left `before`, watched from before the step runs. With a worker in this process
   * (`npm start` on one machine, SQLite) its projection write tells the new status once committed
   * (src/db/projection-notices.ts), and the row is not read unless that takes longer than `NOTICE_WAIT_MS` (the case
   * went to a worker elsewhere). Otherwise the row is polled: the first look waits a moment and the pauses grow (30,
   * 60, 120, 250 ms …): a look at once nearly always found the old status, and under load a 50 ms beat read the row
   * five times per 決裁 (issue 15: statements per 転入).
   */
  const watchStatus = (caseId: string, before: string) => {
    let told: string | undefined;
    let wake: (() => void) | undefined;
    const stop = onCaseProjected(caseId, (status) => {
      if (status === before || told !== undefined) return;
      told = status;
      wake?.();
    });
    const pauseOrNotice = (ms: number) =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, ms);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    return {
      stop,
      async settled(timeoutMs = 10_000): Promise<string> {
        const until = Date.now() + timeoutMs;
        if (told === undefined && projectionsInThisProcess()) await pauseOrNotice(NOTICE_WAIT_MS);
        for (let pause = 30; told === undefined; pause = Math.min(pause * 2, 250)) {
          await pauseOrNotice(pause);
          if (told !== undefined) break;
          // a scalar read: no fork, no entity (issue 15, MikroORM CPU per 転入)
          const [row] = (await orm.em
            .getConnection()
            .execute('select status from case_record where case_id = ?', [caseId])) as Array<{ status: string }>;
          if (!row || row.status !== before || Date.now() > until) return row?.status ?? before;
        }
        return told;
      },
    };
  };
  /**
   * Runs a step; when the workflow is not there because its start is still pending (the intake committed the row —
   * 決裁待ち on the screens — but could not reach Temporal, and the reconciler has not started it yet), starts it
   * from its start request and runs the step again: the update waits for the workflow's first task. If Temporal is
   * still unreachable, the clerk is told to try again rather than that the case has ended.
   */
  const startedThen = async <T>(caseId: string, run: () => Promise<T>): Promise<T> => {
    try {
      return await run();
    } catch (e) {
      if (!(e instanceof ApiError && e.code === 'CASE_CLOSED')) throw e;
      const pending = await orm.em.fork().findOne(WorkflowStartRequest, { caseId, startedAt: null });
      if (!pending) throw e;
      try {
        await startCaseWorkflow(orm, deps.temporal, pending);
      } catch {
        throw new ApiError(
          503,
          'CASE_NOT_STARTED',
          'この案件の処理はまだ開始されていません。少し待ってから、もう一度操作してください',
        );
      }
      return run();
    }
  };
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

    /**
     * The live state of a case for a screen's background refresh and the bulk results (issue 14 bugs 6, 7): status,
     * the failing step with its Japanese explanation, and a `version` that changes whenever the case screen would.
     * No personal data (IDs, codes, labels), hence no audit row.
     */
    async progress(staff: StaffContext, caseId: string) {
      await authorize(orm, staff, can.readCases, 'GET /api/cases/:caseId/progress');
      const row = await load(caseId);
      const explained = stepErrorText(row.lastError);
      const em = orm.em.fork();
      const latest = async (action: CaseAction) =>
        (await em.findOne(CaseActionLog, { caseId, action }, { orderBy: { id: 'desc' }, fields: ['at'] }))?.at ?? null;
      return {
        caseId,
        status: row.status,
        statusLabel: deps.procedures.statusLabel(row.status),
        final: deps.procedures.isFinal(row.procedure, row.status),
        needsAttention: row.needsAttention,
        failingStep: row.failingStep ?? null,
        attempt: row.attempt ?? null,
        nextRetryAt: row.nextRetryAt ?? null,
        error: explained?.message ?? null,
        /** The latest 今すぐ再試行 and the latest failed attempt: a bulk retry's outcome is the one after the other. */
        retriedAt: await latest(CaseAction.RETRY_NOW),
        lastFailureAt: await latest(CaseAction.ACTIVITY_FAILED),
        version: await caseVersion(em, row),
      };
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
      const previous = app
        ? await em.findOne(CaseApplicationVersion, { caseId }, { orderBy: { version: 'desc' } })
        : null;
      const correction =
        app && previous
          ? {
              version: previous.version + 1,
              by: previous.replacedBy,
              at: previous.replacedAt,
              changes: applicationChanges(previous.payload, app.payload, (enc) => deps.pii.decrypt(enc)),
            }
          : undefined;
      const module = deps.procedures.caseModule(row.procedure);
      const certificates = await em.find(
        CertificateIssuance,
        { caseId },
        { fields: ['certificateId', 'issueNumber', 'certificateType', 'issuedAt', 'pages', 'printedItems'] },
      );
      auditPerSubject(em, row.subjectAddresseeNumbers, {
        ...actorFields(staff),
        ip: staff.ip,
        action: AuditAction.INQUIRY,
        function: 'GET /api/cases/:caseId',
        caseId,
        individualNumberAccessed: reveal,
      });
      await em.flush();
      return {
        ...summary(row),
        // 取下げ is for counter intakes only (an online application is the applicant's to withdraw)
        allowedActions: allowedActions(viewOf(row), staff).filter((a) => a !== 'withdraw' || module?.intake),
        application: application ?? undefined,
        correction,
        returnReason: row.status === CaseStatus.RETURNED ? await lastReturnReason(deps, caseId) : undefined,
        correctable: Boolean(module?.intake && module.web.formValues),
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

    /** The reason of the last 差戻し of a returned case, for the correction form (clerks). */
    async returnReason(staff: StaffContext, caseId: string): Promise<string | undefined> {
      await authorize(orm, staff, can.enterCase, 'GET /cases/:caseId/correct');
      return lastReturnReason(deps, caseId);
    },

    /**
     * The intake form of a returned case, pre-filled from its stored application (訂正して再提出): the procedure's
     * `web.formValues`, each kept 個人番号 sealed for this user (never clear, never the stored ciphertext), and the
     * 差戻し reason. Only the maker, only while RETURNED; audited (the numbers are decrypted to be sealed).
     */
    async correctionDraft(staff: StaffContext, caseId: string) {
      const fn = 'GET /cases/:caseId/correct';
      await authorize(orm, staff, can.enterCase, fn);
      const row = await load(caseId);
      const module = deps.procedures.caseModule(row.procedure);
      if (!module?.intake || !module.web.formValues)
        throw new ApiError(409, 'NOT_IN_STEP', 'この手続は窓口の様式で訂正できません');
      if (row.status !== CaseStatus.RETURNED)
        throw new ApiError(409, 'NOT_RETURNED', 'この案件は差戻し中ではありません（訂正できるのは差戻しの間だけです）');
      if ((row.makerId ?? row.enteredBy) !== staff.userId) {
        await auditDenied(orm, staff, fn, { caseId, detail: { code: 'NOT_MAKER' } });
        throw new ApiError(403, 'NOT_MAKER', '訂正は入力者本人だけができます');
      }
      const em = orm.em.fork();
      const app = await em.findOneOrFail(CaseApplication, { caseId });
      const values = module.web.formValues(app.payload);
      let numbers = false;
      for (const [k, v] of Object.entries(values)) {
        if (!k.endsWith('Kept')) continue;
        const enc = atPointer(app.payload, v);
        if (typeof enc === 'string') {
          values[k] = sealNumber(deps.pii, staff.userId, deps.pii.decrypt(enc));
          numbers = true;
        } else delete values[k];
      }
      auditPerSubject(em, row.subjectAddresseeNumbers, {
        ...actorFields(staff),
        ip: staff.ip,
        action: AuditAction.INQUIRY,
        function: fn,
        caseId,
        individualNumberAccessed: numbers,
      });
      await em.flush();
      return { caseId, procedure: row.procedure, values, reason: await lastReturnReason(deps, caseId) };
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
      // issue 14 bug 2: 決裁 / 却下 / 取下げ are taken by the update, but the workflow projects the new status a
      // moment later; answer with it, so the page drawn next shows the new state and no stale buttons. Watched from
      // before the update, so that a projection written before the update's answer arrives is not missed.
      const watch = SETTLES.includes(step) ? watchStatus(row.caseId, row.status) : undefined;
      try {
        const result = await startedThen(row.caseId, () => s.run(deps, row, actor, body, requestId));
        const status = watch ? await watch.settled() : undefined;
        return {
          caseId: row.caseId,
          ...(result && typeof result === 'object' ? result : {}),
          ...(status ? { status } : {}),
        };
      } catch (e) {
        if (e instanceof ApiError && e.status === 403)
          await auditDenied(orm, staff, fn, { caseId: row.caseId, detail: { code: e.code } });
        throw e;
      } finally {
        watch?.stop();
      }
    },
  };
}

export type CaseService = ReturnType<typeof caseService>;

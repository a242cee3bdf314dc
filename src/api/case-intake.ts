import { createHash, randomUUID } from 'node:crypto';
import { UniqueConstraintViolationException, type EntityManager, type MikroORM } from '@mikro-orm/core';
import type { Client } from '@temporalio/client';
import type { AppConfig } from '../config';
import type { FieldError } from '../domain/ajv';
import { awaitingRoleOf, CaseAction, CaseStatus } from '../domain/case-status';
import type { ProcedureDefinition } from '../domain/procedure-definition';
import type { PiiCrypto } from '../db/pii-crypto';
import { jstDate } from '../domain/dates';
import { actorFields, auditPerSubject } from '../db/audit-writer';
import { syncCaseSubjects } from '../db/case-subjects';
import {
  AuditAction,
  CaseActionLog,
  CaseApplication,
  CaseApplicationVersion,
  CaseRecord,
  WorkflowStartRequest,
} from '../db/entities';
import type { StaffContext } from './auth';
import { ApiError } from './errors';
import { startCaseWorkflow } from './workflow-starts';

export interface IntakeResult {
  created: boolean;
  caseId: string;
  workflowId: string;
  status: string;
  flags: string[];
}

/** What an intake service needs: the registry, the 個人番号 cipher, Temporal and the configuration. */
export interface IntakeDeps {
  orm: MikroORM;
  pii: PiiCrypto;
  temporal: Client;
  config: Pick<
    AppConfig,
    | 'municipalityCode'
    | 'residentCodeCheckMode'
    | 'taskQueue'
    | 'householdMemberMayRequestIndividualNumber'
    | 'deadlines'
    | 'timings'
  >;
  now?: () => Date;
  /**
   * 訂正して再提出 (issue 14 item 4): run the procedure's intake — the same schema and rules — against the returned case
   * `caseId` instead of filing a new one; the accepted application replaces the stored one (the old one is kept as a
   * version) and nothing is started. Set by the case service's `correct` step only.
   */
  correction?: { caseId: string };
}

export interface CaseIntakeSpec<A extends object> {
  /** The procedure's definition: its code, and the case ID prefix (MI → MI-20261124-1a2b3c4d). */
  definition: Pick<ProcedureDefinition, 'code' | 'idPrefix'>;
  route: string; // for the audit record
  body: unknown; // the validated application (hashed for idempotency)
  idempotencyKey?: string;
  /** Rules that need the registry; returns field errors, flags, the payload to store and the subjects. */
  check(
    em: EntityManager,
    today: string,
  ): Promise<{
    errors: FieldError[];
    flags: string[];
    stored: object;
    subjects?: string[];
    individualNumberAccessed?: boolean;
  }>;
  /** The workflow, by reference (its name is the function's), and its typed input (IDs and flags only). */
  workflow: (input: A) => Promise<unknown>;
  workflowId(caseId: string): string;
  workflowArgs(caseId: string): A;
  initialStatus?: string;
  /** The person whose input the approver confirms; default the entering user ('' = not yet known: online review). */
  makerId?: string;
  /** The 409 when the key was used with another body (default IDEMPOTENCY_KEY_REUSED). */
  keyReused?: () => ApiError;
}

const canonical = (v: unknown): string =>
  JSON.stringify(v, (_k, val: unknown) =>
    val && typeof val === 'object' && !Array.isArray(val)
      ? Object.fromEntries(Object.entries(val as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)))
      : val,
  );

/**
 * The intake of any counter procedure: in one transaction the 仮登録 (case_application), the case row, the INTAKE
 * action, the audit record and the workflow's start request; then the workflow start (IDs only). A rule violation
 * stores and starts nothing. The same Idempotency-Key with the same body returns the existing case (and starts its
 * workflow if it was not), also when both sendings arrive at once; with a different body it is refused. An API that
 * dies before the start leaves the request, which the reconciler starts (src/api/workflow-starts.ts).
 */
export async function intakeCase<A extends object>(
  deps: Pick<IntakeDeps, 'orm' | 'temporal' | 'config' | 'now' | 'correction'>,
  actor: StaffContext,
  spec: CaseIntakeSpec<A>,
): Promise<IntakeResult> {
  if (deps.correction) return correctCase(deps, actor, spec, deps.correction.caseId);
  const key = spec.idempotencyKey ?? randomUUID();
  const hash = createHash('sha256').update(canonical(spec.body)).digest('hex');
  const today = jstDate((deps.now ?? (() => new Date()))());
  await refuseWithEveryError(deps.orm.em.fork(), spec, today);
  const status = spec.initialStatus ?? CaseStatus.AWAITING_APPROVAL;
  // the same key sent twice at once: both may pass the lookup before either commits; the one that loses on the
  // application's unique key runs again and finds the other's case (200, or 409 for another body) instead of a 500
  const intakeOnce = () =>
    deps.orm.em.fork().transactional(async (em) => {
      const existing = await em.findOne(CaseApplication, { idempotencyKey: key });
      if (existing) {
        if (existing.payloadHash !== hash || existing.procedure !== spec.definition.code)
          throw (
            spec.keyReused?.() ??
            new ApiError(409, 'IDEMPOTENCY_KEY_REUSED', 'この Idempotency-Key は別の内容で使用済みです')
          );
        const row = await em.findOneOrFail(CaseRecord, { caseId: existing.caseId });
        return {
          start: await em.findOne(WorkflowStartRequest, { caseId: existing.caseId, startedAt: null }),
          created: false,
          caseId: row.caseId,
          workflowId: row.workflowId,
          status: row.status,
          flags: row.flags ?? [],
        };
      }
      const { errors, flags, stored, subjects, individualNumberAccessed } = await spec.check(em, today);
      if (errors.length) throw new ApiError(422, 'RULE_VIOLATION', '届出の内容が規則に合いません', errors);
      const caseId = `${spec.definition.idPrefix}-${today.replaceAll('-', '')}-${randomUUID().slice(0, 8)}`;
      const workflowId = spec.workflowId(caseId);
      const now = new Date();
      em.persist(
        em.create(CaseApplication, {
          caseId,
          procedure: spec.definition.code,
          idempotencyKey: key,
          payloadHash: hash,
          payload: stored as Record<string, unknown>,
          createdAt: now,
        }),
      );
      em.persist(
        em.create(CaseRecord, {
          caseId,
          procedure: spec.definition.code,
          status,
          workflowId,
          enteredBy: actor.userId,
          terminalId: actor.terminalId,
          flags,
          subjectAddresseeNumbers: subjects,
          needsAttention: false,
          escalated: false,
          revision: 0,
          createdAt: now,
          updatedAt: now,
          makerId: spec.makerId === undefined ? actor.userId : spec.makerId || undefined,
          awaitingRole: awaitingRoleOf(status),
        }),
      );
      logProvisionalChange(em, actor, {
        caseId,
        action: CaseAction.INTAKE,
        detail: { flags },
        at: now,
        route: spec.route,
        subjects,
        individualNumberAccessed,
      });
      const start = em.create(WorkflowStartRequest, {
        caseId,
        workflowType: spec.workflow.name,
        workflowId,
        taskQueue: deps.config.taskQueue,
        input: spec.workflowArgs(caseId) as Record<string, unknown>,
        caseStatus: status,
        procedure: spec.definition.code,
        createdAt: now,
      });
      em.persist(start);
      return { start, created: true, caseId, workflowId, status, flags };
    });
  const result = await intakeOnce().catch((e: unknown) => {
    if (e instanceof UniqueConstraintViolationException) return intakeOnce();
    throw e;
  });

  const { start, ...answer } = result;
  if (start) await startCaseWorkflow(deps.orm, deps.temporal, start);
  return answer;
}

/** Schema errors of an intake body, held by `parseIntakeApplication` until the rules have run too. */
const heldSchemaErrors = new WeakMap<object, FieldError[]>();

/**
 * The application of a counter intake after its schema (ajv, allErrors). A body that is not an object is refused at
 * once; otherwise the schema errors are held and `intakeCase` runs the procedure's rules on what was posted as well,
 * so the 400 names every error at once — schema and rules — instead of one class per submit (issue 14 bug 4).
 */
export function parseIntakeApplication<T>(
  validate: (body: unknown) => { ok: true; value: T } | { ok: false; errors: FieldError[] },
  body: unknown,
): T {
  const v = validate(body);
  if (v.ok) return v.value;
  if (!body || typeof body !== 'object' || Array.isArray(body))
    throw new ApiError(400, 'VALIDATION_FAILED', '入力内容に誤りがあります', v.errors);
  heldSchemaErrors.set(body, v.errors);
  return body as T;
}

/** Two JSON pointers name the same item or one lies inside the other. */
const overlaps = (a: string, b: string) => a === b || a.startsWith(`${b}/`) || b.startsWith(`${a}/`);

/**
 * With held schema errors: the rules run on the body as posted (a rule that trips over a malformed part adds
 * nothing), their errors on items the schema did not already refuse join the schema's, and all are refused in one
 * 400. Nothing is stored: `check` only reads.
 */
async function refuseWithEveryError(
  em: EntityManager,
  spec: Pick<CaseIntakeSpec<object>, 'body' | 'check'>,
  today: string,
): Promise<void> {
  const schema = spec.body && typeof spec.body === 'object' ? heldSchemaErrors.get(spec.body) : undefined;
  if (!schema) return;
  let rules: FieldError[] = [];
  try {
    rules = (await spec.check(em, today)).errors.filter((r) => !schema.some((s) => overlaps(s.field, r.field)));
  } catch {
    rules = [];
  }
  throw new ApiError(400, 'VALIDATION_FAILED', '入力内容に誤りがあります', [...schema, ...rules]);
}

/** The application after its schema (ajv): a violation is a 400 naming each field and rule; nothing is stored. */
export function parseApplication<T>(
  validate: (body: unknown) => { ok: true; value: T } | { ok: false; errors: FieldError[] },
  body: unknown,
): T {
  const v = validate(body);
  if (!v.ok) throw new ApiError(400, 'VALIDATION_FAILED', '入力内容に誤りがあります', v.errors);
  return v.value;
}

/**
 * The correction of a returned case (訂正して再提出): in one transaction the procedure's rules on the corrected
 * application (every error at once; nothing changed on an error), the replaced application kept as a version, the
 * new one stored (encrypted like the first), the case row's flags and subjects, the CORRECT action and the audit
 * row. The case's own earlier intake does not count against it (e.g. "a 転出 already in progress" for its movers):
 * its subjects are taken out for the check, inside the transaction. The caller resubmits the case.
 */
async function correctCase<A extends object>(
  deps: Pick<IntakeDeps, 'orm' | 'now'>,
  actor: StaffContext,
  spec: CaseIntakeSpec<A>,
  caseId: string,
): Promise<IntakeResult> {
  const today = jstDate((deps.now ?? (() => new Date()))());
  return deps.orm.em.fork().transactional(async (em) => {
    const open = await em.nativeUpdate(
      CaseRecord,
      { caseId, procedure: spec.definition.code, status: CaseStatus.RETURNED },
      { subjectAddresseeNumbers: [] },
    );
    if (open) await syncCaseSubjects(em, [[caseId, []]]); // the side table follows the native update
    if (!open) {
      const row = await em.findOne(CaseRecord, { caseId }, { fields: ['procedure'] });
      if (!row || row.procedure !== spec.definition.code)
        throw new ApiError(404, 'CASE_NOT_FOUND', '案件が見つかりません');
      throw new ApiError(409, 'NOT_RETURNED', 'この案件は差戻し中ではありません（訂正できるのは差戻しの間だけです）');
    }
    await refuseWithEveryError(em, spec, today);
    const { errors, flags, stored, subjects, individualNumberAccessed } = await spec.check(em, today);
    if (errors.length) throw new ApiError(422, 'RULE_VIOLATION', '届出の内容が規則に合いません', errors);
    const application = await em.findOneOrFail(CaseApplication, { caseId });
    const row = await em.findOneOrFail(CaseRecord, { caseId });
    const version = (await em.count(CaseApplicationVersion, { caseId })) + 1;
    const now = new Date();
    em.persist(
      em.create(CaseApplicationVersion, {
        caseId,
        version,
        payload: application.payload,
        replacedBy: actor.userId,
        replacedAt: now,
      }),
    );
    application.payload = stored as Record<string, unknown>;
    row.flags = flags;
    row.subjectAddresseeNumbers = subjects;
    row.updatedAt = now;
    logProvisionalChange(em, actor, {
      caseId,
      action: CaseAction.CORRECT,
      detail: { version: version + 1, flags },
      at: now,
      route: `POST /api/cases/:caseId/correct (${spec.route})`,
      subjects,
      individualNumberAccessed,
    });
    return { created: false, caseId, workflowId: row.workflowId, status: row.status, flags };
  });
}

/** The case's action log row and one audit record per subject (or one without) of a 仮登録 written or corrected. */
function logProvisionalChange(
  em: EntityManager,
  actor: StaffContext,
  o: {
    caseId: string;
    action: CaseAction;
    detail: Record<string, unknown>;
    at: Date;
    route: string;
    subjects?: string[];
    individualNumberAccessed?: boolean;
  },
): void {
  em.persist(
    em.create(CaseActionLog, {
      caseId: o.caseId,
      action: o.action,
      actorId: actor.userId,
      terminalId: actor.terminalId,
      detail: o.detail,
      at: o.at,
    }),
  );
  auditPerSubject(em, o.subjects, {
    ...actorFields(actor),
    ip: actor.ip,
    action: AuditAction.CHANGE_PROVISIONAL,
    function: o.route,
    caseId: o.caseId,
    individualNumberAccessed: o.individualNumberAccessed ?? false,
  });
}

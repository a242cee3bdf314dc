import type { EntityManager } from '@mikro-orm/core';
import { compileSchema, type FieldError } from '../domain/ajv';
import {
  SpecialMoveInApplicationSchema,
  type SpecialMoveInApplication,
} from '../domain/applications/special-move-in-application';
import { CaseStatus, Procedure } from '../domain/case-status';
import { specialMoveInLastDay } from '../domain/move-deadlines';
import { isValidRelationship, ResidentStatus } from '../domain/registry-values';
import { HeldCertificateState, HeldMoveOutCertificate, Household, Resident } from '../db/entities';
import { specialMoveInWorkflowId } from '../workflows/workflow-ids';
import type { StaffContext } from './auth';
import { intakeCase, type IntakeResult } from './case-intake';
import { ApiError } from './errors';
import type { IntakeDeps } from './move-in-intake';

export type StoredSpecialMoveInApplication = SpecialMoveInApplication & { notificationDate: string };

const validateShape = compileSchema<SpecialMoveInApplication>(SpecialMoveInApplicationSchema);

async function checkRules(em: EntityManager, deps: IntakeDeps, app: SpecialMoveInApplication, today: string) {
  const errors: FieldError[] = [];
  const err = (field: string, rule: string, message: string) => errors.push({ field, rule, message });
  const notificationDate = app.notificationDate ?? today;
  if (app.moveInDate > today) err('/moveInDate', 'notFuture', '転入日が未来の日付です');
  if (notificationDate > today) err('/notificationDate', 'notFuture', '届出日が未来の日付です');
  if (app.moveInDate > notificationDate) err('/moveInDate', 'notAfterNotification', '転入日が届出日より後です');
  if (app.originMunicipalityCode === deps.config.municipalityCode)
    err('/originMunicipalityCode', 'notOwnMunicipality', '同一市区町村内の住所変更は転居届です');
  const heads = app.persons.filter((p) => p.relationshipToHead === '世帯主').length;
  if (app.household.mode === 'new' && heads !== 1)
    err('/persons', 'oneHouseholdHead', '新しい世帯には世帯主が1人必要です');
  if (
    app.household.mode === 'join' &&
    !(await em.findOne(Household, { householdNumber: app.household.householdNumber, active: true }))
  ) {
    err('/household/householdNumber', 'householdExists', '指定の世帯が見つかりません');
  }
  for (const [i, p] of app.persons.entries()) {
    const at = `/persons/${i}`;
    if (!isValidRelationship(p.relationshipToHead))
      err(`${at}/relationshipToHead`, 'relationshipVocabulary', '続柄が標準の語彙にありません');
    if (
      await em.findOne(Resident, { residentRecordCode: p.residentRecordCode, status: { $ne: ResidentStatus.REMOVED } })
    ) {
      err(at, 'alreadyRegistered', 'この方は既に本市に住民登録があります（転入できません）');
    }
    // the deadline (domain.md §4.2 step 2) can be checked now when the certificate is held; otherwise on its arrival
    const held = await em.findOne(HeldMoveOutCertificate, {
      residentRecordCode: p.residentRecordCode,
      state: HeldCertificateState.HELD,
    });
    if (held?.plannedMoveOutDate && notificationDate > specialMoveInLastDay(held.plannedMoveOutDate, app.moveInDate)) {
      err(
        at,
        'specialMoveInDeadline',
        `特例転入の期限（${specialMoveInLastDay(held.plannedMoveOutDate, app.moveInDate)}）を過ぎています。転出証明書による転入届が必要です`,
      );
    }
  }
  const stored: StoredSpecialMoveInApplication = { ...app, notificationDate };
  return { errors, flags: [], stored };
}

/** 特例転入届 intake (domain.md §4.2). */
export async function intakeSpecialMoveIn(
  deps: IntakeDeps,
  actor: StaffContext,
  body: unknown,
  idempotencyKey: string | undefined,
): Promise<IntakeResult> {
  const shape = validateShape(body);
  if (!shape.ok) throw new ApiError(400, 'VALIDATION_FAILED', '入力内容に誤りがあります', shape.errors);
  const app = shape.value;
  return intakeCase({ ...deps, taskQueue: deps.config.taskQueue }, actor, {
    procedure: Procedure.SPECIAL_MOVE_IN,
    idPrefix: 'SM',
    route: 'POST /api/cases/special-move-in',
    body: app,
    idempotencyKey,
    check: (em, today) => checkRules(em, deps, app, today),
    workflowType: 'specialMoveInWorkflow',
    workflowId: specialMoveInWorkflowId,
    workflowArgs: (caseId) => ({
      caseId,
      enteredBy: actor.userId,
      terminalId: actor.terminalId,
      requestCertificate: Boolean(app.certificateRequest),
    }),
    initialStatus: CaseStatus.AWAITING_CERTIFICATE_INFO, // until the workflow has found (or requested) the 転出証明書情報
  });
}

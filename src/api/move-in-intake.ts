import type { EntityManager, MikroORM } from '@mikro-orm/core';
import type { Client } from '@temporalio/client';
import type { AppConfig } from '../config';
import { compileSchema, type FieldError } from '../domain/ajv';
import {
  MoveInApplicationSchema,
  type MoveInApplication,
  type MoveInMover,
} from '../domain/applications/move-in-application';
import { Procedure } from '../domain/case-status';
import { checkResidentRecordCode } from '../domain/check-digits';
import { isLateMoveIn } from '../domain/dates';
import { isValidRelationship } from '../domain/registry-values';
import { Household } from '../db/entities';
import type { PiiCrypto } from '../db/pii-crypto';
import { matchRegistry } from '../db/registry-lookup';
import { moveInWorkflowId } from '../workflows/workflow-ids';
import type { StaffContext } from './auth';
import { intakeCase, type IntakeResult } from './case-intake';
import { ApiError } from './errors';

/** The application as stored (仮登録): the 個人番号 replaced by its ciphertext, 届出日 resolved. */
export type StoredMoveInMover = Omit<MoveInMover, 'individualNumber'> & { individualNumberEnc?: string };
export type StoredMoveInApplication = Omit<MoveInApplication, 'movers' | 'notificationDate'> & {
  movers: StoredMoveInMover[];
  notificationDate: string;
};

export const CaseFlag = {
  LATE_FILING: 'LATE_FILING',
  RE_MOVE_IN: 'RE_MOVE_IN',
  RE_MOVE_IN_ALERT: 'RE_MOVE_IN_ALERT',
  RESIDENT_CODE_ALERT: 'RESIDENT_CODE_ALERT',
} as const;

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
    | 'moveInNoticeOverdueDays'
  >;
  now?: () => Date;
}

export type { IntakeResult };

const validateShape = compileSchema<MoveInApplication>(MoveInApplicationSchema);

/** Rules beyond the schema (domain.md §4 common rules 2, 6; §4.1 step 2). Returns field errors and flags. */
async function checkRules(em: EntityManager, deps: IntakeDeps, app: MoveInApplication, today: string) {
  const errors: FieldError[] = [];
  const flags = new Set<string>();
  const err = (field: string, rule: string, message: string) => errors.push({ field, rule, message });
  const notificationDate = app.notificationDate ?? today;
  if (app.moveInDate > today) err('/moveInDate', 'notFuture', '転入日が未来の日付です');
  if (notificationDate > today) err('/notificationDate', 'notFuture', '届出日が未来の日付です');
  if (app.moveInDate > notificationDate) err('/moveInDate', 'notAfterNotification', '転入日が届出日より後です');
  if (isLateMoveIn(app.moveInDate, notificationDate)) flags.add(CaseFlag.LATE_FILING);
  if (!app.fromAbroad && !app.previousMunicipalityCode)
    err('/previousMunicipalityCode', 'required', '転入前の市区町村コードが必要です（転入通知の送付先）');
  if (app.previousMunicipalityCode === deps.config.municipalityCode)
    err('/previousMunicipalityCode', 'notOwnMunicipality', '同一市区町村内の住所変更は転居届です');
  // 個人番号 on the copy only at the request of the 本人, or a household member where the city allows it (domain.md §5.2)
  if (app.certificateRequest?.includeIndividualNumber && app.notifier.kind === 'proxy') {
    err(
      '/certificateRequest/includeIndividualNumber',
      'notForProxy',
      '個人番号入りの住民票の写しは代理人に交付できません',
    );
  }
  if (
    app.certificateRequest?.includeIndividualNumber &&
    app.notifier.kind === 'householdMember' &&
    !deps.config.householdMemberMayRequestIndividualNumber
  ) {
    err(
      '/certificateRequest/includeIndividualNumber',
      'householdMemberNotAllowed',
      '世帯員からの請求では個人番号を記載できない設定です',
    );
  }
  const heads = app.movers.filter((m) => m.relationshipToHead === '世帯主').length;
  if (app.household.mode === 'new' && heads !== 1)
    err('/movers', 'oneHouseholdHead', '新しい世帯には世帯主が1人必要です');
  if (app.household.mode === 'join') {
    if (heads > 0) err('/movers', 'noHeadWhenJoining', '既存の世帯に入る場合、世帯主は指定できません');
    const h = await em.findOne(Household, { householdNumber: app.household.householdNumber, active: true });
    if (!h) err('/household/householdNumber', 'householdExists', '指定の世帯が見つかりません');
  }
  const codes = new Set<string>();
  for (const [i, m] of app.movers.entries()) {
    const at = `/movers/${i}`;
    if (m.birthDate > app.moveInDate) err(`${at}/birthDate`, 'notAfterMoveIn', '生年月日が転入日より後です');
    if (!isValidRelationship(m.relationshipToHead))
      err(`${at}/relationshipToHead`, 'relationshipVocabulary', '続柄が標準の語彙にありません');
    if (!app.fromAbroad && !m.individualNumber)
      err(`${at}/individualNumber`, 'required', '個人番号が必要です（転出証明書に記載）');
    if (codes.has(m.residentRecordCode)) err(`${at}/residentRecordCode`, 'unique', '同じ住民票コードが重複しています');
    codes.add(m.residentRecordCode);
    const code = checkResidentRecordCode(m.residentRecordCode, deps.config.residentCodeCheckMode);
    if (!code.ok) err(`${at}/residentRecordCode`, 'checkDigit', '住民票コードの検査数字が一致しません');
    else if (code.alert) flags.add(CaseFlag.RESIDENT_CODE_ALERT);
    const match = await matchRegistry(em, deps.pii, m);
    if (match.current) err(at, 'alreadyRegistered', 'この方は既に本市に住民登録があります（転入できません）');
    if (match.removed) flags.add(CaseFlag.RE_MOVE_IN);
    if (match.fourInfoAlert) flags.add(CaseFlag.RE_MOVE_IN_ALERT);
  }
  return { errors, flags: [...flags], notificationDate };
}

/**
 * 転入届 intake: validate (schema + rules), then the common intake transaction and workflow start. Bad input stores
 * and starts nothing.
 */
export async function intakeMoveIn(
  deps: IntakeDeps,
  actor: StaffContext,
  body: unknown,
  idempotencyKey: string | undefined,
): Promise<IntakeResult> {
  const shape = validateShape(body);
  if (!shape.ok) throw new ApiError(400, 'VALIDATION_FAILED', '入力内容に誤りがあります', shape.errors);
  const app = shape.value;
  return intakeCase({ ...deps, taskQueue: deps.config.taskQueue }, actor, {
    procedure: Procedure.MOVE_IN,
    idPrefix: 'MI',
    route: 'POST /api/cases/move-in',
    body: app,
    idempotencyKey,
    async check(em, today) {
      const { errors, flags, notificationDate } = await checkRules(em, deps, app, today);
      const stored: StoredMoveInApplication = {
        ...app,
        notificationDate,
        movers: app.movers.map(({ individualNumber, ...m }) => ({
          ...m,
          ...(individualNumber ? { individualNumberEnc: deps.pii.encrypt(individualNumber) } : {}),
        })),
      };
      return { errors, flags, stored, individualNumberAccessed: app.movers.some((m) => m.individualNumber) };
    },
    workflowType: 'moveInWorkflow',
    workflowId: moveInWorkflowId,
    workflowArgs: (caseId) => ({
      caseId,
      enteredBy: actor.userId,
      terminalId: actor.terminalId,
      requestCertificate: Boolean(app.certificateRequest),
    }),
  });
}

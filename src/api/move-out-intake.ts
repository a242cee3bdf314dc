import type { EntityManager } from '@mikro-orm/core';
import { compileSchema, type FieldError } from '../domain/ajv';
import { MoveOutApplicationSchema, type MoveOutApplication } from '../domain/applications/move-out-application';
import { CaseStatus, FINAL_STATUSES, Procedure } from '../domain/case-status';
import { addDays } from '../domain/dates';
import { isLateMoveOut } from '../domain/move-deadlines';
import { ResidentStatus } from '../domain/registry-values';
import { CaseRecord, Resident } from '../db/entities';
import { moveOutWorkflowId } from '../workflows/workflow-ids';
import type { StaffContext } from './auth';
import { intakeCase, type IntakeResult } from './case-intake';
import { ApiError } from './errors';
import type { IntakeDeps } from './move-in-intake';

export type StoredMoveOutApplication = MoveOutApplication & {
  notificationDate: string;
  householdNumber: string;
  late: boolean;
  /** 来庁予定日 announced through マイナポータル: forwarded to the destination in the 転出証明書情報. */
  plannedVisitDate?: string;
};

export const MoveOutFlag = {
  LATE_EX_OFFICIO: 'LATE_EX_OFFICIO',
  HEAD_CHANGE_EX_OFFICIO: 'HEAD_CHANGE_EX_OFFICIO',
} as const;

/** How far ahead a 転出予定日 may lie (a 転出届 is filed shortly before moving; configurable later). */
export const MAX_DAYS_AHEAD = 90;

const validateShape = compileSchema<MoveOutApplication>(MoveOutApplicationSchema);

/** Rules of domain.md §4.3 that need the registry. */
async function checkRules(em: EntityManager, deps: IntakeDeps, app: MoveOutApplication, today: string) {
  const errors: FieldError[] = [];
  const flags: string[] = [];
  const err = (field: string, rule: string, message: string) => errors.push({ field, rule, message });
  const notificationDate = app.notificationDate ?? today;
  if (notificationDate > today) err('/notificationDate', 'notFuture', '届出日が未来の日付です');
  if (app.plannedMoveOutDate > addDays(today, MAX_DAYS_AHEAD))
    err('/plannedMoveOutDate', 'range', `転出予定日は${MAX_DAYS_AHEAD}日先までです`);
  const late = isLateMoveOut(app.plannedMoveOutDate, notificationDate);
  if (late) flags.push(MoveOutFlag.LATE_EX_OFFICIO);
  if (app.destination.abroad) {
    if (app.destination.municipalityCode)
      err('/destination/municipalityCode', 'notForAbroad', '国外転出に市区町村コードは指定できません');
    if (app.path === 'special') err('/path', 'specialDomesticOnly', '特例転出は国内転出に限られます');
  } else if (!app.destination.municipalityCode) {
    err('/destination/municipalityCode', 'required', '転出先の市区町村コードが必要です');
  } else if (app.destination.municipalityCode === deps.config.municipalityCode) {
    err('/destination/municipalityCode', 'notOwnMunicipality', '市内の住所変更は転居届です');
  }
  if (app.path === 'special' && !app.cardHolderPresent)
    err('/path', 'cardRequired', '特例転出には個人番号カードの提示が必要です');
  if (app.path === 'special' && late)
    err('/path', 'specialNotAllowedWhenLate', '14日を過ぎた転出は職権処理となり、特例転出はできません');

  const households = new Set<string>();
  const residents: Resident[] = [];
  for (const [i, m] of app.movers.entries()) {
    const r = await em.findOne(Resident, { addresseeNumber: m.addresseeNumber });
    const at = `/movers/${i}`;
    if (!r || r.status === ResidentStatus.REMOVED) {
      err(at, 'currentResident', '該当する住民がいません');
      continue;
    }
    if (
      r.familyName !== m.familyName ||
      r.givenName !== m.givenName ||
      r.birthDate !== m.birthDate ||
      r.sex !== m.sex
    ) {
      err(at, 'fourInfoMatch', '氏名・生年月日・性別が住民票と一致しません');
      continue;
    }
    if (r.status === ResidentStatus.PENDING_MOVE_OUT) err(at, 'alreadyPendingMoveOut', '既に転出予定者です');
    if (app.plannedMoveOutDate < r.becameResidentDate)
      err('/plannedMoveOutDate', 'range', '転出予定日が住民となった日より前です');
    households.add(r.householdNumber);
    residents.push(r);
  }
  if (households.size > 1) err('/movers', 'sameHousehold', '異なる世帯の方は別の届出にしてください');
  const householdNumber = [...households][0] ?? '';
  if (residents.length && households.size === 1) {
    const remaining = await em.count(Resident, {
      householdNumber,
      status: ResidentStatus.RESIDENT,
      addresseeNumber: { $nin: residents.map((r) => r.addresseeNumber) },
    });
    if (residents.some((r) => r.relationshipToHead === '世帯主') && remaining >= 2)
      err('/movers', 'householdHeadChangeRequired', '世帯主が転出し2人以上が残るため、先に世帯主変更が必要です');
    if (residents.some((r) => r.relationshipToHead === '世帯主') && remaining === 1)
      flags.push(MoveOutFlag.HEAD_CHANGE_EX_OFFICIO);
    const open = await em.find(CaseRecord, {
      procedure: { $in: [Procedure.MOVE_OUT, Procedure.ONLINE_MOVE_OUT] },
      status: { $nin: [...FINAL_STATUSES] },
    });
    const busy = new Set(open.flatMap((c) => c.subjectAddresseeNumbers ?? []));
    residents.forEach((r) => {
      if (busy.has(r.addresseeNumber))
        err(
          `/movers/${app.movers.findIndex((m) => m.addresseeNumber === r.addresseeNumber)}`,
          'openCase',
          'この方の転出届が処理中です',
        );
    });
  }
  const stored: StoredMoveOutApplication = { ...app, notificationDate, householdNumber, late };
  return { errors, flags, stored, subjects: residents.map((r) => r.addresseeNumber) };
}

/** 転出届 intake (domain.md §4.3): schema, rules, then the common intake transaction and the move-out workflow. */
export async function intakeMoveOut(
  deps: IntakeDeps,
  actor: StaffContext,
  body: unknown,
  idempotencyKey: string | undefined,
): Promise<IntakeResult> {
  const shape = validateShape(body);
  if (!shape.ok) throw new ApiError(400, 'VALIDATION_FAILED', '入力内容に誤りがあります', shape.errors);
  const app = shape.value;
  return intakeCase({ ...deps, taskQueue: deps.config.taskQueue }, actor, {
    procedure: Procedure.MOVE_OUT,
    idPrefix: 'MO',
    route: 'POST /api/cases/move-out',
    body: app,
    idempotencyKey,
    check: (em, today) => checkRules(em, deps, app, today),
    workflowType: 'moveOutWorkflow',
    workflowId: moveOutWorkflowId,
    workflowArgs: (caseId) => ({
      caseId,
      enteredBy: actor.userId,
      terminalId: actor.terminalId,
      noticeOverdueDays: deps.config.moveInNoticeOverdueDays,
    }),
    initialStatus: CaseStatus.AWAITING_APPROVAL,
  });
}

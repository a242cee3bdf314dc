import type { FieldError } from '../../domain/ajv';
import { addDays } from '../../domain/dates';
import { isLateMoveOut, type MoveDeadlineRules } from '../../domain/move-deadlines';
import { ResidentStatus } from '../../domain/registry-values';
import { MAX_DAYS_AHEAD, MoveOutFlag, type MoveOutApplication, type StoredMoveOutApplication } from './schema';

/** A mover's current record as the rules see it. */
export interface MoveOutRecord {
  addresseeNumber: string;
  familyName: string;
  givenName: string;
  birthDate: string;
  sex: string;
  status: string;
  householdNumber: string;
  relationshipToHead: string;
  becameResidentDate: string;
}

/** What the 転出 rules need, read beforehand (registry, open cases, configuration). */
export interface MoveOutFacts {
  today: string;
  municipalityCode: string;
  deadlines: MoveDeadlineRules;
  /** Per mover, in order: the record with that 宛名番号, if any. */
  records: ReadonlyArray<MoveOutRecord | undefined>;
  /** Everyone in the households of those records (宛名番号 and status). */
  householdMembers: ReadonlyArray<{ addresseeNumber: string; householdNumber: string; status: string }>;
  /** 宛名番号 of the persons of every open 転出 case (counter or online). */
  inOpenMoveOut: ReadonlySet<string>;
}

/** Rules of a 転出届 (domain.md §4.3) on facts read beforehand: field errors, flags, the application to store. */
export function evaluateMoveOut(app: MoveOutApplication, f: MoveOutFacts) {
  const errors: FieldError[] = [];
  const flags: string[] = [];
  const err = (field: string, rule: string, message: string) => errors.push({ field, rule, message });
  const notificationDate = app.notificationDate ?? f.today;
  if (notificationDate > f.today) err('/notificationDate', 'notFuture', '届出日が未来の日付です');
  if (app.plannedMoveOutDate > addDays(f.today, MAX_DAYS_AHEAD))
    err('/plannedMoveOutDate', 'range', `転出予定日は${MAX_DAYS_AHEAD}日先までです`);
  // a proxy (代理人, not of the same household) files with ID and a 委任状 (domain spec §4 common rule 5; seed 004 L2545–2546)
  if (app.notifier.kind === 'proxy' && app.notifier.powerOfAttorney !== true)
    err('/notifier/powerOfAttorney', 'required', '代理人の届出には委任状の確認が必要です');
  const late = isLateMoveOut(app.plannedMoveOutDate, notificationDate, f.deadlines);
  if (late) flags.push(MoveOutFlag.LATE_EX_OFFICIO);
  if (app.destination.abroad) {
    if (app.destination.municipalityCode)
      err('/destination/municipalityCode', 'notForAbroad', '国外転出に市区町村コードは指定できません');
    if (app.path === 'special') err('/path', 'specialDomesticOnly', '特例転出は国内転出に限られます');
  } else if (!app.destination.municipalityCode) {
    err('/destination/municipalityCode', 'required', '転出先の市区町村コードが必要です');
  } else if (app.destination.municipalityCode === f.municipalityCode) {
    err('/destination/municipalityCode', 'notOwnMunicipality', '市内の住所変更は転居届です');
  }
  if (app.path === 'special' && !app.cardHolderPresent)
    err('/path', 'cardRequired', '特例転出には個人番号カードの提示が必要です');
  if (app.path === 'special' && late)
    err(
      '/path',
      'specialNotAllowedWhenLate',
      `${f.deadlines.lateMoveOutDays}日を過ぎた転出は職権処理となり、特例転出はできません`,
    );

  const households = new Set<string>();
  const residents: MoveOutRecord[] = [];
  for (const [i, m] of app.movers.entries()) {
    const r = f.records[i];
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
    const movers = new Set(residents.map((r) => r.addresseeNumber));
    const remaining = f.householdMembers.filter(
      (p) =>
        p.householdNumber === householdNumber && p.status === ResidentStatus.RESIDENT && !movers.has(p.addresseeNumber),
    ).length;
    const headLeaves = residents.some((r) => r.relationshipToHead === '世帯主');
    if (headLeaves && remaining >= 2)
      err('/movers', 'householdHeadChangeRequired', '世帯主が転出し2人以上が残るため、先に世帯主変更が必要です');
    if (headLeaves && remaining === 1) flags.push(MoveOutFlag.HEAD_CHANGE_EX_OFFICIO);
    residents.forEach((r) => {
      if (f.inOpenMoveOut.has(r.addresseeNumber))
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

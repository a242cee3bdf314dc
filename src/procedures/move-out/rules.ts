import type { FieldError } from '../../domain/ajv';
import { addDays } from '../../domain/dates';
import { isLateMoveOut, type MoveDeadlineRules } from '../../domain/move-deadlines';
import { isValidRelationship, ResidentStatus } from '../../domain/registry-values';
import {
  MAX_DAYS_AHEAD,
  MoveOutFlag,
  type HouseholdHeadChange,
  type HouseholdHeadChoice,
  type MoveOutApplication,
  type StoredMoveOutApplication,
} from './schema';

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

export interface HouseholdMember {
  addresseeNumber: string;
  householdNumber: string;
  status: string;
  relationshipToHead?: string;
}

/** What the 転出 rules need, read beforehand (registry, open cases, configuration). */
export interface MoveOutFacts {
  today: string;
  municipalityCode: string;
  deadlines: MoveDeadlineRules;
  /** Per mover, in order: the record with that 宛名番号, if any. */
  records: ReadonlyArray<MoveOutRecord | undefined>;
  /** Everyone in the households of those records (宛名番号, status and 続柄). */
  householdMembers: ReadonlyArray<HouseholdMember>;
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
  let headChange: HouseholdHeadChange | undefined;
  if (residents.length && households.size === 1) {
    const movers = new Set(residents.map((r) => r.addresseeNumber));
    const staying = f.householdMembers
      .filter(
        (p) =>
          p.householdNumber === householdNumber &&
          p.status === ResidentStatus.RESIDENT &&
          !movers.has(p.addresseeNumber),
      )
      .map((p) => p.addresseeNumber);
    const head = residents.find((r) => r.relationshipToHead === '世帯主');
    headChange = decideHeadChange(app.householdHeadChange, head?.addresseeNumber, staying, err);
    if (headChange) flags.push(MoveOutFlag.HEAD_CHANGE_EX_OFFICIO);
    residents.forEach((r) => {
      if (f.inOpenMoveOut.has(r.addresseeNumber))
        err(
          `/movers/${app.movers.findIndex((m) => m.addresseeNumber === r.addresseeNumber)}`,
          'openCase',
          'この方の転出届が処理中です',
        );
    });
  }
  if (app.householdHeadChange && !headChange && !errors.some((e) => e.field.startsWith('/householdHeadChange')))
    err('/householdHeadChange', 'notApplicable', '世帯主が転出して世帯に残る方がいる場合だけ、世帯主を選びます');
  const stored: StoredMoveOutApplication = {
    ...app,
    notificationDate,
    householdNumber,
    late,
    ...(headChange ? { headChange } : {}),
  };
  return { errors, flags, stored, subjects: residents.map((r) => r.addresseeNumber) };
}

/**
 * 世帯主変更 when the 世帯主 moves out (domain.md §3.2; standard spec 4.0.4; 住基法 and `004_528b050b7c0b5747.txt` L71:
 * 世帯主変更 by 届出 or 職権). One member stays: that member becomes 世帯主 ex officio (a choice naming them is
 * accepted). Two or more stay: the clerk's choice is required — the new 世帯主 must be a staying member, and every
 * other staying member needs a new 続柄 from the controlled vocabulary (not 世帯主). Nobody stays, or the 世帯主 does
 * not move: no change (a choice is then refused by the caller).
 */
export function decideHeadChange(
  choice: HouseholdHeadChoice | undefined,
  leavingHead: string | undefined,
  staying: readonly string[],
  err: (field: string, rule: string, message: string) => void,
): HouseholdHeadChange | undefined {
  if (!leavingHead || staying.length === 0) return undefined;
  const at = '/householdHeadChange';
  if (staying.length === 1) {
    if (choice && choice.newHeadAddresseeNumber !== staying[0]) {
      err(`${at}/newHeadAddresseeNumber`, 'remainingMember', '新しい世帯主は世帯に残る方から選んでください');
      return undefined;
    }
    return {
      previousHeadAddresseeNumber: leavingHead,
      newHeadAddresseeNumber: staying[0]!,
      relationships: [{ addresseeNumber: staying[0]!, relationshipToHead: '世帯主' }],
    };
  }
  if (!choice) {
    err(at, 'required', '世帯主が転出し2人以上が残るため、新しい世帯主と各人の続柄を選んでください');
    return undefined;
  }
  let ok = true;
  const fail = (field: string, rule: string, message: string) => {
    ok = false;
    err(field, rule, message);
  };
  if (!staying.includes(choice.newHeadAddresseeNumber))
    fail(`${at}/newHeadAddresseeNumber`, 'remainingMember', '新しい世帯主は世帯に残る方から選んでください');
  const given = new Set<string>();
  choice.relationships.forEach((r, i) => {
    const rowAt = `${at}/relationships/${i}`;
    if (!staying.includes(r.addresseeNumber) || r.addresseeNumber === choice.newHeadAddresseeNumber)
      fail(`${rowAt}/addresseeNumber`, 'remainingMember', '続柄は新しい世帯主以外の、世帯に残る方について入力します');
    else if (given.has(r.addresseeNumber)) fail(`${rowAt}/addresseeNumber`, 'unique', '同じ方の続柄が2回あります');
    given.add(r.addresseeNumber);
    if (r.relationshipToHead === '世帯主' || !isValidRelationship(r.relationshipToHead))
      fail(`${rowAt}/relationshipToHead`, 'relationshipVocabulary', '続柄が標準の語彙にありません');
  });
  if (staying.some((a) => a !== choice.newHeadAddresseeNumber && !given.has(a)))
    fail(`${at}/relationships`, 'allRemainingMembers', '世帯に残る方全員の、新しい世帯主との続柄を入力してください');
  if (!ok) return undefined;
  return {
    previousHeadAddresseeNumber: leavingHead,
    newHeadAddresseeNumber: choice.newHeadAddresseeNumber,
    relationships: [
      { addresseeNumber: choice.newHeadAddresseeNumber, relationshipToHead: '世帯主' },
      ...choice.relationships,
    ],
  };
}

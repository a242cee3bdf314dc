import type { FieldError } from '../../domain/ajv';
import { birthDateBounds } from '../../domain/dates';
import { checkResidentRecordCode, type ResidentCodeCheckMode } from '../../domain/check-digits';
import { isLateMoveIn, type MoveDeadlineRules } from '../../domain/move-deadlines';
import { ForeignResidentCategory, isValidRelationship } from '../../domain/registry-values';
import { CaseFlag, FOREIGN_RESIDENT_ITEMS, type MoveInApplication, type MoveInMover } from './schema';

/** What the move-in rules need from the registry and the configuration, read before deciding. */
export interface MoveInFacts {
  today: string;
  municipalityCode: string;
  residentCodeCheckMode: ResidentCodeCheckMode;
  householdMemberMayRequestIndividualNumber: boolean;
  deadlines: MoveDeadlineRules;
  /** household.mode = join: an active household with that number exists. */
  householdExists: boolean;
  /** Per mover, in order: the registry match by 住民票コード / 個人番号 (and 4情報 for the alert). */
  matches: ReadonlyArray<{ current: boolean; removed: boolean; fourInfoAlert: boolean }>;
}

/**
 * Rules of a 転入届 beyond its schema (domain.md §4 common rules 2, 6; §4.1 step 2), on facts read beforehand.
 * Returns field errors (nothing may be stored when there are any), flags for the approver, and the 届出日.
 */
export function evaluateMoveIn(app: MoveInApplication, f: MoveInFacts) {
  const errors: FieldError[] = [];
  const flags = new Set<string>();
  const err = (field: string, rule: string, message: string) => errors.push({ field, rule, message });
  const notificationDate = app.notificationDate ?? f.today;
  if (app.moveInDate > f.today) err('/moveInDate', 'notFuture', '転入日が未来の日付です');
  if (notificationDate > f.today) err('/notificationDate', 'notFuture', '届出日が未来の日付です');
  if (app.moveInDate > notificationDate) err('/moveInDate', 'notAfterNotification', '転入日が届出日より後です');
  // a proxy (代理人, not of the same household) files with ID and a 委任状 (domain spec §4 common rule 5; seed 004 L2545–2546)
  if (app.notifier.kind === 'proxy' && app.notifier.powerOfAttorney !== true)
    err('/notifier/powerOfAttorney', 'required', '代理人の届出には委任状の確認が必要です');
  if (isLateMoveIn(app.moveInDate, notificationDate, f.deadlines)) flags.add(CaseFlag.LATE_FILING);
  if (!app.fromAbroad && !app.previousMunicipalityCode)
    err('/previousMunicipalityCode', 'required', '転入前の市区町村コードが必要です（転入通知の送付先）');
  if (app.previousMunicipalityCode === f.municipalityCode)
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
    !f.householdMemberMayRequestIndividualNumber
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
    if (!f.householdExists) err('/household/householdNumber', 'householdExists', '指定の世帯が見つかりません');
  }
  const codes = new Set<string>();
  for (const [i, m] of app.movers.entries()) {
    const at = `/movers/${i}`;
    // a partly unknown 生年月日 is refused only when even its earliest possible day is after the 転入日
    const born = birthDateBounds(m.birthDate).earliest;
    if (born && born > app.moveInDate) err(`${at}/birthDate`, 'notAfterMoveIn', '生年月日が転入日より後です');
    if (!isValidRelationship(m.relationshipToHead))
      err(`${at}/relationshipToHead`, 'relationshipVocabulary', '続柄が標準の語彙にありません');
    if (!app.fromAbroad && !m.individualNumber)
      err(`${at}/individualNumber`, 'required', '個人番号が必要です（転出証明書に記載）');
    if (m.residentRecordCode === undefined) {
      // only a person arriving from abroad who was never registered in Japan has none: the pool supplies it
      if (!app.fromAbroad) err(`${at}/residentRecordCode`, 'required', '住民票コードが必要です（転出証明書に記載）');
    } else {
      if (codes.has(m.residentRecordCode))
        err(`${at}/residentRecordCode`, 'unique', '同じ住民票コードが重複しています');
      codes.add(m.residentRecordCode);
      const code = checkResidentRecordCode(m.residentRecordCode, f.residentCodeCheckMode);
      if (!code.ok) err(`${at}/residentRecordCode`, 'checkDigit', '住民票コードの検査数字が一致しません');
      else if (code.alert) flags.add(CaseFlag.RESIDENT_CODE_ALERT);
    }
    const match = f.matches[i];
    if (match?.current) err(at, 'alreadyRegistered', 'この方は既に本市に住民登録があります（転入できません）');
    if (match?.removed) flags.add(CaseFlag.RE_MOVE_IN);
    if (match?.fourInfoAlert) flags.add(CaseFlag.RE_MOVE_IN_ALERT);
    foreignResidentRules(m, app.moveInDate, (field, rule, message) => err(`${at}/${field}`, rule, message));
  }
  return { errors, flags: [...flags], notificationDate };
}

/** The 在留 items each 第30条の45 区分 must carry (domain spec §3.7; standard spec 1.1.2, 1.1.6: not nullable). */
const REQUIRED_BY_CATEGORY: Record<ForeignResidentCategory, ReadonlyArray<(typeof FOREIGN_RESIDENT_ITEMS)[number]>> = {
  [ForeignResidentCategory.MID_LONG_TERM]: [
    'nationalityRegion',
    'statusOfResidence',
    'periodOfStay',
    'periodOfStayExpiry',
    'residenceCardNumber',
  ],
  [ForeignResidentCategory.SPECIAL_PERMANENT]: ['nationalityRegion', 'residenceCardNumber'],
  [ForeignResidentCategory.TEMPORARY_REFUGE]: ['nationalityRegion', 'periodOfStayExpiry'],
  [ForeignResidentCategory.PROVISIONAL_STAY]: ['nationalityRegion', 'periodOfStayExpiry'],
  [ForeignResidentCategory.TRANSITIONAL]: ['nationalityRegion', 'periodOfStayExpiry'],
};

const ITEM_LABEL: Record<(typeof FOREIGN_RESIDENT_ITEMS)[number], string> = {
  foreignResidentCategory: '第30条の45に規定する区分',
  nationalityRegion: '国籍・地域',
  statusOfResidence: '在留資格',
  periodOfStay: '在留期間',
  periodOfStayExpiry: '在留期間の満了の日',
  residenceCardNumber: '在留カード等の番号',
  alphabetName: '氏名（アルファベット）',
  alias: '通称',
};

/**
 * A foreign resident's 在留 items (domain spec §3.7): the 区分 marks a foreign resident, and then the items of that
 * 区分 are required, the 在留期間 ends after the 転入日, and there is no 本籍 (a foreign resident has no 戸籍).
 * Without a 区分 no 在留 item may be given.
 */
function foreignResidentRules(m: MoveInMover, moveInDate: string, err: (f: string, r: string, msg: string) => void) {
  const category = m.foreignResidentCategory;
  if (!category) {
    for (const item of FOREIGN_RESIDENT_ITEMS)
      if (m[item] !== undefined)
        err(item, 'foreignResidentOnly', `${ITEM_LABEL[item]}は外国人住民の項目です（区分を選んでください）`);
    return;
  }
  for (const item of REQUIRED_BY_CATEGORY[category])
    if (m[item] === undefined) err(item, 'required', `${category}には${ITEM_LABEL[item]}が必要です`);
  if (m.periodOfStayExpiry !== undefined && m.periodOfStayExpiry <= moveInDate)
    err('periodOfStayExpiry', 'afterMoveIn', '在留期間の満了の日が転入日以前です');
  for (const item of ['registeredDomicile', 'familyRegisterHead', 'domicileMunicipalityCode'] as const)
    if (m[item] !== undefined) err(item, 'noDomicileForForeignResident', '外国人住民には本籍・筆頭者がありません');
}

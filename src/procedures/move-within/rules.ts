import type { FieldError } from '../../domain/ajv';
import { isLateMoveWithinFiling, type MoveDeadlineRules } from '../../domain/move-deadlines';
import { isValidRelationship, ResidentStatus } from '../../domain/registry-values';
import { decideHeadChange, type HouseholdMember } from '../move-out/rules';
import type { HouseholdHeadChange } from '../move-out/schema';
import { MoveWithinFlag, type MoveWithinApplication, type StoredMoveWithinApplication } from './schema';

/** A mover's current record as the rules see it. */
export interface MoveWithinRecord {
  addresseeNumber: string;
  familyName: string;
  givenName: string;
  birthDate: string;
  sex: string;
  status: string;
  householdNumber: string;
  relationshipToHead: string;
  address: string;
  addressSupplement?: string;
}

/** What the 転居 rules need, read beforehand (registry, open cases, configuration). */
export interface MoveWithinFacts {
  today: string;
  deadlines: MoveDeadlineRules;
  householdMemberMayRequestIndividualNumber: boolean;
  /** Per mover, in order: the record with that 宛名番号, if any. */
  records: ReadonlyArray<MoveWithinRecord | undefined>;
  /** Everyone in the movers' household (宛名番号, status and 続柄). */
  householdMembers: ReadonlyArray<HouseholdMember>;
  /** household.mode = join: the household at the new address (absent: no household with that number). */
  targetHousehold?: { active: boolean; address?: string; addressSupplement?: string };
  /** 宛名番号 of the persons of every open case that changes the registry (転入, 転出, 出生, 転居, …). */
  inOpenCase: ReadonlySet<string>;
}

/** Spaces (full- and half-width) do not make an address different. */
const norm = (s: string | undefined) => (s ?? '').replace(/[\s　]+/g, '');

/**
 * Rules of a 転居届 (domain spec §4.9, §3.2, §4 common rules 2 and 5) on facts read beforehand: field errors (nothing
 * is stored when there are any), findings for the approver, the application to store and the movers (the case's
 * subjects).
 */
export function evaluateMoveWithin(app: MoveWithinApplication, f: MoveWithinFacts) {
  const errors: FieldError[] = [];
  const flags = new Set<string>();
  const err = (field: string, rule: string, message: string) => errors.push({ field, rule, message });
  const notificationDate = app.notificationDate ?? f.today;
  // 異動日 and 届出日: today or earlier (common rule 2)
  if (app.moveDate > f.today) err('/moveDate', 'notFuture', '転居日が未来の日付です');
  if (notificationDate > f.today) err('/notificationDate', 'notFuture', '届出日が未来の日付です');
  if (app.moveDate > notificationDate) err('/moveDate', 'notAfterNotification', '転居日が届出日より後です');
  // 14 days (law: 住基法第23条): a late filing is accepted; the approver sees the finding 届出期間経過
  const late = app.moveDate <= notificationDate && isLateMoveWithinFiling(app.moveDate, notificationDate, f.deadlines);
  if (late) flags.add(MoveWithinFlag.LATE_MOVE_WITHIN_FILING);
  // a proxy files with ID and a 委任状 (domain spec §4 common rule 5; `004_528b050b7c0b5747.txt` L2545–2546)
  if (app.notifier.kind === 'proxy' && app.notifier.powerOfAttorney !== true)
    err('/notifier/powerOfAttorney', 'required', '代理人の届出には委任状の確認が必要です');

  const residents: MoveWithinRecord[] = [];
  const households = new Set<string>();
  const seen = new Set<string>();
  for (const [i, m] of app.movers.entries()) {
    const r = f.records[i];
    const at = `/movers/${i}`;
    if (seen.has(m.addresseeNumber)) {
      err(at, 'unique', '同じ方が2回選ばれています');
      continue;
    }
    seen.add(m.addresseeNumber);
    if (!r) {
      err(at, 'currentResident', '該当する住民がいません');
      continue;
    }
    if (r.status === ResidentStatus.REMOVED) {
      err(at, 'currentResident', '除票の方は転居届の対象になりません');
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
    if (r.status === ResidentStatus.PENDING_MOVE_OUT) {
      err(at, 'pendingMoveOut', '転出予定者は転居届の対象になりません');
      continue;
    }
    if (f.inOpenCase.has(r.addresseeNumber)) {
      err(at, 'openCase', 'この方の別の届出が処理中です（その案件の完了後に受け付けてください）');
      continue;
    }
    // the address must change; another building on the same 地番 (a different 方書) is a 転居 (standard spec 4.1.2)
    if (
      norm(r.address) === norm(app.newAddress.address) &&
      norm(r.addressSupplement) === norm(app.newAddress.addressSupplement)
    )
      err('/newAddress/address', 'differentAddress', '新しい住所（方書を含む）が現在の住所と同じです');
    households.add(r.householdNumber);
    residents.push(r);
  }
  if (households.size > 1) err('/movers', 'sameHousehold', '異なる世帯の方は別の届出にしてください');
  const householdNumber = [...households][0] ?? '';

  let headChange: HouseholdHeadChange | undefined;
  let headChangeExOfficio = false;
  if (residents.length === app.movers.length && households.size === 1) {
    const moving = new Set(residents.map((r) => r.addresseeNumber));
    const current = f.householdMembers.filter(
      (p) => p.householdNumber === householdNumber && p.status === ResidentStatus.RESIDENT,
    );
    const staying = current.filter((p) => !moving.has(p.addresseeNumber)).map((p) => p.addresseeNumber);
    const mode = app.household.mode;
    if (mode === 'whole') {
      if (staying.length)
        err('/household/mode', 'wholeHousehold', '世帯全員の転居では、世帯員全員を転居する方に選んでください');
      if (app.household.householdNumber || app.household.newHeadAddresseeNumber)
        err('/household', 'notForWhole', '世帯全員の転居では世帯番号・世帯主を指定しません');
      app.movers.forEach((m, i) => {
        if (m.relationshipToHead)
          err(`/movers/${i}/relationshipToHead`, 'notForWhole', '世帯全員の転居では続柄は変わりません');
      });
    } else {
      checkNewPlacement(app, f, householdNumber, staying.length, err);
      // the 世帯主 leaves members behind (domain spec §3.2; standard spec 4.0.4)
      const head = residents.find((r) => r.relationshipToHead === '世帯主');
      headChange = decideHeadChange(
        app.remainingHouseholdHead,
        head?.addresseeNumber,
        staying,
        (field, rule, message) =>
          err(
            field.replace('/householdHeadChange', '/remainingHouseholdHead'),
            rule === 'required' ? 'headChangeRequired' : rule,
            rule === 'required'
              ? '世帯主が転居し、2人以上が元の世帯に残ります。先に世帯主変更が必要です（この届出で残る世帯の新しい世帯主と続柄を指定することもできます）'
              : message,
          ),
      );
      if (headChange) {
        headChangeExOfficio = staying.length === 1;
        flags.add(headChangeExOfficio ? MoveWithinFlag.HEAD_CHANGE_EX_OFFICIO : MoveWithinFlag.HEAD_CHANGE_ON_FILING);
      }
    }
    if (app.remainingHouseholdHead && !headChange && !errors.some((e) => e.field.startsWith('/remainingHouseholdHead')))
      err(
        '/remainingHouseholdHead',
        'notApplicable',
        '世帯主が転居して元の世帯に残る方がいる場合だけ、残る世帯の世帯主を指定します',
      );
  }
  // 個人番号 on the copy only at the request of the 本人 or a household member where the city allows it (§5.2)
  if (app.certificateRequest?.includeIndividualNumber) {
    if (app.notifier.kind === 'proxy')
      err(
        '/certificateRequest/includeIndividualNumber',
        'notForProxy',
        '個人番号入りの住民票の写しは代理人に交付できません',
      );
    else if (app.notifier.kind === 'householdMember' && !f.householdMemberMayRequestIndividualNumber)
      err(
        '/certificateRequest/includeIndividualNumber',
        'householdMemberNotAllowed',
        '世帯員からの請求では個人番号を記載できない設定です',
      );
  }
  const stored: StoredMoveWithinApplication = {
    ...app,
    notificationDate,
    householdNumber,
    late,
    ...(headChange ? { headChange, headChangeExOfficio } : {}),
  };
  return { errors, flags: [...flags], stored, subjects: residents.map((r) => r.addresseeNumber) };
}

/** Some members move: to a new household (its 世帯主 among them) or into the household at the new address. */
function checkNewPlacement(
  app: MoveWithinApplication,
  f: MoveWithinFacts,
  householdNumber: string,
  staying: number,
  err: (field: string, rule: string, message: string) => void,
) {
  const h = app.household;
  if (h.mode === 'new') {
    if (!staying) err('/household/mode', 'someMembers', '世帯全員が転居する場合は「世帯全員」を選んでください');
    if (h.householdNumber) err('/household/householdNumber', 'notForNew', '新しい世帯には世帯番号を指定しません');
    if (!h.newHeadAddresseeNumber)
      err('/household/newHeadAddresseeNumber', 'required', '新しい世帯の世帯主を転居する方から選んでください');
    else if (!app.movers.some((m) => m.addresseeNumber === h.newHeadAddresseeNumber))
      err('/household/newHeadAddresseeNumber', 'mover', '新しい世帯の世帯主は転居する方から選んでください');
  } else {
    if (h.newHeadAddresseeNumber)
      err('/household/newHeadAddresseeNumber', 'notForJoin', '既存の世帯に入る場合は世帯主を選びません');
    if (!h.householdNumber) err('/household/householdNumber', 'required', '転居先の世帯の世帯番号を入力してください');
    else if (h.householdNumber === householdNumber)
      err('/household/householdNumber', 'otherHousehold', '転居する方の現在の世帯とは別の世帯を指定してください');
    else if (!f.targetHousehold) err('/household/householdNumber', 'householdExists', '指定の世帯が見つかりません');
    else if (!f.targetHousehold.active)
      err('/household/householdNumber', 'householdActive', '指定の世帯は除票（消除済み）です');
    else if (
      norm(f.targetHousehold.address) !== norm(app.newAddress.address) ||
      norm(f.targetHousehold.addressSupplement) !== norm(app.newAddress.addressSupplement)
    )
      err(
        '/household/householdNumber',
        'householdAtNewAddress',
        '指定の世帯の住所（方書を含む）が新しい住所と異なります',
      );
  }
  app.movers.forEach((m, i) => {
    const at = `/movers/${i}/relationshipToHead`;
    if (h.mode === 'new' && m.addresseeNumber === h.newHeadAddresseeNumber) {
      if (m.relationshipToHead && m.relationshipToHead !== '世帯主')
        err(at, 'headRelationship', '新しい世帯の世帯主の続柄は「世帯主」です');
    } else if (!m.relationshipToHead) err(at, 'required', '転居先の世帯主との続柄を選んでください');
    else if (m.relationshipToHead === '世帯主' || !isValidRelationship(m.relationshipToHead))
      err(at, 'relationshipVocabulary', '続柄が標準の語彙にありません');
  });
}

/** The items of a 本人確認情報 a 転居 must leave unchanged (domain spec §3.4; `003_d62b23c9035e33bb.txt` L1819–1821). */
const FIXED_ITEMS = ['residentRecordCode', 'name', 'nameKana', 'birthDate', 'sex', 'individualNumber'] as const;

/**
 * Pre-validation of a 転居's 本人確認情報 update (domain spec §3.4: the prefecture rejects a 転居 update that changes
 * anything other than the address; the registry must check it first): the items besides the address that differ
 * between the identity sets before and after. Empty = the update may be sent.
 */
export function nonAddressChanges(
  before: Partial<Record<(typeof FIXED_ITEMS)[number] | 'address', string | undefined>>,
  after: Partial<Record<(typeof FIXED_ITEMS)[number] | 'address', string | undefined>>,
): string[] {
  return FIXED_ITEMS.filter((k) => (before[k] ?? '') !== (after[k] ?? ''));
}

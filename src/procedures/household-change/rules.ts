import type { FieldError } from '../../domain/ajv';
import { isValidRelationship, ResidentStatus } from '../../domain/registry-values';
import type { HouseholdChangeApplication, StoredHouseholdChangeApplication } from './schema';

/** A member of a household as the rules see it. */
export interface HouseholdChangeMember {
  addresseeNumber: string;
  status: string;
  relationshipToHead: string;
}

/** A household read beforehand: its state, address and every member (also 除票 ones). */
export interface HouseholdFacts {
  householdNumber: string;
  active: boolean;
  address: string;
  members: readonly HouseholdChangeMember[];
}

/** What the 世帯変更 rules need, read before deciding. */
export interface HouseholdChangeFacts {
  today: string;
  householdMemberMayRequestIndividualNumber: boolean;
  household?: HouseholdFacts;
  target?: HouseholdFacts;
  /** 宛名番号 of the persons of every open case that changes the registry. */
  inOpenCase: ReadonlySet<string>;
}

/** §4.9 / standard spec 4.1.4: a 世帯変更 together with an address change is a 転居, not implemented as one 異動. */
export const ADDRESS_CHANGE_MESSAGE =
  '住所の異なる世帯への異動は転居です（世帯変更と住所の変更を1つの異動にすることはできません。先に転居届を受け付けてください）';

const live = (m: HouseholdChangeMember) => m.status !== ResidentStatus.REMOVED;

/**
 * Rules of a 世帯変更 beyond its schema (standard spec 4.1.4; domain spec §3.2, §3.3, §4 common rules 2, 5, §4.9) on
 * facts read beforehand: 続柄 from the §3.2 vocabulary only (never 祖父 / 孫 / 甥 / 姪 / 準世帯主), exactly one 世帯主
 * per household after the change, both households at the same address (else it is a 転居), no person with an open case,
 * no 除票. Returns field errors (nothing is stored when there are any), flags, the application to store and the subjects.
 */
export function evaluateHouseholdChange(app: HouseholdChangeApplication, f: HouseholdChangeFacts) {
  const errors: FieldError[] = [];
  const err = (field: string, rule: string, message: string) => errors.push({ field, rule, message });
  const notificationDate = app.notificationDate ?? f.today;
  if (app.changeDate > f.today) err('/changeDate', 'notFuture', '異動日が未来の日付です');
  if (notificationDate > f.today) err('/notificationDate', 'notFuture', '届出日が未来の日付です');
  if (app.notifier.kind === 'proxy' && app.notifier.powerOfAttorney !== true)
    err('/notifier/powerOfAttorney', 'required', '代理人の届出には委任状の確認が必要です');
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

  const h = f.household;
  const moving = app.kind === 'merge' || app.kind === 'composition';
  let newHead = '';
  if (!h) err('/householdNumber', 'householdExists', '指定の世帯が見つかりません');
  else if (!h.active) err('/householdNumber', 'householdActive', '指定の世帯は除票（消除済み）です');
  if (moving) {
    const t = f.target;
    if (!app.targetHouseholdNumber) err('/targetHouseholdNumber', 'required', '移る先の世帯番号を入力してください');
    else if (app.targetHouseholdNumber === app.householdNumber)
      err('/targetHouseholdNumber', 'otherHousehold', '移る先は別の世帯を指定してください');
    else if (!t) err('/targetHouseholdNumber', 'householdExists', '移る先の世帯が見つかりません');
    else if (!t.active) err('/targetHouseholdNumber', 'householdActive', '移る先の世帯は除票（消除済み）です');
    else if (h && h.address !== t.address) err('/targetHouseholdNumber', 'sameAddress', ADDRESS_CHANGE_MESSAGE);
    newHead = t?.members.find((m) => live(m) && m.relationshipToHead === '世帯主')?.addresseeNumber ?? '';
  } else if (app.targetHouseholdNumber)
    err('/targetHouseholdNumber', 'notApplicable', '世帯主変更・世帯分離では移る先の世帯は指定しません');

  const members = h?.members.filter(live) ?? [];
  const currentHead = members.find((m) => m.relationshipToHead === '世帯主')?.addresseeNumber;
  const seen = new Set<string>();
  const heads: string[] = [];
  app.persons.forEach((p, i) => {
    const at = `/persons/${i}`;
    const record = h?.members.find((m) => m.addresseeNumber === p.addresseeNumber);
    if (seen.has(p.addresseeNumber)) err(`${at}/addresseeNumber`, 'unique', '同じ方が2回指定されています');
    seen.add(p.addresseeNumber);
    if (h && !record) err(`${at}/addresseeNumber`, 'householdMember', 'この方は指定の世帯の世帯員ではありません');
    else if (record?.status === ResidentStatus.REMOVED)
      err(`${at}/addresseeNumber`, 'notRemoved', 'この方は除票です（世帯変更はできません）');
    else if (record && record.status !== ResidentStatus.RESIDENT)
      err(`${at}/addresseeNumber`, 'openCase', 'この方は転出予定者です（処理中の転出があります）');
    if (f.inOpenCase.has(p.addresseeNumber))
      err(
        `${at}/addresseeNumber`,
        'openCase',
        'この方の届出が処理中です（その案件の完了または取消の後に届け出てください）',
      );
    if (!isValidRelationship(p.relationshipToHead))
      err(
        `${at}/relationshipToHead`,
        'relationshipVocabulary',
        '続柄が標準の語彙にありません（祖父・孫・甥・姪・準世帯主は使いません）',
      );
    if (p.relationshipToHead === '世帯主') heads.push(p.addresseeNumber);
  });

  const all = members.length > 0 && members.every((m) => seen.has(m.addresseeNumber));
  const headMoves = currentHead !== undefined && seen.has(currentHead);
  if (h?.active) {
    if (app.kind === 'headChange' || app.kind === 'merge') {
      if (!all)
        err(
          '/persons',
          'allMembers',
          app.kind === 'headChange'
            ? '世帯主変更では世帯員全員の新しい続柄を入力してください'
            : '世帯合併では世帯員全員の、移る先の世帯主との続柄を入力してください',
        );
    } else if (all)
      err(
        '/persons',
        'someRemain',
        app.kind === 'separation'
          ? '世帯員全員が抜けることはできません（世帯はそのままです）'
          : '世帯員全員が移る場合は世帯合併です',
      );
    else if (headMoves)
      err('/persons', 'headStays', '世帯主は元の世帯に残ります（世帯主が抜ける場合は、残る方を分離してください）');
  }
  if (app.kind === 'headChange' || app.kind === 'separation') {
    if (heads.length !== 1)
      err(
        '/persons',
        'oneHead',
        app.kind === 'headChange'
          ? '新しい世帯主を1人選んでください（続柄「世帯主」は1人です）'
          : '新しい世帯の世帯主を1人選んでください（続柄「世帯主」は1人です）',
      );
    else {
      newHead = heads[0]!;
      if (app.kind === 'headChange' && newHead === currentHead)
        err('/persons', 'newHead', '新しい世帯主が現在の世帯主と同じです');
    }
  } else if (heads.length) err('/persons', 'oneHead', '移る先の世帯には世帯主がいます（移る方の続柄は世帯主以外です）');

  const stored: StoredHouseholdChangeApplication = { ...app, notificationDate, newHeadAddresseeNumber: newHead };
  return { errors, flags: [] as string[], stored, subjects: app.persons.map((p) => p.addresseeNumber) };
}

import type { FieldError } from '../../domain/ajv';
import { isLateBirthFiling, type MoveDeadlineRules } from '../../domain/move-deadlines';
import { isValidRelationship } from '../../domain/registry-values';
import { BirthFlag, type BirthApplication } from './schema';

/** What the birth rules need from the registry and the configuration, read before deciding. */
export interface BirthFacts {
  today: string;
  householdMemberMayRequestIndividualNumber: boolean;
  deadlines: MoveDeadlineRules;
  /** household.mode = join: the household's state (absent: no household with that number). */
  household?: { active: boolean };
  /** Unused 住民票コード in the pool (domain spec §4.7 step 1). */
  poolLevel: number;
}

/**
 * The 続柄 of a new-born (domain spec §3.2: 子 for every child, no 長男 / 長女): 世帯主 when it forms a household of its
 * own, else 子 — or a chained 子 (子の子) when the household's 世帯主 is a grandparent — from the standard vocabulary.
 */
export const isBirthRelationship = (value: string, mode: 'join' | 'new'): boolean =>
  mode === 'new' ? value === '世帯主' : isValidRelationship(value) && (value === '子' || value.endsWith('の子'));

/**
 * Rules of a 出生 beyond its schema (domain spec §4.7, §4 common rules 2, 5; §5.2), on facts read beforehand.
 * Returns field errors (nothing may be stored when there are any), flags for the approver, and the 届出日.
 */
export function evaluateBirth(app: BirthApplication, f: BirthFacts) {
  const errors: FieldError[] = [];
  const flags = new Set<string>();
  const err = (field: string, rule: string, message: string) => errors.push({ field, rule, message });
  const notificationDate = app.notificationDate ?? f.today;
  const { child } = app;
  if (child.birthDate > f.today) err('/child/birthDate', 'notFuture', '出生日が未来の日付です');
  if (notificationDate > f.today) err('/notificationDate', 'notFuture', '届出日が未来の日付です');
  if (child.birthDate > notificationDate) err('/child/birthDate', 'notAfterNotification', '出生日が届出日より後です');
  // 出生届 within 14 days of birth (law: 戸籍法第49条): a late one is a finding at 決裁, not a refusal
  if (child.birthDate <= notificationDate && isLateBirthFiling(child.birthDate, notificationDate, f.deadlines))
    flags.add(BirthFlag.LATE_BIRTH_FILING);
  if (!isBirthRelationship(child.relationshipToHead, app.household.mode))
    err(
      '/child/relationshipToHead',
      'birthRelationship',
      app.household.mode === 'new'
        ? '新しい世帯をつくる場合、続柄は世帯主です'
        : '出生子の続柄は「子」です（世帯主の孫は「子の子」）',
    );
  if (app.household.mode === 'join') {
    if (!f.household) err('/household/householdNumber', 'householdExists', '指定の世帯が見つかりません');
    else if (!f.household.active)
      err('/household/householdNumber', 'householdActive', '指定の世帯は除票（消除済み）です');
  }
  if (f.poolLevel < 1)
    err(
      '/child',
      'residentCodePoolEmpty',
      '住民票コードの在庫がありません（CS から補充されるまで出生の記載はできません）',
    );
  if (app.notifier.kind === 'proxy' && app.notifier.powerOfAttorney !== true)
    err('/notifier/powerOfAttorney', 'required', '代理人の届出には委任状の確認が必要です');
  // 個人番号 on the copy only at the request of the 本人 or a household member where the city allows it (domain spec §5.2)
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
  return { errors, flags: [...flags], notificationDate };
}

import type { FieldError } from '../../domain/ajv';
import { addDays } from '../../domain/dates';
import { specialMoveInLastDay, type MoveDeadlineRules } from '../../domain/move-deadlines';
import { isValidRelationship } from '../../domain/registry-values';
import type { SpecialMoveInApplication, StoredSpecialMoveInApplication } from './schema';

/** What the 特例転入 rules need, read beforehand. */
export interface SpecialMoveInFacts {
  today: string;
  municipalityCode: string;
  deadlines: MoveDeadlineRules;
  /** household.mode = join: an active household with that number exists. */
  householdExists: boolean;
  /** Per person, in order: currently registered here (住民 or 転出予定者) by 住民票コード. */
  registered: readonly boolean[];
  /** Per person, in order: the 転出予定日 of a held 転出証明書情報 for the 住民票コード, if one is held. */
  heldPlannedMoveOutDates: ReadonlyArray<string | undefined>;
}

/** Rules of a 特例転入届 (domain.md §4.2) on facts read beforehand. */
export function evaluateSpecialMoveIn(app: SpecialMoveInApplication, f: SpecialMoveInFacts) {
  const errors: FieldError[] = [];
  const err = (field: string, rule: string, message: string) => errors.push({ field, rule, message });
  const notificationDate = app.notificationDate ?? f.today;
  if (app.moveInDate > f.today) err('/moveInDate', 'notFuture', '転入日が未来の日付です');
  if (notificationDate > f.today) err('/notificationDate', 'notFuture', '届出日が未来の日付です');
  if (app.moveInDate > notificationDate) err('/moveInDate', 'notAfterNotification', '転入日が届出日より後です');
  if (app.originMunicipalityCode === f.municipalityCode)
    err('/originMunicipalityCode', 'notOwnMunicipality', '同一市区町村内の住所変更は転居届です');
  const heads = app.persons.filter((p) => p.relationshipToHead === '世帯主').length;
  if (app.household.mode === 'new' && heads !== 1)
    err('/persons', 'oneHouseholdHead', '新しい世帯には世帯主が1人必要です');
  if (app.household.mode === 'join' && !f.householdExists)
    err('/household/householdNumber', 'householdExists', '指定の世帯が見つかりません');
  // without a held certificate P is unknown, but 転入日 + 14 alone can already be past: no 送信依頼 is worth sending
  const moveInLastDay = addDays(app.moveInDate, f.deadlines.specialMoveInDaysAfterMoveIn);
  if (f.heldPlannedMoveOutDates.some((d) => !d) && notificationDate > moveInLastDay)
    err(
      '/moveInDate',
      'specialMoveInDeadline',
      `特例転入の期限（転入日から${f.deadlines.specialMoveInDaysAfterMoveIn}日: ${moveInLastDay}）を過ぎています。転出証明書による転入届が必要です`,
    );
  for (const [i, p] of app.persons.entries()) {
    const at = `/persons/${i}`;
    if (!isValidRelationship(p.relationshipToHead))
      err(`${at}/relationshipToHead`, 'relationshipVocabulary', '続柄が標準の語彙にありません');
    if (f.registered[i]) err(at, 'alreadyRegistered', 'この方は既に本市に住民登録があります（転入できません）');
    // the deadline min(P + 30, 転入日 + 14) (domain.md §4.2 step 2) is checked now when the certificate is held;
    // otherwise 転入日 + 14 above, and P + 30 on its arrival
    const planned = f.heldPlannedMoveOutDates[i];
    const lastDay = planned && specialMoveInLastDay(planned, app.moveInDate, f.deadlines);
    if (lastDay && notificationDate > lastDay) {
      err(at, 'specialMoveInDeadline', `特例転入の期限（${lastDay}）を過ぎています。転出証明書による転入届が必要です`);
    }
  }
  // the card flag stored for every person (false = no card of their own): see specialMoveInCardHolders
  const persons = app.persons.map((p) => ({ ...p, cardPresented: p.cardPresented === true }));
  const stored: StoredSpecialMoveInApplication = { ...app, persons, notificationDate };
  return { errors, stored };
}

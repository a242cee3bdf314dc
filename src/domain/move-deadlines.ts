/**
 * Deadlines of the move pair (domain.md §6, §10.2), in Japan-time calendar dates. Every number comes from the
 * configuration (`AppConfig.deadlines`, domain.md §9.3) and is passed in; DEFAULT_MOVE_RULES holds the spec values.
 */
import { addDays, jstStartOfDay, minDate, type IsoDate } from './dates';

export interface MoveDeadlineRules {
  specialMoveInDaysAfterPlanned: number; // 特例転入: 転出予定年月日 + 30
  specialMoveInDaysAfterMoveIn: number; // 特例転入: 転入日 + 14
  heldCertificateDays: number; // held 転出証明書情報: P + 30, purged at 00:00 JST on P + 31
  moveInFilingDays: number; // 転入届 within 14 days of moving in (law: 住基法第22条); later ones are flagged late
  lateMoveOutDays: number; // 転出届 later than 異動日 + 14 → ex officio (standard spec 4.1.3.0.1)
  moveInNoticeOverdueDays: number; // 転入通知未着: flag at P + 30 (design)
  continuedUseDays: number; // 継続利用 within 90 days of the 転入届
  authCertificateRevocationDays: number; // 利用者証明用電子証明書: revoked without a 転入届 within P + 30 (公的個人認証法第31条)
  onlineWindowBefore: number; // online 転出: P − 30 …
  onlineWindowAfter: number; // … P + 10
  onlineSignerMinAge: number; // online 転出: the signer is at least 15 on the application date
  birthFilingDays: number; // 出生届 within 14 days of birth (law: 戸籍法第49条); later ones are flagged late
  moveWithinFilingDays: number; // 転居届 within 14 days of the move (law: 住基法第23条); later ones are flagged late
  cardStorageDays: number; // 個人番号カード kept for the resident this many days after production, then 廃止 (design)
  cardReminderLeadDays: number; // a reminder 交付通知書 this many days before the storage limit (design)
  cardValidityAgeBoundary: number; // card valid to the 5th birthday after issue below this age, else the 10th (§4.8 item 7)
}

/**
 * The domain spec's values (§6, §10.2). The configuration (`AppConfig.deadlines`) starts from them; they are also the
 * values of a workflow started before its input carried the numbers (README: Changing workflow code).
 */
export const DEFAULT_MOVE_RULES: Readonly<MoveDeadlineRules> = Object.freeze({
  specialMoveInDaysAfterPlanned: 30,
  specialMoveInDaysAfterMoveIn: 14,
  heldCertificateDays: 30,
  moveInFilingDays: 14,
  lateMoveOutDays: 14,
  moveInNoticeOverdueDays: 30,
  continuedUseDays: 90,
  authCertificateRevocationDays: 30,
  onlineWindowBefore: 30,
  onlineWindowAfter: 10,
  onlineSignerMinAge: 15,
  birthFilingDays: 14,
  moveWithinFilingDays: 14,
  cardStorageDays: 90,
  cardReminderLeadDays: 30,
  cardValidityAgeBoundary: 18,
});

/** Last day (inclusive) on which a 特例転入 may be filed: min(P + 30, 転入日 + 14). */
export const specialMoveInLastDay = (plannedMoveOutDate: IsoDate, moveInDate: IsoDate, r: MoveDeadlineRules): IsoDate =>
  minDate(
    addDays(plannedMoveOutDate, r.specialMoveInDaysAfterPlanned),
    addDays(moveInDate, r.specialMoveInDaysAfterMoveIn),
  );

/** The held 転出証明書情報 is kept through the end of this day (P + 30). */
export const heldCertificateLastDay = (plannedMoveOutDate: IsoDate, r: MoveDeadlineRules): IsoDate =>
  addDays(plannedMoveOutDate, r.heldCertificateDays);

/** The instant the held 転出証明書情報 is purged: 00:00 JST on P + 31. */
export const heldCertificatePurgeAt = (plannedMoveOutDate: IsoDate, r: MoveDeadlineRules): Date =>
  jstStartOfDay(addDays(heldCertificateLastDay(plannedMoveOutDate, r), 1));

/** A 転出届 filed more than 14 days after the 異動日 is handled ex officio (申出): no 転出証明書, no special path. */
export const isLateMoveOut = (changeDate: IsoDate, notificationDate: IsoDate, r: MoveDeadlineRules): boolean =>
  notificationDate > addDays(changeDate, r.lateMoveOutDays);

/** The 住民票 becomes a 除票 on the earlier of the planned date and the 転入日 of a received 転入通知. */
export const removalDate = (plannedMoveOutDate: IsoDate, noticeMoveInDate?: IsoDate): IsoDate =>
  noticeMoveInDate ? minDate(plannedMoveOutDate, noticeMoveInDate) : plannedMoveOutDate;

/** Day on which a 国内転出 without a 転入通知 is flagged 転入通知未着. */
export const moveInNoticeOverdueDay = (plannedMoveOutDate: IsoDate, r: MoveDeadlineRules): IsoDate =>
  addDays(plannedMoveOutDate, r.moveInNoticeOverdueDays);

/** Last day for the card's 継続利用 after a 転入届. */
export const continuedUseLastDay = (moveInNotificationDate: IsoDate, r: MoveDeadlineRules): IsoDate =>
  addDays(moveInNotificationDate, r.continuedUseDays);

/** First day on which the 利用者証明用電子証明書 is revoked if no 転入届 was made (公的個人認証法第31条). */
export const authCertificateRevokedFrom = (plannedMoveOutDate: IsoDate, r: MoveDeadlineRules): IsoDate =>
  addDays(plannedMoveOutDate, r.authCertificateRevocationDays + 1);

/** 転入届 is due within 14 days of moving in (law: 住基法第22条); later filings are accepted and flagged late. */
export const moveInDueDate = (moveInDate: IsoDate, r: MoveDeadlineRules): IsoDate =>
  addDays(moveInDate, r.moveInFilingDays);
export const isLateMoveIn = (moveInDate: IsoDate, notificationDate: IsoDate, r: MoveDeadlineRules): boolean =>
  notificationDate > moveInDueDate(moveInDate, r);

/** The online 転出 filing window [P − 30, P + 10]. */
export const onlineMoveOutWindow = (
  plannedMoveOutDate: IsoDate,
  r: MoveDeadlineRules,
): { first: IsoDate; last: IsoDate } => ({
  first: addDays(plannedMoveOutDate, -r.onlineWindowBefore),
  last: addDays(plannedMoveOutDate, r.onlineWindowAfter),
});

/** 出生届 is due within 14 days of birth (law: 戸籍法第49条, domain spec §6); a later one is accepted and flagged late. */
export const isLateBirthFiling = (birthDate: IsoDate, notificationDate: IsoDate, r: MoveDeadlineRules): boolean =>
  notificationDate > addDays(birthDate, r.birthFilingDays);

/** 転居届 is due within 14 days of the move (law: 住基法第23条, domain spec §4.9, §6); a later one is a finding. */
export const isLateMoveWithinFiling = (moveDate: IsoDate, notificationDate: IsoDate, r: MoveDeadlineRules): boolean =>
  notificationDate > addDays(moveDate, r.moveWithinFilingDays);

/**
 * Deadlines of the move pair (domain.md §6, §10.2), in Japan-time calendar dates. Every number is configurable
 * (domain.md §9.3): the defaults are the service rules and ordinances as the domain document states them.
 */
import { addDays, jstStartOfDay, minDate, type IsoDate } from './dates';

export interface MoveDeadlineRules {
  specialMoveInDaysAfterPlanned: number; // 特例転入: 転出予定年月日 + 30
  specialMoveInDaysAfterMoveIn: number; // 特例転入: 転入日 + 14
  heldCertificateDays: number; // held 転出証明書情報: P + 30, purged at 00:00 JST on P + 31
  lateMoveOutDays: number; // 転出届 later than 異動日 + 14 → ex officio (standard spec 4.1.3.0.1)
  moveInNoticeOverdueDays: number; // 転入通知未着: flag at P + 30 (design)
  continuedUseDays: number; // 継続利用 within 90 days of the 転入届
  onlineWindowBefore: number; // online 転出: P − 30 …
  onlineWindowAfter: number; // … P + 10
}

export const DEFAULT_MOVE_RULES: MoveDeadlineRules = {
  specialMoveInDaysAfterPlanned: 30,
  specialMoveInDaysAfterMoveIn: 14,
  heldCertificateDays: 30,
  lateMoveOutDays: 14,
  moveInNoticeOverdueDays: 30,
  continuedUseDays: 90,
  onlineWindowBefore: 30,
  onlineWindowAfter: 10,
};

/** Last day (inclusive) on which a 特例転入 may be filed: min(P + 30, 転入日 + 14). */
export const specialMoveInLastDay = (
  plannedMoveOutDate: IsoDate,
  moveInDate: IsoDate,
  r = DEFAULT_MOVE_RULES,
): IsoDate =>
  minDate(
    addDays(plannedMoveOutDate, r.specialMoveInDaysAfterPlanned),
    addDays(moveInDate, r.specialMoveInDaysAfterMoveIn),
  );

/** The held 転出証明書情報 is kept through the end of this day (P + 30). */
export const heldCertificateLastDay = (plannedMoveOutDate: IsoDate, r = DEFAULT_MOVE_RULES): IsoDate =>
  addDays(plannedMoveOutDate, r.heldCertificateDays);

/** The instant the held 転出証明書情報 is purged: 00:00 JST on P + 31. */
export const heldCertificatePurgeAt = (plannedMoveOutDate: IsoDate, r = DEFAULT_MOVE_RULES): Date =>
  jstStartOfDay(addDays(heldCertificateLastDay(plannedMoveOutDate, r), 1));

/** A 転出届 filed more than 14 days after the 異動日 is handled ex officio (申出): no 転出証明書, no special path. */
export const isLateMoveOut = (changeDate: IsoDate, notificationDate: IsoDate, r = DEFAULT_MOVE_RULES): boolean =>
  notificationDate > addDays(changeDate, r.lateMoveOutDays);

/** The 住民票 becomes a 除票 on the earlier of the planned date and the 転入日 of a received 転入通知. */
export const removalDate = (plannedMoveOutDate: IsoDate, noticeMoveInDate?: IsoDate): IsoDate =>
  noticeMoveInDate ? minDate(plannedMoveOutDate, noticeMoveInDate) : plannedMoveOutDate;

/** Day on which a 国内転出 without a 転入通知 is flagged 転入通知未着. */
export const moveInNoticeOverdueDay = (plannedMoveOutDate: IsoDate, r = DEFAULT_MOVE_RULES): IsoDate =>
  addDays(plannedMoveOutDate, r.moveInNoticeOverdueDays);

/** Last day for the card's 継続利用 after a 転入届. */
export const continuedUseLastDay = (moveInNotificationDate: IsoDate, r = DEFAULT_MOVE_RULES): IsoDate =>
  addDays(moveInNotificationDate, r.continuedUseDays);

/** First day on which the 利用者証明用電子証明書 is revoked if no 転入届 was made (公的個人認証法第31条). */
export const authCertificateRevokedFrom = (plannedMoveOutDate: IsoDate): IsoDate => addDays(plannedMoveOutDate, 31);

/** The online 転出 filing window [P − 30, P + 10]. */
export const onlineMoveOutWindow = (
  plannedMoveOutDate: IsoDate,
  r = DEFAULT_MOVE_RULES,
): { first: IsoDate; last: IsoDate } => ({
  first: addDays(plannedMoveOutDate, -r.onlineWindowBefore),
  last: addDays(plannedMoveOutDate, r.onlineWindowAfter),
});

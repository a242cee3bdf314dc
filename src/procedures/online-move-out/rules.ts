/**
 * Eligibility of an online 転出届 from マイナポータル (domain.md §4.4 step 2). Pure: the caller gathers the facts from the
 * registry. Absolute rules reject the application (the portal is told why); the others become findings that a clerk
 * reviews before 決裁.
 *
 * | rule                 | source                                     | outcome   |
 * |----------------------|--------------------------------------------|-----------|
 * | SIGNER_UNDER_15      | `002_39806ff4500f9589.txt` L7145 (no 署名用電子証明書 below 15; configurable) | reject |
 * | SIGNER_NOT_IN_HOUSEHOLD | service rule: no proxies online          | reject    |
 * | MOVER_NOT_IN_HOUSEHOLD | every mover is of the signer's 世帯 (same 世帯番号; the 届出 is per 世帯, 住基法第24条) | reject |
 * | OUTSIDE_WINDOW       | service rule: received P − 30 … P + 10 (configurable) | reject |
 * | ABROAD               | service rule: 国外転出 is not accepted online | reject    |
 * | DESTINATION_CODE_REQUIRED | the 転入予定地 must be known to route the 転出証明書情報 (§4.3 special path) | reject |
 * | DESTINATION_IS_HERE  | a move inside the municipality is a 転居 (law: 住基法第23条), not a 転出 | reject |
 * | APPLICATION_DATE_IN_FUTURE | the application date cannot lie after its reception | reject |
 * | MOVER_NOT_MATCHED    | 4情報 do not match a current record        | finding   |
 * | PENDING_MOVE_OUT     | a mover already has a 転出 in progress      | finding   |
 * | SUPPORT_MEASURE      | 抑止 / 支援措置 on a mover (§8.6)            | blocking finding |
 * | HEAD_CHANGE_EX_OFFICIO | the 世帯主 leaves and members stay (§3.2): 世帯主変更 at the commit — the one member, or the one the clerk chooses at 審査 | finding |
 *
 * HEAD_CHANGE_REQUIRED (the 世帯主 leaves two or more behind: refused until a 世帯主変更) is no longer raised; it stays
 * blocking for cases that were flagged with it before.
 *
 * A finding in BLOCKING_FINDINGS stops the clerk from confirming the review: the application can then only be
 * rejected (with the reason sent to the portal) or the applicant contacted. The others are for the clerk to check.
 * `blocked`: the mover is under a 支援措置 or 抑止 in force (src/db/support-measures.ts).
 */
import { ageRangeOn, type IsoDate } from '../../domain/dates';
import { onlineMoveOutWindow, type MoveDeadlineRules } from '../../domain/move-deadlines';

export const OnlineMoveOutRule = {
  SIGNER_UNDER_15: 'SIGNER_UNDER_15',
  SIGNER_NOT_IN_HOUSEHOLD: 'SIGNER_NOT_IN_HOUSEHOLD',
  MOVER_NOT_IN_HOUSEHOLD: 'MOVER_NOT_IN_HOUSEHOLD',
  OUTSIDE_WINDOW: 'OUTSIDE_WINDOW',
  ABROAD: 'ABROAD',
  MOVER_NOT_MATCHED: 'MOVER_NOT_MATCHED',
  PENDING_MOVE_OUT: 'PENDING_MOVE_OUT',
  SUPPORT_MEASURE: 'SUPPORT_MEASURE',
  DESTINATION_CODE_REQUIRED: 'DESTINATION_CODE_REQUIRED',
  DESTINATION_IS_HERE: 'DESTINATION_IS_HERE',
  APPLICATION_DATE_IN_FUTURE: 'APPLICATION_DATE_IN_FUTURE',
  HEAD_CHANGE_REQUIRED: 'HEAD_CHANGE_REQUIRED',
  HEAD_CHANGE_EX_OFFICIO: 'HEAD_CHANGE_EX_OFFICIO',
} as const;
export type OnlineMoveOutRule = (typeof OnlineMoveOutRule)[keyof typeof OnlineMoveOutRule];

/** Findings that forbid confirming the review (the 転出 could not be committed as filed). */
export const BLOCKING_FINDINGS: ReadonlySet<string> = new Set([
  OnlineMoveOutRule.MOVER_NOT_MATCHED,
  OnlineMoveOutRule.PENDING_MOVE_OUT,
  OnlineMoveOutRule.HEAD_CHANGE_REQUIRED,
  // a protected mover is handled in person at the counter (domain.md §8.6): reject with a reason or contact first
  OnlineMoveOutRule.SUPPORT_MEASURE,
]);

export interface OnlineMoveOutFacts {
  applicationDate: IsoDate;
  plannedMoveOutDate: IsoDate;
  destinationAbroad: boolean;
  /**
   * The reception date (JST): the day this system received the application from the portal, by its own clock. The
   * filing window is judged on it, not on the date inside the signed content (which may not be later).
   */
  receivedDate: IsoDate;
  destinationMunicipalityCode?: string;
  ownMunicipalityCode?: string;
  /** The 世帯主 is among the movers and members of the household stay behind. */
  headLeavesMembersBehind?: boolean;
  /** The signer as identified by the certificate and matched in the registry (if at all). */
  signer: { birthDate: IsoDate; addresseeNumber?: string; householdNumber?: string };
  movers: Array<{
    matched: boolean;
    addresseeNumber?: string;
    householdNumber?: string;
    pendingMoveOut: boolean;
    blocked: boolean;
  }>;
}

export interface RuleOutcome {
  rule: OnlineMoveOutRule;
  message: string; // Japanese, for the portal or the clerk; never personal data
  mover?: number; // index into movers
}

export function evaluateOnlineMoveOut(
  f: OnlineMoveOutFacts,
  rules: MoveDeadlineRules,
): { rejections: RuleOutcome[]; findings: RuleOutcome[] } {
  const rejections: RuleOutcome[] = [];
  const findings: RuleOutcome[] = [];
  // at least N: the youngest the signer can be counts (an unknown part never makes anyone old enough)
  if (ageRangeOn(f.signer.birthDate, f.applicationDate).min < rules.onlineSignerMinAge) {
    rejections.push({
      rule: OnlineMoveOutRule.SIGNER_UNDER_15,
      message: `署名者が${rules.onlineSignerMinAge}歳未満のため、オンラインでの転出届はできません`,
    });
  }
  const households = new Set(f.movers.map((m) => m.householdNumber).filter(Boolean));
  const signerIsMover =
    f.signer.addresseeNumber !== undefined && f.movers.some((m) => m.addresseeNumber === f.signer.addresseeNumber);
  const signerInHousehold = f.signer.householdNumber !== undefined && households.has(f.signer.householdNumber);
  if (!signerIsMover && !signerInHousehold) {
    rejections.push({
      rule: OnlineMoveOutRule.SIGNER_NOT_IN_HOUSEHOLD,
      message: '署名者が転出者またはその世帯の方ではありません（代理の申請はできません）',
    });
  }
  // a person of another 世帯 at the same address is not the signer's to move (issue 13 item 9)
  if (
    (signerIsMover || signerInHousehold) &&
    f.movers.some((m) => m.matched && m.householdNumber !== f.signer.householdNumber)
  ) {
    rejections.push({
      rule: OnlineMoveOutRule.MOVER_NOT_IN_HOUSEHOLD,
      message: '署名者と別の世帯の方が転出者に含まれています（世帯ごとに申請してください）',
    });
  }
  const window = onlineMoveOutWindow(f.plannedMoveOutDate, rules);
  if (f.receivedDate < window.first || f.receivedDate > window.last) {
    rejections.push({
      rule: OnlineMoveOutRule.OUTSIDE_WINDOW,
      message: `申請の受付は転出予定日の${rules.onlineWindowBefore}日前から${rules.onlineWindowAfter}日後までです`,
    });
  }
  if (f.destinationAbroad)
    rejections.push({ rule: OnlineMoveOutRule.ABROAD, message: '国外への転出はオンラインでは受け付けていません' });
  else if (!f.destinationMunicipalityCode)
    rejections.push({
      rule: OnlineMoveOutRule.DESTINATION_CODE_REQUIRED,
      message: '転出先の市区町村が指定されていません',
    });
  else if (f.destinationMunicipalityCode === f.ownMunicipalityCode)
    rejections.push({
      rule: OnlineMoveOutRule.DESTINATION_IS_HERE,
      message: '市内での住所変更は転居届です（転出届は出せません）',
    });
  if (f.applicationDate > f.receivedDate)
    rejections.push({
      rule: OnlineMoveOutRule.APPLICATION_DATE_IN_FUTURE,
      message: '申請日が受付日より後になっています',
    });
  if (f.headLeavesMembersBehind)
    findings.push({
      rule: OnlineMoveOutRule.HEAD_CHANGE_EX_OFFICIO,
      message: '世帯主が転出し世帯員が残るため、審査で新しい世帯主を確認し、転出の記録と同時に職権で世帯主を変更します',
    });
  f.movers.forEach((m, i) => {
    if (!m.matched)
      findings.push({
        rule: OnlineMoveOutRule.MOVER_NOT_MATCHED,
        mover: i,
        message: '住民票の記載と一致しない転出者がいます',
      });
    if (m.pendingMoveOut)
      findings.push({ rule: OnlineMoveOutRule.PENDING_MOVE_OUT, mover: i, message: '既に転出の手続き中の方がいます' });
    if (m.blocked)
      findings.push({
        rule: OnlineMoveOutRule.SUPPORT_MEASURE,
        mover: i,
        message: '支援措置・抑止の対象者が含まれます',
      });
  });
  return { rejections, findings };
}

/**
 * Eligibility of an online 転出届 from マイナポータル (domain.md §4.4 step 2). Pure: the caller gathers the facts from the
 * registry. Absolute rules reject the application (the portal is told why); the others become findings that a clerk
 * reviews before 決裁.
 *
 * | rule                 | source                                     | outcome   |
 * |----------------------|--------------------------------------------|-----------|
 * | SIGNER_UNDER_15      | `002_39806ff4500f9589.txt` L7145 (no 署名用電子証明書 below 15) | reject |
 * | SIGNER_NOT_IN_HOUSEHOLD | service rule: no proxies online          | reject    |
 * | OUTSIDE_WINDOW       | service rule: P − 30 … P + 10 (configurable) | reject  |
 * | ABROAD               | service rule: 国外転出 is not accepted online | reject    |
 * | MOVER_NOT_MATCHED    | 4情報 do not match a current record        | finding   |
 * | PENDING_MOVE_OUT     | a mover already has a 転出 in progress      | finding   |
 * | SUPPORT_MEASURE      | 抑止 / 支援措置 on a mover (§8.6)            | finding   |
 */
import { ageOn, type IsoDate } from './dates';
import { DEFAULT_MOVE_RULES, onlineMoveOutWindow, type MoveDeadlineRules } from './move-deadlines';

export const OnlineMoveOutRule = {
  SIGNER_UNDER_15: 'SIGNER_UNDER_15',
  SIGNER_NOT_IN_HOUSEHOLD: 'SIGNER_NOT_IN_HOUSEHOLD',
  OUTSIDE_WINDOW: 'OUTSIDE_WINDOW',
  ABROAD: 'ABROAD',
  MOVER_NOT_MATCHED: 'MOVER_NOT_MATCHED',
  PENDING_MOVE_OUT: 'PENDING_MOVE_OUT',
  SUPPORT_MEASURE: 'SUPPORT_MEASURE',
} as const;
export type OnlineMoveOutRule = (typeof OnlineMoveOutRule)[keyof typeof OnlineMoveOutRule];

export const MIN_SIGNER_AGE = 15;

export interface OnlineMoveOutFacts {
  applicationDate: IsoDate;
  plannedMoveOutDate: IsoDate;
  destinationAbroad: boolean;
  /** The signer as identified by the certificate and matched in the registry (if at all). */
  signer: { birthDate: IsoDate; addresseeNumber?: string; householdNumber?: string };
  movers: Array<{ matched: boolean; addresseeNumber?: string; householdNumber?: string; pendingMoveOut: boolean; blocked: boolean }>;
}

export interface RuleOutcome {
  rule: OnlineMoveOutRule;
  message: string; // Japanese, for the portal or the clerk; never personal data
  mover?: number; // index into movers
}

export function evaluateOnlineMoveOut(f: OnlineMoveOutFacts, rules: MoveDeadlineRules = DEFAULT_MOVE_RULES): { rejections: RuleOutcome[]; findings: RuleOutcome[] } {
  const rejections: RuleOutcome[] = [];
  const findings: RuleOutcome[] = [];
  if (ageOn(f.signer.birthDate, f.applicationDate) < MIN_SIGNER_AGE) {
    rejections.push({ rule: OnlineMoveOutRule.SIGNER_UNDER_15, message: '署名者が15歳未満のため、オンラインでの転出届はできません' });
  }
  const households = new Set(f.movers.map((m) => m.householdNumber).filter(Boolean));
  const signerIsMover = f.signer.addresseeNumber !== undefined && f.movers.some((m) => m.addresseeNumber === f.signer.addresseeNumber);
  const signerInHousehold = f.signer.householdNumber !== undefined && households.has(f.signer.householdNumber);
  if (!signerIsMover && !signerInHousehold) {
    rejections.push({ rule: OnlineMoveOutRule.SIGNER_NOT_IN_HOUSEHOLD, message: '署名者が転出者またはその世帯の方ではありません（代理の申請はできません）' });
  }
  const window = onlineMoveOutWindow(f.plannedMoveOutDate, rules);
  if (f.applicationDate < window.first || f.applicationDate > window.last) {
    rejections.push({ rule: OnlineMoveOutRule.OUTSIDE_WINDOW, message: `申請は転出予定日の${rules.onlineWindowBefore}日前から${rules.onlineWindowAfter}日後までです` });
  }
  if (f.destinationAbroad) rejections.push({ rule: OnlineMoveOutRule.ABROAD, message: '国外への転出はオンラインでは受け付けていません' });
  f.movers.forEach((m, i) => {
    if (!m.matched) findings.push({ rule: OnlineMoveOutRule.MOVER_NOT_MATCHED, mover: i, message: '住民票の記載と一致しない転出者がいます' });
    if (m.pendingMoveOut) findings.push({ rule: OnlineMoveOutRule.PENDING_MOVE_OUT, mover: i, message: '既に転出の手続き中の方がいます' });
    if (m.blocked) findings.push({ rule: OnlineMoveOutRule.SUPPORT_MEASURE, mover: i, message: '支援措置・抑止の対象者が含まれます' });
  });
  return { rejections, findings };
}

/**
 * The recorded histories the replay test keeps (test/replay/histories/<name>.json), and how each is picked from a
 * recording run (scripts/replay/curate-histories.ts): by workflow kind, open or closed, the facts of its history
 * (statuses, activities, updates, signals) and the test files it may come from, in order of preference. Among
 * several matches the first started is kept.
 *
 * Open histories matter most: they are what a worker replays after a deploy. Most come from
 * test/replay/scenarios/waiting-cases.test.ts, which leaves one case waiting at each such step.
 */
import { lastCaseStatus, type HistorySummary } from '../../test/support/history-json';

export interface Selection {
  /** `<kind>.<scenario>`: the file name without `.json`. */
  name: string;
  /** The workflow type. */
  kind: string;
  open: boolean;
  /** What the history shows (written to the manifest). */
  scenario: string;
  /** Test files (substrings of the recording's test file) to take it from, in order of preference. */
  from: string[];
  where: (s: HistorySummary) => boolean;
}

const SCENARIOS = 'test/replay/scenarios/waiting-cases';
const has = (s: HistorySummary, ...activities: string[]) => activities.every((a) => a in s.activities);
const updated = (s: HistorySummary, name: string, by?: string) =>
  s.updates.some((u) => u.name === name && (by === undefined || u.by === by));
const is = (status: string) => (s: HistorySummary) => lastCaseStatus(s) === status;

export const SELECTION: Selection[] = [
  // 転入
  {
    name: 'move-in.awaiting-approval',
    kind: 'moveInWorkflow',
    open: true,
    scenario: '転入 entered at the counter, waiting for 決裁 (nothing written or sent yet)',
    from: ['test/integration/move-in.integration'],
    where: (s) => is('AWAITING_APPROVAL')(s) && s.updates.length === 0,
  },
  {
    name: 'move-in.returned-awaiting-resubmit',
    kind: 'moveInWorkflow',
    open: true,
    scenario: '転入 returned by the approver (差戻し), waiting for its maker to resubmit',
    from: [SCENARIOS],
    where: (s) => is('RETURNED')(s) && updated(s, 'requestChanges'),
  },
  {
    name: 'move-in.delivering-cs-down',
    kind: 'moveInWorkflow',
    open: true,
    scenario: '転入 approved and written (本登録) while the CS is down: its delivery activity is being retried',
    from: [SCENARIOS],
    where: (s) => is('DELIVERING')(s) && has(s, 'commitMoveIn', 'deliverCsMessages'),
  },
  {
    name: 'move-in.completed-cs-retried',
    kind: 'moveInWorkflow',
    open: false,
    scenario: '転入 approved, CS delivery failing 3 times then accepted (retried activity), 住民票の写し, completed',
    from: ['test/integration/move-in.integration'],
    where: (s) => s.resultStatus === 'COMPLETED' && (s.activities.deliverCsMessages ?? 0) > 1,
  },
  {
    name: 'move-in.rejected',
    kind: 'moveInWorkflow',
    open: false,
    scenario: '転入 rejected at 決裁: nothing written or sent',
    from: ['test/workflow/move-in.workflow'],
    where: (s) => s.resultStatus === 'REJECTED' && updated(s, 'reject'),
  },
  {
    name: 'move-in.returned-resubmitted-completed',
    kind: 'moveInWorkflow',
    open: false,
    scenario: '転入 returned (差戻し), resubmitted by its maker, approved and completed',
    from: ['test/workflow/case-work.workflow'],
    where: (s) => s.resultStatus === 'COMPLETED' && updated(s, 'requestChanges') && updated(s, 'resubmit'),
  },
  {
    name: 'move-in.retry-now-completed',
    kind: 'moveInWorkflow',
    open: false,
    scenario: '転入 stuck on a long CS outage, re-run at once by a supervisor (retryNow), completed',
    from: ['test/workflow/case-work.workflow'],
    where: (s) => s.resultStatus === 'COMPLETED' && updated(s, 'retryNow'),
  },
  {
    name: 'move-in.claimed-escalated-awaiting-approval',
    kind: 'moveInWorkflow',
    open: true,
    scenario: '転入 claimed by an approver, escalated by a supervisor and released: waits for 決裁, flagged',
    from: ['test/workflow/case-work.workflow'],
    where: (s) => is('AWAITING_APPROVAL')(s) && updated(s, 'claim') && updated(s, 'escalate') && updated(s, 'release'),
  },
  {
    name: 'move-in.claimed-reassigned-completed',
    kind: 'moveInWorkflow',
    open: false,
    scenario: '転入 claimed by an approver, reassigned by a supervisor to another, approved and completed',
    from: ['test/workflow/case-work.workflow'],
    where: (s) => s.resultStatus === 'COMPLETED' && updated(s, 'claim') && updated(s, 'reassign'),
  },
  {
    name: 'move-in.withdrawn',
    kind: 'moveInWorkflow',
    open: false,
    scenario: '転入 returned (差戻し), then withdrawn by its maker (取下げ): nothing written or sent',
    from: ['test/workflow/case-work.workflow'],
    where: (s) => s.resultStatus === 'WITHDRAWN' && updated(s, 'withdraw'),
  },
  {
    name: 'move-in.cancelled-after-commit',
    kind: 'moveInWorkflow',
    open: false,
    scenario: '転入 cancelled by a supervisor after 本登録 while its delivery failed: compensation (異動の取消し)',
    from: ['test/workflow/case-work.workflow'],
    where: (s) =>
      s.resultStatus === 'CANCELLED' && has(s, 'commitMoveIn', 'compensateCase') && updated(s, 'cancelCase'),
  },
  {
    name: 'move-in.from-abroad-number-generated',
    kind: 'moveInWorkflow',
    open: false,
    scenario:
      '国外転入 without a 個人番号: pool 住民票コード, 本人確認情報 without a number, J-LIS generation (child), completed',
    from: ['test/workflow/move-in-from-abroad.workflow'],
    where: (s) => s.resultStatus === 'COMPLETED' && has(s, 'commitMoveIn') && s.childrenStarted > 0,
  },
  // 転出 (counter)
  {
    name: 'move-out.waiting-for-date',
    kind: 'moveOutWorkflow',
    open: true,
    scenario: '転出 (paper path) approved, 転出証明書 issued, the persons 転出予定者 until the planned date',
    from: [SCENARIOS],
    // the paper 転出証明書 is issued in commitMoveOut's activity since patch move-out-commit-step
    where: (s) => is('AWAITING_MOVE_OUT_DATE')(s) && has(s, 'commitMoveOut'),
  },
  {
    name: 'move-out.awaiting-move-in-notice',
    kind: 'moveOutWorkflow',
    open: true,
    scenario: '転出 whose 除票 took effect on the planned date, waiting for the 転入通知',
    from: ['test/integration/two-town-move.integration'],
    where: (s) => is('AWAITING_MOVE_IN_NOTICE')(s) && has(s, 'applyRemoval'),
  },
  {
    name: 'move-out.completed-after-removal-and-notice',
    kind: 'moveOutWorkflow',
    open: false,
    scenario:
      '転出 (paper path): 除票 on the planned date, 転入通知未着 flagged after P + 30, then the 転入通知, completed',
    from: ['test/workflow/move-pair.workflow'],
    where: (s) =>
      s.resultStatus === 'COMPLETED' && has(s, 'commitMoveOut', 'applyRemoval', 'recordMoveInNotice') && s.flagged,
  },
  {
    name: 'move-out.special-request-answered-completed',
    kind: 'moveOutWorkflow',
    open: false,
    scenario: '転出 (special path): a 送信依頼 answered, 除票 on an earlier 転入日 for one person, completed',
    from: ['test/workflow/move-pair.workflow'],
    where: (s) => s.resultStatus === 'COMPLETED' && has(s, 'queueCertificateInfoResend', 'applyRemoval'),
  },
  {
    name: 'move-out.head-change-notices-waiting',
    kind: 'moveOutWorkflow',
    open: true,
    scenario:
      '転出 of the 世帯主 with members staying: 世帯主変更 at the commit, 世帯主変更通知書 issued, waiting for its date',
    from: ['test/integration/move-out-household.integration'],
    // the 世帯主変更通知書 is issued in commitMoveOut's activity since patch move-out-commit-step
    where: (s) => s.open && has(s, 'commitMoveOut'),
  },
  {
    name: 'move-out.cancel-requested-waiting-for-date',
    kind: 'moveOutWorkflow',
    open: true,
    scenario: '転出 approved, waiting for its date, with a cancellation requested by one supervisor (second pending)',
    from: ['test/workflow/case-work.workflow'],
    where: (s) => is('AWAITING_MOVE_OUT_DATE')(s) && updated(s, 'cancelCase') && s.open,
  },
  {
    name: 'move-out.cancelled-before-date',
    kind: 'moveOutWorkflow',
    open: false,
    scenario: '転出 (special path) cancelled before its date: compensation, 転出証明書情報の取消',
    from: ['test/workflow/case-work.workflow'],
    where: (s) => s.resultStatus === 'CANCELLED' && has(s, 'commitMoveOut', 'compensateCase'),
  },
  // 転出証明書情報 held at the destination
  {
    name: 'held-certificate-sweep.sleeping',
    kind: 'heldCertificateSweepWorkflow',
    open: true,
    scenario:
      'the sweep of held 転出証明書情報 (issue 15: one workflow per task queue instead of one per certificate): purged what was due, sleeping until the next purge instant or 00:00 JST',
    from: [SCENARIOS, 'test/workflow/move-pair.workflow', 'test/integration/held-certificate-purge.integration'],
    where: (s) => has(s, 'purgeDueHeldCertificates'),
  },
  {
    name: 'held-certificate.used',
    kind: 'heldCertificateWorkflow',
    open: false,
    scenario: '転出証明書情報 reserved and used by a 特例転入 (the purge stops)',
    from: ['test/workflow/move-pair.workflow', 'test/integration/two-town-move.integration'],
    where: (s) => s.resultStatus === 'USED',
  },
  // 特例転入
  {
    name: 'special-move-in.awaiting-certificate',
    kind: 'specialMoveInWorkflow',
    open: true,
    scenario: '特例転入 without held information: 送信依頼 sent, waiting for the 転出証明書情報',
    from: [SCENARIOS],
    where: (s) => is('AWAITING_CERTIFICATE_INFO')(s) && has(s, 'queueCertificateInfoRequests'),
  },
  {
    name: 'special-move-in.certificate-requested-completed',
    kind: 'specialMoveInWorkflow',
    open: false,
    scenario: '特例転入: 送信依頼, the 転出証明書情報 arrives (signal), 決裁, records written, completed',
    from: ['test/workflow/move-pair.workflow'],
    where: (s) =>
      s.resultStatus === 'COMPLETED' &&
      has(s, 'queueCertificateInfoRequests', 'commitSpecialMoveIn') &&
      s.signals.includes('certificateArrived'),
  },
  {
    name: 'special-move-in.held-used-completed',
    kind: 'specialMoveInWorkflow',
    open: false,
    scenario: '特例転入 with the held 転出証明書情報 (two towns, CS outage on the way), completed',
    from: ['test/integration/two-town-move.integration'],
    where: (s) =>
      s.resultStatus === 'COMPLETED' && has(s, 'commitSpecialMoveIn') && !has(s, 'queueCertificateInfoRequests'),
  },
  {
    name: 'special-move-in.certificate-withdrawn',
    kind: 'specialMoveInWorkflow',
    open: false,
    scenario:
      '特例転入 whose 転出証明書情報 the origin withdrew before 決裁: ended CERTIFICATE_WITHDRAWN, nothing written',
    from: ['test/integration/held-certificate-purge.integration', 'test/workflow/retry-safety.workflow'],
    where: (s) => is('CERTIFICATE_WITHDRAWN')(s) && !has(s, 'commitSpecialMoveIn'),
  },
  // オンライン転出
  {
    name: 'online-move-out.awaiting-review',
    kind: 'onlineMoveOutWorkflow',
    open: true,
    scenario: 'online 転出 received from マイナポータル, waiting for the clerk’s 審査',
    from: [SCENARIOS],
    where: (s) => is('AWAITING_REVIEW')(s) && s.updates.length === 0,
  },
  {
    name: 'online-move-out.reviewed-awaiting-approval',
    kind: 'onlineMoveOutWorkflow',
    open: true,
    scenario: 'online 転出 after 審査 (confirmReview), waiting for 決裁',
    from: [SCENARIOS],
    where: (s) => is('AWAITING_APPROVAL')(s) && updated(s, 'confirmReview'),
  },
  {
    name: 'online-move-out.waiting-for-date',
    kind: 'onlineMoveOutWorkflow',
    open: true,
    scenario: 'online 転出: contact, 審査, 決裁, 転出証明書情報 sent, portal told; 転出予定者 until the planned date',
    from: ['test/workflow/online-move-out.workflow'],
    where: (s) => is('AWAITING_MOVE_OUT_DATE')(s) && updated(s, 'requestContact') && has(s, 'notifyPortal'),
  },
  {
    name: 'online-move-out.head-change-notices-waiting',
    kind: 'onlineMoveOutWorkflow',
    open: true,
    scenario:
      'online 転出 of the 世帯主 with members staying: new 世帯主 chosen at 審査, 世帯主変更 at the commit, 世帯主変更通知書 issued, 除票, waiting for the 転入通知',
    from: ['test/integration/move-out-household.integration'],
    // the 世帯主変更通知書 is issued in commitMoveOut's activity since patch online-move-out-commit-step
    where: (s) => s.open && has(s, 'commitMoveOut'),
  },
  {
    name: 'online-move-out.completed',
    kind: 'onlineMoveOutWorkflow',
    open: false,
    scenario: 'online 転出 end to end: 審査, 決裁, 除票, 転入通知 from the destination, completed',
    from: ['test/integration/online-move-out.integration'],
    where: (s) => s.resultStatus === 'COMPLETED' && has(s, 'applyRemoval', 'recordMoveInNotice'),
  },
  {
    name: 'online-move-out.cancelled-by-portal',
    kind: 'onlineMoveOutWorkflow',
    open: false,
    scenario: 'online 転出 cancelled by the portal after 本登録: compensation, destination and portal told',
    from: ['test/integration/online-move-out.integration', 'test/workflow/online-move-out.workflow'],
    where: (s) => s.resultStatus === 'CANCELLED' && updated(s, 'cancelCase', 'portal') && has(s, 'compensateCase'),
  },
  {
    name: 'online-move-out.rejected',
    kind: 'onlineMoveOutWorkflow',
    open: false,
    scenario: 'online 転出 rejected at 審査 with the clerk’s reason, sent to the portal',
    from: ['test/workflow/online-move-out.workflow'],
    where: (s) => s.resultStatus === 'REJECTED' && has(s, 'notifyPortal'),
  },
  // certificates
  {
    name: 'certificate-reissue.issued',
    kind: 'certificateReissueWorkflow',
    open: false,
    scenario: '再交付 of a 転出証明書 (new 発行番号, marked 「再交付」)',
    from: ['test/integration/two-town-move.integration'],
    where: (s) => has(s, 'reissueCertificate'),
  },
  {
    name: 'resident-record-copy.issued',
    kind: 'residentRecordCopyWorkflow',
    open: false,
    scenario: '住民票の写し issued at the counter, outside a procedure',
    from: [SCENARIOS],
    where: (s) => has(s, 'issueCounterResidentRecordCopy'),
  },
  // 出生
  {
    name: 'birth.completed',
    kind: 'birthWorkflow',
    open: false,
    scenario:
      '出生 approved: 住民票コード from the pool, 本人確認情報, 個人番号 generated by J-LIS (child), 通知票 and 写し',
    from: ['test/workflow/birth.workflow'],
    where: (s) => is('COMPLETED')(s) && has(s, 'commitBirth', 'issueResidentCodeNotice', 'issueResidentRecordCopy'),
  },
  // 転居, 世帯変更, 死亡 (issue 14)
  {
    name: 'move-within.awaiting-approval',
    kind: 'moveWithinWorkflow',
    open: true,
    scenario: '転居 of a whole household entered at the counter, waiting for 決裁',
    from: [SCENARIOS],
    where: is('AWAITING_APPROVAL'),
  },
  {
    name: 'move-within.completed',
    kind: 'moveWithinWorkflow',
    open: false,
    scenario: '転居 approved: 転居 and household 異動, address-only 本人確認情報, 写し, 附票, card endorsement',
    from: ['test/workflow/move-within.workflow'],
    where: (s) => is('COMPLETED')(s) && has(s, 'commitMoveWithin', 'issueResidentRecordCopy'),
  },
  {
    name: 'move-within.cancelled-after-commit',
    kind: 'moveWithinWorkflow',
    open: false,
    scenario: '転居 cancelled after 本登録: 異動の取消し（修正） appended',
    from: ['test/workflow/move-within.workflow'],
    where: (s) => s.resultStatus === 'CANCELLED' && has(s, 'commitMoveWithin'),
  },
  {
    name: 'household-change.awaiting-approval',
    kind: 'householdChangeWorkflow',
    open: true,
    scenario: '世帯主変更 entered at the counter, waiting for 決裁',
    from: [SCENARIOS],
    where: is('AWAITING_APPROVAL'),
  },
  {
    name: 'household-change.completed',
    kind: 'householdChangeWorkflow',
    open: false,
    scenario: '世帯変更 approved: appended snapshots, the 写し',
    from: ['test/workflow/household-death.workflow'],
    where: (s) => is('COMPLETED')(s) && has(s, 'commitHouseholdChange'),
  },
  {
    name: 'death.awaiting-approval',
    kind: 'deathWorkflow',
    open: true,
    scenario: '死亡 of a household member entered from the 死亡届, waiting for 決裁',
    from: [SCENARIOS],
    where: is('AWAITING_APPROVAL'),
  },
  {
    name: 'death.completed-card-cancelled',
    kind: 'deathWorkflow',
    open: false,
    scenario:
      '死亡 of a 世帯主 with a card: 除票, 本人確認情報, 世帯主 ex officio, card 廃止 to J-LIS, 世帯主変更通知書',
    from: ['test/workflow/household-death.workflow'],
    where: (s) => is('COMPLETED')(s) && has(s, 'commitDeath', 'sendCardEvents'),
  },
  // 個人番号 generation (出生, 国外転入 and every 転入 without a number)
  {
    name: 'individual-number.waiting-for-answer',
    kind: 'individualNumberWorkflow',
    open: true,
    scenario: 'generation requested, no answer past the limit: console task, still waiting for J-LIS',
    from: ['test/workflow/individual-number.workflow'],
    where: (s) => has(s, 'flagIndividualNumberRequest') && !has(s, 'recordIndividualNumber'),
  },
  {
    name: 'individual-number.recorded',
    kind: 'individualNumberWorkflow',
    open: false,
    scenario:
      'the answer recorded as 個人番号（職権記載） and its 本人確認情報 sent; 送付先情報 handed to its own workflow',
    from: ['test/workflow/individual-number.workflow', 'test/integration/individual-number.integration'],
    where: (s) => has(s, 'recordIndividualNumber'),
  },
  {
    name: 'delivery-address.purged',
    kind: 'deliveryAddressWorkflow',
    open: false,
    scenario: '送付先情報 sent to J-LIS and purged on its receipt',
    from: ['test/integration/individual-number.integration', 'test/workflow/individual-number.workflow'],
    where: (s) => has(s, 'purgeDeliveryAddressInfo'),
  },
  // 個人番号カード
  {
    name: 'card-issuance.awaiting-handover',
    kind: 'cardIssuanceWorkflow',
    open: true,
    scenario: 'a card J-LIS reported produced, its 交付通知書 sent, waiting at the office for the handover',
    from: [SCENARIOS, 'test/integration/card-issuance.integration'],
    where: is('AWAITING_REVIEW'),
  },
  {
    name: 'card-issuance.issued',
    kind: 'cardIssuanceWorkflow',
    open: false,
    scenario: 'handover recorded → 決裁 by another person → ISSUED and the 交付 event sent to J-LIS',
    from: ['test/workflow/card-issuance.workflow', 'test/integration/card-issuance.integration'],
    where: (s) => is('COMPLETED')(s) && has(s, 'sendCardEvents'),
  },
  {
    name: 'card-issuance.storage-expired',
    kind: 'cardIssuanceWorkflow',
    open: false,
    scenario: 'not collected: the reminder, then 廃止 (NOT_COLLECTED) sent at the storage limit',
    from: ['test/workflow/card-issuance.workflow'],
    where: is('STORAGE_EXPIRED'),
  },
  {
    name: 'card-events.sent',
    kind: 'cardEventsWorkflow',
    open: false,
    scenario: "a person's card events (一時停止 recorded, 解除 sent through a J-LIS outage) sent in order, then idle",
    from: ['test/workflow/card-events.workflow', 'test/integration/card-events.integration'],
    where: (s) => has(s, 'sendCardEvents'),
  },
  {
    name: 'move-in.card-continued-use',
    kind: 'moveInWorkflow',
    open: false,
    scenario: '転入 with a presented card: the 継続利用 request queued for the card holder only, its ack → ISSUED',
    from: ['test/workflow/card-continued-use.workflow', 'test/integration/card-events.integration'],
    // the 継続利用 queued by its own activity (before move-in-commit-step) or in the commit step, then settled
    where: (s) => is('COMPLETED')(s) && (has(s, 'queueContinuedUse') || has(s, 'settleContinuedUse')),
  },
];

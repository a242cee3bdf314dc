/** Procedures and case statuses shared by workflows, the projection table and the API (architecture principle 6). */
export const Procedure = {
  MOVE_IN: 'MOVE_IN', // 転入
  SPECIAL_MOVE_IN: 'SPECIAL_MOVE_IN', // 特例転入
  MOVE_OUT: 'MOVE_OUT', // 転出
  ONLINE_MOVE_OUT: 'ONLINE_MOVE_OUT', // オンライン転出
  HELD_MOVE_OUT_CERTIFICATE: 'HELD_MOVE_OUT_CERTIFICATE', // 転出証明書情報の保管
  BIRTH: 'BIRTH', // 出生
  CARD_ISSUANCE: 'CARD_ISSUANCE', // 個人番号カード交付
} as const;
export type Procedure = (typeof Procedure)[keyof typeof Procedure];

export const procedureLabel: Record<Procedure, string> = {
  MOVE_IN: '転入',
  SPECIAL_MOVE_IN: '特例転入',
  MOVE_OUT: '転出',
  ONLINE_MOVE_OUT: 'オンライン転出',
  HELD_MOVE_OUT_CERTIFICATE: '転出証明書情報',
  BIRTH: '出生',
  CARD_ISSUANCE: '個人番号カード交付',
};

export const CaseStatus = {
  AWAITING_REVIEW: 'AWAITING_REVIEW', // 電子申請の審査待ち (clerk)
  CONTACT_REQUESTED: 'CONTACT_REQUESTED', // 申請者へ連絡中 (clerk)
  AWAITING_APPROVAL: 'AWAITING_APPROVAL', // 仮登録・決裁待ち (approver)
  RETURNED: 'RETURNED', // 差戻し: back to the maker for correction
  REJECTED: 'REJECTED', // 却下
  APPROVED: 'APPROVED', // 決裁済み
  COMMITTED: 'COMMITTED', // 本登録済み
  DELIVERING: 'DELIVERING', // 住基ネット送信中
  DELIVERY_REJECTED: 'DELIVERY_REJECTED', // CS がエラーを返した: 要対応
  ISSUING_CERTIFICATE: 'ISSUING_CERTIFICATE', // 証明書作成中
  COMPLETED: 'COMPLETED', // 完了
  CANCELLING: 'CANCELLING', // 取消処理中: compensation (異動の取消し, partners told)
  CANCELLED: 'CANCELLED', // 取消
  // 転出 (origin)
  AWAITING_MOVE_OUT_DATE: 'AWAITING_MOVE_OUT_DATE', // 転出予定者: 除票 on the planned date or an earlier 転入日
  AWAITING_MOVE_IN_NOTICE: 'AWAITING_MOVE_IN_NOTICE', // 除票済み, 転入通知待ち
  // 転出証明書情報 held at the destination
  HELD: 'HELD',
  IN_USE: 'IN_USE',
  USED: 'USED',
  PURGED: 'PURGED',
  // 特例転入
  AWAITING_CERTIFICATE_INFO: 'AWAITING_CERTIFICATE_INFO', // 送信依頼済み, 転出証明書情報の到着待ち
  DEADLINE_PASSED: 'DEADLINE_PASSED', // 特例転入の期限切れ: 転出証明書による転入へ
} as const;
export type CaseStatus = (typeof CaseStatus)[keyof typeof CaseStatus];

export const caseStatusLabel: Record<CaseStatus, string> = {
  AWAITING_REVIEW: '審査待ち',
  CONTACT_REQUESTED: '申請者へ連絡中',
  RETURNED: '差戻し',
  AWAITING_APPROVAL: '決裁待ち',
  REJECTED: '却下',
  APPROVED: '決裁済み',
  COMMITTED: '本登録済み',
  DELIVERING: '住基ネット送信中',
  DELIVERY_REJECTED: 'CS エラー（要対応）',
  ISSUING_CERTIFICATE: '証明書作成中',
  COMPLETED: '完了',
  CANCELLING: '取消処理中',
  CANCELLED: '取消',
  AWAITING_MOVE_OUT_DATE: '転出予定（除票待ち）',
  AWAITING_MOVE_IN_NOTICE: '転入通知待ち',
  HELD: '保管中',
  IN_USE: '転入処理中',
  USED: '転入済み',
  PURGED: '消去済み',
  AWAITING_CERTIFICATE_INFO: '転出証明書情報の到着待ち',
  DEADLINE_PASSED: '特例転入の期限切れ',
};

export const FINAL_STATUSES: ReadonlySet<CaseStatus> = new Set([
  CaseStatus.REJECTED,
  CaseStatus.COMPLETED,
  CaseStatus.CANCELLED,
  CaseStatus.USED,
  CaseStatus.PURGED,
  CaseStatus.DEADLINE_PASSED,
]);

/** The role a case waits for in a human step (work queues); undefined when no person has to act. */
export const awaitingRoleOf = (s: CaseStatus): 'clerk' | 'approver' | undefined =>
  s === CaseStatus.AWAITING_APPROVAL
    ? 'approver'
    : s === CaseStatus.AWAITING_REVIEW || s === CaseStatus.CONTACT_REQUESTED || s === CaseStatus.RETURNED
      ? 'clerk'
      : undefined;

/**
 * Statuses from which a supervisor may cancel the case (with compensation after 本登録). Not: closed cases, a
 * 転出 whose 除票 has taken effect (AWAITING_MOVE_IN_NOTICE: the person has left), held 転出証明書情報 (no case
 * of ours; it is purged or used).
 */
export const CANCELLABLE_STATUSES: ReadonlySet<CaseStatus> = new Set([
  CaseStatus.AWAITING_REVIEW,
  CaseStatus.CONTACT_REQUESTED,
  CaseStatus.AWAITING_APPROVAL,
  CaseStatus.RETURNED,
  CaseStatus.APPROVED,
  CaseStatus.COMMITTED,
  CaseStatus.DELIVERING,
  CaseStatus.DELIVERY_REJECTED,
  CaseStatus.ISSUING_CERTIFICATE,
  CaseStatus.AWAITING_MOVE_OUT_DATE,
  CaseStatus.AWAITING_CERTIFICATE_INFO,
]);

/** Why a case needs a supervisor's attention (case_record.attention_reason). */
export const AttentionReason = {
  ACTIVITY_FAILING: 'ACTIVITY_FAILING', // a step keeps failing (partner down, …): step, attempt, error, next retry on the row
  APPROVAL_OVERDUE: 'APPROVAL_OVERDUE', // waiting for 決裁 / review past its SLA
  CS_REJECTED: 'CS_REJECTED', // the CS refused a message: correct, then retry
  MOVE_IN_NOTICE_OVERDUE: 'MOVE_IN_NOTICE_OVERDUE', // 転入通知未着
  CERTIFICATE_INFO_OVERDUE: 'CERTIFICATE_INFO_OVERDUE', // 送信依頼 unanswered
  CERTIFICATE_WITHDRAWN: 'CERTIFICATE_WITHDRAWN', // the origin withdrew the 転出証明書情報 this 特例転入 uses
  ESCALATED: 'ESCALATED', // raised by a supervisor
  PORTAL_REJECTED: 'PORTAL_REJECTED', // マイナポータル refused our notice
} as const;
export type AttentionReason = (typeof AttentionReason)[keyof typeof AttentionReason];

export const attentionReasonLabel: Record<AttentionReason, string> = {
  ACTIVITY_FAILING: '処理が失敗を繰り返しています',
  APPROVAL_OVERDUE: '決裁・審査の期限超過',
  CS_REJECTED: 'CS がエラーを返しました',
  MOVE_IN_NOTICE_OVERDUE: '転入通知未着',
  CERTIFICATE_INFO_OVERDUE: '転出証明書情報の未着',
  CERTIFICATE_WITHDRAWN: '転出証明書情報が取り消されました',
  ESCALATED: 'エスカレーション',
  PORTAL_REJECTED: 'マイナポータルへの通知が拒否されました',
};

/** Actions in the append-only case action log. */
export const CaseAction = {
  INTAKE: 'INTAKE',
  APPROVE: 'APPROVE',
  REJECT: 'REJECT',
  COMMIT: 'COMMIT',
  CS_SENT: 'CS_SENT',
  CS_REJECTED: 'CS_REJECTED',
  RETRY_DELIVERY: 'RETRY_DELIVERY',
  CERTIFICATE_ISSUED: 'CERTIFICATE_ISSUED',
  COMPLETE: 'COMPLETE',
  REMOVED: 'REMOVED',
  MOVE_IN_NOTICE_RECORDED: 'MOVE_IN_NOTICE_RECORDED',
  CERTIFICATE_INFO_RESENT: 'CERTIFICATE_INFO_RESENT',
  CERTIFICATE_INFO_RECEIVED: 'CERTIFICATE_INFO_RECEIVED',
  PURGED: 'PURGED',
  CARD_CONTINUED_USE: 'CARD_CONTINUED_USE',
  CLAIM: 'CLAIM',
  RELEASE: 'RELEASE',
  REASSIGN: 'REASSIGN',
  CONFIRM_REVIEW: 'CONFIRM_REVIEW',
  REQUEST_CONTACT: 'REQUEST_CONTACT',
  REQUEST_CHANGES: 'REQUEST_CHANGES',
  RESUBMIT: 'RESUBMIT',
  ESCALATE: 'ESCALATE',
  RETRY_NOW: 'RETRY_NOW',
  CANCEL: 'CANCEL',
  COMPENSATE: 'COMPENSATE',
  ACTIVITY_FAILED: 'ACTIVITY_FAILED',
  PORTAL_NOTIFIED: 'PORTAL_NOTIFIED',
} as const;
export type CaseAction = (typeof CaseAction)[keyof typeof CaseAction];

/**
 * The statuses of the shared case frame (architecture principle 6): every procedure's workflow moves through these;
 * a procedure adds its own in its definition (`src/procedures/<name>/definition.ts`, e.g. 転出予定者 → 除票待ち).
 */
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
  WITHDRAWN: 'WITHDRAWN', // 取下げ: the entering clerk withdrew the intake before 決裁 (nothing committed)
} as const;
export type CaseStatus = (typeof CaseStatus)[keyof typeof CaseStatus];

/**
 * How a status is shown and worked: its label, its group on the dashboard and in badges (wait: staff work / later:
 * waiting for a date or a partner's message, no staff work / run / alert / done / closed; done and closed are final), a badge tone where it differs from the group, and whether a supervisor may
 * cancel the case in it (with compensation after 本登録; not once a 除票 took effect or the case is closed).
 */
export interface StatusSpec {
  label: string;
  group: 'wait' | 'later' | 'run' | 'alert' | 'done' | 'closed';
  tone?: 'warn';
  cancellable?: boolean;
}

export const FRAME_STATUSES: Readonly<Record<CaseStatus, StatusSpec>> = {
  AWAITING_REVIEW: { label: '審査待ち', group: 'wait', cancellable: true },
  CONTACT_REQUESTED: { label: '申請者へ連絡中', group: 'run', cancellable: true },
  AWAITING_APPROVAL: { label: '決裁待ち', group: 'wait', cancellable: true },
  RETURNED: { label: '差戻し', group: 'wait', tone: 'warn', cancellable: true },
  REJECTED: { label: '却下', group: 'closed' },
  APPROVED: { label: '決裁済み', group: 'run', cancellable: true },
  COMMITTED: { label: '本登録済み', group: 'run', cancellable: true },
  DELIVERING: { label: '住基ネット送信中', group: 'run', cancellable: true },
  DELIVERY_REJECTED: { label: 'CS エラー（要対応）', group: 'alert', tone: 'warn', cancellable: true },
  ISSUING_CERTIFICATE: { label: '証明書作成中', group: 'run', cancellable: true },
  COMPLETED: { label: '完了', group: 'done' },
  CANCELLING: { label: '取消処理中', group: 'run' },
  CANCELLED: { label: '取消', group: 'closed' },
  WITHDRAWN: { label: '取下げ', group: 'closed' },
};

/** The role a case waits for in a human step (work queues); undefined when no person has to act. */
export const awaitingRoleOf = (s: string): 'clerk' | 'approver' | undefined =>
  s === CaseStatus.AWAITING_APPROVAL
    ? 'approver'
    : s === CaseStatus.AWAITING_REVIEW || s === CaseStatus.CONTACT_REQUESTED || s === CaseStatus.RETURNED
      ? 'clerk'
      : undefined;

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
  CARD_STORAGE_LIMIT: 'CARD_STORAGE_LIMIT', // a 個人番号カード not collected: its storage limit is near (reminder sent)
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
  CARD_STORAGE_LIMIT: '個人番号カードの保管期限が近づいています（未受領）',
};

/** Actions in the append-only case action log. */
export const CaseAction = {
  INTAKE: 'INTAKE',
  APPROVE: 'APPROVE',
  REJECT: 'REJECT',
  COMMIT: 'COMMIT',
  CS_SENT: 'CS_SENT',
  CS_REJECTED: 'CS_REJECTED',
  CERTIFICATE_ISSUED: 'CERTIFICATE_ISSUED',
  /** Not issued: a person is under 支援措置 / 抑止 without the 支援措置責任者's 一時解除 (domain.md §8.6). */
  CERTIFICATE_WITHHELD: 'CERTIFICATE_WITHHELD',
  COMPLETE: 'COMPLETE',
  REMOVED: 'REMOVED',
  MOVE_IN_NOTICE_RECORDED: 'MOVE_IN_NOTICE_RECORDED',
  CERTIFICATE_INFO_RESENT: 'CERTIFICATE_INFO_RESENT',
  CERTIFICATE_INFO_RECEIVED: 'CERTIFICATE_INFO_RECEIVED',
  PURGED: 'PURGED',
  CARD_CONTINUED_USE: 'CARD_CONTINUED_USE',
  /** The reminder 交付通知書 of an uncollected 個人番号カード (storage limit near). */
  CARD_REMINDER_SENT: 'CARD_REMINDER_SENT',
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
  /** A cancellation after 決裁 asked for by one supervisor, waiting for a second (issue 13 item 8). */
  CANCEL_REQUESTED: 'CANCEL_REQUESTED',
  /** 取下げ: the entering clerk withdrew the intake before 決裁 (issue 14). */
  WITHDRAW: 'WITHDRAW',
  /** 訂正: the entering clerk stored a corrected application of a returned case (a new version; issue 14). */
  CORRECT: 'CORRECT',
  COMPENSATE: 'COMPENSATE',
  ACTIVITY_FAILED: 'ACTIVITY_FAILED',
  PORTAL_NOTIFIED: 'PORTAL_NOTIFIED',
  ANNEX_NOTICE_RECORDED: 'ANNEX_NOTICE_RECORDED',
  /** 転居: the new address written on a presented 個人番号カード (券面記載), the 署名用電子証明書 to re-issue. */
  CARD_FACE_ENDORSED: 'CARD_FACE_ENDORSED',
} as const;
export type CaseAction = (typeof CaseAction)[keyof typeof CaseAction];

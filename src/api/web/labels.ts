import { attentionReasonLabel } from '../../domain/case-status';
import type { Role } from '../../domain/roles';

/** Japanese labels of codes shown in the web UI. Unknown codes are shown as they are (new procedures, new actions). */

export const roleLabel: Record<Role, string> = {
  clerk: '窓口担当',
  approver: '決裁者',
  supervisor: '監督者',
  auditor: '監査担当',
  securityAdministrator: '情報セキュリティ管理者',
  supportMeasureOfficer: '支援措置責任者',
  system: 'システム',
  portal: 'マイナポータル連携',
};
export const rolesText = (roles: readonly string[]): string => roles.map((r) => roleLabel[r as Role] ?? r).join('・');

/** Attention reasons of the projection (domain/case-status.ts) plus the ones the console derives itself. */
export const attentionLabel: Record<string, string> = {
  ...attentionReasonLabel,
  PURGE_SOON: '保管情報の消去期限が近い',
  UNSPECIFIED: '要対応',
};

/** Findings of automatic checks (case flags), with the explanation a clerk needs to act on them. */
export const flagText: Record<string, { label: string; explain: string; level: 'info' | 'warn' }> = {
  LATE_FILING: {
    label: '届出期間経過',
    explain: '転入日から14日を過ぎた届出です。受理して遅延として記録します（住基法第22条）。',
    level: 'warn',
  },
  LATE_BIRTH_FILING: {
    label: '届出期間経過（出生）',
    explain: '出生の日から14日を過ぎた出生届です。受理して遅延として記録します（戸籍法第49条）。',
    level: 'warn',
  },
  LATE_MOVE_WITHIN_FILING: {
    label: '届出期間経過（転居）',
    explain: '転居日から14日を過ぎた転居届です。受理して遅延として記録します（住基法第23条）。',
    level: 'warn',
  },
  MOVE_WITHIN_HEAD_CHANGE_EX_OFFICIO: {
    label: '世帯主の職権変更（転居）',
    explain:
      '世帯主が転居し元の世帯に1人が残るため、その方を職権で世帯主とし（転居とは別の異動）、世帯主変更通知書を発行します。',
    level: 'info',
  },
  MOVE_WITHIN_HEAD_CHANGE: {
    label: '世帯主変更（転居届で指定）',
    explain:
      '世帯主が転居し2人以上が元の世帯に残ります。届書で指定された新しい世帯主への変更を、転居とは別の異動として記録します。',
    level: 'info',
  },
  RE_MOVE_IN: {
    label: '再転入',
    explain: '除票と住民票コードまたは個人番号が一致しました。同じ宛名番号で記載します。',
    level: 'info',
  },
  RE_MOVE_IN_ALERT: {
    label: '再転入の可能性',
    explain: '除票と氏名・性別・生年月日が一致します。同一人か確認してください。',
    level: 'warn',
  },
  RESIDENT_CODE_ALERT: {
    label: '住民票コード確認',
    explain: '住民票コードの検査数字が一致しません（暫定の計算式）。転出証明書と照合してください。',
    level: 'warn',
  },
  LATE_EX_OFFICIO: {
    label: '職権記載（申出）',
    explain: '転出日から14日を過ぎた届出のため職権で記載します。転出証明書は発行せず、準ずる証明書を交付します。',
    level: 'warn',
  },
  HEAD_CHANGE_EX_OFFICIO: {
    label: '世帯主の職権変更',
    explain:
      '世帯主が転出し世帯員が残るため、転出の記録と同時に職権で世帯主を変更し（1人なら残る方、2人以上なら受付または審査で選んだ方）、世帯主変更通知書を発行します。',
    level: 'info',
  },
  MOVER_NOT_MATCHED: {
    label: '転出者の不一致',
    explain: '申請の転出者が住民票の記載（4情報）と一致しません。申請者に確認してください。',
    level: 'warn',
  },
  PENDING_MOVE_OUT: {
    label: '転出手続き中',
    explain: '既に転出の手続き中の方が含まれます。重複の申請でないか確認してください。',
    level: 'warn',
  },
  SUPPORT_MEASURE: {
    label: '支援措置・抑止',
    explain: '支援措置または抑止の対象者が含まれます。支援措置責任者の確認が必要です。',
    level: 'warn',
  },
  DESTINATION_CODE_REQUIRED: {
    label: '転出先コード未確定',
    explain: '転出先の市区町村コードが確定していません。転出証明書情報の送付先を確認してください。',
    level: 'warn',
  },
  DESTINATION_IS_HERE: {
    label: '転出先が本市',
    explain: '転出先が本市内です。転居届の対象ではないか申請者に確認してください。',
    level: 'warn',
  },
  APPLICATION_DATE_IN_FUTURE: {
    label: '申請日が未来',
    explain: '申請日が受付日より後になっています。申請内容を確認してください。',
    level: 'warn',
  },
  HEAD_CHANGE_REQUIRED: {
    label: '世帯主変更が必要',
    explain: '世帯主が転出し2人以上が残ります。先に世帯主変更の届出が必要です（審査を確定できません）。',
    level: 'warn',
  },
};

export const actionLabel: Record<string, string> = {
  INTAKE: '受付（仮登録）',
  APPROVE: '決裁（承認）',
  REJECT: '却下',
  COMMIT: '本登録',
  CS_SENT: '住基ネットへ送信',
  CS_REJECTED: 'CS エラー',
  RETRY_DELIVERY: '再送の指示', // log rows written before retry-now took over the re-send
  CERTIFICATE_ISSUED: '証明書の発行',
  CERTIFICATE_WITHHELD: '証明書の交付を保留（支援措置・抑止）',
  COMPLETE: '完了',
  REMOVED: '除票',
  MOVE_IN_NOTICE_RECORDED: '転入通知の記録',
  CERTIFICATE_INFO_RESENT: '転出証明書情報の再送',
  CERTIFICATE_INFO_RECEIVED: '転出証明書情報の受信',
  PURGED: '保管情報の消去',
  CARD_CONTINUED_USE: 'カードの継続利用',
  CARD_REMINDER_SENT: 'カード受取の催告（保管期限前）',
  CLAIM: '担当',
  RELEASE: '担当の解除',
  REASSIGN: '再割当',
  REQUEST_CHANGES: '差戻し',
  RESUBMIT: '再提出',
  ESCALATE: 'エスカレーション',
  RETRY_NOW: '今すぐ再試行',
  CANCEL: '取消',
  CANCEL_REQUESTED: '取消の申請（別の監督者の承認待ち）',
  COMPENSATE: '取消の反映（補償）',
  ACTIVITY_FAILED: '処理の失敗',
  PORTAL_NOTIFIED: 'マイナポータルへ通知',
  ANNEX_NOTICE_RECORDED: '附票記載事項通知を記録（本籍地が当市または不明）',
  CARD_FACE_ENDORSED: '個人番号カードの券面記載（新住所の追記。署名用電子証明書は再発行が必要）',
  CONFIRM_REVIEW: '審査の確定',
  REQUEST_CONTACT: '申請者へ連絡',
  WITHDRAW: '取下げ（入力者）',
  CORRECT: '申請内容の訂正',
};

/** Workflow steps (activity types) as clerks know them. */
export const stepLabel: Record<string, string> = {
  deliverCsMessages: '住基ネット（CS）への送信',
  commitMoveIn: '住民票の記載（本登録・附票通知・写しの作成）',
  commitMoveOut: '転出の記録（本登録）',
  commitSpecialMoveIn: '特例転入の記録（本登録）',
  issueResidentRecordCopy: '住民票の写しの作成',
  issueMoveOutCertificate: '転出証明書の作成',
  issueResidentCodeNotice: '住民票コード通知票の作成',
  commitBirth: '出生の記載（本登録・住民票コード）',
  commitMoveWithin: '転居の記録（本登録）',
  recordCardFaceEndorsements: '個人番号カードの券面記載',
  issueExOfficioNotices: '職権の通知書の作成',
  reissueCertificate: '再交付',
  applyRemoval: '除票の記載',
  recordMoveInNotice: '転入通知の記録',
  purgeHeldCertificate: '保管情報の消去',
  queueCertificateInfoRequests: '送信依頼の作成',
  queueCertificateInfoResend: '転出証明書情報の再送',
  reserveHeldCertificates: '転出証明書情報の引当',
  notifyPortal: 'マイナポータルへの通知',
  compensateCase: '取消の反映（異動の取消し）',
  releaseHeldCertificates: '転出証明書情報の引当解除',
  issueCardNotice: '交付通知書の作成（個人番号カード）',
  handOverCard: 'カードの交付の記録',
  recordCardEvent: 'カードの状態の記録',
  sendCardEvents: 'J-LIS へのカードの状態の通知',
  queueContinuedUse: 'カードの継続利用の依頼（転入）',
  settleContinuedUse: 'カードの継続利用の結果の記録',
  cancelCardsAfterMissedDeadline: '特例転入の期限経過によるカードの廃止',
};
export const stepText = (s: string | null | undefined): string => (s ? (stepLabel[s] ?? s) : '');

export const certificateTypeLabel: Record<string, string> = {
  residentRecordCopy: '住民票の写し',
  moveOutCertificate: '転出証明書',
  removedRecordCopy: '除票の写し',
  householdHeadChangeNotice: '世帯主変更通知書',
  exOfficioRecordNotice: '職権記載等通知書',
  residentCodeNotice: '住民票コード通知票',
  cardIssuanceNotice: '個人番号カード交付通知書',
  cardReminderNotice: '個人番号カード交付通知書（再通知）',
};

/**
 * 個人番号カード (domain spec §3.6, §4.8): the card's statuses, its events and their reasons, and who recorded an event.
 * The tables live with the card rules (domain/card-status.ts); the screens take them from here with the other labels.
 */
export { cardEventKindLabel, cardEventReasonLabel, cardStatusLabel } from '../../domain/card-status';
export const cardEventOriginLabel: Record<string, string> = { COUNTER: '窓口', JLIS: 'J-LIS', SYSTEM: 'システム' };

export const partnerLabel: Record<string, string> = {
  CS: '市町村CS（住基ネット）',
  JLIS: 'J-LIS（カード管理）',
  PORTAL: 'マイナポータル',
};

export const residentStatusLabel: Record<string, string> = {
  RESIDENT: '住民',
  PENDING_MOVE_OUT: '転出予定者',
  REMOVED: '除票',
};
export const sexText = (s: string | null | undefined): string => (s === '1' ? '男' : s === '2' ? '女' : '');

export const messageKindLabel: Record<string, string> = {
  IDENTITY_UPDATE: '本人確認情報',
  MOVE_IN_NOTICE: '転入通知',
  MOVE_OUT_CERTIFICATE_INFO: '転出証明書情報',
  CERTIFICATE_INFO_REQUEST: '送信依頼',
  CARD_CONTINUED_USE: '継続利用（J-LIS）',
  MOVE_OUT_CERTIFICATE_WITHDRAWAL: '転出証明書情報の取消',
  ADDRESS_ANNEX_NOTICE: '戸籍の附票記載事項通知',
};

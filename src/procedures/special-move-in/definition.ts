import type { ProcedureDefinition } from '../../domain/procedure-definition';

export const SpecialMoveInStatus = {
  /** 送信依頼済み: waiting for the 転出証明書情報 of the origin. */
  AWAITING_CERTIFICATE_INFO: 'AWAITING_CERTIFICATE_INFO',
  /** 特例転入の期限切れ: a 転入届 with the paper 転出証明書 is needed. */
  DEADLINE_PASSED: 'DEADLINE_PASSED',
  /** 転出証明書情報の取消: the origin cancelled the 転出; a 転入届 with the paper 転出証明書 is needed (§4.2 Failures). */
  CERTIFICATE_WITHDRAWN: 'CERTIFICATE_WITHDRAWN',
} as const;
export type SpecialMoveInStatus = (typeof SpecialMoveInStatus)[keyof typeof SpecialMoveInStatus];

/** 特例転入 with the 個人番号カード (domain.md §4.2). */
export const specialMoveInDefinition = {
  code: 'SPECIAL_MOVE_IN',
  label: '特例転入',
  idPrefix: 'SM',
  statuses: {
    AWAITING_CERTIFICATE_INFO: { label: '転出証明書情報の到着待ち', group: 'later', cancellable: true },
    DEADLINE_PASSED: { label: '特例転入の期限切れ', group: 'closed' },
    CERTIFICATE_WITHDRAWN: { label: '転出証明書情報の取消（転出証明書による転入届が必要）', group: 'closed' },
  },
  steps: [
    { label: '転出証明書情報の確認', statuses: ['AWAITING_CERTIFICATE_INFO'] },
    { label: '仮登録・決裁待ち', statuses: ['AWAITING_APPROVAL', 'RETURNED'] },
    { label: '本登録', statuses: ['APPROVED', 'COMMITTED'] },
    { label: '住基ネット・J-LIS 送信', statuses: ['DELIVERING', 'DELIVERY_REJECTED'] },
    { label: '完了', statuses: ['COMPLETED', 'ISSUING_CERTIFICATE'] },
  ],
  compensation: 'remove',
  certificateReason: '転入',
  reviewBlockingFlags: [],
} as const satisfies ProcedureDefinition<'SPECIAL_MOVE_IN', SpecialMoveInStatus>;

import type { ProcedureDefinition } from '../../domain/procedure-definition';

/** Statuses of a card issuance case besides the frame's. */
export const CardIssuanceStatus = {
  /** J-LIS reported the card produced; it is at the office; the 交付通知書 is being made. */
  CARD_AT_OFFICE: 'CARD_AT_OFFICE',
  /** Not collected by the storage limit: 廃止 sent to J-LIS, the case ends. */
  STORAGE_EXPIRED: 'STORAGE_EXPIRED',
} as const;
export type CardIssuanceStatus = (typeof CardIssuanceStatus)[keyof typeof CardIssuanceStatus];

/**
 * 個人番号カードの交付 (domain spec §4.8 steps 2–3): a case per card, opened by J-LIS's production report. The frame's
 * 審査 (AWAITING_REVIEW, `confirm-review`; its step is labelled 交付（窓口）) is the handover at the counter, recorded
 * by the clerk while the case waits for the holder's visit; then the four-eyes
 * 決裁, the 交付 event to J-LIS and the end. Cards not collected by the storage limit are cancelled (廃止).
 */
export const cardIssuanceDefinition = {
  code: 'CARD_ISSUANCE',
  label: '個人番号カード交付',
  idPrefix: 'CI',
  statuses: {
    CARD_AT_OFFICE: { label: 'カード到着・交付通知書作成', group: 'run', cancellable: true },
    STORAGE_EXPIRED: { label: '保管期限経過（廃止）', group: 'closed' },
  },
  steps: [
    { label: 'カード到着・交付通知書', statuses: ['CARD_AT_OFFICE'] },
    { label: '交付（窓口）', statuses: ['AWAITING_REVIEW', 'CONTACT_REQUESTED', 'RETURNED'] },
    { label: '決裁', statuses: ['AWAITING_APPROVAL'] },
    { label: '交付の通知（J-LIS）', statuses: ['APPROVED', 'DELIVERING', 'DELIVERY_REJECTED'] },
    { label: '完了', statuses: ['COMPLETED', 'STORAGE_EXPIRED'] },
  ],
  compensation: 'none',
  certificateReason: null,
  reviewBlockingFlags: [],
} as const satisfies ProcedureDefinition<'CARD_ISSUANCE', CardIssuanceStatus>;

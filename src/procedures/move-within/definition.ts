import type { ProcedureDefinition } from '../../domain/procedure-definition';

/** Statuses of a 転居 besides the frame's: the card-face endorsement of the persons who presented a card. */
export const MoveWithinStatus = { CARD_ENDORSEMENT: 'CARD_ENDORSEMENT' } as const;
export type MoveWithinStatus = (typeof MoveWithinStatus)[keyof typeof MoveWithinStatus];

/**
 * 転居 (domain spec §4.9; law: 住基法第23条): a change of address inside the municipality, of a whole household or of
 * some of its members (forming a new household or joining one at the new address). A cancellation after 本登録 appends
 * 異動の取消し（修正） restoring the prior address (there is no 「転居取消」 reason, §3.3).
 */
export const moveWithinDefinition = {
  code: 'MOVE_WITHIN',
  label: '転居',
  idPrefix: 'MW',
  statuses: { CARD_ENDORSEMENT: { label: 'カード券面の記載', group: 'run', cancellable: true } },
  steps: [
    { label: '仮登録・決裁待ち', statuses: ['AWAITING_APPROVAL', 'RETURNED'] },
    { label: '本登録（転居）・住民票の写し', statuses: ['APPROVED', 'COMMITTED', 'ISSUING_CERTIFICATE'] },
    { label: '住基ネット送信・附票記載事項通知', statuses: ['DELIVERING', 'DELIVERY_REJECTED'] },
    { label: 'カード券面の記載', statuses: ['CARD_ENDORSEMENT'] },
    { label: '完了', statuses: ['COMPLETED'] },
  ],
  compensation: 'amend',
  certificateReason: '転居',
  reviewBlockingFlags: [],
} as const satisfies ProcedureDefinition<'MOVE_WITHIN', MoveWithinStatus>;

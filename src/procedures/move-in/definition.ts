import type { ProcedureDefinition } from '../../domain/procedure-definition';

/** 転入 with a paper 転出証明書 (domain.md §4.1). */
export const moveInDefinition = {
  code: 'MOVE_IN',
  label: '転入',
  idPrefix: 'MI',
  statuses: {},
  steps: [
    { label: '仮登録・決裁待ち', statuses: ['AWAITING_APPROVAL', 'RETURNED'] },
    { label: '本登録', statuses: ['APPROVED', 'COMMITTED'] },
    { label: '住基ネット送信', statuses: ['DELIVERING', 'DELIVERY_REJECTED'] },
    { label: '証明書', statuses: ['ISSUING_CERTIFICATE'] },
    { label: '完了', statuses: ['COMPLETED'] },
  ],
  compensation: 'remove',
  certificateReason: '転入',
  reviewBlockingFlags: [],
} as const satisfies ProcedureDefinition<'MOVE_IN'>;

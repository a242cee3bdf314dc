import type { ProcedureDefinition } from '../../domain/procedure-definition';

/** Statuses of a 出生 case besides the frame's: waiting for J-LIS to generate the child's 個人番号. */
export const BirthStatus = { GENERATING_NUMBER: 'GENERATING_NUMBER' } as const;

/** 出生 (domain spec §4.7): the 住民票 of a new-born, its 住民票コード from the pool, its 個人番号 from J-LIS. */
export const birthDefinition = {
  code: 'BIRTH',
  label: '出生',
  idPrefix: 'BI',
  statuses: { GENERATING_NUMBER: { label: '個人番号の生成待ち', group: 'run', cancellable: false } },
  steps: [
    { label: '仮登録・決裁待ち', statuses: ['AWAITING_APPROVAL', 'RETURNED'] },
    { label: '本登録（住民票コード）', statuses: ['APPROVED', 'COMMITTED'] },
    { label: '住基ネット送信', statuses: ['DELIVERING', 'DELIVERY_REJECTED'] },
    { label: '個人番号の生成', statuses: ['GENERATING_NUMBER'] },
    { label: '住民票コード通知票・証明書', statuses: ['ISSUING_CERTIFICATE'] },
    { label: '完了', statuses: ['COMPLETED'] },
  ],
  compensation: 'remove',
  certificateReason: '出生',
  reviewBlockingFlags: [],
} as const satisfies ProcedureDefinition<'BIRTH', 'GENERATING_NUMBER'>;

import type { ProcedureDefinition } from '../../domain/procedure-definition';

/** Statuses of a 転出 after its 本登録 (counter and online alike: domain.md §4.3, §4.6). */
export const MoveOutStatus = {
  /** 転出予定者: the 除票 takes effect on the planned date or an earlier 転入日 of a 転入通知. */
  AWAITING_MOVE_OUT_DATE: 'AWAITING_MOVE_OUT_DATE',
  /** 除票済み: waiting for the 転入通知 of the destination. */
  AWAITING_MOVE_IN_NOTICE: 'AWAITING_MOVE_IN_NOTICE',
} as const;
export type MoveOutStatus = (typeof MoveOutStatus)[keyof typeof MoveOutStatus];

export const moveOutStatuses = {
  AWAITING_MOVE_OUT_DATE: { label: '転出予定（除票待ち）', group: 'later', cancellable: true },
  AWAITING_MOVE_IN_NOTICE: { label: '転入通知待ち', group: 'later' },
} as const;

/** 転出 at the counter, paper or special path (domain.md §4.3). */
export const moveOutDefinition = {
  code: 'MOVE_OUT',
  label: '転出',
  idPrefix: 'MO',
  statuses: moveOutStatuses,
  steps: [
    { label: '仮登録・決裁待ち', statuses: ['AWAITING_APPROVAL', 'RETURNED'] },
    {
      label: '本登録（転出予定者）・送信',
      statuses: ['APPROVED', 'COMMITTED', 'DELIVERING', 'DELIVERY_REJECTED', 'ISSUING_CERTIFICATE'],
    },
    { label: '除票待ち', statuses: ['AWAITING_MOVE_OUT_DATE'] },
    { label: '転入通知待ち', statuses: ['AWAITING_MOVE_IN_NOTICE'] },
    { label: '完了', statuses: ['COMPLETED'] },
  ],
  compensation: 'restore',
  certificateReason: null,
  reviewBlockingFlags: [],
} as const satisfies ProcedureDefinition<'MOVE_OUT', MoveOutStatus>;

import type { ProcedureDefinition } from '../../domain/procedure-definition';
import { moveOutStatuses, type MoveOutStatus } from '../move-out/definition';
import { BLOCKING_FINDINGS } from './rules';

/** オンライン転出届 from マイナポータル (domain.md §4.4): reviewed, then the special 転出 of §4.3. */
export const onlineMoveOutDefinition = {
  code: 'ONLINE_MOVE_OUT',
  label: 'オンライン転出',
  idPrefix: 'OM',
  statuses: moveOutStatuses,
  steps: [
    { label: '審査（窓口）', statuses: ['AWAITING_REVIEW', 'CONTACT_REQUESTED', 'RETURNED'] },
    { label: '決裁', statuses: ['AWAITING_APPROVAL'] },
    { label: '本登録・住基ネット送信', statuses: ['APPROVED', 'COMMITTED', 'DELIVERING', 'DELIVERY_REJECTED'] },
    { label: '除票待ち', statuses: ['AWAITING_MOVE_OUT_DATE'] },
    { label: '転入通知待ち', statuses: ['AWAITING_MOVE_IN_NOTICE'] },
    { label: '完了', statuses: ['COMPLETED'] },
  ],
  compensation: 'restore',
  certificateReason: null,
  reviewBlockingFlags: [...BLOCKING_FINDINGS],
} as const satisfies ProcedureDefinition<'ONLINE_MOVE_OUT', MoveOutStatus>;

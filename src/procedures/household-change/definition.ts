import type { ProcedureDefinition } from '../../domain/procedure-definition';

/**
 * 世帯変更 (standard spec 4.1.4; domain spec §3.2, §3.3; glossary `householdChange`): 世帯主変更, 世帯分離, 世帯合併 and
 * 世帯構成変更 at the same address, filed at the counter. No state of its own besides the frame's.
 */
export const householdChangeDefinition = {
  code: 'HOUSEHOLD_CHANGE',
  label: '世帯変更',
  idPrefix: 'HC',
  statuses: {},
  steps: [
    { label: '仮登録・決裁待ち', statuses: ['AWAITING_APPROVAL', 'RETURNED'] },
    { label: '本登録（世帯・続柄）', statuses: ['APPROVED', 'COMMITTED', 'DELIVERING', 'DELIVERY_REJECTED'] },
    { label: '証明書', statuses: ['ISSUING_CERTIFICATE'] },
    { label: '完了', statuses: ['COMPLETED'] },
  ],
  // a cancellation after 本登録 appends the state before the case (household and 続柄 back)
  compensation: 'restore',
  // the 住民票の写し of the case prints each person's own 住民となった事由 (from their first history row)
  certificateReason: null,
  reviewBlockingFlags: [],
} as const satisfies ProcedureDefinition<'HOUSEHOLD_CHANGE', never>;

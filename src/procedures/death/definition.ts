import type { ProcedureDefinition } from '../../domain/procedure-definition';

/** Statuses of a 死亡 case besides the frame's: the card 廃止 reported to J-LIS. */
export const DeathStatus = { CANCELLING_CARD: 'CANCELLING_CARD' } as const;

/**
 * 死亡 (standard spec 4.2.2; glossary `death`): the ex officio 消除 driven by the 戸籍 side's 死亡届, entered at the
 * counter. A cancellation after 本登録 appends 異動の取消し（増）: the person is restored.
 */
export const deathDefinition = {
  code: 'DEATH',
  label: '死亡',
  idPrefix: 'DE',
  statuses: { CANCELLING_CARD: { label: 'カード廃止の送信中', group: 'run', cancellable: false } },
  steps: [
    { label: '仮登録・決裁待ち', statuses: ['AWAITING_APPROVAL', 'RETURNED'] },
    { label: '本登録（除票・世帯主変更）', statuses: ['APPROVED', 'COMMITTED'] },
    { label: '住基ネット送信', statuses: ['DELIVERING', 'DELIVERY_REJECTED'] },
    { label: 'カード廃止・通知書', statuses: ['CANCELLING_CARD', 'ISSUING_CERTIFICATE'] },
    { label: '完了', statuses: ['COMPLETED'] },
  ],
  compensation: 'restore',
  certificateReason: null,
  reviewBlockingFlags: [],
} as const satisfies ProcedureDefinition<'DEATH', 'CANCELLING_CARD'>;

import type { ProcedureDefinition } from '../../domain/procedure-definition';

export const HeldCertificateStatus = {
  HELD: 'HELD',
  IN_USE: 'IN_USE',
  USED: 'USED',
  PURGED: 'PURGED',
} as const;
export type HeldCertificateStatus = (typeof HeldCertificateStatus)[keyof typeof HeldCertificateStatus];

/**
 * 転出証明書情報 received from another town and held for a 特例転入 (domain.md §4.5): one case per person and
 * message, created by the CS inbound endpoint, purged at 00:00 JST on P + 31 unless used. No registry change of its
 * own, so nothing to compensate; no human steps of the frame.
 */
export const heldCertificateDefinition = {
  code: 'HELD_MOVE_OUT_CERTIFICATE',
  label: '転出証明書情報',
  idPrefix: 'HC',
  statuses: {
    HELD: { label: '保管中', group: 'later' },
    IN_USE: { label: '転入処理中', group: 'run' },
    USED: { label: '転入済み', group: 'done' },
    PURGED: { label: '消去済み', group: 'closed' },
  },
  steps: [
    { label: '保管中', statuses: ['HELD'] },
    { label: '転入処理中', statuses: ['IN_USE'] },
    { label: '転入済み／消去', statuses: ['USED', 'PURGED'] },
  ],
  compensation: 'none',
  certificateReason: null,
  reviewBlockingFlags: [],
} as const satisfies ProcedureDefinition<'HELD_MOVE_OUT_CERTIFICATE', HeldCertificateStatus>;

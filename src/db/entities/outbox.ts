import { EntitySchema } from '@mikro-orm/core';

export const OutboxKind = {
  IDENTITY_UPDATE: 'IDENTITY_UPDATE',
  MOVE_IN_NOTICE: 'MOVE_IN_NOTICE',
  MOVE_OUT_CERTIFICATE_INFO: 'MOVE_OUT_CERTIFICATE_INFO',
  CERTIFICATE_INFO_REQUEST: 'CERTIFICATE_INFO_REQUEST',
  CARD_CONTINUED_USE: 'CARD_CONTINUED_USE',
  MOVE_OUT_CERTIFICATE_WITHDRAWAL: 'MOVE_OUT_CERTIFICATE_WITHDRAWAL',
  ADDRESS_ANNEX_NOTICE: 'ADDRESS_ANNEX_NOTICE',
  /** 個人番号 generation request to J-LIS (domain.md §4.7 step 3.2; I-9). */
  INDIVIDUAL_NUMBER_REQUEST: 'INDIVIDUAL_NUMBER_REQUEST',
  /** 送付先情報 to the 個人番号カード管理システム (domain.md §3.6, §4.7 step 3.4; I-10). */
  DELIVERY_ADDRESS_INFO: 'DELIVERY_ADDRESS_INFO',
} as const;
export type OutboxKind = (typeof OutboxKind)[keyof typeof OutboxKind];
/**
 * PENDING → SENDING (claimed by a delivery attempt, committed before the call) → SENT; REJECTED by the partner
 * (re-sent after correction); CANCELLED by a compensation before it was claimed (never sent). A SENDING row may have
 * reached the partner: it is re-sent with the same key (the partner de-duplicates) and compensated as sent.
 */
export const OutboxStatus = {
  PENDING: 'PENDING',
  SENDING: 'SENDING',
  SENT: 'SENT',
  REJECTED: 'REJECTED',
  CANCELLED: 'CANCELLED',
} as const;
export type OutboxStatus = (typeof OutboxStatus)[keyof typeof OutboxStatus];

/**
 * Transactional outbox for CS messages (architecture principle 2): written in the same transaction as the registry
 * change that causes it, delivered afterwards in `sequence` order with its idempotency key. `sequence` is the
 * per-住民票コード 更新順番号 for identity updates. The payload holds the 個人番号, so it is stored encrypted.
 */
export class OutboxMessage {
  id!: number;
  caseId!: string;
  kind!: OutboxKind;
  residentRecordCode!: string;
  sequence!: number;
  idempotencyKey!: string;
  payloadEnc!: string;
  status: OutboxStatus = OutboxStatus.PENDING;
  attempts = 0;
  lastError?: string;
  ackMessageId?: string;
  createdAt: Date = new Date();
  sentAt?: Date;
}

export const OutboxMessageSchema = new EntitySchema<OutboxMessage>({
  class: OutboxMessage,
  tableName: 'outbox_message',
  properties: {
    id: { type: 'integer', primary: true, autoincrement: true },
    caseId: { type: 'string', length: 64 },
    kind: { type: 'string', length: 40 },
    residentRecordCode: { type: 'string', length: 11 },
    sequence: { type: 'integer' },
    idempotencyKey: { type: 'string', length: 128, unique: true },
    payloadEnc: { type: 'text' },
    status: { type: 'string', length: 20 },
    attempts: { type: 'integer' },
    lastError: { type: 'string', length: 500, nullable: true },
    ackMessageId: { type: 'string', length: 128, nullable: true },
    createdAt: { type: 'datetime' },
    sentAt: { type: 'datetime', nullable: true },
  },
  uniques: [{ properties: ['kind', 'residentRecordCode', 'sequence'] }],
  indexes: [{ properties: ['caseId'] }, { properties: ['status'] }],
});

import { EntitySchema } from '@mikro-orm/core';
import type { CardEventKind, CardEventOrigin } from '../../domain/card-status';
import type { CardStatus } from '../../domain/registry-values';

/**
 * One 個人番号カード (domain spec §4.8): from J-LIS's production report to 廃止. `cardId` is J-LIS's card management
 * number. No personal data besides the person's keys (宛名番号, 住民票コード); the status is kept by
 * src/db/cards.ts `recordCardEvent` only, which also updates the resident's `cardStatus` projection.
 */
export class MyNumberCard {
  cardId!: string;
  addresseeNumber!: string;
  residentRecordCode!: string;
  status!: CardStatus;
  /** J-LIS production date (cards-produced). */
  producedOn!: string;
  /** Day the card reached the カード送付場所 (= the day the report was received). */
  atOfficeOn?: string;
  noticeSentOn?: string;
  /** The last day the card is kept for the resident (producedOn + deadlines.cardStorageDays). */
  storageLimitDate?: string;
  issuedOn?: string;
  /** domain spec §4.8 item 7; set at 交付. */
  expiryDate?: string;
  /** J-LIS produced the card with a 署名用電子証明書 (cards-produced). */
  hasSigningCert = false;
  /** Issued with the 署名用電子証明書 at the handover. */
  signingCertIssued?: boolean;
  /** The card issuance case (card-issuance procedure). */
  caseId?: string;
  createdAt: Date = new Date();
  updatedAt: Date = new Date();
  version = 1;
}

export const MyNumberCardSchema = new EntitySchema<MyNumberCard>({
  class: MyNumberCard,
  tableName: 'my_number_card',
  properties: {
    cardId: { type: 'string', length: 32, primary: true },
    addresseeNumber: { type: 'string', length: 16 },
    residentRecordCode: { type: 'string', length: 11 },
    status: { type: 'string', length: 30 },
    producedOn: { type: 'string', length: 10 },
    atOfficeOn: { type: 'string', length: 10, nullable: true },
    noticeSentOn: { type: 'string', length: 10, nullable: true },
    storageLimitDate: { type: 'string', length: 10, nullable: true },
    issuedOn: { type: 'string', length: 10, nullable: true },
    expiryDate: { type: 'string', length: 10, nullable: true },
    hasSigningCert: { type: 'boolean' },
    signingCertIssued: { type: 'boolean', nullable: true },
    caseId: { type: 'string', length: 64, nullable: true },
    createdAt: { type: 'datetime' },
    updatedAt: { type: 'datetime' },
    version: { type: 'integer', version: true },
  },
  indexes: [
    { properties: ['addresseeNumber'] },
    { properties: ['residentRecordCode'] },
    { properties: ['status', 'storageLimitDate'] },
    { properties: ['status', 'expiryDate'] },
  ],
});

/**
 * One event of a card (append-only). Events reported to J-LIS (domain/card-status.ts `isReportedCardEvent`) carry the
 * person's 更新順番号 (`sequenceNumber`, allocated in the recording transaction, unique per 住民票コード) and the
 * `idempotencyKey` they are sent with; `sentAt` / `ackId` once J-LIS acknowledged. `requestKey` makes the recording
 * itself idempotent (a retried activity, a repeated inbound message: `jlis:<messageId>`).
 */
export class CardEventRecord {
  id!: number;
  cardId!: string;
  residentRecordCode!: string;
  kind!: CardEventKind;
  eventDate!: string;
  reason?: string;
  origin!: CardEventOrigin;
  recordedBy!: string;
  sequenceNumber?: number;
  idempotencyKey?: string;
  sentAt?: Date;
  ackId?: string;
  requestKey!: string;
  /** Status before and after (the audit trail of the card). */
  fromStatus!: string;
  toStatus!: string;
  recordedAt: Date = new Date();
}

export const CardEventRecordSchema = new EntitySchema<CardEventRecord>({
  class: CardEventRecord,
  tableName: 'card_event',
  properties: {
    id: { type: 'integer', primary: true, autoincrement: true },
    cardId: { type: 'string', length: 32 },
    residentRecordCode: { type: 'string', length: 11 },
    kind: { type: 'string', length: 30 },
    eventDate: { type: 'string', length: 10 },
    reason: { type: 'string', length: 40, nullable: true },
    origin: { type: 'string', length: 10 },
    recordedBy: { type: 'string', length: 64 },
    sequenceNumber: { type: 'integer', nullable: true },
    idempotencyKey: { type: 'string', length: 128, nullable: true },
    sentAt: { type: 'datetime', nullable: true },
    ackId: { type: 'string', length: 128, nullable: true },
    requestKey: { type: 'string', length: 160 },
    fromStatus: { type: 'string', length: 30 },
    toStatus: { type: 'string', length: 30 },
    recordedAt: { type: 'datetime' },
  },
  uniques: [{ properties: ['requestKey'] }, { properties: ['residentRecordCode', 'sequenceNumber'] }],
  indexes: [{ properties: ['cardId'] }, { properties: ['residentRecordCode', 'sentAt'] }],
});

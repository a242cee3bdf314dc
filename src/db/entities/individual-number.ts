import { EntitySchema } from '@mikro-orm/core';

/**
 * One unused (or used) 住民票コード of the pool the CS supplies (domain.md §4.7 step 1, standard spec 4.3). A code
 * is drawn at random inside the transaction that assigns it (src/db/resident-code-pool.ts) and marked used; used
 * rows stay so that a code is never handed out twice.
 */
export class ResidentCodePoolEntry {
  code!: string;
  /** The CS batch the code came in. */
  batchId!: string;
  receivedAt: Date = new Date();
  usedAt?: Date;
  usedByCaseId?: string;
}

export const ResidentCodePoolEntrySchema = new EntitySchema<ResidentCodePoolEntry>({
  class: ResidentCodePoolEntry,
  tableName: 'resident_code_pool',
  properties: {
    code: { type: 'string', length: 11, primary: true },
    batchId: { type: 'string', length: 64 },
    receivedAt: { type: 'datetime' },
    usedAt: { type: 'datetime', nullable: true },
    usedByCaseId: { type: 'string', length: 64, nullable: true },
  },
  indexes: [{ properties: ['usedAt'] }],
});

export const IndividualNumberRequestState = {
  /** The generation request is queued or sent; no answer recorded yet. */
  REQUESTED: 'REQUESTED',
  /** The number is recorded on the 住民票 (an appended 異動). */
  RECORDED: 'RECORDED',
} as const;
export type IndividualNumberRequestState =
  (typeof IndividualNumberRequestState)[keyof typeof IndividualNumberRequestState];

/**
 * A 個人番号 generation request to J-LIS for one person of a case (domain.md §4.7 step 3.2; I-9). `requestKey` is
 * the idempotency key J-LIS echoes in its answer. `attentionReason` is set while the supervisor console must show
 * it (no answer within the limit, an answer for another 住民票コード); cleared once the number is recorded.
 */
export class IndividualNumberRequest {
  requestKey!: string;
  caseId!: string;
  addresseeNumber!: string;
  residentRecordCode!: string;
  state: IndividualNumberRequestState = IndividualNumberRequestState.REQUESTED;
  requestedAt: Date = new Date();
  recordedAt?: Date;
  attentionReason?: string;
  attentionAt?: Date;
  /** Answers refused because they named another 住民票コード (their number is not kept). */
  mismatchCount = 0;
}

export const IndividualNumberRequestSchema = new EntitySchema<IndividualNumberRequest>({
  class: IndividualNumberRequest,
  tableName: 'individual_number_request',
  properties: {
    requestKey: { type: 'string', length: 128, primary: true },
    caseId: { type: 'string', length: 64 },
    addresseeNumber: { type: 'string', length: 16 },
    residentRecordCode: { type: 'string', length: 11 },
    state: { type: 'string', length: 20 },
    requestedAt: { type: 'datetime' },
    recordedAt: { type: 'datetime', nullable: true },
    attentionReason: { type: 'string', length: 40, nullable: true },
    attentionAt: { type: 'datetime', nullable: true },
    mismatchCount: { type: 'integer' },
  },
  uniques: [{ properties: ['caseId', 'addresseeNumber'] }],
  indexes: [{ properties: ['attentionReason'] }],
});

/**
 * An answer of J-LIS to a generation request, as received on the inbound endpoint. The 個人番号 is encrypted with
 * its blind index beside it, like the resident's; an answer that names another 住民票コード than the request's
 * keeps no number (`numberEnc` cleared) and is marked REJECTED. `answerKey` is J-LIS's own answer ID: a duplicate
 * delivery of one answer is one row.
 */
export class IndividualNumberAnswer {
  id!: number;
  answerKey!: string;
  requestKey!: string;
  residentRecordCode!: string;
  numberEnc?: string;
  numberIndex?: string;
  status: 'RECEIVED' | 'RECORDED' | 'DUPLICATE' | 'REJECTED' = 'RECEIVED';
  receivedAt: Date = new Date();
}

export const IndividualNumberAnswerSchema = new EntitySchema<IndividualNumberAnswer>({
  class: IndividualNumberAnswer,
  tableName: 'individual_number_answer',
  properties: {
    id: { type: 'integer', primary: true, autoincrement: true },
    answerKey: { type: 'string', length: 128, unique: true },
    requestKey: { type: 'string', length: 128 },
    residentRecordCode: { type: 'string', length: 11 },
    numberEnc: { type: 'text', nullable: true },
    numberIndex: { type: 'string', length: 64, nullable: true },
    status: { type: 'string', length: 20 },
    receivedAt: { type: 'datetime' },
  },
  indexes: [{ properties: ['requestKey'] }],
});

export const DeliveryAddressState = { HELD: 'HELD', PURGED: 'PURGED' } as const;
export type DeliveryAddressState = (typeof DeliveryAddressState)[keyof typeof DeliveryAddressState];

/**
 * 送付先情報 for the 個人番号通知書 (domain.md §3.6, §4.7 step 3.4; I-10). The items travel only in the outbox
 * message (encrypted); this row tracks its life: kept until J-LIS confirms receipt and never longer than the
 * configured limit (less than one year: `000_6eda969c340266a8.txt L2466`; no backup, L5203–5204), then purged — the
 * outbox body is overwritten and only this non-personal stub stays (`purgeReason` RECEIPT or LIMIT).
 */
export class DeliveryAddressInfo {
  key!: string;
  caseId!: string;
  addresseeNumber!: string;
  outboxKey!: string;
  state: DeliveryAddressState = DeliveryAddressState.HELD;
  createdAt: Date = new Date();
  purgeAt!: Date;
  receiptAt?: Date;
  purgedAt?: Date;
  purgeReason?: 'RECEIPT' | 'LIMIT';
}

export const DeliveryAddressInfoSchema = new EntitySchema<DeliveryAddressInfo>({
  class: DeliveryAddressInfo,
  tableName: 'delivery_address_info',
  properties: {
    key: { type: 'string', length: 128, primary: true },
    caseId: { type: 'string', length: 64 },
    addresseeNumber: { type: 'string', length: 16 },
    outboxKey: { type: 'string', length: 128 },
    state: { type: 'string', length: 10 },
    createdAt: { type: 'datetime' },
    purgeAt: { type: 'datetime' },
    receiptAt: { type: 'datetime', nullable: true },
    purgedAt: { type: 'datetime', nullable: true },
    purgeReason: { type: 'string', length: 10, nullable: true },
  },
  indexes: [{ properties: ['state', 'purgeAt'] }],
});

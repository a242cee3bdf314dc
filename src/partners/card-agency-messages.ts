/**
 * Messages to the J-LIS 個人番号カード管理システム (domain.md §2.2 I-11, §4.8), each TypeScript type next to its ajv
 * schema under the same name (architecture: conventions). The real J-LIS card management messages (the 8-① events,
 * the 3-⑥ 継続利用 request, acknowledgements, errors) are not public (domain.md §9.1), so this is our own JSON contract
 * carrying the real data items, built from the shared partner pieces (partner-contract.ts).
 * `additionalProperties: false` at every level: a stray field (say an `individualNumber`) is a 400, never forwarded.
 * The 個人番号 generation request and answer and the 送付先情報 (I-9, I-10) are in jlis-number-messages.ts.
 */
import type { SchemaObject } from 'ajv';
import {
  ADDRESS_MAX,
  CommonErrorCode,
  PartnerErrorBodySchema,
  idempotencyKeySchema as idempotencyKey,
  isoDateSchema as isoDate,
  municipalityCodeSchema as municipalityCode,
  residentRecordCodeSchema as residentRecordCode,
  sequenceNumberSchema,
  textSchema as text,
  type PartnerErrorBody,
} from './partner-contract';

/**
 * 継続利用 update request after a 転入 (domain.md §4.2 step 6.3, §4.8 step 6), sent by the destination (us) once the
 * new address is written on the card face. It must reach J-LIS within 90 days of the 転入届 (configurable,
 * domain.md §6, §9.3); the card sits in CONTINUED_USE_PENDING until it is acknowledged.
 *
 * No 個人番号 (design; the real item list is not public): the card and J-LIS's card record are identified by the
 * 住民票コード, which is recorded on the card (domain.md §4.2 step 1 reads it from the card) and which J-LIS has held
 * with the number since issuance (送付先情報 carries both, §3.6). What changes is the address, so the request carries
 * the address and the dates and nothing else. The 個人番号 would make it 特定個人情報 for no purpose; as with the
 * 転入通知 (§2.3), we keep the number out of messages that do not need it, and the schema refuses it.
 */
export interface ContinuedUseRequest {
  /** The requesting municipality: the 転入地, i.e. us. */
  municipalityCode: string;
  idempotencyKey: string;
  residentRecordCode: string;
  /** The address now written on the card face. */
  newAddress: string;
  /** 転入日 (the day the person moved in). */
  moveInDate: string;
  /** 転入届 date: the 90-day 継続利用 period runs from it (domain.md §4.8 step 6, §10.2). Not before moveInDate. */
  notificationDate: string;
}

export const ContinuedUseRequestSchema: SchemaObject = {
  type: 'object',
  additionalProperties: false,
  required: [
    'municipalityCode',
    'idempotencyKey',
    'residentRecordCode',
    'newAddress',
    'moveInDate',
    'notificationDate',
  ],
  properties: {
    municipalityCode,
    idempotencyKey,
    residentRecordCode,
    newAddress: text(ADDRESS_MAX),
    moveInDate: isoDate,
    notificationDate: isoDate,
  } satisfies Record<keyof ContinuedUseRequest, SchemaObject>,
};

/**
 * Card status events the municipality reports (domain.md §3.6, §4.8 step 5). 一時停止 itself is set by J-LIS and is
 * not reported by us; its lifting at the counter is.
 */
export const CardEventType = {
  /** 交付: handed over at the counter. */
  ISSUED: 'ISSUED',
  /** 廃止: surrender, death, re-issue, or loss of validity (missed 特例転入 deadline, lapsed 継続利用). */
  CANCELLED: 'CANCELLED',
  /** 回収: physically collected. */
  COLLECTED: 'COLLECTED',
  /** 一時停止解除: lifted at the counter on a written application. */
  SUSPENSION_LIFTED: 'SUSPENSION_LIFTED',
  /** 返還: physically returned. */
  RETURNED: 'RETURNED',
} as const;
export type CardEventType = (typeof CardEventType)[keyof typeof CardEventType];

/** One card status event: sent exactly once (idempotency key) and in order per person (sequence number). */
export interface CardEvent {
  /** The reporting municipality (us). */
  municipalityCode: string;
  idempotencyKey: string;
  /** 更新順番号 of the card events of this person from this municipality: from 1, strictly increasing, gaps allowed. */
  sequenceNumber: number;
  residentRecordCode: string;
  event: CardEventType;
  /** The day the event happened (Japan time). */
  eventDate: string;
  /** Why (廃止 mostly): a code of domain/card-status.ts CardEventReason. Optional (added with issue 12). */
  reason?: string;
}

export const CardEventSchema: SchemaObject = {
  type: 'object',
  additionalProperties: false,
  required: ['municipalityCode', 'idempotencyKey', 'sequenceNumber', 'residentRecordCode', 'event', 'eventDate'],
  properties: {
    municipalityCode,
    idempotencyKey,
    sequenceNumber: sequenceNumberSchema,
    residentRecordCode,
    event: { type: 'string', enum: Object.values(CardEventType) },
    eventDate: isoDate,
    reason: { type: 'string', pattern: '^[A-Z_]{1,40}$' },
  } satisfies Record<keyof CardEvent, SchemaObject>,
};

/** J-LIS's card management number (カード管理番号): IDs only, never personal data. */
export const CARD_ID_PATTERN = '^[A-Z0-9]{8,32}$';
const cardId: SchemaObject = { type: 'string', pattern: CARD_ID_PATTERN };

/**
 * J-LIS → us (inbound, `POST /jlis-inbound/v1/cards-produced`): a card was produced and sent to the カード送付場所
 * (domain spec §4.8 step 2). IDs and codes only (the 交付通知書 is printed by us from the registry); no PIN, no
 * 個人番号. Idempotent on `messageId`; the same card reported again under another message ID is a duplicate.
 */
export interface CardProducedMessage {
  messageId: string;
  municipalityCode: string;
  cardId: string;
  residentRecordCode: string;
  producedOn: string;
  /** The card carries a 署名用電子証明書 (the applicant asked for one). */
  hasSigningCert: boolean;
}

export const CardProducedMessageSchema: SchemaObject = {
  type: 'object',
  additionalProperties: false,
  required: ['messageId', 'municipalityCode', 'cardId', 'residentRecordCode', 'producedOn', 'hasSigningCert'],
  properties: {
    messageId: idempotencyKey,
    municipalityCode,
    cardId,
    residentRecordCode,
    producedOn: isoDate,
    hasSigningCert: { type: 'boolean' },
  } satisfies Record<keyof CardProducedMessage, SchemaObject>,
};

/**
 * J-LIS → us (inbound, `POST /jlis-inbound/v1/card-suspensions`): the J-LIS call centre suspended a card (一時停止,
 * domain spec §4.8 step 5) after an identity check over the phone. Idempotent on `messageId`.
 */
export interface CardSuspensionMessage {
  messageId: string;
  municipalityCode: string;
  cardId: string;
  eventDate: string;
}

export const CardSuspensionMessageSchema: SchemaObject = {
  type: 'object',
  additionalProperties: false,
  required: ['messageId', 'municipalityCode', 'cardId', 'eventDate'],
  properties: {
    messageId: idempotencyKey,
    municipalityCode,
    cardId,
    eventDate: isoDate,
  } satisfies Record<keyof CardSuspensionMessage, SchemaObject>,
};

/** Acknowledgement of an accepted request. A resend with the same Idempotency-Key gets the same ack, duplicate=true. */
export interface CardAgencyAck {
  /** Assigned by J-LIS. */
  requestId: string;
  /** ISO instant. */
  receivedAt: string;
  duplicate: boolean;
}

export const CardAgencyAckSchema: SchemaObject = {
  type: 'object',
  additionalProperties: false,
  required: ['requestId', 'receivedAt', 'duplicate'],
  properties: {
    requestId: { type: 'string', pattern: '^[A-Za-z0-9._:-]{1,128}$' },
    receivedAt: { type: 'string', format: 'date-time' },
    duplicate: { type: 'boolean' },
  } satisfies Record<keyof CardAgencyAck, SchemaObject>,
};

/** Error codes of the contract (4xx bodies; 503 uses JLIS_UNAVAILABLE). */
export const CardAgencyErrorCode = {
  ...CommonErrorCode,
  /** 422: the 継続利用 request arrives after the last day (転入届 + 90 days). Permanent: the card is no longer usable. */
  CONTINUED_USE_DEADLINE_PASSED: 'CONTINUED_USE_DEADLINE_PASSED',
  JLIS_UNAVAILABLE: 'JLIS_UNAVAILABLE',
} as const;
export type CardAgencyErrorCode = (typeof CardAgencyErrorCode)[keyof typeof CardAgencyErrorCode];

/** Error body of every non-2xx answer (the shared partner shape). `message` and `errors` never echo the request. */
export type CardAgencyErrorBody = PartnerErrorBody;
export const CardAgencyErrorBodySchema = PartnerErrorBodySchema;

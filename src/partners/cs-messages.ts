/**
 * Messages exchanged with the 市町村CS, each TypeScript type next to its ajv schema under the same name
 * (architecture: conventions). The real J-LIS message formats are not public (domain.md §9.1), so this is our own
 * JSON contract carrying the real data items:
 *  - 本人確認情報 (domain.md §3.4): exactly the 8 items, plus 氏名の振り仮名 when the 2025 item set is on.
 *  - 転入通知 (domain.md §2.2 I-8, §2.3): NO 個人番号 and no 特定個人情報. `additionalProperties: false` at every level
 *    means a stray `individualNumber` is a 400, never silently forwarded.
 *  - 戸籍の附票記載事項通知 (domain.md §2.2 I-13): to the 本籍地; NO 個人番号 either.
 * Codes use digit patterns / check-digit formats; dates are real calendar dates 'YYYY-MM-DD'.
 */
import type { SchemaObject } from 'ajv';
import { CustomFormat } from '../domain/ajv';
import { ChangeReason } from '../domain/change-reason';
import { CS_CHANGE_REASON_CODES, csChangeReasonFor } from './cs-codes';
import {
  ADDRESS_MAX,
  CommonErrorCode,
  NAME_MAX,
  PartnerErrorBodySchema,
  idempotencyKeySchema as idempotencyKey,
  birthDateSchema,
  isoDateSchema as isoDate,
  municipalityCodeSchema as municipalityCode,
  residentRecordCodeSchema as residentRecordCode,
  sequenceNumberSchema,
  textSchema as text,
  townMessageSchema,
  type PartnerErrorBody,
} from './partner-contract';

export { ADDRESS_MAX, IDEMPOTENCY_KEY_PATTERN, NAME_MAX } from './partner-contract';

const sex: SchemaObject = { type: 'string', enum: ['1', '2'] };

/**
 * CS codes of the 記載 that may precede the 個人番号 (domain spec §4.7 step 3.1): 出生 and 国外転入等 of a person
 * who has none yet; J-LIS generates it afterwards and the 個人番号（職権記載） update carries it.
 */
const RECORDED_BEFORE_NUMBERING = [
  csChangeReasonFor(ChangeReason.BIRTH)!,
  csChangeReasonFor(ChangeReason.MOVE_IN_FROM_ABROAD)!,
];

/** 性別: '1' 男, '2' 女. */
export type CsSex = '1' | '2';

/** 本人確認情報: the 8 items (+ nameKana when the 2025 item-set flag is on). */
export interface IdentityInfo {
  residentRecordCode: string;
  name: string;
  birthDate: string;
  sex: CsSex;
  address: string;
  /** Absent only on a 出生 / 国外転入等 of a person without a number yet (RECORDED_BEFORE_NUMBERING). */
  individualNumber?: string;
  /** CS change-reason code (cs-codes.ts). */
  changeReason: string;
  changeDate: string;
  nameKana?: string;
}

export const IdentityInfoSchema: SchemaObject = {
  type: 'object',
  additionalProperties: false,
  required: ['residentRecordCode', 'name', 'birthDate', 'sex', 'address', 'changeReason', 'changeDate'],
  properties: {
    residentRecordCode,
    name: text(NAME_MAX),
    birthDate: birthDateSchema,
    sex,
    address: text(ADDRESS_MAX),
    individualNumber: { type: 'string', format: CustomFormat.INDIVIDUAL_NUMBER },
    changeReason: { type: 'string', enum: [...CS_CHANGE_REASON_CODES] },
    changeDate: isoDate,
    nameKana: text(NAME_MAX),
  } satisfies Record<keyof IdentityInfo, SchemaObject>,
  // the 個人番号 may be absent only on the 記載 of a person J-LIS has not numbered yet (出生, 国外転入等)
  if: { properties: { changeReason: { not: { enum: [...RECORDED_BEFORE_NUMBERING] } } } },
  then: { properties: { individualNumber: { type: 'string' } }, required: ['individualNumber'] },
};

export interface IdentityUpdate {
  /** Sending municipality (us). */
  municipalityCode: string;
  idempotencyKey: string;
  /** 更新順番号: per residentRecordCode (and sending municipality), from 1, strictly increasing. */
  sequenceNumber: number;
  identity: IdentityInfo;
}

export const IdentityUpdateSchema: SchemaObject = {
  type: 'object',
  additionalProperties: false,
  required: ['municipalityCode', 'idempotencyKey', 'sequenceNumber', 'identity'],
  properties: {
    municipalityCode,
    idempotencyKey,
    sequenceNumber: sequenceNumberSchema,
    identity: IdentityInfoSchema,
  } satisfies Record<keyof IdentityUpdate, SchemaObject>,
};

/** The body of a 転入通知: registry data of the 転入者 without 個人番号 (domain.md §9.7 stance). */
export interface MoveInNoticeBody {
  residentRecordCode: string;
  name: string;
  nameKana?: string;
  birthDate: string;
  sex: CsSex;
  newAddress: string;
  moveInDate: string;
  previousAddress: string;
  notificationDate: string;
}

export const MoveInNoticeBodySchema: SchemaObject = {
  type: 'object',
  additionalProperties: false,
  required: [
    'residentRecordCode',
    'name',
    'birthDate',
    'sex',
    'newAddress',
    'moveInDate',
    'previousAddress',
    'notificationDate',
  ],
  properties: {
    residentRecordCode,
    name: text(NAME_MAX),
    nameKana: text(NAME_MAX),
    birthDate: birthDateSchema,
    sex,
    newAddress: text(ADDRESS_MAX),
    moveInDate: isoDate,
    previousAddress: text(ADDRESS_MAX),
    notificationDate: isoDate,
  } satisfies Record<keyof MoveInNoticeBody, SchemaObject>,
};

/** 転入通知 (住基法第9条第1項): sent by the destination (us) to the 前住所地. NO 個人番号, NO 特定個人情報. */
export interface MoveInNotice {
  /** The sender: the destination municipality, i.e. us. */
  fromMunicipalityCode: string;
  /** The addressee: the 前住所地 (or 最終住民登録地). */
  toMunicipalityCode: string;
  idempotencyKey: string;
  notice: MoveInNoticeBody;
}

export const MoveInNoticeSchema = townMessageSchema<MoveInNotice>('notice', MoveInNoticeBodySchema);

/** What happened to the address, from the 附票's point of view (domain.md §4.1 step 4.4, §4.2 step 6.4, §4.3 step 5.5). */
export const AnnexEvent = {
  /** 転入 / 特例転入: the new 住所 and 住所を定めた年月日. */
  MOVE_IN: 'MOVE_IN',
  /** 国内転出: the 転出先（予定）and the 転出予定年月日. */
  MOVE_OUT: 'MOVE_OUT',
  /** 国外転出: 国外転出 and its date (no 住所 in Japan). */
  MOVE_OUT_ABROAD: 'MOVE_OUT_ABROAD',
  /** 転居 (domain spec §4.9): the new 住所 and 住所を定めた年月日, as for a 転入. */
  MOVE_WITHIN: 'MOVE_WITHIN',
} as const;
export type AnnexEvent = (typeof AnnexEvent)[keyof typeof AnnexEvent];

/**
 * The 附票記載事項 of one person (住基法第19条; standard spec 7.1.1.1): 住民票コード, 氏名, the address items of the
 * move and the 戸籍の表示 (本籍・筆頭者) the registry holds, so that the 本籍地 finds the 戸籍. NO 個人番号.
 */
export interface AddressAnnexNoticeBody {
  residentRecordCode: string;
  name: string;
  event: AnnexEvent;
  /** MOVE_IN, MOVE_WITHIN: 住所 (with 方書). */
  address?: string;
  /** MOVE_IN, MOVE_WITHIN: 住所を定めた年月日. */
  addressEstablishedDate?: string;
  /** MOVE_OUT: 転出先（予定）; MOVE_OUT_ABROAD: the country as filed (optional). */
  destinationAddress?: string;
  /** MOVE_OUT, MOVE_OUT_ABROAD: 転出（予定）年月日 / 国外転出の年月日. */
  moveOutDate?: string;
  registeredDomicile: string;
  familyRegisterHead: string;
}

const requiredFor = (event: AnnexEvent, required: string[]): SchemaObject => ({
  if: { properties: { event: { const: event } }, required: ['event'] },
  then: { required, properties: Object.fromEntries(required.map((k) => [k, true])) },
});

export const AddressAnnexNoticeBodySchema: SchemaObject = {
  type: 'object',
  additionalProperties: false,
  required: ['residentRecordCode', 'name', 'event', 'registeredDomicile', 'familyRegisterHead'],
  properties: {
    residentRecordCode,
    name: text(NAME_MAX),
    event: { type: 'string', enum: Object.values(AnnexEvent) },
    address: text(ADDRESS_MAX),
    addressEstablishedDate: isoDate,
    destinationAddress: text(ADDRESS_MAX),
    moveOutDate: isoDate,
    registeredDomicile: text(ADDRESS_MAX),
    familyRegisterHead: text(NAME_MAX),
  } satisfies Record<keyof AddressAnnexNoticeBody, SchemaObject>,
  allOf: [
    requiredFor(AnnexEvent.MOVE_IN, ['address', 'addressEstablishedDate']),
    requiredFor(AnnexEvent.MOVE_WITHIN, ['address', 'addressEstablishedDate']),
    requiredFor(AnnexEvent.MOVE_OUT, ['destinationAddress', 'moveOutDate']),
    requiredFor(AnnexEvent.MOVE_OUT_ABROAD, ['moveOutDate']),
  ],
};

/**
 * 戸籍の附票記載事項通知 (住基法第19条第1項): sent by the town that changed the 住民票 to the 本籍地 through the CS
 * (the real 附票 link runs over 住基ネット), one per person and move. NO 個人番号, NO 特定個人情報.
 */
export interface AddressAnnexNotice {
  /** The sender: the town of the 住民票 (us). */
  fromMunicipalityCode: string;
  /** The addressee: the 本籍地. */
  toMunicipalityCode: string;
  idempotencyKey: string;
  notice: AddressAnnexNoticeBody;
}

export const AddressAnnexNoticeSchema = townMessageSchema<AddressAnnexNotice>('notice', AddressAnnexNoticeBodySchema);

/** Acknowledgement of an accepted message. A resend with the same Idempotency-Key gets the same ack, duplicate=true. */
export interface CsAck {
  /** Assigned by the CS. */
  messageId: string;
  /** ISO instant. */
  receivedAt: string;
  duplicate: boolean;
}

export const CsAckSchema: SchemaObject = {
  type: 'object',
  additionalProperties: false,
  required: ['messageId', 'receivedAt', 'duplicate'],
  properties: {
    messageId: { type: 'string', pattern: '^[A-Za-z0-9._:-]{1,128}$' },
    receivedAt: { type: 'string', format: 'date-time' },
    duplicate: { type: 'boolean' },
  } satisfies Record<keyof CsAck, SchemaObject>,
};

/** Error codes of the contract (4xx bodies; 503 uses CS_UNAVAILABLE). */
export const CsErrorCode = {
  ...CommonErrorCode,
  ALREADY_REGISTERED: 'ALREADY_REGISTERED',
  MOVE_WITHIN_CHANGES_MORE_THAN_ADDRESS: 'MOVE_WITHIN_CHANGES_MORE_THAN_ADDRESS',
  MUNICIPALITY_NOT_SERVED: 'MUNICIPALITY_NOT_SERVED',
  CS_UNAVAILABLE: 'CS_UNAVAILABLE',
} as const;
export type CsErrorCode = (typeof CsErrorCode)[keyof typeof CsErrorCode];

/** Error body of every non-2xx answer (the shared partner shape). `message` and `errors` never echo the request. */
export type CsErrorBody = PartnerErrorBody;
export const CsErrorBodySchema = PartnerErrorBodySchema;

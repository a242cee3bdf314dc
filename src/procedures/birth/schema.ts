import type { JSONSchemaType } from 'ajv';
import {
  AddressInputSchema,
  CertificateRequestInputSchema,
  IdentityDocumentInputSchema,
  isoDateSchema,
  text,
  type AddressInput,
  type CertificateRequestInput,
  type IdentityDocumentInput,
  NotifierInput,
  NotifierInputSchema,
} from '../../domain/application-parts';

/**
 * 出生 as entered at the counter from the 出生届 accepted under the 戸籍 law (domain spec §4.7: name and kana, birth
 * date, sex, the household to join and 続柄; 本籍・筆頭者 are copied from the household, never typed). The child of a
 * foreign national has no 戸籍: its 在留 items are 出生による経過滞在者, 60 days (domain spec §3.7; 入管法第22条の2).
 * Stored as the case's 仮登録 in case_application; never sent to Temporal. The 住民票コード is not entered: it is
 * drawn from the pool at 本登録.
 */
export interface BirthChild {
  familyName: string;
  givenName: string;
  familyNameKana: string;
  givenNameKana: string;
  birthDate: string; // YYYY-MM-DD (a birth date is always known in full)
  birthTime?: string; // HH:MM (JST), from the 出生届
  sex: '1' | '2';
  /** 子 (one notation for every child, domain spec §3.2), 子の子 in a grandparent's household, or 世帯主 (own household). */
  relationshipToHead: string;
  /** Present for the child of a foreign national (no 戸籍): 国籍・地域. */
  nationalityRegion?: string;
}

export type BirthHousehold = { mode: 'join'; householdNumber: string } | { mode: 'new'; address: AddressInput };

export interface BirthApplication {
  child: BirthChild;
  household: BirthHousehold;
  notificationDate?: string; // 届出日; defaults to today (JST)
  notifier: NotifierInput;
  identityDocument: IdentityDocumentInput;
  certificateRequest?: CertificateRequestInput;
}

const kana = { type: 'string', minLength: 1, maxLength: 100, pattern: '^[ァ-ヴー　・]+$' } as const;

const childSchema: JSONSchemaType<BirthChild> = {
  type: 'object',
  additionalProperties: false,
  required: ['familyName', 'givenName', 'familyNameKana', 'givenNameKana', 'birthDate', 'sex', 'relationshipToHead'],
  properties: {
    familyName: text(50),
    givenName: text(50),
    familyNameKana: kana,
    givenNameKana: kana,
    birthDate: isoDateSchema,
    birthTime: { type: 'string', pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$', nullable: true },
    sex: { type: 'string', enum: ['1', '2'] },
    relationshipToHead: text(40),
    nationalityRegion: { ...text(60), nullable: true },
  },
};

const householdSchema = {
  type: 'object',
  required: ['mode'],
  oneOf: [
    {
      type: 'object',
      additionalProperties: false,
      required: ['mode', 'householdNumber'],
      properties: {
        mode: { type: 'string', const: 'join' },
        householdNumber: { type: 'string', pattern: '^[0-9]{7}$' },
      },
    },
    {
      type: 'object',
      additionalProperties: false,
      required: ['mode', 'address'],
      properties: { mode: { type: 'string', const: 'new' }, address: AddressInputSchema },
    },
  ],
} as const;

export const BirthApplicationSchema: JSONSchemaType<BirthApplication> = {
  type: 'object',
  additionalProperties: false,
  required: ['child', 'household', 'notifier', 'identityDocument'],
  properties: {
    child: childSchema,
    household: householdSchema as unknown as JSONSchemaType<BirthHousehold>,
    notificationDate: { ...isoDateSchema, nullable: true },
    notifier: NotifierInputSchema,
    identityDocument: IdentityDocumentInputSchema,
    certificateRequest: CertificateRequestInputSchema,
  },
};

/** The application as stored (仮登録): 届出日 resolved. */
export type StoredBirthApplication = Omit<BirthApplication, 'notificationDate'> & { notificationDate: string };

/** Findings of the birth intake rules (case flags). */
export const BirthFlag = {
  /** 出生届 later than birth + 14 days (law: 戸籍法第49条): accepted, shown at 決裁. */
  LATE_BIRTH_FILING: 'LATE_BIRTH_FILING',
} as const;

/** 在留 items of a foreign national's child born here (domain spec §3.7): 出生による経過滞在者, 60 days. */
export const BIRTH_STAY = {
  category: '経過滞在者',
  statusOfResidence: '出生による経過滞在',
  periodOfStay: '60日',
  days: 60,
} as const;

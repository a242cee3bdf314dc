import type { JSONSchemaType } from 'ajv';
import {
  AddressInputSchema,
  CertificateRequestInputSchema,
  HouseholdPlacementSchema,
  IdentityDocumentInputSchema,
  birthDateSchema,
  isoDateSchema,
  text,
  type AddressInput,
  type CertificateRequestInput,
  type HouseholdPlacement,
  type IdentityDocumentInput,
  NotifierInput,
  NotifierInputSchema,
} from '../../domain/application-parts';
import { ForeignResidentCategory } from '../../domain/registry-values';

/**
 * 転入届 as entered at the counter (domain.md §4.1). Only the items on the notification form can be entered
 * (domain.md §4 common rule 3). Stored as the case's 仮登録 in case_application; never sent to Temporal.
 */
export interface MoveInMover {
  familyName: string;
  givenName: string;
  familyNameKana: string;
  givenNameKana: string;
  birthDate: string;
  sex: '1' | '2';
  relationshipToHead: string;
  /** From the 転出証明書; absent only for a 国外転入 of a person never registered in Japan (drawn from the pool). */
  residentRecordCode?: string;
  individualNumber?: string; // from the 転出証明書 or the card; check digit validated
  registeredDomicile?: string;
  familyRegisterHead?: string;
  /** 本籍地の市町村コード (6 digits, check digit): where the 戸籍の附票記載事項通知 goes (住基法第19条). */
  domicileMunicipalityCode?: string;
  formerSurname?: string;
  cardPresented?: boolean;
  /**
   * 外国人住民 (domain.md §3.7; seed 000 L13983–13989): the 第30条の45 区分 marks the mover as a foreign resident; the
   * other 在留 items are checked against it by the rules. Named as the resident record's fields.
   */
  foreignResidentCategory?: ForeignResidentCategory;
  nationalityRegion?: string; // 国籍・地域
  statusOfResidence?: string; // 在留資格
  periodOfStay?: string; // 在留期間, e.g. 3年
  periodOfStayExpiry?: string; // 在留期間の満了の日
  residenceCardNumber?: string; // 在留カード番号 / 特別永住者証明書番号
  alphabetName?: string; // 氏名（アルファベット表記）
  alias?: string; // 通称
}

/** The 在留 items of a mover, in the order of the form and the record. */
export const FOREIGN_RESIDENT_ITEMS = [
  'foreignResidentCategory',
  'nationalityRegion',
  'statusOfResidence',
  'periodOfStay',
  'periodOfStayExpiry',
  'residenceCardNumber',
  'alphabetName',
  'alias',
] as const satisfies ReadonlyArray<keyof MoveInMover>;

/** 在留カード番号 and 特別永住者証明書番号: 2 letters, 8 digits, 2 letters (e.g. AB12345678CD). */
export const RESIDENCE_CARD_NUMBER_PATTERN = '^[A-Z]{2}[0-9]{8}[A-Z]{2}$';

export interface MoveInApplication {
  movers: MoveInMover[];
  address: AddressInput;
  moveInDate: string; // 転入をした年月日 (= 異動日)
  notificationDate?: string; // 届出日; defaults to today (JST)
  previousAddress: string; // 転入前住所
  previousMunicipalityCode?: string; // 前住所地 (receives the 転入通知); absent when moving in from abroad
  fromAbroad?: boolean;
  household: HouseholdPlacement;
  notifier: NotifierInput;
  identityDocument: IdentityDocumentInput;
  moveOutCertificate?: { issuingMunicipalityCode: string; issueDate?: string };
  certificateRequest?: CertificateRequestInput;
}

const kana = { type: 'string', minLength: 1, maxLength: 100, pattern: '^[ァ-ヴー　・]+$' } as const;
const date = isoDateSchema;

const moverSchema: JSONSchemaType<MoveInMover> = {
  type: 'object',
  additionalProperties: false,
  required: ['familyName', 'givenName', 'familyNameKana', 'givenNameKana', 'birthDate', 'sex', 'relationshipToHead'],
  properties: {
    familyName: text(50),
    givenName: text(50),
    familyNameKana: kana,
    givenNameKana: kana,
    birthDate: birthDateSchema,
    sex: { type: 'string', enum: ['1', '2'] },
    relationshipToHead: text(40),
    residentRecordCode: { type: 'string', pattern: '^[0-9]{11}$', nullable: true },
    individualNumber: { type: 'string', format: 'individual-number', nullable: true },
    registeredDomicile: { ...text(200), nullable: true },
    familyRegisterHead: { ...text(100), nullable: true },
    domicileMunicipalityCode: { type: 'string', format: 'municipality-code', nullable: true },
    formerSurname: { ...text(50), nullable: true },
    cardPresented: { type: 'boolean', nullable: true },
    foreignResidentCategory: {
      type: 'string',
      enum: Object.values(ForeignResidentCategory),
      nullable: true,
    } as JSONSchemaType<MoveInMover>['properties']['foreignResidentCategory'],
    nationalityRegion: { ...text(100), nullable: true },
    statusOfResidence: { ...text(100), nullable: true },
    periodOfStay: { ...text(40), nullable: true },
    periodOfStayExpiry: { ...date, nullable: true },
    residenceCardNumber: { type: 'string', pattern: RESIDENCE_CARD_NUMBER_PATTERN, nullable: true },
    alphabetName: { type: 'string', minLength: 1, maxLength: 200, pattern: "^[A-Za-z][A-Za-z ,.'-]*$", nullable: true },
    alias: { ...text(100), nullable: true },
  },
};

export const MoveInApplicationSchema: JSONSchemaType<MoveInApplication> = {
  type: 'object',
  additionalProperties: false,
  required: ['movers', 'address', 'moveInDate', 'previousAddress', 'household', 'notifier', 'identityDocument'],
  properties: {
    movers: { type: 'array', minItems: 1, maxItems: 12, items: moverSchema },
    address: AddressInputSchema,
    moveInDate: date,
    notificationDate: { ...date, nullable: true },
    previousAddress: text(200),
    previousMunicipalityCode: { type: 'string', format: 'municipality-code', nullable: true },
    fromAbroad: { type: 'boolean', nullable: true },
    household: HouseholdPlacementSchema as unknown as JSONSchemaType<MoveInApplication['household']>,
    notifier: NotifierInputSchema,
    identityDocument: IdentityDocumentInputSchema,
    moveOutCertificate: {
      type: 'object',
      additionalProperties: false,
      required: ['issuingMunicipalityCode'],
      nullable: true,
      properties: {
        issuingMunicipalityCode: { type: 'string', format: 'municipality-code' },
        issueDate: { ...date, nullable: true },
      },
    },
    certificateRequest: CertificateRequestInputSchema,
  },
};

/** The application as stored (仮登録): the 個人番号 replaced by its ciphertext, 届出日 resolved. */
export type StoredMoveInMover = Omit<MoveInMover, 'individualNumber'> & { individualNumberEnc?: string };
export type StoredMoveInApplication = Omit<MoveInApplication, 'movers' | 'notificationDate'> & {
  movers: StoredMoveInMover[];
  notificationDate: string;
};

/** Findings of the move-in intake rules (case flags). */
export const CaseFlag = {
  LATE_FILING: 'LATE_FILING',
  RE_MOVE_IN: 'RE_MOVE_IN',
  RE_MOVE_IN_ALERT: 'RE_MOVE_IN_ALERT',
  RESIDENT_CODE_ALERT: 'RESIDENT_CODE_ALERT',
} as const;

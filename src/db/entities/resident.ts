import { EntitySchema } from '@mikro-orm/core';
import type {
  CardStatus,
  ForeignResidentCategory,
  LegacyCardStatus,
  ResidentStatus,
  Sex,
} from '../../domain/registry-values';
import type { ChangeReason } from '../../domain/change-reason';

/**
 * The items of one 住民票 (domain.md §3.1). `Resident` is the current state (= the latest history snapshot);
 * every change also appends a full `ResidentHistory` snapshot. The 個人番号 is stored only encrypted, with an
 * HMAC blind index for exact lookups.
 */
export interface ResidentItems {
  addresseeNumber: string; // 宛名番号 (with check digit)
  householdNumber: string; // 世帯番号
  residentRecordCode?: string; // 住民票コード (nullable only on a 除票)
  formerResidentRecordCodes?: string[]; // 旧住民票コード
  individualNumberEnc?: string; // 個人番号, AES-GCM
  individualNumberIndex?: string; // HMAC blind index
  familyName: string;
  givenName: string;
  familyNameKana: string;
  givenNameKana: string;
  nameKanaConfirmed: boolean;
  formerSurname?: string; // 旧氏
  formerSurnameKana?: string;
  birthDate: string; // YYYY-MM-DD, or a qualified unknown value (domain.md §3.1)
  birthDateQualifier?: string; // e.g. '年月日不詳', '頃'
  sex: Sex;
  relationshipToHead: string; // 続柄
  householdHeadName?: string; // 世帯主名 (as recorded)
  registeredDomicile?: string; // 本籍
  familyRegisterHead?: string; // 筆頭者
  domicileMunicipalityCode?: string; // 本籍地の市町村コード (6 digits): where the 附票記載事項通知 goes
  address: string;
  addressSupplement?: string; // 方書
  addressCode?: string;
  postalCode?: string;
  becameResidentDate: string; // 住民となった日
  addressEstablishedDate: string; // 住所を定めた日
  ceasedResidentDate?: string; // 住民でなくなった日
  notificationDate: string; // 届出の年月日
  previousAddress?: string; // 前住所 / 転入前住所
  lastRegisteredAddress?: string; // 最終登録住所地
  plannedDestinationAddress?: string; // 転出予定先住所
  plannedMoveOutDate?: string;
  confirmedDestinationAddress?: string; // 転出確定住所
  confirmedMoveOutDate?: string;
  moveInNoticeDate?: string; // 転入通知年月日
  removalReason?: string; // 消除事由
  removalDate?: string;
  status: ResidentStatus;
  programEligibility?: Record<string, string>; // 個別事項情報
  cardStatus: CardStatus;
  legacyCardStatus: LegacyCardStatus;
  signingCertSerial?: string;
  authCertSerial?: string;
  changeReason: ChangeReason; // latest 異動事由
  changeDate: string; // 異動年月日
  // foreign residents (domain.md §3.7)
  isForeignResident: boolean;
  nationalityRegion?: string;
  alphabetName?: string;
  alias?: string; // 通称
  residenceCardNumber?: string;
  foreignResidentCategory?: ForeignResidentCategory;
  statusOfResidence?: string;
  periodOfStay?: string;
  periodOfStayExpiry?: string;
  becameForeignResidentDate?: string;
  isAdultWard: boolean; // 成年被後見人
  remarks?: string; // 備考 (printed); memo is never printed and lives elsewhere
  // stamp (domain.md §3.1 "Stamp")
  processId?: string; // case ID that made the change
  terminalId?: string;
  updatedBy?: string;
}

export class Resident implements ResidentItems {
  addresseeNumber!: string;
  householdNumber!: string;
  residentRecordCode?: string;
  formerResidentRecordCodes?: string[];
  individualNumberEnc?: string;
  individualNumberIndex?: string;
  familyName!: string;
  givenName!: string;
  familyNameKana!: string;
  givenNameKana!: string;
  nameKanaConfirmed = false;
  formerSurname?: string;
  formerSurnameKana?: string;
  birthDate!: string;
  birthDateQualifier?: string;
  sex!: Sex;
  relationshipToHead!: string;
  householdHeadName?: string;
  registeredDomicile?: string;
  familyRegisterHead?: string;
  domicileMunicipalityCode?: string;
  address!: string;
  addressSupplement?: string;
  addressCode?: string;
  postalCode?: string;
  becameResidentDate!: string;
  addressEstablishedDate!: string;
  ceasedResidentDate?: string;
  notificationDate!: string;
  previousAddress?: string;
  lastRegisteredAddress?: string;
  plannedDestinationAddress?: string;
  plannedMoveOutDate?: string;
  confirmedDestinationAddress?: string;
  confirmedMoveOutDate?: string;
  moveInNoticeDate?: string;
  removalReason?: string;
  removalDate?: string;
  status!: ResidentStatus;
  programEligibility?: Record<string, string>;
  cardStatus!: CardStatus;
  legacyCardStatus!: LegacyCardStatus;
  signingCertSerial?: string;
  authCertSerial?: string;
  changeReason!: ChangeReason;
  changeDate!: string;
  isForeignResident = false;
  nationalityRegion?: string;
  alphabetName?: string;
  alias?: string;
  residenceCardNumber?: string;
  foreignResidentCategory?: ForeignResidentCategory;
  statusOfResidence?: string;
  periodOfStay?: string;
  periodOfStayExpiry?: string;
  becameForeignResidentDate?: string;
  isAdultWard = false;
  remarks?: string;
  processId?: string;
  terminalId?: string;
  updatedBy?: string;
  historyNumber!: number; // 履歴番号 of the current snapshot
  updatedAt: Date = new Date();
  version = 1;
}

const s = (length = 255, nullable = true) => ({ type: 'string', length, nullable }) as const;
const date = (nullable = true) => ({ type: 'string', length: 10, nullable }) as const;

export const ResidentSchema = new EntitySchema<Resident>({
  class: Resident,
  tableName: 'resident',
  properties: {
    addresseeNumber: { type: 'string', length: 16, primary: true },
    householdNumber: s(16, false),
    residentRecordCode: s(11),
    formerResidentRecordCodes: { type: 'json', nullable: true },
    individualNumberEnc: { type: 'text', nullable: true },
    individualNumberIndex: s(64),
    familyName: s(100, false),
    givenName: s(100, false),
    familyNameKana: s(200, false),
    givenNameKana: s(200, false),
    nameKanaConfirmed: { type: 'boolean' },
    formerSurname: s(100),
    formerSurnameKana: s(200),
    birthDate: date(false),
    birthDateQualifier: s(40),
    sex: s(1, false),
    relationshipToHead: s(40, false),
    householdHeadName: s(200),
    registeredDomicile: s(),
    familyRegisterHead: s(200),
    domicileMunicipalityCode: s(6),
    address: s(255, false),
    addressSupplement: s(),
    addressCode: s(20),
    postalCode: s(8),
    becameResidentDate: date(false),
    addressEstablishedDate: date(false),
    ceasedResidentDate: date(),
    notificationDate: date(false),
    previousAddress: s(),
    lastRegisteredAddress: s(),
    plannedDestinationAddress: s(),
    plannedMoveOutDate: date(),
    confirmedDestinationAddress: s(),
    confirmedMoveOutDate: date(),
    moveInNoticeDate: date(),
    removalReason: s(40),
    removalDate: date(),
    status: s(20, false),
    programEligibility: { type: 'json', nullable: true },
    cardStatus: s(30, false),
    legacyCardStatus: s(20, false),
    signingCertSerial: s(64),
    authCertSerial: s(64),
    changeReason: s(40, false),
    changeDate: date(false),
    isForeignResident: { type: 'boolean' },
    nationalityRegion: s(100),
    alphabetName: s(200),
    alias: s(200),
    residenceCardNumber: s(12),
    foreignResidentCategory: s(20),
    statusOfResidence: s(100),
    periodOfStay: s(40),
    periodOfStayExpiry: date(),
    becameForeignResidentDate: date(),
    isAdultWard: { type: 'boolean' },
    remarks: s(),
    processId: s(64),
    terminalId: s(64),
    updatedBy: s(64),
    historyNumber: { type: 'integer' },
    updatedAt: { type: 'datetime' },
    version: { type: 'integer', version: true },
  },
  indexes: [
    { properties: ['householdNumber'] },
    { properties: ['familyNameKana', 'givenNameKana'] },
    { properties: ['birthDate'] },
    { properties: ['status'] },
  ],
  uniques: [{ properties: ['residentRecordCode'] }, { properties: ['individualNumberIndex'] }],
});

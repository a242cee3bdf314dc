/** Shapes of the synthetic demo town (src/db/seed/demo-town.ts). All dates are 'YYYY-MM-DD'. */
import type { ForeignResidentCategory, Sex } from '../../domain/registry-values';

export interface DemoTownOptions {
  seed?: number; // default 1
  households?: number; // default 420
  municipalityName?: string; // default 'さくら市'
  municipalityCode?: string; // default '139998' (the 本籍地 code of 本籍 in the town)
  prefectureName?: string; // default '東京都'
  today?: string; // default '2026-11-01'
}

export interface DemoTown {
  households: DemoHousehold[];
}

export interface DemoHousehold {
  householdNumber: string; // 世帯番号 = localNumber(serial)
  address: string; // full: 東京都さくら市桜ケ丘二丁目3番14号
  addressSupplement?: string; // 方書, e.g. 'さくらハイツ203号室'
  postalCode: string; // '206-0013', one per 町名
  addressCode: string; // 町字 code: 4-digit 町 + 3-digit 丁目
  members: DemoResident[]; // 世帯主 first, then rank / birth date / 宛名番号 (domain.md §3.2)
}

export interface DemoForeignInfo {
  nationalityRegion: string;
  alphabetName: string;
  residenceCardNumber: string; // 在留カード等番号: 2 letters + 8 digits + 2 letters
  foreignResidentCategory: Extract<ForeignResidentCategory, '中長期在留者' | '特別永住者'>;
  /** 在留資格; absent for 特別永住者, who have none. */
  statusOfResidence?: string;
  /** 在留期間 such as '3年'; absent for 特別永住者 and 永住者. */
  periodOfStay?: string;
  /** 在留期間の満了日; absent for 特別永住者 and 永住者 (no period of stay). */
  periodOfStayExpiry?: string;
  /** 外国人住民となった年月日 (2012-07-09 for persons already registered when the system started). */
  becameForeignResidentDate: string;
}

export interface DemoResident {
  addresseeNumber: string; // 宛名番号
  residentRecordCode: string; // 住民票コード, 11 digits, provisional check digit
  individualNumber: string; // 個人番号, 12 digits
  familyName: string;
  givenName: string;
  familyNameKana: string; // katakana; full-width space between parts of foreign names
  givenNameKana: string;
  sex: Sex;
  birthDate: string;
  relationshipToHead: string; // 続柄 (isValidRelationship)
  registeredDomicile?: string; // 本籍 (Japanese residents only)
  familyRegisterHead?: string; // 筆頭者 (Japanese residents only)
  domicileMunicipalityCode?: string; // 本籍地の市町村コード, with check digit (Japanese residents only)
  becameResidentDate: string;
  addressEstablishedDate: string;
  notificationDate: string;
  becameResidentReason: '出生' | '転入';
  previousAddress?: string; // for 転入 (may be abroad)
  hasCard: boolean; // holds a 個人番号カード
  foreign?: DemoForeignInfo;
}

/** A synthetic person outside the town who is about to move in (benchmark input for 転入 cases). */
export interface DemoNewMover {
  residentRecordCode: string;
  individualNumber: string;
  familyName: string;
  givenName: string;
  familyNameKana: string;
  givenNameKana: string;
  sex: Sex;
  birthDate: string;
  registeredDomicile: string;
  familyRegisterHead: string;
  previousAddress: string; // 転入前住所 in another municipality
  previousMunicipalityCode: string; // 6 digits with check digit
  previousAddressEstablishedDate: string;
  plannedMoveOutDate: string; // 転出予定年月日 stated at the origin (≤ today)
  moveInDate: string; // 転入した日 (≤ today, within 14 days before today)
  hasCard: boolean;
}

import type { ResidentItems } from '../../../db/entities';
import type { PiiCrypto } from '../../../db/pii-crypto';
import { wareki } from '../format';
import { residentStatusLabel, sexText } from '../labels';

/**
 * The items of a 住民票 as rows of a comparison (label → displayed value), in the order of the standard screen.
 * The 個人番号 is masked unless `reveal` (the caller checked the role and audits the access).
 */
export type RecordLike = Partial<ResidentItems>;
export type RecordRows = Array<[label: string, value: string]>;

export const MASK = '************';

export interface RecordDisplay {
  reveal: boolean;
  pii?: PiiCrypto;
  /** A clear 個人番号 already known (application as returned by the API, masked or revealed there). */
  individualNumber?: string;
}

function numberOf(r: RecordLike, d: RecordDisplay): string {
  if (d.individualNumber !== undefined) return d.individualNumber;
  if (!r.individualNumberEnc) return '';
  if (!d.reveal || !d.pii) return MASK;
  try {
    return d.pii.decrypt(r.individualNumberEnc);
  } catch {
    return '（復号できません）';
  }
}

export function recordRows(r: RecordLike | undefined, d: RecordDisplay): RecordRows {
  if (!r) return [];
  // one rule for every date of a foreign resident: 西暦 (standard spec 1.1.9 names the birth date and 満了日)
  const seireki = Boolean(r.isForeignResident);
  const rows: RecordRows = [
    ['住民状態', r.status ? (residentStatusLabel[r.status] ?? r.status) : ''],
    ['氏名', [r.familyName, r.givenName].filter(Boolean).join('　')],
    ['フリガナ', [r.familyNameKana, r.givenNameKana].filter(Boolean).join('　')],
    ['旧氏', r.formerSurname ?? ''],
    ['生年月日', wareki(r.birthDate, { seireki })],
    ['性別', sexText(r.sex)],
    ['続柄', r.relationshipToHead ?? ''],
    ['世帯主', r.householdHeadName ?? ''],
    ['住所', r.address ?? ''],
    ['方書', r.addressSupplement ?? ''],
    ['郵便番号', r.postalCode ?? ''],
    ['住民票コード', r.residentRecordCode ?? ''],
    ['個人番号', numberOf(r, d)],
    ...foreignResidentRows(r, seireki),
    ['本籍', r.registeredDomicile ?? ''],
    ['筆頭者', r.familyRegisterHead ?? ''],
    ['住民となった日', wareki(r.becameResidentDate, { seireki })],
    ['住所を定めた日', wareki(r.addressEstablishedDate, { seireki })],
    ['届出日', wareki(r.notificationDate, { seireki })],
    ['前住所', r.previousAddress ?? ''],
    ['転出予定先住所', r.plannedDestinationAddress ?? ''],
    ['転出予定年月日', wareki(r.plannedMoveOutDate, { seireki })],
    ['転出確定住所', r.confirmedDestinationAddress ?? ''],
    ['転出年月日（確定）', wareki(r.confirmedMoveOutDate, { seireki })],
    ['転入通知日', wareki(r.moveInNoticeDate, { seireki })],
    ['消除日', wareki(r.removalDate, { seireki })],
    ['異動事由', r.changeReason ?? ''], // stored in Japanese (domain/change-reason.ts)
    ['異動日', wareki(r.changeDate, { seireki })],
    ['宛名番号', r.addresseeNumber ?? ''],
    ['世帯番号', r.householdNumber ?? ''],
  ];
  return rows;
}

/** 外国人住民の項目 (domain.md §3.7); none for a Japanese resident. */
function foreignResidentRows(r: RecordLike, seireki: boolean): RecordRows {
  if (!r.isForeignResident) return [];
  return [
    ['国籍・地域', r.nationalityRegion ?? ''],
    ['第30条の45に規定する区分', r.foreignResidentCategory ?? ''],
    ['在留資格', r.statusOfResidence ?? ''],
    ['在留期間', r.periodOfStay ?? ''],
    ['在留期間の満了の日', wareki(r.periodOfStayExpiry, { seireki })],
    ['在留カード等の番号', r.residenceCardNumber ?? ''],
    ['氏名（アルファベット）', r.alphabetName ?? ''],
    ['通称', r.alias ?? ''],
    ['外国人住民となった日', wareki(r.becameForeignResidentDate, { seireki })],
  ];
}

/** One item across the columns (before, then each later state); `changed[i]`: column i differs from column i − 1. */
export interface ComparisonRow {
  label: string;
  values: string[];
  changed: boolean[];
}

/** Items per column, in the standard order; items empty in every column are left out. */
export function compareRecords(...columns: RecordRows[]): ComparisonRow[] {
  const labels: string[] = [];
  for (const col of columns) for (const [l] of col) if (!labels.includes(l)) labels.push(l);
  const maps = columns.map((c) => new Map(c));
  return labels
    .map((label) => ({ label, values: maps.map((m) => m.get(label) ?? '') }))
    .filter((r) => r.values.some((v) => v !== ''))
    .map((r) => ({ ...r, changed: r.values.map((v, i) => i > 0 && v !== r.values[i - 1]) }));
}

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';

/**
 * Reference data shipped with the project (README "Reference data"; rebuilt by scripts/build-reference-data.ts from
 * Japan Post's KEN_ALL and the 総務省 全国地方公共団体コード list): 郵便番号 → 住所 and 市区町村名 → 団体コード. Loaded
 * once, on first use. Public data: no personal data, nothing audited.
 */
export const REFERENCE_DIR = __dirname;

/** 7-digit 郵便番号 → [index into `municipalities`, 町域名 ('' when KEN_ALL has none)] per 町域. */
export interface PostalFile {
  source: string;
  generated: string;
  municipalities: string[];
  postal: Record<string, Array<[number, string]>>;
}
/** [6-digit 団体コード, 都道府県名, 市区町村名 ('' for the 都道府県 itself)]. */
export interface MunicipalityFile {
  source: string;
  generated: string;
  municipalities: Array<[string, string, string]>;
}

export interface Municipality {
  code: string;
  prefecture: string;
  city: string;
  /** 都道府県名 + 市区町村名, as an address starts. */
  name: string;
}
export interface PostalAddress {
  postalCode: string; // 123-4567
  municipalityCode: string;
  prefecture: string;
  city: string;
  town: string;
  /** 都道府県 + 市区町村 + 町域: the start of the address, the clerk adds the rest. */
  address: string;
}

const load = <T>(file: string): T => JSON.parse(gunzipSync(readFileSync(join(REFERENCE_DIR, file))).toString('utf8'));

let municipalityData: { list: Municipality[]; byCode: Map<string, Municipality>; generated: string } | undefined;
const municipalityTable = () => {
  if (!municipalityData) {
    const f = load<MunicipalityFile>('municipalities.json.gz');
    const list = f.municipalities.map(([code, prefecture, city]) => ({
      code,
      prefecture,
      city,
      name: `${prefecture}${city}`,
    }));
    municipalityData = { list, byCode: new Map(list.map((m) => [m.code, m])), generated: f.generated };
  }
  return municipalityData;
};
let postalData: PostalFile | undefined;

/** Folds what a clerk types: full-width letters and digits, spaces (ケ/ヶ are kept: they are part of the names). */
const fold = (s: string) => s.normalize('NFKC').replace(/[\s\u3000]+/g, '');

/** The municipality of a 6-digit 団体コード (with its check digit). */
export const municipalityByCode = (code: string): Municipality | undefined => municipalityTable().byCode.get(code);

/**
 * Municipalities for a name as typed: the full name (神奈川県相模原市中央区), the name without the 都道府県 (相模原市中央区),
 * a ward's own name (中央区: every such ward), or a whole address that starts with it (神奈川県相模原市中央区中央二丁目…: the longest match). Best
 * first: an exact name, then the longest prefix of the address; 都道府県 alone only when asked by its name. At most `max`.
 */
export function municipalitiesByName(typed: string, max = 20): Municipality[] {
  const q = fold(typed);
  if (!q) return [];
  const scored: Array<[number, Municipality]> = [];
  for (const m of municipalityTable().list) {
    const full = m.name;
    let score = 0;
    if (q === full || (m.city && q === m.city)) score = 1000 + full.length;
    else if (m.city && q.startsWith(full)) score = 500 + full.length;
    else if (m.city && q.startsWith(m.city) && m.city.length >= 2) score = 100 + m.city.length;
    else if (m.city.endsWith(q) && m.city.slice(0, -q.length).endsWith('市')) score = 50; // a ward: 中央区
    if (score) scored.push([score, m]);
  }
  return scored
    .sort((a, b) => b[0] - a[0] || a[1].code.localeCompare(b[1].code))
    .slice(0, max)
    .map(([, m]) => m);
}

/** The 町域 of a 郵便番号 (7 digits, with or without the hyphen); empty when the code is not in KEN_ALL. */
export function addressesByPostalCode(code: string): PostalAddress[] {
  const digits = fold(code).replace(/[-‐－ー〒]/g, '');
  if (!/^\d{7}$/.test(digits)) return [];
  postalData ??= load<PostalFile>('postal-codes.json.gz');
  const rows = postalData.postal[digits] ?? [];
  return rows.flatMap(([i, town]) => {
    const m = municipalityByCode(postalData!.municipalities[i]!);
    if (!m) return [];
    return [
      {
        postalCode: `${digits.slice(0, 3)}-${digits.slice(3)}`,
        municipalityCode: m.code,
        prefecture: m.prefecture,
        city: m.city,
        town,
        address: `${m.name}${town}`,
      },
    ];
  });
}

/** When the shipped data was built (shown with the lookups). */
export const referenceDataDate = (): string => municipalityTable().generated;

/**
 * 町名 of the fictional demo municipality (default 東京都さくら市). `id` is the 4-digit 大字・町 part of the
 * 町字 code; the 住所コード of an address appends the 丁目 as 3 digits (アドレス・ベース・レジストリ style).
 */
export interface TownArea {
  id: string;
  name: string;
  postalCode: string;
  chome: number; // number of 丁目
  weight: number; // relative number of households
}

export const TOWN_AREAS: readonly TownArea[] = [
  { id: '0001', name: '本町', postalCode: '206-0011', chome: 4, weight: 9 },
  { id: '0002', name: '中央', postalCode: '206-0012', chome: 5, weight: 10 },
  { id: '0003', name: '桜ケ丘', postalCode: '206-0013', chome: 3, weight: 10 },
  { id: '0004', name: '緑町', postalCode: '206-0014', chome: 3, weight: 8 },
  { id: '0005', name: '旭町', postalCode: '206-0015', chome: 4, weight: 8 },
  { id: '0006', name: '若葉台', postalCode: '206-0016', chome: 5, weight: 11 },
  { id: '0007', name: '東町', postalCode: '206-0017', chome: 2, weight: 6 },
  { id: '0008', name: '南台', postalCode: '206-0018', chome: 3, weight: 7 },
  { id: '0009', name: '富士見町', postalCode: '206-0021', chome: 4, weight: 8 },
  { id: '0010', name: '栄町', postalCode: '206-0022', chome: 3, weight: 7 },
  { id: '0011', name: '青葉台', postalCode: '206-0023', chome: 4, weight: 9 },
  { id: '0012', name: '松が丘', postalCode: '206-0024', chome: 2, weight: 5 },
];

/** Building names for 方書 (apartment houses); some buildings are instead named after their 町名 + a suffix. */
export const BUILDING_NAMES: readonly string[] = [
  'さくらハイツ', 'グリーンコーポ', 'パークハイム', 'サンライズマンション', 'メゾンドソレイユ', 'フォレストコート',
  'ベルメゾン', 'ロイヤルパレス', 'エクセルハイツ', 'シャトーブラン', 'ヴィラ・アルカディア', 'コーポ若竹',
  'ハイツ日の出', 'レジデンス翠', 'カーサ・ベルデ', 'アーバンコート', 'エステート光', 'グランシティ',
  'ソレイユ', 'プランドール', 'コンフォート', 'リバーサイドハイツ', 'ドミール', 'クレストヒルズ',
  'セレーノ', 'アムール', 'ルミエール', 'プリムローズ', 'ハイムさくら', 'シティハウス',
];
export const AREA_BUILDING_SUFFIXES: readonly string[] = ['ハイツ', 'コーポ', 'レジデンス', 'マンション', '住宅'];

export const KANJI_NUMERALS: readonly string[] = ['〇', '一', '二', '三', '四', '五', '六', '七', '八', '九', '十'];

/** 1–10 → 一…十 (丁目 numbers). */
export const kanjiNumber = (n: number): string => {
  const k = KANJI_NUMERALS[n];
  if (k === undefined) throw new RangeError(`no kanji numeral for ${n}`);
  return k;
};

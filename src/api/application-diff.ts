/**
 * What a correction changed (訂正して再提出, issue 14 item 4): the stored application before and after, flattened to
 * items with a Japanese label, compared item by item. A 個人番号 (`individualNumberEnc`, encrypted with a fresh IV each
 * time) is compared by its clear value and shown only as 「変更あり」 — never the number, masked or not.
 */
export interface ApplicationChange {
  /** The item's path, e.g. `movers[1].givenName`. */
  path: string;
  label: string;
  before?: string;
  after?: string;
}

const LABELS: Record<string, string> = {
  movers: '転入者',
  persons: '転入者',
  child: '子',
  familyName: '氏',
  givenName: '名',
  familyNameKana: '氏（フリガナ）',
  givenNameKana: '名（フリガナ）',
  birthDate: '生年月日',
  birthTime: '出生の時刻',
  sex: '性別',
  relationshipToHead: '続柄',
  residentRecordCode: '住民票コード',
  individualNumber: '個人番号',
  addresseeNumber: '宛名番号',
  registeredDomicile: '本籍',
  familyRegisterHead: '筆頭者',
  domicileMunicipalityCode: '本籍地の市区町村コード',
  cardPresented: '個人番号カードの提示',
  foreignResidentCategory: '第30条の45に規定する区分',
  nationalityRegion: '国籍・地域',
  statusOfResidence: '在留資格',
  periodOfStay: '在留期間',
  periodOfStayExpiry: '在留期間の満了の日',
  residenceCardNumber: '在留カード等の番号',
  alphabetName: '氏名（アルファベット）',
  alias: '通称',
  address: '住所',
  addressSupplement: '方書',
  postalCode: '郵便番号',
  moveInDate: '転入日',
  notificationDate: '届出日',
  previousAddress: '前住所',
  previousMunicipalityCode: '前住所の市区町村コード',
  fromAbroad: '国外からの転入',
  household: '世帯',
  mode: '指定',
  householdNumber: '世帯番号',
  notifier: '届出人',
  kind: '種別',
  powerOfAttorney: '委任状',
  identityDocument: '本人確認書類',
  type: '種類',
  moveOutCertificate: '転出証明書',
  issuingMunicipalityCode: '発行市区町村コード',
  issueDate: '発行日',
  certificateRequest: '住民票の写しの請求',
  includeHouseholdHead: '世帯主・続柄の記載',
  includeDomicile: '本籍・筆頭者の記載',
  includeResidentRecordCode: '住民票コードの記載',
  includeIndividualNumber: '個人番号の記載',
  destination: '転出先',
  plannedMoveOutDate: '転出予定日',
  path: '転出の方法',
  municipalityCode: '市区町村コード',
  municipalityName: '市区町村名',
};

const labelOf = (path: string): string =>
  path
    .split('.')
    .map((part) => {
      const m = /^([A-Za-z]+)(?:\[(\d+)\])?$/.exec(part);
      if (!m) return part;
      const l = LABELS[m[1]!] ?? m[1]!;
      return m[2] ? `${l}${Number(m[2]) + 1}` : l;
    })
    .join('・');

const SECRET = '\u0000';

/** Leaves of a stored application: path → text (`individualNumberEnc` → `individualNumber`, decrypted). */
function flatten(v: unknown, open: (enc: string) => string, path = '', out = new Map<string, string>()) {
  if (Array.isArray(v)) v.forEach((x, i) => flatten(x, open, `${path}[${i}]`, out));
  else if (v && typeof v === 'object')
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
      if (k === 'individualNumberEnc' && typeof x === 'string') {
        out.set(path ? `${path}.individualNumber` : 'individualNumber', `${SECRET}${open(x)}`);
      } else if (!/Enc$/.test(k)) flatten(x, open, path ? `${path}.${k}` : k, out);
    }
  else if (v !== undefined && v !== null) out.set(path, typeof v === 'boolean' ? (v ? 'あり' : 'なし') : String(v));
  return out;
}

export function applicationChanges(
  before: unknown,
  after: unknown,
  open: (enc: string) => string,
): ApplicationChange[] {
  const a = flatten(before, open);
  const b = flatten(after, open);
  const paths = [...new Set([...a.keys(), ...b.keys()])];
  return paths
    .filter((p) => a.get(p) !== b.get(p))
    .map((p) =>
      a.get(p)?.startsWith(SECRET) || b.get(p)?.startsWith(SECRET)
        ? { path: p, label: labelOf(p), after: '変更あり' }
        : { path: p, label: labelOf(p), before: a.get(p), after: b.get(p) },
    );
}

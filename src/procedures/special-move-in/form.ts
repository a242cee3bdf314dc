import type { SpecialMoveInApplication, StoredSpecialMoveInApplication } from './schema';
import type { ErrorMapping } from '../../api/web/intake/field-errors';
import {
  certificateRequestOf,
  commonFormValues,
  compact,
  putValue,
  birthDateOf,
  checked,
  dateOf,
  digitsOf,
  municipalityCodeOf,
  postalCodeOf,
  rowCount,
  type FormValues,
} from '../../api/web/intake/form-input';

/**
 * 特例転入届 form (domain.md §4.2) → the body of POST /api/cases/special-move-in. Person rows `p{i}.…` carry what the
 * card shows (住民票コード and 4情報) and the 続柄; the rest of the record comes from the held 転出証明書情報, whose
 * 個人番号 never leaves the server. Without held information the workflow sends a 送信依頼.
 */
export const MAX_PERSONS = 12;

export function specialMoveInBody(f: FormValues): { body: SpecialMoveInApplication; rows: number } {
  const rows = rowCount(f, 'p', MAX_PERSONS);
  const persons = Array.from({ length: rows }, (_, i) => {
    const v = (k: string) => f[`p${i}.${k}`];
    return compact({
      residentRecordCode: digitsOf(v('residentRecordCode')),
      familyName: v('familyName'),
      givenName: v('givenName'),
      birthDate: birthDateOf(v('birthDate')),
      sex: v('sex'),
      relationshipToHead: v('relationshipToHead'),
      cardPresented: checked(f, `p${i}.cardPresented`),
    });
  });
  const body = compact({
    persons,
    originMunicipalityCode: municipalityCodeOf(f.originMunicipalityCode),
    address: compact({
      address: f.address,
      addressSupplement: f.addressSupplement,
      postalCode: postalCodeOf(f.postalCode),
    }),
    moveInDate: dateOf(f.moveInDate),
    notificationDate: dateOf(f.notificationDate),
    household:
      f.householdMode === 'join'
        ? compact({ mode: 'join', householdNumber: digitsOf(f.householdNumber) })
        : { mode: f.householdMode ?? 'new' },
    notifier: compact({ kind: f.notifierKind }),
    certificateRequest: certificateRequestOf(f),
  });
  return { body: body as unknown as SpecialMoveInApplication, rows };
}

/**
 * The stored 特例転入届 back into the form (訂正して再提出; `web.formValues`): the inverse of `specialMoveInBody`. No
 * 個人番号 is in it (it comes from the held 転出証明書情報 on the server).
 */
export function specialMoveInFormValues(stored: unknown): FormValues {
  const a = stored as StoredSpecialMoveInApplication;
  const f: FormValues = { rows: String(a.persons.length) };
  a.persons.forEach((p, i) => {
    for (const k of [
      'residentRecordCode',
      'familyName',
      'givenName',
      'birthDate',
      'sex',
      'relationshipToHead',
      'cardPresented',
    ] as const)
      putValue(f, `p${i}.${k}`, p[k]);
  });
  putValue(f, 'originMunicipalityCode', a.originMunicipalityCode);
  putValue(f, 'address', a.address.address);
  putValue(f, 'addressSupplement', a.address.addressSupplement);
  putValue(f, 'postalCode', a.address.postalCode);
  putValue(f, 'moveInDate', a.moveInDate);
  putValue(f, 'householdMode', a.household.mode);
  if (a.household.mode === 'join') putValue(f, 'householdNumber', a.household.householdNumber);
  return commonFormValues(f, a);
}

export const specialMoveInErrorMapping: ErrorMapping = {
  rows: { pointer: '/persons', prefix: 'p', label: (i) => `転入者${i + 1}` },
  pointers: {
    '/persons': 'persons',
    '/originMunicipalityCode': 'originMunicipalityCode',
    '/address': 'address',
    '/address/address': 'address',
    '/address/addressSupplement': 'addressSupplement',
    '/address/postalCode': 'postalCode',
    '/moveInDate': 'moveInDate',
    '/notificationDate': 'notificationDate',
    '/household': 'householdMode',
    '/household/mode': 'householdMode',
    '/household/householdNumber': 'householdNumber',
    '/notifier': 'notifierKind',
    '/notifier/kind': 'notifierKind',
    '/certificateRequest': 'certWanted',
  },
  fields: {
    persons: { label: '転入者' },
    'p.residentRecordCode': { label: '住民票コード', rules: { pattern: '住民票コードは11桁の数字です' } },
    'p.familyName': { label: '氏' },
    'p.givenName': { label: '名' },
    'p.birthDate': { label: '生年月日' },
    'p.sex': { label: '性別' },
    'p.relationshipToHead': { label: '続柄' },
    'p.cardPresented': { label: '本人の個人番号カードの提示' },
    originMunicipalityCode: { label: '転出地の市区町村コード' },
    address: { label: '住所' },
    addressSupplement: { label: '方書' },
    postalCode: { label: '郵便番号', rules: { pattern: '郵便番号は7桁（例: 206-0012）で入力してください' } },
    moveInDate: { label: '転入日' },
    notificationDate: { label: '届出日' },
    householdMode: { label: '世帯' },
    householdNumber: { label: '世帯番号', rules: { pattern: '世帯番号は7桁の数字です' } },
    notifierKind: { label: '届出人' },
    certWanted: { label: '住民票の写し' },
  },
};

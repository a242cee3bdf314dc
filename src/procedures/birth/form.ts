import type { BirthApplication, StoredBirthApplication } from './schema';
import type { ErrorMapping } from '../../api/web/intake/field-errors';
import {
  certificateRequestOf,
  checked,
  commonFormValues,
  compact,
  putValue,
  dateOf,
  digitsOf,
  kanaOf,
  postalCodeOf,
  type FormValues,
} from '../../api/web/intake/form-input';

/** 出生届 form (domain spec §4.7) → the body of POST /api/cases/birth, exactly the BirthApplication schema. */
export function birthBody(f: FormValues): BirthApplication {
  const foreign = checked(f, 'foreign');
  const body = compact({
    child: compact({
      familyName: f.familyName,
      givenName: f.givenName,
      familyNameKana: kanaOf(f.familyNameKana),
      givenNameKana: kanaOf(f.givenNameKana),
      birthDate: dateOf(f.birthDate),
      birthTime: timeOf(f.birthTime),
      sex: f.sex,
      relationshipToHead: f.relationshipToHead,
      nationalityRegion: foreign ? (f.nationalityRegion ?? '') : undefined,
    }),
    household:
      f.householdMode === 'new'
        ? {
            mode: 'new',
            address: compact({
              address: f.address,
              addressSupplement: f.addressSupplement,
              postalCode: postalCodeOf(f.postalCode),
            }),
          }
        : compact({ mode: 'join', householdNumber: digitsOf(f.householdNumber) }),
    notificationDate: dateOf(f.notificationDate),
    notifier: compact({
      kind: f.notifierKind,
      powerOfAttorney: f.notifierKind === 'proxy' ? checked(f, 'powerOfAttorney') : undefined,
    }),
    identityDocument: compact({ type: f.identityDocument }),
    certificateRequest: certificateRequestOf(f),
  });
  return body as unknown as BirthApplication;
}

/** The stored 出生届 back into the form (訂正して再提出; `web.formValues`): the inverse of `birthBody` (no 個人番号 yet). */
export function birthFormValues(stored: unknown): FormValues {
  const a = stored as StoredBirthApplication;
  const f: FormValues = {};
  for (const k of [
    'familyName',
    'givenName',
    'familyNameKana',
    'givenNameKana',
    'birthDate',
    'birthTime',
    'sex',
    'relationshipToHead',
  ] as const)
    putValue(f, k, a.child[k]);
  if (a.child.nationalityRegion !== undefined) {
    f.foreign = '1';
    putValue(f, 'nationalityRegion', a.child.nationalityRegion);
  }
  putValue(f, 'householdMode', a.household.mode);
  if (a.household.mode === 'join') putValue(f, 'householdNumber', a.household.householdNumber);
  else {
    putValue(f, 'address', a.household.address.address);
    putValue(f, 'addressSupplement', a.household.address.addressSupplement);
    putValue(f, 'postalCode', a.household.address.postalCode);
  }
  return commonFormValues(f, a);
}

/** 出生の時刻 as typed (14:05, 14時5分, full-width digits, 午後2時5分) → 'HH:MM'; else as typed (the schema names it). */
export function timeOf(v: string | undefined): string | undefined {
  if (v === undefined) return undefined;
  const s = v.replace(/[０-９：]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0)).trim();
  const m = /^(午前|午後)?\s*(\d{1,2})\s*[:時]\s*(\d{1,2})\s*分?$/.exec(s);
  if (!m) return s;
  let h = Number(m[2]);
  if (m[1] === '午後' && h < 12) h += 12;
  if (m[1] === '午前' && h === 12) h = 0;
  return `${String(h).padStart(2, '0')}:${m[3]!.padStart(2, '0')}`;
}

export const birthErrorMapping: ErrorMapping = {
  pointers: {
    '/child': 'familyName',
    '/child/familyName': 'familyName',
    '/child/givenName': 'givenName',
    '/child/familyNameKana': 'familyNameKana',
    '/child/givenNameKana': 'givenNameKana',
    '/child/birthDate': 'birthDate',
    '/child/birthTime': 'birthTime',
    '/child/sex': 'sex',
    '/child/relationshipToHead': 'relationshipToHead',
    '/child/nationalityRegion': 'nationalityRegion',
    '/household': 'householdNumber',
    '/household/householdNumber': 'householdNumber',
    '/household/address': 'address',
    '/household/address/address': 'address',
    '/household/address/addressSupplement': 'addressSupplement',
    '/household/address/postalCode': 'postalCode',
    '/notificationDate': 'notificationDate',
    '/notifier': 'notifierKind',
    '/notifier/kind': 'notifierKind',
    '/notifier/powerOfAttorney': 'powerOfAttorney',
    '/identityDocument': 'identityDocument',
    '/identityDocument/type': 'identityDocument',
    '/certificateRequest': 'certWanted',
    '/certificateRequest/includeIndividualNumber': 'certIndividualNumber',
  },
  fields: {
    familyName: { label: '出生子の氏' },
    givenName: { label: '出生子の名' },
    familyNameKana: {
      label: '氏のフリガナ',
      rules: { pattern: 'フリガナはカタカナ（またはひらがな）で入力してください' },
    },
    givenNameKana: {
      label: '名のフリガナ',
      rules: { pattern: 'フリガナはカタカナ（またはひらがな）で入力してください' },
    },
    birthDate: { label: '出生の年月日' },
    birthTime: { label: '出生の時刻', rules: { pattern: '出生の時刻は 14:05 のように入力してください' } },
    sex: { label: '性別' },
    relationshipToHead: { label: '続柄' },
    nationalityRegion: { label: '国籍・地域' },
    householdNumber: { label: '入る世帯の世帯番号', rules: { pattern: '世帯番号は7桁の数字です' } },
    address: { label: '住所' },
    addressSupplement: { label: '方書' },
    postalCode: { label: '郵便番号', rules: { pattern: '郵便番号は7桁（例: 206-0012）で入力してください' } },
    notificationDate: { label: '届出日' },
    notifierKind: { label: '届出人' },
    powerOfAttorney: { label: '委任状' },
    identityDocument: { label: '本人確認書類' },
    certWanted: { label: '住民票の写し' },
    certIndividualNumber: { label: '個人番号の記載' },
  },
};

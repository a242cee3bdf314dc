import type { MoveInApplication, StoredMoveInApplication } from './schema';
import type { ErrorMapping } from '../../api/web/intake/field-errors';
import {
  certificateRequestOf,
  checked,
  commonFormValues,
  compact,
  keptNumber,
  putValue,
  birthDateOf,
  dateOf,
  digitsOf,
  kanaOf,
  municipalityCodeOf,
  postalCodeOf,
  rowCount,
  type FormValues,
} from '../../api/web/intake/form-input';

/**
 * 転入届 form (paper 転出証明書, domain.md §4.1) → the body of POST /api/cases/move-in, exactly the
 * MoveInApplication schema. Mover rows are `m0.…`, `m1.…`; the number of rows is posted as `rows`.
 */
export const MAX_MOVERS = 12;

export const moverKey = (i: number, k: string): string => `m${i}.${k}`;

export function moveInBody(f: FormValues): { body: MoveInApplication; rows: number } {
  const rows = rowCount(f, 'm', MAX_MOVERS);
  const fromAbroad = checked(f, 'fromAbroad');
  const movers = Array.from({ length: rows }, (_, i) => {
    const v = (k: string) => f[moverKey(i, k)];
    return compact({
      familyName: v('familyName'),
      givenName: v('givenName'),
      familyNameKana: kanaOf(v('familyNameKana')),
      givenNameKana: kanaOf(v('givenNameKana')),
      birthDate: birthDateOf(v('birthDate')),
      sex: v('sex'),
      relationshipToHead: v('relationshipToHead'),
      residentRecordCode: digitsOf(v('residentRecordCode')),
      individualNumber: digitsOf(v('individualNumber')),
      registeredDomicile: v('registeredDomicile'),
      familyRegisterHead: v('familyRegisterHead'),
      domicileMunicipalityCode: municipalityCodeOf(v('domicileMunicipalityCode')),
      cardPresented: checked(f, moverKey(i, 'cardPresented')) || undefined,
      // 外国人住民: the 在留 items only when ticked (fields left in a hidden block are not sent)
      ...(checked(f, moverKey(i, 'foreignResident'))
        ? {
            foreignResidentCategory: v('foreignResidentCategory'),
            nationalityRegion: v('nationalityRegion'),
            statusOfResidence: v('statusOfResidence'),
            periodOfStay: v('periodOfStay'),
            periodOfStayExpiry: dateOf(v('periodOfStayExpiry')),
            residenceCardNumber: v('residenceCardNumber')?.replace(/\s+/g, '').toUpperCase() || undefined,
            alphabetName: v('alphabetName'),
            alias: v('alias'),
          }
        : {}),
    });
  });
  const previousMunicipalityCode = fromAbroad ? undefined : municipalityCodeOf(f.previousMunicipalityCode);
  const body = compact({
    movers,
    address: compact({
      address: f.address,
      addressSupplement: f.addressSupplement,
      postalCode: postalCodeOf(f.postalCode),
    }),
    moveInDate: dateOf(f.moveInDate),
    notificationDate: dateOf(f.notificationDate),
    previousAddress: f.previousAddress,
    previousMunicipalityCode,
    fromAbroad: fromAbroad || undefined,
    household:
      f.householdMode === 'join'
        ? compact({ mode: 'join', householdNumber: digitsOf(f.householdNumber) })
        : { mode: f.householdMode ?? 'new' },
    notifier: compact({
      kind: f.notifierKind,
      powerOfAttorney: f.notifierKind === 'proxy' ? checked(f, 'powerOfAttorney') : undefined,
    }),
    identityDocument: compact({ type: f.identityDocument }),
    // the paper 転出証明書 is issued by the 前住所地
    moveOutCertificate: previousMunicipalityCode
      ? compact({ issuingMunicipalityCode: previousMunicipalityCode, issueDate: dateOf(f.certIssueDate) })
      : undefined,
    certificateRequest: certificateRequestOf(f),
  });
  return { body: body as unknown as MoveInApplication, rows };
}

/**
 * The stored 転入届 back into the form (訂正して再提出; `web.formValues`): the inverse of `moveInBody`. Each mover's
 * 個人番号 stays on the server: its field gets the kept marker (the pointer of its encrypted value), never the number.
 */
export function moveInFormValues(stored: unknown): FormValues {
  const a = stored as StoredMoveInApplication;
  const f: FormValues = { rows: String(a.movers.length) };
  a.movers.forEach((m, i) => {
    const put = (k: string, v: unknown) => putValue(f, moverKey(i, k), v);
    for (const k of [
      'familyName',
      'givenName',
      'familyNameKana',
      'givenNameKana',
      'birthDate',
      'sex',
      'relationshipToHead',
      'residentRecordCode',
      'registeredDomicile',
      'familyRegisterHead',
      'domicileMunicipalityCode',
      'cardPresented',
    ] as const)
      put(k, m[k]);
    if (m.individualNumberEnc)
      Object.assign(f, keptNumber(moverKey(i, 'individualNumber'), `/movers/${i}/individualNumberEnc`));
    if (m.foreignResidentCategory !== undefined) {
      put('foreignResident', true);
      for (const k of [
        'foreignResidentCategory',
        'nationalityRegion',
        'statusOfResidence',
        'periodOfStay',
        'periodOfStayExpiry',
        'residenceCardNumber',
        'alphabetName',
        'alias',
      ] as const)
        put(k, m[k]);
    }
  });
  putValue(f, 'address', a.address.address);
  putValue(f, 'addressSupplement', a.address.addressSupplement);
  putValue(f, 'postalCode', a.address.postalCode);
  putValue(f, 'moveInDate', a.moveInDate);
  putValue(f, 'previousAddress', a.previousAddress);
  putValue(f, 'previousMunicipalityCode', a.previousMunicipalityCode);
  putValue(f, 'fromAbroad', a.fromAbroad);
  putValue(f, 'certIssueDate', a.moveOutCertificate?.issueDate);
  putValue(f, 'householdMode', a.household.mode);
  if (a.household.mode === 'join') putValue(f, 'householdNumber', a.household.householdNumber);
  return commonFormValues(f, a);
}

export const moveInErrorMapping: ErrorMapping = {
  rows: { pointer: '/movers', prefix: 'm', label: (i) => `転入者${i + 1}` },
  pointers: {
    '/movers': 'movers',
    '/address': 'address',
    '/address/address': 'address',
    '/address/addressSupplement': 'addressSupplement',
    '/address/postalCode': 'postalCode',
    '/moveInDate': 'moveInDate',
    '/notificationDate': 'notificationDate',
    '/previousAddress': 'previousAddress',
    '/previousMunicipalityCode': 'previousMunicipalityCode',
    '/fromAbroad': 'fromAbroad',
    '/household': 'householdMode',
    '/household/mode': 'householdMode',
    '/household/householdNumber': 'householdNumber',
    '/notifier': 'notifierKind',
    '/notifier/kind': 'notifierKind',
    '/notifier/powerOfAttorney': 'powerOfAttorney',
    '/identityDocument': 'identityDocument',
    '/identityDocument/type': 'identityDocument',
    '/moveOutCertificate': 'previousMunicipalityCode',
    '/moveOutCertificate/issuingMunicipalityCode': 'previousMunicipalityCode',
    '/moveOutCertificate/issueDate': 'certIssueDate',
    '/certificateRequest': 'certWanted',
    '/certificateRequest/includeIndividualNumber': 'certIndividualNumber',
  },
  fields: {
    movers: { label: '転入者' },
    'm.familyName': { label: '氏' },
    'm.givenName': { label: '名' },
    'm.familyNameKana': {
      label: '氏のフリガナ',
      rules: { pattern: 'フリガナはカタカナ（またはひらがな）で入力してください' },
    },
    'm.givenNameKana': {
      label: '名のフリガナ',
      rules: { pattern: 'フリガナはカタカナ（またはひらがな）で入力してください' },
    },
    'm.birthDate': { label: '生年月日' },
    'm.sex': { label: '性別' },
    'm.relationshipToHead': { label: '続柄' },
    'm.residentRecordCode': { label: '住民票コード', rules: { pattern: '住民票コードは11桁の数字です' } },
    'm.individualNumber': { label: '個人番号' },
    'm.registeredDomicile': { label: '本籍' },
    'm.familyRegisterHead': { label: '筆頭者' },
    'm.domicileMunicipalityCode': { label: '本籍地の市区町村コード' },
    'm.foreignResidentCategory': { label: '第30条の45に規定する区分' },
    'm.nationalityRegion': { label: '国籍・地域' },
    'm.statusOfResidence': { label: '在留資格' },
    'm.periodOfStay': { label: '在留期間' },
    'm.periodOfStayExpiry': { label: '在留期間の満了の日' },
    'm.residenceCardNumber': {
      label: '在留カード等の番号',
      rules: { pattern: '在留カード等の番号は英字2桁・数字8桁・英字2桁です（例: AB12345678CD）' },
    },
    'm.alphabetName': {
      label: '氏名（アルファベット）',
      rules: { pattern: '氏名（アルファベット）は半角英字で入力してください' },
    },
    'm.alias': { label: '通称' },
    address: { label: '住所' },
    addressSupplement: { label: '方書' },
    postalCode: { label: '郵便番号', rules: { pattern: '郵便番号は7桁（例: 206-0012）で入力してください' } },
    moveInDate: { label: '転入日' },
    notificationDate: { label: '届出日' },
    previousAddress: { label: '前住所' },
    previousMunicipalityCode: { label: '前住所の市区町村コード' },
    fromAbroad: { label: '国外からの転入' },
    householdMode: { label: '世帯' },
    householdNumber: { label: '世帯番号', rules: { pattern: '世帯番号は7桁の数字です' } },
    notifierKind: { label: '届出人' },
    powerOfAttorney: { label: '委任状' },
    identityDocument: { label: '本人確認書類' },
    certIssueDate: { label: '転出証明書の発行日' },
    certWanted: { label: '住民票の写し' },
    certIndividualNumber: { label: '個人番号の記載' },
  },
};

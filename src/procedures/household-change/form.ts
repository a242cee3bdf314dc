import type { FieldError } from '../../domain/ajv';
import type { ErrorMapping } from '../../api/web/intake/field-errors';
import {
  certificateRequestOf,
  checked,
  compact,
  dateOf,
  digitsOf,
  type FormValues,
} from '../../api/web/intake/form-input';
import type { HouseholdChangeApplication, StoredHouseholdChangeApplication } from './schema';

/** Members listed on the form (the household has at most this many rows). */
export const MAX_MEMBERS = 20;

/** The form rows that name a new 続柄 (rows left empty are not part of the change), in form order. */
const filledRows = (f: FormValues): number[] =>
  Array.from({ length: MAX_MEMBERS }, (_, i) => i).filter(
    (i) => f[`p${i}.addresseeNumber`] && (f[`p${i}.relationshipToHead`] ?? '').trim(),
  );

/** 世帯変更届 form → the body of POST /api/cases/household-change, exactly the HouseholdChangeApplication schema. */
export function householdChangeBody(f: FormValues): HouseholdChangeApplication {
  const kind = f.kind ?? '';
  return compact({
    kind,
    householdNumber: digitsOf(f.householdNumber) ?? '',
    targetHouseholdNumber: kind === 'merge' || kind === 'composition' ? digitsOf(f.targetHouseholdNumber) : undefined,
    persons: filledRows(f).map((i) => ({
      addresseeNumber: f[`p${i}.addresseeNumber`]!,
      relationshipToHead: f[`p${i}.relationshipToHead`]!.trim(),
    })),
    changeDate: dateOf(f.changeDate) ?? '',
    notificationDate: dateOf(f.notificationDate),
    notifier: compact({
      kind: f.notifierKind,
      powerOfAttorney: f.notifierKind === 'proxy' ? checked(f, 'powerOfAttorney') : undefined,
    }),
    identityDocument: compact({ type: f.identityDocument }),
    certificateRequest: certificateRequestOf(f),
  }) as unknown as HouseholdChangeApplication;
}

/** The API's /persons/k is the k-th filled row: point its errors at that row of the form. */
export const personRowPointers =
  (f: FormValues) =>
  (errors: FieldError[]): FieldError[] => {
    const rows = filledRows(f);
    return errors.map((e) => {
      const m = /^\/persons\/(\d+)(\/.*)?$/.exec(e.field);
      return m && rows[Number(m[1])] !== undefined ? { ...e, field: `/persons/${rows[Number(m[1])]}${m[2] ?? ''}` } : e;
    });
  };

export const householdChangeErrorMapping: ErrorMapping = {
  pointers: {
    '/kind': 'kind',
    '/householdNumber': 'householdNumber',
    '/targetHouseholdNumber': 'targetHouseholdNumber',
    '/persons': 'persons',
    '/changeDate': 'changeDate',
    '/notificationDate': 'notificationDate',
    '/notifier': 'notifierKind',
    '/notifier/kind': 'notifierKind',
    '/notifier/powerOfAttorney': 'powerOfAttorney',
    '/identityDocument': 'identityDocument',
    '/identityDocument/type': 'identityDocument',
    '/certificateRequest': 'certWanted',
    '/certificateRequest/includeIndividualNumber': 'certIndividualNumber',
  },
  rows: { pointer: '/persons', prefix: 'p', label: (i) => `世帯員${i + 1}` },
  fields: {
    kind: { label: '届出の種類' },
    householdNumber: { label: '世帯番号' },
    targetHouseholdNumber: { label: '移る先の世帯番号', rules: { pattern: '世帯番号は7桁の数字です' } },
    persons: { label: '異動する世帯員' },
    'p.addresseeNumber': { label: '世帯員' },
    'p.relationshipToHead': { label: '新しい続柄' },
    changeDate: { label: '異動日' },
    notificationDate: { label: '届出日' },
    notifierKind: { label: '届出人' },
    powerOfAttorney: { label: '委任状' },
    identityDocument: { label: '本人確認書類' },
    certWanted: { label: '住民票の写し' },
    certIndividualNumber: { label: '個人番号の記載' },
  },
};

/** A stored 世帯変更 back into the form (「訂正して再提出」): the inverse of householdChangeBody (no 個人番号 in it). */
export function householdChangeFormValues(stored: unknown): FormValues {
  const a = stored as StoredHouseholdChangeApplication;
  const f: FormValues = {
    kind: a.kind,
    householdNumber: a.householdNumber,
    changeDate: a.changeDate,
    notificationDate: a.notificationDate,
    notifierKind: a.notifier.kind,
    identityDocument: a.identityDocument.type,
  };
  if (a.targetHouseholdNumber) f.targetHouseholdNumber = a.targetHouseholdNumber;
  if (a.notifier.powerOfAttorney) f.powerOfAttorney = '1';
  a.persons.forEach((p, i) => {
    f[`p${i}.addresseeNumber`] = p.addresseeNumber;
    f[`p${i}.relationshipToHead`] = p.relationshipToHead;
  });
  const c = a.certificateRequest;
  if (c) {
    f.certWanted = '1';
    if (c.includeHouseholdHead) f.certHouseholdHead = '1';
    if (c.includeDomicile) f.certDomicile = '1';
    if (c.includeResidentRecordCode) f.certResidentRecordCode = '1';
    if (c.includeIndividualNumber) f.certIndividualNumber = '1';
  }
  return f;
}

/** The new 続柄 the form values give each 宛名番号 (rows are matched by 宛名番号, not by position). */
export function relationshipsByPerson(f: FormValues): Map<string, string> {
  const out = new Map<string, string>();
  for (let i = 0; i < MAX_MEMBERS; i++) {
    const a = f[`p${i}.addresseeNumber`];
    if (a) out.set(a, f[`p${i}.relationshipToHead`] ?? '');
  }
  return out;
}

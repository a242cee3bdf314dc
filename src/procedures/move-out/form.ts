import type { FieldError } from '../../domain/ajv';
import type { MoveOutApplication, StoredMoveOutApplication } from './schema';
import type { ErrorMapping } from '../../api/web/intake/field-errors';
import {
  checked,
  commonFormValues,
  compact,
  dateOf,
  municipalityCodeOf,
  putValue,
  type FormValues,
} from '../../api/web/intake/form-input';

/**
 * 転出届 form (domain.md §4.3) → the body of POST /api/cases/move-out. The household is listed from the registry
 * (`p{i}.addresseeNumber` and the 4情報 as recorded, hidden); the clerk ticks `p{i}.selected` for each mover named
 * on the paper form. The API checks the 4情報 against the record again. When the 世帯主 moves out and two or more
 * stay (domain.md §3.2), the clerk picks the new 世帯主 (`newHead`, a 宛名番号) and the new 続柄 of every other
 * staying member (`p{i}.newRelationship`); the API checks that they are staying members.
 */
export const MAX_MEMBERS = 12;

export function moveOutBody(f: FormValues): { body: MoveOutApplication; rowOfMover: number[] } {
  const rowOfMover: number[] = [];
  const movers = [];
  const newHead = f.newHead || undefined;
  const relationships: Array<{ addresseeNumber: string; relationshipToHead: string }> = [];
  for (let i = 0; i < MAX_MEMBERS; i++) {
    const v = (k: string) => f[`p${i}.${k}`];
    const a = v('addresseeNumber');
    if (a && !checked(f, `p${i}.selected`) && a !== newHead && v('newRelationship'))
      relationships.push({ addresseeNumber: a, relationshipToHead: v('newRelationship')! });
    if (!a || !checked(f, `p${i}.selected`)) continue;
    rowOfMover.push(i);
    movers.push(
      compact({
        addresseeNumber: v('addresseeNumber'),
        familyName: v('familyName'),
        givenName: v('givenName'),
        birthDate: v('birthDate'),
        sex: v('sex'),
      }),
    );
  }
  const abroad = checked(f, 'abroad');
  const body = compact({
    movers,
    destination: compact({
      address: f.destinationAddress,
      municipalityCode: abroad ? undefined : municipalityCodeOf(f.destinationCode),
      abroad: abroad || undefined,
    }),
    plannedMoveOutDate: dateOf(f.plannedMoveOutDate),
    notificationDate: dateOf(f.notificationDate),
    path: f.path,
    cardHolderPresent: checked(f, 'cardHolderPresent') || undefined,
    notifier: compact({
      kind: f.notifierKind,
      powerOfAttorney: f.notifierKind === 'proxy' ? checked(f, 'powerOfAttorney') : undefined,
    }),
    identityDocument: compact({ type: f.identityDocument }),
    householdHeadChange: newHead ? { newHeadAddresseeNumber: newHead, relationships } : undefined,
  });
  return { body: body as unknown as MoveOutApplication, rowOfMover };
}

/**
 * The stored 転出届 back into the form (訂正して再提出; `web.formValues`). The form lists the household from the
 * registry, so the movers and the new 続柄 are keyed by 宛名番号 here (`selected.<宛名番号>`,
 * `newRelationship.<宛名番号>`) and `from` names the household; `moveOutRowsOf` turns them into the rows of the list.
 */
export function moveOutFormValues(stored: unknown): FormValues {
  const a = stored as StoredMoveOutApplication;
  const f: FormValues = { from: a.movers[0]?.addresseeNumber ?? '' };
  for (const m of a.movers) f[`selected.${m.addresseeNumber}`] = '1';
  putValue(f, 'destinationAddress', a.destination.address);
  putValue(f, 'destinationCode', a.destination.municipalityCode);
  putValue(f, 'abroad', a.destination.abroad);
  putValue(f, 'plannedMoveOutDate', a.plannedMoveOutDate);
  putValue(f, 'path', a.path);
  putValue(f, 'cardHolderPresent', a.cardHolderPresent);
  const change = a.householdHeadChange;
  if (change) {
    f.newHead = change.newHeadAddresseeNumber;
    for (const r of change.relationships) f[`newRelationship.${r.addresseeNumber}`] = r.relationshipToHead;
  }
  return commonFormValues(f, a);
}

/** The values of `moveOutFormValues` on the rows of the household as listed (`p{i}.selected`, `p{i}.newRelationship`). */
export function moveOutRowsOf(f: FormValues, addresseeNumbers: readonly string[]): FormValues {
  const out: FormValues = {};
  for (const [k, v] of Object.entries(f)) if (!/^(selected|newRelationship)\./.test(k)) out[k] = v;
  addresseeNumbers.forEach((a, i) => {
    if (f[`selected.${a}`]) out[`p${i}.selected`] = '1';
    if (f[`newRelationship.${a}`]) out[`p${i}.newRelationship`] = f[`newRelationship.${a}`]!;
  });
  return out;
}

/** `/movers/1/…` of the body is the second ticked row: point it at that row of the form. */
export const toRowPointers = (errors: readonly FieldError[], rowOfMover: readonly number[]): FieldError[] =>
  errors.map((e) => ({
    ...e,
    field: e.field.replace(/^\/movers\/(\d+)/, (_, j: string) => `/movers/${rowOfMover[Number(j)] ?? j}`),
  }));

export const moveOutErrorMapping: ErrorMapping = {
  rows: { pointer: '/movers', prefix: 'p', label: (i) => `${i + 1}行目の方` },
  pointers: {
    '/movers': 'movers',
    '/destination': 'destinationAddress',
    '/destination/address': 'destinationAddress',
    '/destination/municipalityCode': 'destinationCode',
    '/destination/abroad': 'abroad',
    '/plannedMoveOutDate': 'plannedMoveOutDate',
    '/notificationDate': 'notificationDate',
    '/path': 'path',
    '/cardHolderPresent': 'cardHolderPresent',
    '/notifier': 'notifierKind',
    '/notifier/kind': 'notifierKind',
    '/notifier/powerOfAttorney': 'powerOfAttorney',
    '/identityDocument': 'identityDocument',
    '/identityDocument/type': 'identityDocument',
    '/householdHeadChange': 'newHead',
  },
  fields: {
    movers: { label: '転出する方', rules: { minItems: '転出する方を1人以上選んでください' } },
    destinationAddress: { label: '転出先の住所' },
    destinationCode: { label: '転出先の市区町村コード' },
    abroad: { label: '国外転出' },
    plannedMoveOutDate: { label: '転出予定日' },
    notificationDate: { label: '届出日' },
    path: { label: '転出の方法' },
    cardHolderPresent: { label: '個人番号カードの提示' },
    notifierKind: { label: '届出人' },
    powerOfAttorney: { label: '委任状' },
    identityDocument: { label: '本人確認書類' },
    newHead: { label: '新しい世帯主と続柄' },
  },
};

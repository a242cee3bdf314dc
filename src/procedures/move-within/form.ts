import type { FieldError } from '../../domain/ajv';
import type { ErrorMapping } from '../../api/web/intake/field-errors';
import {
  certificateRequestOf,
  checked,
  commonFormValues,
  compact,
  dateOf,
  postalCodeOf,
  putValue,
  type FormValues,
} from '../../api/web/intake/form-input';
import type { MoveWithinApplication, StoredMoveWithinApplication } from './schema';

/**
 * 転居届 form (domain spec §4.9) → the body of POST /api/cases/move-within. The household of the person the form was
 * started from is listed from the registry (`p{i}.addresseeNumber` and the 4情報 as recorded, hidden); per row the
 * clerk ticks `p{i}.selected` (転居する), `p{i}.card` (個人番号カードを提示) and, when some members move, the 続柄 at
 * the new address `p{i}.relationship`. `householdMode` = whole / new / join; `newHead` (a 宛名番号) is the new
 * household's 世帯主, `joinHousehold` the 世帯番号 joined. When the 世帯主 moves and two or more stay, `remainingHead`
 * and `p{i}.remainingRelationship` name the remaining household's 世帯主 and 続柄.
 */
export const MAX_MEMBERS = 12;

export function moveWithinBody(f: FormValues): { body: MoveWithinApplication; rowOfMover: number[] } {
  const rowOfMover: number[] = [];
  const movers = [];
  const mode = f.householdMode || undefined;
  const remainingHead = f.remainingHead || undefined;
  const relationships: Array<{ addresseeNumber: string; relationshipToHead: string }> = [];
  for (let i = 0; i < MAX_MEMBERS; i++) {
    const v = (k: string) => f[`p${i}.${k}`] || undefined;
    const a = v('addresseeNumber');
    if (!a) continue;
    if (!checked(f, `p${i}.selected`)) {
      if (a !== remainingHead && v('remainingRelationship'))
        relationships.push({ addresseeNumber: a, relationshipToHead: v('remainingRelationship')! });
      continue;
    }
    rowOfMover.push(i);
    movers.push(
      compact({
        addresseeNumber: a,
        familyName: v('familyName'),
        givenName: v('givenName'),
        birthDate: v('birthDate'),
        sex: v('sex'),
        cardPresented: checked(f, `p${i}.card`) || undefined,
        relationshipToHead: mode === 'whole' || (mode === 'new' && a === f.newHead) ? undefined : v('relationship'),
      }),
    );
  }
  const body = compact({
    movers,
    newAddress: compact({
      address: f.address || undefined,
      addressSupplement: f.addressSupplement || undefined,
      postalCode: postalCodeOf(f.postalCode),
    }),
    moveDate: dateOf(f.moveDate),
    notificationDate: dateOf(f.notificationDate),
    household: compact({
      mode,
      newHeadAddresseeNumber: mode === 'new' ? f.newHead || undefined : undefined,
      householdNumber: mode === 'join' ? f.joinHousehold?.trim() || undefined : undefined,
    }),
    remainingHouseholdHead: remainingHead ? { newHeadAddresseeNumber: remainingHead, relationships } : undefined,
    notifier: compact({
      kind: f.notifierKind || undefined,
      powerOfAttorney: f.notifierKind === 'proxy' ? checked(f, 'powerOfAttorney') : undefined,
    }),
    identityDocument: compact({ type: f.identityDocument || undefined }),
    certificateRequest: certificateRequestOf(f),
  });
  return { body: body as unknown as MoveWithinApplication, rowOfMover };
}

/** `/movers/1/…` of the body is the second ticked row: point it at that row of the form. */
export const toRowPointers = (errors: readonly FieldError[], rowOfMover: readonly number[]): FieldError[] =>
  errors.map((e) => ({
    ...e,
    field: e.field
      .replace(
        /^\/movers\/(\d+)\/relationshipToHead/,
        (_, j: string) => `/movers/${rowOfMover[Number(j)] ?? j}/relationship`,
      )
      .replace(/^\/movers\/(\d+)/, (_, j: string) => `/movers/${rowOfMover[Number(j)] ?? j}`),
  }));

export const moveWithinErrorMapping: ErrorMapping = {
  rows: { pointer: '/movers', prefix: 'p', label: (i) => `${i + 1}行目の方` },
  pointers: {
    '/movers': 'movers',
    '/newAddress': 'address',
    '/newAddress/address': 'address',
    '/newAddress/addressSupplement': 'addressSupplement',
    '/newAddress/postalCode': 'postalCode',
    '/moveDate': 'moveDate',
    '/notificationDate': 'notificationDate',
    '/household': 'householdMode',
    '/household/mode': 'householdMode',
    '/household/newHeadAddresseeNumber': 'newHead',
    '/household/householdNumber': 'joinHousehold',
    '/remainingHouseholdHead': 'remainingHead',
    '/notifier': 'notifierKind',
    '/notifier/kind': 'notifierKind',
    '/notifier/powerOfAttorney': 'powerOfAttorney',
    '/identityDocument': 'identityDocument',
    '/identityDocument/type': 'identityDocument',
    '/certificateRequest': 'certWanted',
    '/certificateRequest/includeIndividualNumber': 'certIndividualNumber',
  },
  fields: {
    movers: { label: '転居する方', rules: { minItems: '転居する方を1人以上選んでください' } },
    'p.relationship': { label: '転居先での続柄' },
    address: { label: '新しい住所' },
    addressSupplement: { label: '方書' },
    postalCode: { label: '郵便番号', rules: { pattern: '郵便番号は7桁（例: 206-0012）で入力してください' } },
    moveDate: { label: '転居日' },
    notificationDate: { label: '届出日' },
    householdMode: { label: '転居後の世帯' },
    newHead: { label: '新しい世帯の世帯主' },
    joinHousehold: { label: '転居先の世帯の世帯番号', rules: { pattern: '世帯番号は7桁の数字で入力してください' } },
    remainingHead: { label: '残る世帯の世帯主' },
    notifierKind: { label: '届出人' },
    powerOfAttorney: { label: '委任状' },
    identityDocument: { label: '本人確認書類' },
    certWanted: { label: '住民票の写し' },
    certIndividualNumber: { label: '個人番号の記載' },
  },
};

/**
 * The stored 転居届 back into the form (訂正して再提出; `web.formValues`): the inverse of `moveWithinBody`. The member
 * rows are drawn from the registry when the form opens, so per-person values are keyed by 宛名番号 here
 * (`mv.<宛名番号>.selected`, `.card`, `.relationship`, `.remainingRelationship`) and `rowValues` puts them on the rows.
 * `from` is the first mover (the form lists that person's household). No 個人番号 is on this form.
 */
export function moveWithinFormValues(stored: unknown): FormValues {
  const a = stored as StoredMoveWithinApplication;
  const f: FormValues = { from: a.movers[0]?.addresseeNumber ?? '' };
  for (const m of a.movers) {
    f[`mv.${m.addresseeNumber}.selected`] = '1';
    putValue(f, `mv.${m.addresseeNumber}.card`, m.cardPresented);
    putValue(f, `mv.${m.addresseeNumber}.relationship`, m.relationshipToHead);
  }
  for (const r of a.remainingHouseholdHead?.relationships ?? [])
    putValue(f, `mv.${r.addresseeNumber}.remainingRelationship`, r.relationshipToHead);
  putValue(f, 'remainingHead', a.remainingHouseholdHead?.newHeadAddresseeNumber);
  putValue(f, 'householdMode', a.household.mode);
  putValue(f, 'newHead', a.household.newHeadAddresseeNumber);
  putValue(f, 'joinHousehold', a.household.householdNumber);
  putValue(f, 'address', a.newAddress.address);
  putValue(f, 'addressSupplement', a.newAddress.addressSupplement);
  putValue(f, 'postalCode', a.newAddress.postalCode);
  putValue(f, 'moveDate', a.moveDate);
  return commonFormValues(f, a);
}

/** `mv.<宛名番号>.<field>` values onto the form's member rows (`p{i}.<field>`, in the order the rows are drawn). */
export function rowValues(f: FormValues, addresseeNumbers: readonly string[]): FormValues {
  const out: FormValues = {};
  for (const [k, v] of Object.entries(f)) {
    const m = /^mv\.(\d{7})\.(\w+)$/.exec(k);
    if (!m) out[k] = v;
    else if (addresseeNumbers.includes(m[1]!)) out[`p${addresseeNumbers.indexOf(m[1]!)}.${m[2]}`] = v;
  }
  return out;
}

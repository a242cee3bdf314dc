import type { ErrorMapping } from '../../api/web/intake/field-errors';
import { birthDateOf, compact, dateOf, type FormValues } from '../../api/web/intake/form-input';
import { timeOf } from '../birth/form';
import type { DeathApplication, StoredDeathApplication } from './schema';

/** Remaining members listed for the 世帯主変更 (as many as the 転出's choice allows). */
export const MAX_REMAINING = 12;

/** 死亡 form → the body of POST /api/cases/death, exactly the DeathApplication schema. */
export function deathBody(f: FormValues): DeathApplication {
  const newHead = f.newHead || undefined;
  const relationships: Array<{ addresseeNumber: string; relationshipToHead: string }> = [];
  for (let i = 0; i < MAX_REMAINING; i++) {
    const a = f[`h${i}.addresseeNumber`];
    const rel = f[`h${i}.relationshipToHead`];
    if (a && rel && a !== newHead) relationships.push({ addresseeNumber: a, relationshipToHead: rel });
  }
  return compact({
    addresseeNumber: f.addresseeNumber ?? '',
    deathDate: birthDateOf(f.deathDate) ?? '',
    deathTime: f.deathTime?.trim() ? timeOf(f.deathTime) : undefined,
    deathPlace: f.deathPlace ?? '',
    familyRegisterNotice: compact({
      receivedDate: dateOf(f.receivedDate) ?? '',
      notifierName: f.notifierName ?? '',
      notifierCapacity: f.notifierCapacity?.trim() || undefined,
    }),
    householdHeadChange: newHead ? { newHeadAddresseeNumber: newHead, relationships } : undefined,
  }) as unknown as DeathApplication;
}

export const deathErrorMapping: ErrorMapping = {
  pointers: {
    '/addresseeNumber': 'addresseeNumber',
    '/deathDate': 'deathDate',
    '/deathTime': 'deathTime',
    '/deathPlace': 'deathPlace',
    '/familyRegisterNotice': 'receivedDate',
    '/familyRegisterNotice/receivedDate': 'receivedDate',
    '/familyRegisterNotice/notifierName': 'notifierName',
    '/familyRegisterNotice/notifierCapacity': 'notifierCapacity',
    '/householdHeadChange': 'newHead',
    '/householdHeadChange/newHeadAddresseeNumber': 'newHead',
    '/householdHeadChange/relationships': 'newHead',
  },
  fields: {
    addresseeNumber: { label: '亡くなった方' },
    deathDate: {
      label: '死亡年月日',
      rules: { format: '死亡年月日が正しくありません（例: 令和8年12月1日、一部不詳は 令和8年12月・令和8年・不詳）' },
    },
    deathTime: { label: '死亡の時刻', rules: { pattern: '死亡の時刻は 14:05 のように入力してください（不明は空欄）' } },
    deathPlace: { label: '死亡地' },
    receivedDate: { label: '届出の受理日' },
    notifierName: { label: '届出人の氏名' },
    notifierCapacity: { label: '届出人の資格' },
    newHead: { label: '新しい世帯主' },
  },
};

/** A stored 死亡 back into the form (「訂正して再提出」): the inverse of deathBody (no 個人番号 in it). */
export function deathFormValues(stored: unknown): FormValues {
  const a = stored as StoredDeathApplication;
  const f: FormValues = {
    addresseeNumber: a.addresseeNumber,
    deathDate: a.deathDate,
    deathPlace: a.deathPlace,
    receivedDate: a.familyRegisterNotice.receivedDate,
    notifierName: a.familyRegisterNotice.notifierName,
  };
  if (a.deathTime) f.deathTime = a.deathTime;
  if (a.familyRegisterNotice.notifierCapacity) f.notifierCapacity = a.familyRegisterNotice.notifierCapacity;
  const c = a.householdHeadChange;
  if (c) {
    f.newHead = c.newHeadAddresseeNumber;
    c.relationships.forEach((r, i) => {
      f[`h${i}.addresseeNumber`] = r.addresseeNumber;
      f[`h${i}.relationshipToHead`] = r.relationshipToHead;
    });
  }
  return f;
}

/** The new 続柄 the form values give each remaining member (rows matched by 宛名番号). */
export function remainingRelationships(f: FormValues): Map<string, string> {
  const out = new Map<string, string>();
  for (let i = 0; i < MAX_REMAINING; i++) {
    const a = f[`h${i}.addresseeNumber`];
    if (a) out.set(a, f[`h${i}.relationshipToHead`] ?? '');
  }
  return out;
}

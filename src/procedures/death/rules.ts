import type { FieldError } from '../../domain/ajv';
import { birthDateBounds } from '../../domain/dates';
import { ResidentStatus } from '../../domain/registry-values';
import { decideHeadChange } from '../move-out/rules';
import { DeathFlag, type DeathApplication, type StoredDeathApplication } from './schema';

/** What the 死亡 rules need, read beforehand. */
export interface DeathFacts {
  today: string;
  /** The deceased's record (absent: no such 宛名番号). */
  record?: { addresseeNumber: string; status: string; householdNumber: string; relationshipToHead: string };
  /** Everyone in the deceased's household (宛名番号, status). */
  householdMembers: ReadonlyArray<{ addresseeNumber: string; status: string }>;
  /** IDs of the other open cases with the deceased among their persons. */
  openCases: readonly string[];
}

/**
 * The 異動日 a 死亡 sends to the CS (design): the date of death when known to the day; with unknown parts the earliest
 * day it can be (2026-12-00 → 2026-12-01), and when wholly unknown the day the 戸籍 side received the 死亡届.
 */
export const deathChangeDate = (deathDate: string, receivedDate: string): string =>
  birthDateBounds(deathDate).earliest ?? receivedDate;

/**
 * Rules of a 死亡 (standard spec 4.2.2; domain spec §3.1, §3.2) on facts read beforehand: the deceased is a current
 * resident, the date of death and the 届出 are not in the future and the 届出 not before the death, and when the
 * deceased was the 世帯主 with members remaining, the 世帯主変更 as for a 転出 (one member: ex officio; two or more: the
 * new 世帯主 and each 続柄 named — `decideHeadChange`). Other open cases of the deceased are a finding, not a refusal.
 */
export function evaluateDeath(app: DeathApplication, f: DeathFacts) {
  const errors: FieldError[] = [];
  const flags: string[] = [];
  const err = (field: string, rule: string, message: string) => errors.push({ field, rule, message });
  const received = app.familyRegisterNotice.receivedDate;
  const earliest = birthDateBounds(app.deathDate).earliest;
  if (earliest && earliest > f.today) err('/deathDate', 'notFuture', '死亡年月日が未来の日付です');
  if (received > f.today) err('/familyRegisterNotice/receivedDate', 'notFuture', '届出の受理日が未来の日付です');
  else if (earliest && earliest > received)
    err('/familyRegisterNotice/receivedDate', 'notBeforeDeath', '届出の受理日が死亡年月日より前です');
  const r = f.record;
  if (!r) err('/addresseeNumber', 'currentResident', '該当する住民がいません');
  else if (r.status === ResidentStatus.REMOVED) err('/addresseeNumber', 'notRemoved', 'この方は既に除票です');
  else if (r.status !== ResidentStatus.RESIDENT)
    err('/addresseeNumber', 'pendingMoveOut', 'この方は転出予定者です（転出の取消の後に死亡を記載してください）');
  let headChange: StoredDeathApplication['headChange'];
  let exOfficio: boolean | undefined;
  if (r && r.status === ResidentStatus.RESIDENT) {
    const staying = f.householdMembers
      .filter((m) => m.status === ResidentStatus.RESIDENT && m.addresseeNumber !== r.addresseeNumber)
      .map((m) => m.addresseeNumber);
    const head = r.relationshipToHead === '世帯主' ? r.addresseeNumber : undefined;
    headChange = decideHeadChange(app.householdHeadChange, head, staying, err);
    if (headChange) {
      exOfficio = staying.length === 1;
      if (exOfficio) flags.push(DeathFlag.HEAD_CHANGE_EX_OFFICIO);
    } else if (app.householdHeadChange && !errors.some((e) => e.field.startsWith('/householdHeadChange')))
      err(
        '/householdHeadChange',
        'notApplicable',
        '亡くなった方が世帯主で世帯に残る方がいる場合だけ、世帯主を選びます',
      );
  }
  if (f.openCases.length) flags.push(DeathFlag.OPEN_CASE_OF_DECEASED);
  const stored: StoredDeathApplication = {
    ...app,
    notificationDate: received,
    householdNumber: r?.householdNumber ?? '',
    ...(headChange ? { headChange, headChangeExOfficio: exOfficio } : {}),
    openCases: [...f.openCases],
  };
  return { errors, flags, stored, subjects: r ? [r.addresseeNumber] : [] };
}

import type { EntityManager } from '@mikro-orm/core';
import { ResidentStatus } from '../domain/registry-values';
import { CaseRecord, HeldCertificateState, HeldMoveOutCertificate, Household, Resident } from './entities';
import type { PiiCrypto } from './pii-crypto';

export interface PersonKeys {
  residentRecordCode?: string;
  individualNumber?: string;
  familyName: string;
  givenName: string;
  birthDate: string;
  sex: string;
}

export interface RegistryMatch {
  /** A current record (住民 or 転出予定者) with the same 住民票コード or 個人番号: a 転入 must be refused. */
  current?: Resident;
  /** A 除票 matching by 住民票コード or 個人番号: 再転入, reuse its 宛名番号 (standard spec 4.1.1.2). */
  removed?: Resident;
  /** A 除票 matching on 氏名, 性別 and 生年月日 only: raise an alert, do not force 再転入. */
  fourInfoAlert: boolean;
}

/**
 * 再転入 / already-registered detection for one incoming person (domain.md §4.1 step 2). `fourInfo: false` skips the
 * 4情報 count (`fourInfoAlert` is then false): for a caller that only acts on the matches by key (the 転入's commit).
 */
export async function matchRegistry(
  em: EntityManager,
  pii: PiiCrypto,
  p: PersonKeys,
  opts: { fourInfo?: boolean } = {},
): Promise<RegistryMatch> {
  const or: Array<Record<string, string>> = [];
  if (p.residentRecordCode) or.push({ residentRecordCode: p.residentRecordCode });
  if (p.individualNumber) or.push({ individualNumberIndex: pii.blindIndex(p.individualNumber) });
  const byKey = or.length ? await em.find(Resident, { $or: or }) : [];
  const current = byKey.find((r) => r.status !== ResidentStatus.REMOVED);
  const removed = byKey.find((r) => r.status === ResidentStatus.REMOVED);
  let fourInfoAlert = false;
  if (!current && !removed && opts.fourInfo !== false) {
    const n = await em.count(Resident, {
      familyName: p.familyName,
      givenName: p.givenName,
      birthDate: p.birthDate,
      sex: p.sex as Resident['sex'],
      status: ResidentStatus.REMOVED,
    });
    fourInfoAlert = n > 0;
  }
  return { current, removed, fourInfoAlert };
}

export const fullName = (r: { familyName: string; givenName: string }): string => `${r.familyName}　${r.givenName}`;
export const fullKana = (r: { familyNameKana: string; givenNameKana: string }): string =>
  `${r.familyNameKana}　${r.givenNameKana}`;

/** A household to join must exist and be active (a 転入 or 特例転入 into an existing household). */
export const activeHouseholdExists = async (em: EntityManager, householdNumber: string): Promise<boolean> =>
  (await em.count(Household, { householdNumber, active: true })) > 0;

/**
 * The purge of a held 転出証明書情報 (domain.md §4.5): the personal data — the message with the 個人番号, the 住民票コード
 * and the dates, and the deadline derived from the planned date — is deleted; the stub keeps the message ID, the
 * origin, the received and purged times and the reason (withdrawn, else the deadline). The body is nowhere else: the
 * CS inbound keeps only the message's key (cs-inbound-router.ts).
 */
export function erasePersonalData(held: HeldMoveOutCertificate, at: Date, extra: { withdrawnAt?: Date } = {}): void {
  Object.assign(held, {
    state: HeldCertificateState.PURGED,
    payloadEnc: undefined,
    residentRecordCode: undefined,
    plannedMoveOutDate: undefined,
    plannedVisitDate: undefined,
    purgeAt: undefined,
    replacedCount: 0,
    purgedAt: at,
    ...extra,
  });
}

/** What `erasePersonalData` leaves in the columns, for a purge by statement (the sweep: no row loaded). */
export const erasedHeldColumns = (at: Date) => ({
  state: HeldCertificateState.PURGED,
  payloadEnc: null,
  residentRecordCode: null,
  plannedMoveOutDate: null,
  plannedVisitDate: null,
  purgeAt: null,
  replacedCount: 0,
  purgedAt: at,
});

/** `closePurgedHeldCase` of many case rows by statement (the sweep). */
export async function closePurgedHeldCases(em: EntityManager, caseIds: string[], at: Date): Promise<void> {
  await em.nativeUpdate(CaseRecord, { caseId: { $in: caseIds }, completedAt: null }, { completedAt: at });
  await em.nativeUpdate(
    CaseRecord,
    { caseId: { $in: caseIds } },
    {
      status: 'PURGED',
      dueAt: null,
      plannedVisitDate: null,
      needsAttention: false,
      attentionReason: null,
      updatedAt: at,
    },
  );
}

/**
 * The case row of a held certificate purged without its own workflow (by the sweep or a withdrawal): closed as
 * PURGED, with no deadline and no 来庁予定日 (what the workflow's status helper writes when it purges).
 */
export function closePurgedHeldCase(c: CaseRecord, at: Date): void {
  Object.assign(c, {
    status: 'PURGED',
    dueAt: undefined,
    plannedVisitDate: undefined,
    needsAttention: false,
    attentionReason: undefined,
    updatedAt: at,
    completedAt: c.completedAt ?? at,
  });
}

/**
 * The registry facts a household notification's rules read about its movers (転出届, 転居届): each mover's record (or
 * undefined, in the order given) and every member of their households (status and 続柄 only).
 */
export async function moversAndHouseholds(em: EntityManager, movers: ReadonlyArray<{ addresseeNumber: string }>) {
  const records: Array<Resident | undefined> = [];
  for (const m of movers)
    records.push((await em.findOne(Resident, { addresseeNumber: m.addresseeNumber })) ?? undefined);
  const households = [...new Set(records.filter((r) => r !== undefined).map((r) => r.householdNumber))];
  const householdMembers = households.length
    ? await em.find(
        Resident,
        { householdNumber: { $in: households } },
        { fields: ['addresseeNumber', 'householdNumber', 'status', 'relationshipToHead'] },
      )
    : [];
  return { records, householdMembers };
}

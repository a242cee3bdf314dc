import type { EntityManager } from '@mikro-orm/core';
import { ResidentStatus } from '../../../domain/registry-values';
import { actorFields, audit } from '../../../db/audit-writer';
import { AuditAction, Resident, ResidentHistory } from '../../../db/entities';
import type { StaffContext } from '../../auth';
import type { PanelContext, PersonComparison } from '../panels/panel-types';
import { compareRecords, recordRows, type RecordLike } from '../panels/record-fields';

/**
 * Registry records a case changes, read-only. After commit: per subject, the snapshot before the case and every
 * snapshot the case wrote (resident_history, key 宛名番号 + 履歴番号: e.g. 転出予定者 → 除票, or 国内転入 → 異動の取消し)
 * — the same for every procedure.
 */
export async function committedComparison(ctx: PanelContext): Promise<PersonComparison[] | undefined> {
  const written = await ctx.em.find(
    ResidentHistory,
    { caseId: ctx.view.caseId },
    { orderBy: { addresseeNumber: 'asc', historyNumber: 'asc' } },
  );
  if (!written.length) return undefined;
  const byPerson = new Map<string, ResidentHistory[]>();
  for (const h of written) byPerson.set(h.addresseeNumber, [...(byPerson.get(h.addresseeNumber) ?? []), h]);
  const out: PersonComparison[] = [];
  for (const [addresseeNumber, hs] of byPerson) {
    const first = hs[0]!;
    const last = hs[hs.length - 1]!;
    const prior =
      first.historyNumber > 1
        ? await ctx.em.findOne(ResidentHistory, { addresseeNumber, historyNumber: first.historyNumber - 1 })
        : null;
    const display = { reveal: ctx.reveal, pii: ctx.pii };
    out.push({
      heading: `${last.snapshot.familyName}　${last.snapshot.givenName}（宛名番号 ${addresseeNumber}）`,
      columns: [
        prior
          ? `変更前（履歴番号 ${prior.historyNumber}${prior.snapshot.status === ResidentStatus.REMOVED ? '・除票' : ''}）`
          : '変更前（記録なし）',
        ...hs.map((h) => `履歴番号 ${h.historyNumber}・${h.changeReason}`),
      ],
      rows: compareRecords(recordRows(prior?.snapshot, display), ...hs.map((h) => recordRows(h.snapshot, display))),
    });
  }
  return out;
}

/** A 除票 with this 住民票コード (再転入 candidates); reading it is an audited inquiry. */
export async function removedRecordByCode(
  em: EntityManager,
  staff: StaffContext,
  caseId: string,
  code: string | undefined,
): Promise<Resident | undefined> {
  if (!code) return undefined;
  const r = await em.findOne(Resident, { residentRecordCode: code, status: ResidentStatus.REMOVED });
  if (r) auditInquiry(em, staff, caseId, r.addresseeNumber, 'GET /cases/:caseId (除票)');
  return r ?? undefined;
}

export async function currentRecords(em: EntityManager, addresseeNumbers: string[]): Promise<Map<string, Resident>> {
  const rows = addresseeNumbers.length ? await em.find(Resident, { addresseeNumber: { $in: addresseeNumbers } }) : [];
  return new Map(rows.map((r) => [r.addresseeNumber, r]));
}

export function auditInquiry(
  em: EntityManager,
  staff: StaffContext,
  caseId: string | undefined,
  addresseeNumber: string,
  fn: string,
  individualNumberAccessed = false,
): void {
  audit(em, {
    ...actorFields(staff),
    ip: staff.ip,
    action: AuditAction.INQUIRY,
    function: fn,
    caseId,
    targetAddresseeNumber: addresseeNumber,
    individualNumberAccessed,
  });
}

/** A draft comparison of one person: `before` from the registry (or none), `after` as the application would record it. */
export function draftPerson(
  heading: string,
  before: RecordLike | undefined,
  after: RecordLike,
  ctx: PanelContext,
  opts: { beforeTitle?: string; afterIndividualNumber?: string; note?: string } = {},
): PersonComparison {
  const display = { reveal: ctx.reveal, pii: ctx.pii };
  return {
    heading,
    columns: [
      opts.beforeTitle ?? (before ? '現在の住民票（変更前）' : '現在の住民票（記録なし：新たに記載）'),
      '届出内容（決裁後の記載）',
    ],
    rows: compareRecords(
      recordRows(before, display),
      recordRows(after, { ...display, individualNumber: opts.afterIndividualNumber }),
    ),
    note: opts.note,
  };
}

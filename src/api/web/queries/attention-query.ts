import type { MikroORM } from '@mikro-orm/core';
import { CaseRecord, HeldCertificateState, HeldMoveOutCertificate } from '../../../db/entities';
import { attentionReasons, countBy, partnerOf, PURGE_WARNING_MS, type Partner } from './attention-rules';

export const CONSOLE_LIMIT = 500;

export interface AttentionCase {
  row: CaseRecord;
  reasons: string[];
  partner?: Partner;
  purgeAt?: Date;
}

export interface ConsoleData {
  cases: AttentionCase[]; // after the filter
  total: number; // before the filter
  byReason: Array<[string, number]>;
  byPartner: Array<[string, number]>;
  truncated: boolean;
}

export interface ConsoleFilter {
  reason?: string;
  partner?: string;
  procedure?: string;
}

/**
 * Every case a supervisor should look at (issue #5 §6), from the projection only: flagged cases, cases with a failing
 * activity, escalated ones, and held 転出証明書情報 within 3 days of the purge. Counts are over the unfiltered set.
 */
export async function loadConsole(orm: MikroORM, now: Date, f: ConsoleFilter): Promise<ConsoleData> {
  const em = orm.em.fork();
  const soon = await em.find(
    HeldMoveOutCertificate,
    {
      state: { $in: [HeldCertificateState.HELD, HeldCertificateState.IN_USE] },
      purgeAt: { $lte: new Date(now.getTime() + PURGE_WARNING_MS) },
    },
    { fields: ['heldId', 'purgeAt'] },
  );
  const purgeAt = new Map(soon.map((h) => [h.heldId, h.purgeAt!]));
  const or: Array<Record<string, unknown>> = [
    { needsAttention: true },
    { failingStep: { $ne: null } },
    { escalated: true },
  ];
  if (purgeAt.size) or.push({ caseId: { $in: [...purgeAt.keys()] } });
  const rows = await em.find(CaseRecord, { $or: or } as never, {
    orderBy: { createdAt: 'asc' },
    limit: CONSOLE_LIMIT + 1,
  });
  const all: AttentionCase[] = rows
    .slice(0, CONSOLE_LIMIT)
    .map((row) => {
      const p = purgeAt.get(row.caseId);
      const reasons = attentionReasons({ ...row, purgeAt: p }, now);
      return { row, reasons, partner: partnerOf(row.failingStep, row.lastError), purgeAt: p };
    })
    .filter((c) => c.reasons.length);
  const cases = all.filter(
    (c) =>
      (!f.reason || c.reasons.includes(f.reason)) &&
      (!f.partner || c.partner === f.partner) &&
      (!f.procedure || c.row.procedure === f.procedure),
  );
  return {
    cases,
    total: all.length,
    truncated: rows.length > CONSOLE_LIMIT,
    byReason: countBy(all, (c) => c.reasons),
    byPartner: countBy(all, (c) => (c.partner ? [c.partner] : [])),
  };
}

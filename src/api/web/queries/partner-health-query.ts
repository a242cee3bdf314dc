import type { MikroORM } from '@mikro-orm/core';
import { partnerHealth, PARTNERS, type PartnerCallLike, type PartnerHealth } from './attention-rules';
import type { ConsoleData } from './attention-query';

export const HEALTH_WINDOW_MS = 15 * 60_000;
export type PartnerStatus = PartnerHealth & { source: 'calls' | 'cases' };

const hasEntity = (orm: MikroORM, name: string) => Boolean(orm.getMetadata().find(name));

/** Recent partner calls (partner_call, recorded on every call once the case work frame is in place). */
export async function recentPartnerCalls(orm: MikroORM, since: Date): Promise<PartnerCallLike[] | undefined> {
  if (!hasEntity(orm, 'PartnerCall')) return undefined;
  const rows = await orm.em.fork().find('PartnerCall' as never, { at: { $gte: since } } as never, { fields: ['partner', 'ok', 'at'] as never, limit: 20_000 });
  return (rows as unknown as PartnerCallLike[]).map((r) => ({ partner: r.partner, ok: Boolean(r.ok), at: new Date(r.at) }));
}

/**
 * Partner health for the console: the error rate of recent calls when they are recorded; otherwise an estimate from
 * the cases whose activity is failing on that partner (any → degraded, 3 or more → down).
 */
export async function loadPartnerHealth(orm: MikroORM, now: Date, data: Pick<ConsoleData, 'byPartner'>): Promise<PartnerStatus[]> {
  const calls = await recentPartnerCalls(orm, new Date(now.getTime() - HEALTH_WINDOW_MS));
  if (calls) return partnerHealth(calls, now, HEALTH_WINDOW_MS).map((h) => ({ ...h, source: 'calls' }));
  const failing = new Map(data.byPartner);
  return PARTNERS.map((partner) => {
    const n = failing.get(partner) ?? 0;
    return { partner, calls: 0, failures: n, errorRate: 0, state: n >= 3 ? 'down' : n > 0 ? 'degraded' : 'unknown', source: 'cases' };
  });
}

import type { MikroORM } from '@mikro-orm/core';
import { PartnerCall } from '../../../db/entities';
import { partnerHealth, type PartnerCallLike, type PartnerHealth } from './attention-rules';
import type { ConsoleData } from './attention-query';

export const HEALTH_WINDOW_MS = 15 * 60_000;
export type PartnerStatus = PartnerHealth & { source: 'calls' | 'cases' };

/** Recent partner calls (partner_call: one row per call to the CS, J-LIS or the portal, no content). */
export async function recentPartnerCalls(orm: MikroORM, since: Date): Promise<PartnerCallLike[]> {
  const rows = await orm.em
    .fork()
    .find(
      PartnerCall,
      { at: { $gte: since } },
      { fields: ['partner', 'ok', 'at'], orderBy: { at: 'desc' }, limit: 20_000 },
    );
  return rows.map((r) => ({ partner: r.partner, ok: Boolean(r.ok), at: r.at }));
}

/**
 * Partner health for the console: failed calls in a row and the error rate of the recent calls; a partner without recent calls is estimated
 * from the cases whose activity is failing on it (any → degraded, 3 or more → down).
 */
export async function loadPartnerHealth(
  orm: MikroORM,
  now: Date,
  data: Pick<ConsoleData, 'byPartner'>,
  downAfterFailures?: number,
): Promise<PartnerStatus[]> {
  const calls = await recentPartnerCalls(orm, new Date(now.getTime() - HEALTH_WINDOW_MS));
  const failing = new Map(data.byPartner);
  return partnerHealth(calls, now, HEALTH_WINDOW_MS, downAfterFailures).map((h): PartnerStatus => {
    if (h.calls) return { ...h, source: 'calls' };
    const n = failing.get(h.partner) ?? 0;
    return { ...h, failures: n, state: n >= 3 ? 'down' : n > 0 ? 'degraded' : 'unknown', source: 'cases' };
  });
}

/** Residence dates shared by the household plans. */
import { addDays, type IsoDate } from '../../domain/dates';
import type { PlanContext } from './people';
import { addYears, maxOf, minOf, randomDate, recentDate } from './seed-dates';

/** No registry event in the demo data is later than a week before `today`. */
export const latestEvent = (ctx: PlanContext): IsoDate => addDays(ctx.today, -7);

/**
 * Move-in of the founders: after each of them came of age (18–22), not before 1970, not after `notAfter`;
 * skewed towards recent years unless `uniform`.
 */
export const foundersSince = (ctx: PlanContext, births: IsoDate[], notAfter?: IsoDate, uniform = false): IsoDate => {
  const earliest = maxOf('1970-04-01', ...births.map((b) => addYears(b, ctx.rng.int(18, 22))));
  const latest = notAfter ? minOf(latestEvent(ctx), notAfter) : latestEvent(ctx);
  if (earliest >= latest) return maxOf(latest, ...births);
  return uniform ? randomDate(ctx.rng, earliest, latest) : recentDate(ctx.rng, earliest, latest);
};

/** A later arrival (joining the household) between `after` + 30 days and the latest event date, or undefined. */
export const laterDate = (ctx: PlanContext, after: IsoDate, before?: IsoDate): IsoDate | undefined => {
  const from = addDays(after, 30);
  const to = before ? minOf(latestEvent(ctx), before) : latestEvent(ctx);
  return from < to ? randomDate(ctx.rng, from, to) : undefined;
};

/** Current-address date: the move-in date, or for ~15% a later 転居 within the town. */
export const addressSinceFor = (ctx: PlanContext, since: IsoDate, moveProbability = 0.15): IsoDate =>
  (ctx.rng.chance(moveProbability) ? laterDate(ctx, since) : undefined) ?? since;

import type { Resident, ResidentItems } from './entities';

/** The full item set of a 住民票 for a history snapshot (every item, changed or not; domain.md §3.3). */
export function snapshotOf(r: Resident): ResidentItems {
  const { historyNumber: _h, updatedAt: _u, version: _v, ...items } = r;
  return JSON.parse(JSON.stringify(items)) as ResidentItems;
}

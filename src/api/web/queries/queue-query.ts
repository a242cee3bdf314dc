import type { MikroORM } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/core';
import { CaseApplication, CaseRecord } from '../../../db/entities';
import {
  QUEUE_IDS,
  queueFilter,
  queueVisible,
  sortRows,
  type QueueId,
  type QueueStaff,
  type SortKey,
} from './queue-filters';

export const QUEUE_PAGE_LIMIT = 200;

export interface QueueResult {
  queue: QueueId; // the queue shown (the requested one if visible, else the first visible)
  counts: Partial<Record<QueueId, number>>;
  rows: CaseRecord[];
  truncated: boolean;
  visibleQueues: QueueId[];
  /** Number of persons per case (subjects once committed, else the movers of the application). */
  persons: Record<string, number>;
}

/** Counts of every queue the staff member sees, and the rows of the chosen one (filtered by procedure, sorted). */
export async function loadQueues(
  orm: MikroORM,
  staff: QueueStaff,
  q: { queue: QueueId; procedure?: string; sort: SortKey; today: string },
): Promise<QueueResult> {
  const em = orm.em.fork();
  const visibleQueues = QUEUE_IDS.filter((id) => queueVisible(id, staff));
  const byProcedure = q.procedure ? { procedure: q.procedure } : {};
  const filter = (id: QueueId) => ({ ...queueFilter(id, staff, q.today), ...byProcedure }) as never;
  const counts: QueueResult['counts'] = {};
  for (const id of visibleQueues) counts[id] = await em.count(CaseRecord, filter(id));
  const queue = visibleQueues.includes(q.queue) ? q.queue : visibleQueues[0]!;
  const found = await em.find(CaseRecord, filter(queue), {
    orderBy: { createdAt: 'asc' },
    limit: QUEUE_PAGE_LIMIT + 1,
  });
  const rows = sortRows(found.slice(0, QUEUE_PAGE_LIMIT), q.sort);
  return {
    queue,
    counts,
    rows,
    truncated: found.length > QUEUE_PAGE_LIMIT,
    visibleQueues,
    persons: await personCounts(em, rows),
  };
}

/** Only the count leaves this function: the application's personal data is not shown in lists. */
async function personCounts(em: EntityManager, rows: CaseRecord[]): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  const draft: string[] = [];
  for (const r of rows) {
    if (r.subjectAddresseeNumbers?.length) out[r.caseId] = r.subjectAddresseeNumbers.length;
    else draft.push(r.caseId);
  }
  if (draft.length) {
    for (const a of await em.find(CaseApplication, { caseId: { $in: draft } }, { fields: ['caseId', 'payload'] })) {
      const p = a.payload as { movers?: unknown[]; persons?: unknown[] };
      const n = (Array.isArray(p.movers) ? p.movers.length : 0) || (Array.isArray(p.persons) ? p.persons.length : 0);
      if (n) out[a.caseId] = n;
    }
  }
  return out;
}

import type { MikroORM } from '@mikro-orm/core';
import { HeldCertificateState, HeldMoveOutCertificate, CaseRecord } from '../../../db/entities';
import { QUEUE_IDS, queueFilter, queueVisible, sortRows, type QueueId, type QueueStaff, type SortKey } from './queue-filters';

export const QUEUE_PAGE_LIMIT = 200;

/** Whether the case projection has a column yet (the case work frame adds some): keeps this module schema-tolerant. */
export const caseRecordHas = (orm: MikroORM, prop: string): boolean => Boolean(orm.getMetadata().find(CaseRecord.name)?.properties[prop as never]);

async function visitorCaseIds(orm: MikroORM, today: string): Promise<string[]> {
  const em = orm.em.fork();
  if (caseRecordHas(orm, 'plannedVisitDate')) {
    return (await em.find(CaseRecord, { plannedVisitDate: today } as never, { fields: ['caseId'] })).map((c) => c.caseId);
  }
  return (await em.find(HeldMoveOutCertificate, { plannedVisitDate: today, state: HeldCertificateState.HELD }, { fields: ['heldId'] })).map((h) => h.heldId);
}

export interface QueueResult {
  queue: QueueId; // the queue shown (the requested one if visible, else the first visible)
  counts: Partial<Record<QueueId, number>>;
  rows: CaseRecord[];
  truncated: boolean;
  visibleQueues: QueueId[];
  visitDates: Record<string, string>; // caseId → 来庁予定日 for the visitors queue
}

/** Counts of every queue the staff member sees, and the rows of the chosen one (filtered by procedure, sorted). */
export async function loadQueues(orm: MikroORM, staff: QueueStaff, q: { queue: QueueId; procedure?: string; sort: SortKey; today: string }): Promise<QueueResult> {
  const em = orm.em.fork();
  const visitors = await visitorCaseIds(orm, q.today);
  const opts = { visitorCaseIds: visitors, hasAwaitingRole: caseRecordHas(orm, 'awaitingRole') };
  const visibleQueues = QUEUE_IDS.filter((id) => queueVisible(id, staff));
  const counts: QueueResult['counts'] = {};
  const byProcedure = q.procedure ? { procedure: q.procedure } : {};
  for (const id of visibleQueues) counts[id] = await em.count(CaseRecord, { ...queueFilter(id, staff, opts), ...byProcedure } as never);
  const queue = visibleQueues.includes(q.queue) ? q.queue : visibleQueues[0]!;
  const found = await em.find(CaseRecord, { ...queueFilter(queue, staff, opts), ...byProcedure } as never, { orderBy: { createdAt: 'asc' }, limit: QUEUE_PAGE_LIMIT + 1 });
  const visitDates: Record<string, string> = {};
  if (queue === 'visitors' && found.length) {
    for (const h of await em.find(HeldMoveOutCertificate, { heldId: { $in: found.map((c) => c.caseId) } }, { fields: ['heldId', 'plannedVisitDate'] })) {
      if (h.plannedVisitDate) visitDates[h.heldId] = h.plannedVisitDate;
    }
  }
  return { queue, counts, rows: sortRows(found.slice(0, QUEUE_PAGE_LIMIT), q.sort), truncated: found.length > QUEUE_PAGE_LIMIT, visibleQueues, visitDates };
}

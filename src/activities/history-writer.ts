import type { EntityManager } from '@mikro-orm/core';
import type { EntryBasis } from '../domain/change-reason';
import { jstDate } from '../domain/dates';
import { ResidentHistory, type Resident } from '../db/entities';
import { snapshotOf } from '../db/snapshot';
import type { ActivityDeps } from './deps';

/** Appends a full history snapshot of a changed record under the next 履歴番号 (never overwrites; domain.md §3.3). */
export function appendHistory(
  em: EntityManager,
  deps: Pick<ActivityDeps, 'config'>,
  r: Resident,
  p: {
    caseId: string;
    operatorId: string;
    terminalId?: string;
    notes?: string;
    /** 職権（申出） or 職権; absent: a 届出. A 職権 entry without a filing stores no 届出日. */
    basis?: EntryBasis;
  },
): void {
  r.historyNumber += 1;
  r.updatedAt = new Date();
  em.persist(
    em.create(ResidentHistory, {
      addresseeNumber: r.addresseeNumber,
      historyNumber: r.historyNumber,
      changeReason: r.changeReason,
      changeDate: r.changeDate,
      notificationDate: p.basis === '職権' ? undefined : r.notificationDate,
      basis: p.basis,
      processingDate: jstDate(new Date()),
      caseId: p.caseId,
      operatorId: p.operatorId,
      terminalId: p.terminalId,
      place: deps.config.officeName,
      notes: p.notes,
      snapshot: snapshotOf(r),
      createdAt: new Date(),
    }),
  );
}

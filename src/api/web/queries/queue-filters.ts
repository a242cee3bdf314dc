import { CaseStatus } from '../../../domain/case-status';
import { PROCEDURES } from '../../../procedures';
import { HeldCertificateStatus } from '../../../procedures/held-certificate/definition';
import { can, type Role } from '../../../domain/roles';

/**
 * The clerks' work queues as pure definitions (unit-tested): each is a filter on the case projection (case_record)
 * for one staff member, plus the same rule as a predicate on a row. Screens never read workflow histories.
 */
export const QueueId = {
  APPROVAL: 'approval',
  UNASSIGNED: 'unassigned',
  MINE: 'mine',
  RETURNED: 'returned',
  VISITORS: 'visitors',
} as const;
export type QueueId = (typeof QueueId)[keyof typeof QueueId];
export const QUEUE_IDS: readonly QueueId[] = Object.values(QueueId);

export const queueLabel: Record<QueueId, string> = {
  approval: '決裁待ち',
  unassigned: '未割当',
  mine: '自分の担当',
  returned: '差戻し',
  visitors: '本日の来庁予定',
};
export const queueHelp: Record<QueueId, string> = {
  approval: '他の職員が入力した決裁待ちの案件（未割当または自分の担当）',
  unassigned: '担当者が決まっていない、職員の作業（審査・決裁・修正）が必要な案件',
  mine: '自分が担当している処理中の案件',
  returned: '決裁者から差し戻された、自分が入力した案件',
  visitors: '転出証明書情報を保管中で、来庁予定日が本日の方',
};

/** Statuses that close a case, of every procedure in the table (a closed case is in nobody's queue). */
export const OPEN_STATUSES_EXCLUDED: readonly string[] = PROCEDURES.finalStatusCodes();

export interface QueueRow {
  status: string;
  enteredBy: string;
  makerId?: string | null; // four-eyes: the person whose input the approver confirms (default: who entered it)
  assignedTo?: string | null;
  awaitingRole?: string | null;
  plannedVisitDate?: string | null;
}
export interface QueueStaff {
  userId: string;
  roles: readonly Role[];
}

/** Whether a queue is offered to this staff member at all. */
export const queueVisible = (q: QueueId, staff: QueueStaff): boolean =>
  q === QueueId.APPROVAL ? can.approve(staff.roles) : can.readCases(staff.roles);

const makerOf = (r: QueueRow) => r.makerId || r.enteredBy;

/** The queue rule as a predicate (the DB filter below must agree; both are tested on the same rows). */
export function inQueue(q: QueueId, r: QueueRow, staff: QueueStaff, today: string): boolean {
  const me = staff.userId;
  const open = !OPEN_STATUSES_EXCLUDED.includes(r.status);
  switch (q) {
    case QueueId.APPROVAL:
      return (
        can.approve(staff.roles) &&
        r.status === CaseStatus.AWAITING_APPROVAL &&
        makerOf(r) !== me &&
        (!r.assignedTo || r.assignedTo === me)
      );
    case QueueId.UNASSIGNED:
      return !r.assignedTo && Boolean(r.awaitingRole);
    case QueueId.MINE:
      return open && r.assignedTo === me;
    case QueueId.RETURNED:
      return r.status === CaseStatus.RETURNED && (r.assignedTo === me || (!r.assignedTo && makerOf(r) === me));
    case QueueId.VISITORS:
      return r.status === HeldCertificateStatus.HELD && r.plannedVisitDate === today;
  }
}

/** SQL side of `makerOf(row) !== me` / `=== me` (maker_id is null for cases entered before it was recorded). */
const notMaker = (me: string) => ({
  $or: [{ $and: [{ makerId: { $ne: null } }, { makerId: { $ne: me } }] }, { makerId: null, enteredBy: { $ne: me } }],
});
const isMaker = (me: string) => ({ $or: [{ makerId: me }, { makerId: null, enteredBy: me }] });

/** The queue rule as a MikroORM filter on CaseRecord. */
export function queueFilter(q: QueueId, staff: QueueStaff, today: string): Record<string, unknown> {
  const me = staff.userId;
  switch (q) {
    case QueueId.APPROVAL:
      if (!can.approve(staff.roles)) return { caseId: null }; // matches nothing
      return {
        $and: [
          { status: CaseStatus.AWAITING_APPROVAL },
          notMaker(me),
          { $or: [{ assignedTo: null }, { assignedTo: me }] },
        ],
      };
    case QueueId.UNASSIGNED:
      return { assignedTo: null, awaitingRole: { $ne: null } };
    case QueueId.MINE:
      return { status: { $nin: [...OPEN_STATUSES_EXCLUDED] }, assignedTo: me };
    case QueueId.RETURNED:
      return {
        $and: [
          { status: CaseStatus.RETURNED },
          { $or: [{ assignedTo: me }, { $and: [{ assignedTo: null }, isMaker(me)] }] },
        ],
      };
    case QueueId.VISITORS:
      return { status: HeldCertificateStatus.HELD, plannedVisitDate: today };
  }
}

export const SortKey = { AGE: 'age', DUE: 'due' } as const;
export type SortKey = (typeof SortKey)[keyof typeof SortKey];

/** Oldest first (age), or earliest due first with undated cases last (due). */
export function sortRows<T extends { createdAt: Date; dueAt?: Date | null }>(rows: T[], sort: SortKey): T[] {
  const t = (d: Date | null | undefined) => (d ? d.getTime() : Number.POSITIVE_INFINITY);
  return [...rows].sort(
    (a, b) => (sort === SortKey.DUE ? t(a.dueAt) - t(b.dueAt) : 0) || a.createdAt.getTime() - b.createdAt.getTime(),
  );
}

export const parseQueue = (v: unknown): QueueId | undefined =>
  (QUEUE_IDS as readonly unknown[]).includes(v) ? (v as QueueId) : undefined;
export const parseSort = (v: unknown): SortKey => (v === SortKey.DUE ? SortKey.DUE : SortKey.AGE);

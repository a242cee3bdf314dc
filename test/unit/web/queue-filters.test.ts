import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MikroORM } from '@mikro-orm/core';
import { CaseRecord } from '../../../src/db/entities';
import {
  inQueue,
  queueFilter,
  QUEUE_IDS,
  queueVisible,
  sortRows,
  type QueueStaff,
} from '../../../src/api/web/queries/queue-filters';
import { openTestDb } from '../../support/harness';

const TODAY = '2026-11-24';
const clerk: QueueStaff = { userId: 'clerk1', roles: ['clerk'] };
const approver: QueueStaff = { userId: 'approver1', roles: ['approver'] };
const dual: QueueStaff = { userId: 'dual1', roles: ['clerk', 'approver'] };

type Row = {
  caseId: string;
  status: string;
  enteredBy: string;
  makerId?: string;
  assignedTo?: string;
  awaitingRole?: string;
  procedure?: string;
  plannedVisitDate?: string;
};
const rows: Row[] = [
  { caseId: 'A1', status: 'AWAITING_APPROVAL', awaitingRole: 'approver', enteredBy: 'clerk1', makerId: 'clerk1' },
  { caseId: 'A2', status: 'AWAITING_APPROVAL', awaitingRole: 'approver', enteredBy: 'dual1', makerId: 'dual1' },
  {
    caseId: 'A3',
    status: 'AWAITING_APPROVAL',
    awaitingRole: 'approver',
    enteredBy: 'clerk2',
    makerId: 'clerk2',
    assignedTo: 'approver1',
  },
  {
    caseId: 'A4',
    status: 'AWAITING_APPROVAL',
    awaitingRole: 'approver',
    enteredBy: 'clerk2',
    makerId: 'clerk2',
    assignedTo: 'approver2',
  },
  { caseId: 'A5', status: 'AWAITING_APPROVAL', awaitingRole: 'approver', enteredBy: 'portal', makerId: 'dual1' }, // reviewed online case
  { caseId: 'A6', status: 'AWAITING_APPROVAL', awaitingRole: 'approver', enteredBy: 'dual1' }, // no maker recorded: the enterer
  { caseId: 'V1', status: 'AWAITING_REVIEW', awaitingRole: 'clerk', enteredBy: 'portal' },
  {
    caseId: 'R1',
    status: 'RETURNED',
    awaitingRole: 'clerk',
    enteredBy: 'clerk1',
    makerId: 'clerk1',
    assignedTo: 'clerk1',
  },
  { caseId: 'R2', status: 'RETURNED', awaitingRole: 'clerk', enteredBy: 'clerk1', makerId: 'clerk1' },
  {
    caseId: 'R3',
    status: 'RETURNED',
    awaitingRole: 'clerk',
    enteredBy: 'clerk2',
    makerId: 'clerk2',
    assignedTo: 'clerk2',
  },
  { caseId: 'D1', status: 'DELIVERING', enteredBy: 'clerk1', assignedTo: 'clerk1' },
  { caseId: 'C1', status: 'COMPLETED', enteredBy: 'clerk1', assignedTo: 'clerk1' },
  {
    caseId: 'H1',
    status: 'HELD',
    enteredBy: 'system',
    procedure: 'HELD_MOVE_OUT_CERTIFICATE',
    plannedVisitDate: TODAY,
  },
  {
    caseId: 'H2',
    status: 'HELD',
    enteredBy: 'system',
    procedure: 'HELD_MOVE_OUT_CERTIFICATE',
    plannedVisitDate: '2026-11-25',
  },
  {
    caseId: 'H3',
    status: 'PURGED',
    enteredBy: 'system',
    procedure: 'HELD_MOVE_OUT_CERTIFICATE',
    plannedVisitDate: TODAY,
  },
];
const supervisor: QueueStaff = { userId: 'supervisor1', roles: ['supervisor'] };

describe('clerk work queues', () => {
  let orm: MikroORM;
  beforeAll(async () => {
    orm = await openTestDb();
    const em = orm.em.fork();
    rows.forEach((r, i) =>
      em.persist(
        em.create(CaseRecord, {
          caseId: r.caseId,
          procedure: (r.procedure ?? 'MOVE_IN') as never,
          status: r.status as never,
          workflowId: `wf-${r.caseId}`,
          enteredBy: r.enteredBy,
          assignedTo: r.assignedTo,
          makerId: r.makerId,
          awaitingRole: r.awaitingRole,
          plannedVisitDate: r.plannedVisitDate,
          escalated: false,
          revision: 0,
          needsAttention: false,
          createdAt: new Date(Date.UTC(2026, 10, 1, 0, i)),
          updatedAt: new Date(),
        }),
      ),
    );
    await em.flush();
  });
  afterAll(async () => orm?.close(true));

  const expected: Record<string, Record<string, string[]>> = {
    clerk1: {
      approval: [],
      unassigned: ['A1', 'A2', 'A5', 'A6', 'V1', 'R2'],
      mine: ['R1', 'D1'],
      returned: ['R1', 'R2'],
      visitors: ['H1'],
    },
    approver1: {
      approval: ['A1', 'A2', 'A3', 'A5', 'A6'],
      unassigned: ['A1', 'A2', 'A5', 'A6', 'V1', 'R2'],
      mine: ['A3'],
      returned: [],
      visitors: ['H1'],
    },
    dual1: {
      approval: ['A1'],
      unassigned: ['A1', 'A2', 'A5', 'A6', 'V1', 'R2'],
      mine: [],
      returned: [],
      visitors: ['H1'],
    },
    supervisor1: {
      approval: [],
      unassigned: ['A1', 'A2', 'A5', 'A6', 'V1', 'R2'],
      mine: [],
      returned: [],
      visitors: ['H1'],
    },
  };

  for (const staff of [clerk, approver, dual, supervisor]) {
    for (const q of QUEUE_IDS) {
      it(`${q} for ${staff.userId}: the DB filter and the predicate agree`, async () => {
        const byDb = (
          await orm.em.fork().find(CaseRecord, queueFilter(q, staff, TODAY) as never, { orderBy: { createdAt: 'asc' } })
        ).map((c) => c.caseId);
        const byRule = rows.filter((r) => inQueue(q, r, staff, TODAY)).map((r) => r.caseId);
        expect(byDb).toEqual(byRule);
        expect(byDb).toEqual(expected[staff.userId]![q]);
      });
    }
  }

  it('offers 決裁待ち to approvers only; an approver never sees own input there (four-eyes)', () => {
    expect(queueVisible('approval', clerk)).toBe(false);
    expect(queueVisible('approval', dual)).toBe(true);
    expect(inQueue('approval', rows[1]!, dual, TODAY)).toBe(false);
  });

  it('sorts by age, or by due date with undated cases last', () => {
    const t = (m: number) => new Date(Date.UTC(2026, 10, 1, 0, m));
    const list = [
      { id: 'a', createdAt: t(3), dueAt: undefined },
      { id: 'b', createdAt: t(1), dueAt: t(50) },
      { id: 'c', createdAt: t(2), dueAt: t(10) },
    ];
    expect(sortRows(list, 'age').map((x) => x.id)).toEqual(['b', 'c', 'a']);
    expect(sortRows(list, 'due').map((x) => x.id)).toEqual(['c', 'b', 'a']);
  });
});

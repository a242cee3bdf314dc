import type { MikroORM } from '@mikro-orm/core';
import { CaseStatus, type StatusSpec } from '../../../domain/case-status';
import { PROCEDURES } from '../../../procedures';
import type { ProcedureTable } from '../../../procedures/table';
import { addDays, jstDate, jstStartOfDay } from '../../../domain/dates';
import { CaseRecord } from '../../../db/entities';
import { percentile } from '../charts';
import { partnerHealth, type PartnerHealth } from './attention-rules';
import { recentPartnerCalls } from './partner-health-query';

export const StatusGroup = {
  WAIT: 'wait',
  LATER: 'later',
  RUN: 'run',
  ALERT: 'alert',
  DONE: 'done',
  CLOSED: 'closed',
} as const;
export type StatusGroup = (typeof StatusGroup)[keyof typeof StatusGroup];

/**
 * Status groups for the dashboard: a case needing attention is an alert; otherwise its status's group from its
 * procedure's definition (or the frame's); an unknown status counts as running.
 */
export function statusGroup(
  status: string,
  needsAttention: boolean,
  specOf: (status: string) => StatusSpec | undefined = (s) => PROCEDURES.statusSpec(undefined, s),
): StatusGroup {
  if (needsAttention) return StatusGroup.ALERT;
  return specOf(status)?.group ?? StatusGroup.RUN;
}

export interface DashboardData {
  today: string;
  byProcedure: Array<{ procedure: string; groups: Record<StatusGroup, number>; statuses: Record<string, number> }>;
  days: Array<{ date: string; count: number; p50?: number; p95?: number }>; // durations in ms
  week: { count: number; p50?: number; p95?: number };
  oldestApproval?: { caseId: string; createdAt: Date; procedure: string };
  oldestApprovals: Array<{
    caseId: string;
    createdAt: Date;
    procedure: string;
    enteredBy: string;
    assignedTo?: string;
  }>;
  waitingApprovals: number;
  partners: PartnerHealth[];
}

export const DASHBOARD_HEALTH_WINDOW_MS = 60 * 60_000;

export async function loadDashboard(
  orm: MikroORM,
  now: Date,
  procedures: ProcedureTable = PROCEDURES,
  downAfterFailures?: number,
): Promise<DashboardData> {
  const em = orm.em.fork();
  const today = jstDate(now);
  const todays = await em.find(
    CaseRecord,
    { createdAt: { $gte: jstStartOfDay(today) } },
    { fields: ['procedure', 'status', 'needsAttention'] },
  );
  const byProc = new Map<string, DashboardData['byProcedure'][number]>();
  for (const c of todays) {
    const e = byProc.get(c.procedure) ?? {
      procedure: c.procedure,
      groups: { wait: 0, later: 0, run: 0, alert: 0, done: 0, closed: 0 },
      statuses: {},
    };
    e.groups[statusGroup(c.status, c.needsAttention, (st) => procedures.statusSpec(c.procedure, st))] += 1;
    e.statuses[c.status] = (e.statuses[c.status] ?? 0) + 1;
    byProc.set(c.procedure, e);
  }
  const firstDay = addDays(today, -6);
  const done = await em.find(
    CaseRecord,
    { status: CaseStatus.COMPLETED, completedAt: { $gte: jstStartOfDay(firstDay) } },
    { fields: ['createdAt', 'completedAt'] },
  );
  const perDay = new Map<string, number[]>();
  for (const c of done) {
    if (!c.completedAt) continue;
    const d = jstDate(c.completedAt);
    perDay.set(d, [...(perDay.get(d) ?? []), c.completedAt.getTime() - c.createdAt.getTime()]);
  }
  const days = Array.from({ length: 7 }, (_, i) => addDays(firstDay, i)).map((date) => {
    const v = perDay.get(date) ?? [];
    return { date, count: v.length, p50: percentile(v, 50), p95: percentile(v, 95) };
  });
  const all = [...perDay.values()].flat();
  const oldestApprovals = await em.find(
    CaseRecord,
    { status: CaseStatus.AWAITING_APPROVAL },
    {
      orderBy: { createdAt: 'asc' },
      limit: 5,
      fields: ['caseId', 'createdAt', 'procedure', 'enteredBy', 'assignedTo'],
    },
  );
  const oldest = oldestApprovals[0];
  const calls = await recentPartnerCalls(orm, new Date(now.getTime() - DASHBOARD_HEALTH_WINDOW_MS));
  return {
    today,
    byProcedure: [...byProc.values()],
    days,
    week: { count: all.length, p50: percentile(all, 50), p95: percentile(all, 95) },
    oldestApproval: oldest
      ? { caseId: oldest.caseId, createdAt: oldest.createdAt, procedure: oldest.procedure }
      : undefined,
    oldestApprovals: oldestApprovals.map((c) => ({
      caseId: c.caseId,
      createdAt: c.createdAt,
      procedure: c.procedure,
      enteredBy: c.enteredBy,
      assignedTo: c.assignedTo,
    })),
    waitingApprovals: await em.count(CaseRecord, { status: CaseStatus.AWAITING_APPROVAL }),
    partners: calls && partnerHealth(calls, now, DASHBOARD_HEALTH_WINDOW_MS, downAfterFailures),
  };
}

import { randomUUID } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/core';
import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { intakeMoveIn } from '../../src/procedures/move-in/intake';
import type { AppConfig } from '../../src/config';
import { CaseAction, CaseStatus } from '../../src/domain/case-status';
import {
  AuditLog,
  CaseActionLog,
  CaseRecord,
  CertificateIssuance,
  OutboxMessage,
  Resident,
  ResidentHistory,
} from '../../src/db/entities';
import { caseStateQuery } from '../../src/procedures/move-in/workflow';
import { approveUpdate, rejectUpdate } from '../../src/workflows/approval';
import { moveInWorkflowId } from '../../src/procedures/move-in/workflow';
import { APPROVER, CLERK, moveInApplication } from '../support/fixtures';
import { until } from '../support/birth-fixtures';
import { piiOf } from '../support/harness';
import { pdfBytesText } from '../support/pdf-text';
import type { ScriptedCs } from '../support/scripted-cs';
import { startWorkflowHarness, type WorkflowHarness } from '../support/workflow-harness';

const EventType = temporal.api.enums.v1.EventType;

let h: WorkflowHarness;
let env: TestWorkflowEnvironment;
let orm: MikroORM;
let config: AppConfig;
let client: Client;
let cs: ScriptedCs;

beforeAll(async () => {
  h = await startWorkflowHarness();
  ({ env, orm, config, cs } = h);
  client = env.client; // its result() unlocks time skipping; the encrypting codec is covered by the integration layer
});

afterEach(async (t) => h?.diagnose(t));
afterAll(async () => h?.close());

async function intake(body = moveInApplication(), taskQueue = config.taskQueue) {
  const r = await intakeMoveIn(
    { orm, pii: piiOf(config), temporal: client, config: { ...config, taskQueue } },
    { ...CLERK, ip: '127.0.0.1' },
    body,
    randomUUID(),
  );
  return { ...r, handle: client.workflow.getHandle(moveInWorkflowId(r.caseId)) };
}

const written = async (caseId: string) => {
  const em = orm.em.fork();
  return {
    history: await em.count(ResidentHistory, { caseId }),
    residents: await em.count(Resident, { processId: caseId }),
    outbox: await em.count(OutboxMessage, { caseId }),
    certificates: await em.count(CertificateIssuance, { caseId }),
    projection: await em.findOneOrFail(CaseRecord, { caseId }),
  };
};

describe('move-in workflow (time-skipping)', () => {
  it('does nothing before approval, flags an overdue approval, then completes once approved', async () => {
    const { caseId, handle } = await intake();
    const sentBefore = cs.identityUpdates.length;
    await env.sleep('30 hours'); // past the 1-day approval SLA
    let w = await written(caseId);
    expect(w).toMatchObject({ history: 0, residents: 0, outbox: 0, certificates: 0 });
    expect(w.projection).toMatchObject({
      status: CaseStatus.AWAITING_APPROVAL,
      needsAttention: true,
      attentionReason: 'APPROVAL_OVERDUE',
    });
    expect(cs.identityUpdates.length).toBe(sentBefore);

    await handle.executeUpdate(approveUpdate, { args: [{ actor: APPROVER }] });
    const result = await handle.result();
    expect(result.status).toBe(CaseStatus.COMPLETED);
    w = await written(caseId);
    expect(w).toMatchObject({ history: 2, residents: 2, outbox: 4, certificates: 1 });
    expect(w.projection).toMatchObject({ status: CaseStatus.COMPLETED, needsAttention: false, decidedBy: 'approver1' });
    expect(cs.identityUpdates.filter((u) => u.idempotencyKey.includes(caseId))).toHaveLength(2);
    expect(cs.moveInNotices.filter((n) => n.idempotencyKey.includes(caseId))).toHaveLength(2);
  });

  it('a rejection ends the case with nothing written or sent', async () => {
    const calls = cs.calls;
    const { caseId, handle } = await intake();
    const decision = await handle.executeUpdate(rejectUpdate, {
      args: [{ actor: APPROVER, reason: '転出証明書と届出の内容が一致しない' }],
    });
    expect(decision).toMatchObject({ kind: 'REJECTED', by: 'approver1' });
    expect((await handle.result()).status).toBe(CaseStatus.REJECTED);
    expect(await written(caseId)).toMatchObject({
      history: 0,
      residents: 0,
      outbox: 0,
      certificates: 0,
      projection: { status: CaseStatus.REJECTED },
    });
    expect(cs.calls).toBe(calls);
    // the rejection is logged once, by a local activity in the task that took it: a rejected 転入 runs no activity
    const em = orm.em.fork();
    expect(await em.find(CaseActionLog, { caseId, action: CaseAction.REJECT })).toMatchObject([
      { actorId: 'approver1' },
    ]);
    expect(await em.count(AuditLog, { caseId, function: 'reject' })).toBe(1);
    const events = (await handle.fetchHistory()).events ?? [];
    expect(events.filter((e) => e.activityTaskScheduledEventAttributes)).toHaveLength(0);
  });

  it('update validators: role, four-eyes, reason, and no second decision', async () => {
    const { handle } = await intake();
    const refuse = (p: Promise<unknown>) => expect(p).rejects.toThrow();
    await refuse(handle.executeUpdate(approveUpdate, { args: [{ actor: { userId: 'clerk2', roles: ['clerk'] } }] }));
    await refuse(
      handle.executeUpdate(approveUpdate, {
        args: [{ actor: { userId: CLERK.userId, roles: ['clerk', 'approver'] } }],
      }),
    );
    await refuse(handle.executeUpdate(rejectUpdate, { args: [{ actor: APPROVER, reason: '  ' }] }));
    expect((await handle.query(caseStateQuery)).status).toBe(CaseStatus.AWAITING_APPROVAL);
    const err = await handle
      .executeUpdate(approveUpdate, { args: [{ actor: { userId: CLERK.userId, roles: ['clerk', 'approver'] } }] })
      .catch((e: Error) => e);
    expect((err as { cause?: { type?: string; message?: string } }).cause).toMatchObject({
      type: 'FOUR_EYES',
      message: '入力者（審査者）本人は決裁できません',
    });

    await handle.executeUpdate(approveUpdate, { args: [{ actor: APPROVER }] });
    const again = await handle
      .executeUpdate(approveUpdate, { args: [{ actor: { userId: 'approver2', roles: ['approver'] } }] })
      .catch((e: Error) => e);
    expect((again as { cause?: { type?: string } }).cause?.type).toBe('NOT_AWAITING_APPROVAL');
    expect((await handle.result()).status).toBe(CaseStatus.COMPLETED);
  });

  it('retries CS delivery through a 2-hour outage, sending each message exactly once', async () => {
    const { caseId, handle } = await intake(moveInApplication({ certificateRequest: undefined }));
    const start = await env.currentTimeMs();
    cs.downUntilMs = start + 2 * 3600_000;
    const callsBefore = cs.calls;
    await handle.executeUpdate(approveUpdate, { args: [{ actor: APPROVER }] });
    expect((await handle.result()).status).toBe(CaseStatus.COMPLETED);
    expect(await env.currentTimeMs()).toBeGreaterThanOrEqual(start + 2 * 3600_000);
    expect(cs.calls - callsBefore).toBeGreaterThan(20); // every attempt of the outage went to the CS and failed
    expect(cs.identityUpdates.filter((u) => u.idempotencyKey.includes(caseId))).toHaveLength(2);
    expect(cs.moveInNotices.filter((n) => n.idempotencyKey.includes(caseId))).toHaveLength(2);
    const w = await written(caseId);
    expect(w.projection).toMatchObject({ status: CaseStatus.COMPLETED, needsAttention: false });
    expect(w.projection.failingStep ?? null).toBeNull();
    cs.downUntilMs = 0;
  });

  it('issues the 住民票の写し right after the commit while the CS is down; the case waits for the delivery (bug 8)', async () => {
    const { caseId, handle } = await intake();
    cs.downUntilMs = Number.MAX_SAFE_INTEGER;
    await handle.executeUpdate(approveUpdate, { args: [{ actor: APPROVER }] });
    const copy = await until('the copy', () =>
      orm.em
        .fork()
        .findOne(CertificateIssuance, { caseId, certificateType: 'residentRecordCopy' }, { populate: ['pdf'] }),
    );
    expect(pdfBytesText(copy.pdf)).toContain('住民票の写し');
    await until('a failed delivery attempt', async () => (await written(caseId)).projection.failingStep);
    const w = await written(caseId);
    expect(w.projection.status).toBe(CaseStatus.DELIVERING);
    expect(w.projection.failingStep).toBe('deliverCsMessages');
    expect(cs.identityUpdates.filter((u) => u.idempotencyKey.includes(caseId))).toHaveLength(0);
    cs.downUntilMs = 0;
    const result = await handle.result();
    expect(result).toMatchObject({ status: CaseStatus.COMPLETED, issueNumber: copy.issueNumber });
    expect((await written(caseId)).certificates).toBe(1);
    expect(cs.identityUpdates.filter((u) => u.idempotencyKey.includes(caseId))).toHaveLength(2);
  });

  it('a 決裁 given before the workflow first ran (workers behind the intake) is kept: the case completes', async () => {
    const queue = `behind-${randomUUID()}`;
    const { caseId, handle } = await intake(moveInApplication(), queue); // no worker polls this queue yet
    expect((await written(caseId)).projection.status).toBe(CaseStatus.AWAITING_APPROVAL); // the row says 決裁待ち
    const approved = handle.executeUpdate(approveUpdate, { args: [{ actor: APPROVER }] });
    approved.catch(() => undefined);
    await new Promise((r) => setTimeout(r, 1000)); // the update waits at the server, delivered with the first task
    const worker = await h.startWorkerOn(queue);
    try {
      expect(await approved).toMatchObject({ kind: 'APPROVED', by: 'approver1' });
      expect((await handle.result()).status).toBe(CaseStatus.COMPLETED);
      // the 決裁 was taken in the workflow's first task: accepted right after it, before any activity
      const events = (await handle.fetchHistory()).events ?? [];
      const firstTaskDone = events.findIndex((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED);
      expect(events[firstTaskDone + 1]?.eventType).toBe(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED);
      const w = await written(caseId);
      expect(w).toMatchObject({ history: 2, residents: 2, outbox: 4, certificates: 1 });
      expect(w.projection).toMatchObject({ status: CaseStatus.COMPLETED, decidedBy: 'approver1' });
    } finally {
      await worker.stop();
    }
  });

  it('runs two activities — commit (with the 附票 notices and the 写し), CS delivery — and logs the 決裁 in the local activity of the APPROVED projection (issue 15)', async () => {
    const { caseId, handle } = await intake();
    await handle.executeUpdate(approveUpdate, { args: [{ actor: APPROVER }] });
    expect((await handle.result()).status).toBe(CaseStatus.COMPLETED);
    const events = (await handle.fetchHistory()).events ?? [];
    const activities = events.flatMap((e) => e.activityTaskScheduledEventAttributes?.activityType?.name ?? []);
    expect(activities).toEqual(['commitMoveIn', 'deliverCsMessages']);
    expect(events.filter((e) => e.workflowTaskCompletedEventAttributes)).toHaveLength(4);
    expect(events.flatMap((e) => e.markerRecordedEventAttributes?.markerName ?? [])).toContain('core_patch');
    // the 決裁's log: one APPROVE row by the approver and one audit row, as the activity wrote them
    const em = orm.em.fork();
    expect(await em.find(CaseActionLog, { caseId, action: CaseAction.APPROVE })).toMatchObject([
      { actorId: 'approver1' },
    ]);
    expect(await em.count(AuditLog, { caseId, function: 'approve' })).toBe(1);
    // what the folded steps wrote: the 写し (its PDF), and the same messages to the CS as before
    const w = await written(caseId);
    expect(w.certificates).toBe(1);
    expect(w.projection.status).toBe(CaseStatus.COMPLETED);
    expect(cs.identityUpdates.filter((u) => u.idempotencyKey.includes(caseId))).toHaveLength(2);
  });

  it('reads its application once after the 決裁 and counts no 4情報 again at the commit (issue 15, MikroORM CPU)', async () => {
    const { caseId, handle } = await intake();
    // every statement the activities run from here on (the same ORM as the worker's), the case's by its ID
    const conn = orm.em.getConnection();
    const execute = conn.execute.bind(conn);
    const statements: string[] = [];
    conn.execute = ((query: unknown, params?: unknown[], ...rest: unknown[]) => {
      const text = typeof query === 'string' ? query : String((query as { sql?: string }).sql ?? query);
      statements.push(`${text} ${JSON.stringify(params ?? [])}`);
      return (execute as (...a: unknown[]) => unknown)(query, params, ...rest);
    }) as typeof conn.execute;
    try {
      await handle.executeUpdate(approveUpdate, { args: [{ actor: APPROVER }] });
      expect((await handle.result()).status).toBe(CaseStatus.COMPLETED);
    } finally {
      conn.execute = execute;
    }
    const ofCase = statements.filter((q) => q.includes(caseId));
    // the commit reads the stored application (and decrypts it) once; the 継続利用 and the 写し get what it read
    expect(ofCase.filter((q) => /^select .*from [`"]?case_application/i.test(q))).toHaveLength(1);
    // the 4情報 alert is the intake's: the commit matches the movers by key only
    expect(statements.filter((q) => /count\(\*\).*from [`"]?resident[`"]? /i.test(q))).toHaveLength(0);
    expect((await written(caseId)).certificates).toBe(1);
  });
});

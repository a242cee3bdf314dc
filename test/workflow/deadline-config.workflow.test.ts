import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { createCsInbound } from '../../src/api/cs-inbound-router';
import { CaseStatus } from '../../src/domain/case-status';
import { addDays, jstStartOfDay } from '../../src/domain/dates';
import { DEFAULT_MOVE_RULES } from '../../src/domain/move-deadlines';
import { CaseRecord, HeldMoveOutCertificate } from '../../src/db/entities';
import { loadDemoTown } from '../../src/db/seed/load-demo';
import { intakeMoveOut } from '../../src/procedures/move-out/intake';
import { moveOutWorkflowId } from '../../src/procedures/move-out/workflow';
import { MoveOutStatus } from '../../src/procedures/move-out/definition';
import { intakeSpecialMoveIn } from '../../src/procedures/special-move-in/intake';
import { specialMoveInWorkflowId } from '../../src/procedures/special-move-in/workflow';
import { approveUpdate } from '../../src/workflows/approval';
import { APPROVER, CLERK, today } from '../support/fixtures';
import { certificateInfoFrom, householdMovers, paperMoveOut, specialMoveInFor } from '../support/move-fixtures';
import { eventually } from '../support/system-harness-utils';
import { startWorkflowHarness, type WorkflowHarness } from '../support/workflow-harness';

/**
 * The deadline numbers come from the configuration (domain spec §6, §9.3): a town that sets 20 days gets 20 days, in
 * the intake rules, in the activities and in the timers of the workflows it starts.
 */
let h: WorkflowHarness;
const actor = { ...CLERK, ip: '127.0.0.1' };
afterEach(async (t) => h?.close(t));

const em = () => h.orm.em.fork();
const caseRow = (caseId: string) => em().findOneOrFail(CaseRecord, { caseId });
const sleepUntil = async (t: Date, offsetMs: number) => {
  await h.idle();
  await h.env.sleep(Math.max(1, t.getTime() + offsetMs - (await h.env.currentTimeMs())));
};

describe('deadlines from the configuration', () => {
  it('特例転入 with a 20-day filing window after the 転入日: accepted at intake and on arrival at 転入日 + 16', async () => {
    h = await startWorkflowHarness({ deadlines: { ...DEFAULT_MOVE_RULES, specialMoveInDaysAfterMoveIn: 20 } });
    const inbound = createCsInbound(h.api);
    const start = async (body: object) => {
      const r = await intakeSpecialMoveIn(h.api, actor, body, randomUUID());
      return { ...r, handle: h.env.client.workflow.getHandle(specialMoveInWorkflowId(r.caseId)) };
    };
    // planned 20 days ago, moved in 16 days ago: min(P + 30, 転入日 + 14) has passed, min(P + 30, 転入日 + 20) has not
    const held = certificateInfoFrom(h.config.municipalityCode, addDays(today(), -20));
    await inbound.moveOutCertificate(held);
    const c1 = await start(specialMoveInFor(held, addDays(today(), -16)));
    await eventually(async () =>
      (await caseRow(c1.caseId)).status === CaseStatus.AWAITING_APPROVAL ? true : undefined,
    );

    const arriving = certificateInfoFrom(h.config.municipalityCode, addDays(today(), -20));
    const c2 = await start(specialMoveInFor(arriving, addDays(today(), -16)));
    await eventually(async () =>
      h.cs.certificateRequests.some((r) => r.idempotencyKey.includes(c2.caseId)) ? true : undefined,
    );
    await inbound.moveOutCertificate(arriving);
    await eventually(async () =>
      (await caseRow(c2.caseId)).status === CaseStatus.AWAITING_APPROVAL ? true : undefined,
    );
    await c2.handle.executeUpdate(approveUpdate, { args: [{ actor: APPROVER }] });
    expect((await c2.handle.result()).status).toBe(CaseStatus.COMPLETED);
    expect((await em().findOneOrFail(HeldMoveOutCertificate, { messageId: arriving.idempotencyKey })).state).toBe(
      'USED',
    );
  });

  it('held 転出証明書情報 kept 20 days and 転入通知未着 flagged after P + 20', async () => {
    const deadlines = { ...DEFAULT_MOVE_RULES, heldCertificateDays: 20, specialMoveInDaysAfterPlanned: 20 };
    h = await startWorkflowHarness({ deadlines: { ...deadlines, moveInNoticeOverdueDays: 20 } });
    await loadDemoTown(h.orm, h.pii, { households: 4 });
    const inbound = createCsInbound(h.api);
    const P = addDays(today(), 2);

    const cert = certificateInfoFrom(h.config.municipalityCode, P);
    await inbound.moveOutCertificate(cert);
    const held = await em().findOneOrFail(HeldMoveOutCertificate, { messageId: cert.idempotencyKey });
    expect(held.purgeAt!.toISOString()).toBe(jstStartOfDay(addDays(P, 21)).toISOString()); // 00:00 JST on P + 21

    const movers = await householdMovers(h.orm, 0);
    const r = await intakeMoveOut(h.api, actor, paperMoveOut(movers, P), randomUUID());
    await h.env.client.workflow
      .getHandle(moveOutWorkflowId(r.caseId))
      .executeUpdate(approveUpdate, { args: [{ actor: APPROVER }] });
    await eventually(async () =>
      (await caseRow(r.caseId)).status === MoveOutStatus.AWAITING_MOVE_OUT_DATE ? true : undefined,
    );

    const overdueAt = jstStartOfDay(addDays(P, 21));
    await sleepUntil(overdueAt, -3600_000);
    expect((await caseRow(r.caseId)).needsAttention).toBe(false);
    expect((await em().findOneOrFail(HeldMoveOutCertificate, { heldId: held.heldId })).state).toBe('HELD');
    await sleepUntil(overdueAt, 60_000);
    await eventually(async () =>
      (await caseRow(r.caseId)).attentionReason === 'MOVE_IN_NOTICE_OVERDUE' ? true : undefined,
    );
    await eventually(async () =>
      (await em().findOneOrFail(HeldMoveOutCertificate, { heldId: held.heldId })).state === 'PURGED' ? true : undefined,
    );
  });
});

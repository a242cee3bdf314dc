import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCsInbound } from '../../src/api/cs-inbound-router';
import { CaseStatus } from '../../src/domain/case-status';
import { addDays } from '../../src/domain/dates';
import { CaseRecord, MyNumberCard, Resident } from '../../src/db/entities';
import { intakeMoveIn } from '../../src/procedures/move-in/intake';
import { moveInWorkflowId } from '../../src/procedures/move-in/workflow';
import { intakeSpecialMoveIn } from '../../src/procedures/special-move-in/intake';
import { SpecialMoveInStatus } from '../../src/procedures/special-move-in/definition';
import { specialMoveInWorkflowId } from '../../src/procedures/special-move-in/workflow';
import { approveUpdate } from '../../src/workflows/approval';
import { APPROVER, CLERK, moveInApplication, mover, today } from '../support/fixtures';
import { certificateInfoFrom, specialMoveInFor } from '../support/move-fixtures';
import { eventually } from '../support/system-harness-utils';
import { startWorkflowHarness, type WorkflowHarness } from '../support/workflow-harness';

/**
 * 継続利用 after a 転入 (domain spec §4.1 step 4.7, §4.2 step 6.3, §4.8 item 6): only for the persons who present their
 * own card; J-LIS's ack ends CONTINUED_USE_PENDING (ISSUED); no 継続利用 by day 90 after the 転入届 sends 廃止.
 */
let h: WorkflowHarness;
const actor = { ...CLERK, ip: '127.0.0.1' };

beforeEach(async () => {
  h = await startWorkflowHarness();
});
afterEach(async (t) => h?.close(t));

const em = () => h.orm.em.fork();
const cardStatusOf = async (residentRecordCode: string) =>
  (await em().findOneOrFail(Resident, { residentRecordCode })).cardStatus;

async function moveIn(body = moveInApplication()) {
  const r = await intakeMoveIn(h.api, actor, body, randomUUID());
  return { ...r, handle: h.env.client.workflow.getHandle(moveInWorkflowId(r.caseId)) };
}

/** Two movers: the 世帯主 presents her own card, the child has none. */
const withOneCard = () => {
  const app = moveInApplication();
  app.movers[0]!.cardPresented = true;
  app.movers[1] = mover({
    givenName: '一郎',
    givenNameKana: 'イチロウ',
    birthDate: '2015-04-01',
    relationshipToHead: '子',
  });
  return app;
};

describe('継続利用 after an ordinary 転入 (time-skipping)', () => {
  it('sends one 継続利用 request for the card holder only; the ack ends the pending status (ISSUED)', async () => {
    const app = withOneCard();
    const [holder, child] = app.movers;
    const c = await moveIn(app);
    await c.handle.executeUpdate(approveUpdate, { args: [{ actor: APPROVER }] });
    expect((await c.handle.result()).status).toBe(CaseStatus.COMPLETED);

    expect(h.cards.continuedUse.map((r) => r.residentRecordCode)).toEqual([holder!.residentRecordCode]);
    expect(h.cards.continuedUse[0]).toMatchObject({
      newAddress: '東京都さくら市桜ケ丘二丁目3番14号　さくらハイツ203号室',
      moveInDate: app.moveInDate,
      notificationDate: today(),
    });
    expect(await cardStatusOf(holder!.residentRecordCode)).toBe('ISSUED');
    expect(await cardStatusOf(child!.residentRecordCode)).toBe('NONE');
    expect(h.cards.events).toHaveLength(0); // the 継続利用 is its own request, not a status event
  });

  it('no 継続利用 by day 90 after the 転入届 (決裁 on day 91): no request, 廃止 sent, the card CANCELLED', async () => {
    const app = withOneCard();
    const holder = app.movers[0]!;
    const c = await moveIn(app);
    await h.idle();
    await h.env.sleep('91 days');
    await c.handle.executeUpdate(approveUpdate, { args: [{ actor: APPROVER }] });
    expect((await c.handle.result()).status).toBe(CaseStatus.COMPLETED);

    expect(h.cards.continuedUse).toHaveLength(0);
    expect(h.cards.events).toEqual([
      expect.objectContaining({ residentRecordCode: holder.residentRecordCode, event: 'CANCELLED', sequenceNumber: 1 }),
    ]);
    expect(await cardStatusOf(holder.residentRecordCode)).toBe('CANCELLED');
  });
});

describe('継続利用 refused by J-LIS as too late (time-skipping)', () => {
  it('CONTINUED_USE_DEADLINE_PASSED is final, not an error to correct: the case completes, the card is cancelled', async () => {
    const app = withOneCard();
    const holder = app.movers[0]!;
    h.cards.refuseContinuedUse = 'CONTINUED_USE_DEADLINE_PASSED'; // e.g. J-LIS was down until after day 90
    const c = await moveIn(app);
    await c.handle.executeUpdate(approveUpdate, { args: [{ actor: APPROVER }] });
    expect((await c.handle.result()).status).toBe(CaseStatus.COMPLETED); // not DELIVERY_REJECTED
    expect(h.cards.events).toEqual([
      expect.objectContaining({ residentRecordCode: holder.residentRecordCode, event: 'CANCELLED' }),
    ]);
    expect(h.cards.events[0]!.reason).toBe('CONTINUED_USE_LAPSED');
    expect(await cardStatusOf(holder.residentRecordCode)).toBe('CANCELLED');
    expect(h.cs.identityUpdates.filter((u) => u.idempotencyKey.includes(c.caseId))).toHaveLength(2); // the rest went on
  });
});

describe('継続利用 after a 特例転入 (time-skipping)', () => {
  it('only the person who presents a card gets a 継続利用 request; its ack ends the pending status', async () => {
    const inbound = createCsInbound(h.api);
    const planned = addDays(today(), -2);
    const head = certificateInfoFrom(h.config.municipalityCode, planned);
    const child = certificateInfoFrom(h.config.municipalityCode, planned);
    child.certificate = { ...child.certificate, name: '川口　陽菜', birthDate: '2016-08-08', relationshipToHead: '子' };
    await inbound.moveOutCertificate(head);
    await inbound.moveOutCertificate(child);
    const body = {
      persons: [
        { ...personOf(head), relationshipToHead: '世帯主', cardPresented: true },
        { ...personOf(child), givenName: '陽菜', relationshipToHead: '子', cardPresented: false },
      ],
      originMunicipalityCode: head.fromMunicipalityCode,
      address: { address: '東京都さくら市緑町一丁目5番2号' },
      moveInDate: addDays(today(), -1),
      household: { mode: 'new' as const },
      notifier: { kind: 'self' as const },
    };
    const r = await intakeSpecialMoveIn(h.api, actor, body, randomUUID());
    const handle = h.env.client.workflow.getHandle(specialMoveInWorkflowId(r.caseId));
    await eventually(async () => {
      const row = await em().findOneOrFail(CaseRecord, { caseId: r.caseId });
      return row.status === CaseStatus.AWAITING_APPROVAL ? true : undefined;
    });
    await handle.executeUpdate(approveUpdate, { args: [{ actor: APPROVER }] });
    expect((await handle.result()).status).toBe(CaseStatus.COMPLETED);

    expect(h.cards.continuedUse.map((q) => q.residentRecordCode)).toEqual([head.certificate.residentRecordCode]);
    expect(await cardStatusOf(head.certificate.residentRecordCode)).toBe('ISSUED');
    expect(await cardStatusOf(child.certificate.residentRecordCode)).toBe('NONE');
  });
});

describe('a 特例転入 past its deadline (time-skipping)', () => {
  it('the card path is refused (DEADLINE_PASSED) and the presented card loses its validity: 廃止 sent', async () => {
    const inbound = createCsInbound(h.api);
    // filed in time for 転入日 + 14, but the answer to the 送信依頼 shows P + 30 passed (domain spec §4.2 step 2)
    const arriving = certificateInfoFrom(h.config.municipalityCode, addDays(today(), -40));
    const r = await intakeSpecialMoveIn(h.api, actor, specialMoveInFor(arriving, addDays(today(), -3)), randomUUID());
    await eventually(async () => (h.cs.certificateRequests.length ? true : undefined));
    await inbound.moveOutCertificate(arriving);
    const handle = h.env.client.workflow.getHandle(specialMoveInWorkflowId(r.caseId));
    expect((await handle.result()).status).toBe(SpecialMoveInStatus.DEADLINE_PASSED);

    const code = arriving.certificate.residentRecordCode;
    expect(h.cards.continuedUse).toHaveLength(0);
    expect(h.cards.events).toEqual([
      expect.objectContaining({ residentRecordCode: code, event: 'CANCELLED', reason: 'SPECIAL_MOVE_IN_DEADLINE' }),
    ]);
    expect(await em().findOneOrFail(MyNumberCard, { residentRecordCode: code })).toMatchObject({ status: 'CANCELLED' });
    expect(await em().count(Resident, { residentRecordCode: code })).toBe(0); // nobody registered here
  });
});

const personOf = (cert: ReturnType<typeof certificateInfoFrom>) => ({
  residentRecordCode: cert.certificate.residentRecordCode,
  familyName: '川口',
  givenName: '健太',
  birthDate: cert.certificate.birthDate,
  sex: cert.certificate.sex,
});

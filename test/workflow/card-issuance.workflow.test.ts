import type { MikroORM } from '@mikro-orm/core';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AttentionReason, CaseStatus } from '../../src/domain/case-status';
import { addDays, jstDate } from '../../src/domain/dates';
import { CardStatus } from '../../src/domain/registry-values';
import {
  CardEventRecord,
  CaseActionLog,
  CaseRecord,
  CertificateIssuance,
  MyNumberCard,
  Resident,
} from '../../src/db/entities';
import { CardIssuanceStatus } from '../../src/procedures/card-issuance/definition';
import { cardIssuanceWorkflowId } from '../../src/procedures/card-issuance/workflow';
import { approveUpdate, confirmReviewUpdate } from '../../src/workflows/approval';
import { seedParents, until } from '../support/birth-fixtures';
import { handover, producedMessage, reportProduced, storeHandover } from '../support/card-fixtures';
import { APPROVER, CLERK, today } from '../support/fixtures';
import type { ScriptedCards } from '../support/scripted-cards';
import { startWorkflowHarness, type WorkflowHarness } from '../support/workflow-harness';

let h: WorkflowHarness;
let env: TestWorkflowEnvironment;
let orm: MikroORM;
let cards: ScriptedCards;

beforeAll(async () => {
  h = await startWorkflowHarness();
  ({ env, orm, cards } = h);
});

afterEach(async (t) => h?.diagnose(t));
afterAll(async () => h?.close());

const rowOf = (caseId: string) => orm.em.fork().findOneOrFail(CaseRecord, { caseId });
const cardOf = (cardId: string) => orm.em.fork().findOneOrFail(MyNumberCard, { cardId });

async function produced() {
  const { head } = await seedParents(orm);
  const msg = producedMessage(h.config.municipalityCode, head.residentRecordCode!);
  // the intake reads the clock the workflows run on (the test server's, skipped ahead by earlier tests)
  const at = await env.currentTimeMs();
  const r = await reportProduced({ ...h.api, now: () => new Date(at) }, msg);
  await until('the handover wait', async () => (await rowOf(r.caseId)).status === CaseStatus.AWAITING_REVIEW);
  return { ...r, at, holder: head, handle: env.client.workflow.getHandle(cardIssuanceWorkflowId(msg.cardId)) };
}

describe('card issuance workflow (time-skipping)', () => {
  it('handover recorded by a clerk → 決裁 by another person → ISSUED with its expiry date and the 交付 event sent once', async () => {
    const { caseId, cardId, holder, handle } = await produced();
    await storeHandover(h.api, caseId, { handover: handover() });
    await handle.executeUpdate(confirmReviewUpdate, { args: [{ actor: CLERK }] });
    await until('決裁待ち', async () => (await rowOf(caseId)).status === CaseStatus.AWAITING_APPROVAL);
    await handle.executeUpdate(approveUpdate, { args: [{ actor: APPROVER }] });
    expect(await handle.result()).toMatchObject({ status: CaseStatus.COMPLETED, cardId });
    const card = await cardOf(cardId);
    // born 1990-04-02, issued today at 36: to the 10th birthday after issue
    const year = Number(today().slice(0, 4)) + (today().slice(5) < '04-02' ? 9 : 10);
    expect(card).toMatchObject({
      status: CardStatus.ISSUED,
      issuedOn: today(),
      expiryDate: `${year}-04-02`,
      signingCertIssued: true,
    });
    expect(cards.events.filter((e) => e.residentRecordCode === holder.residentRecordCode)).toEqual([
      expect.objectContaining({ event: 'ISSUED', sequenceNumber: 1, eventDate: today() }),
    ]);
    expect((await orm.em.fork().findOneOrFail(Resident, { addresseeNumber: holder.addresseeNumber })).cardStatus).toBe(
      CardStatus.ISSUED,
    );
  });
  it('not collected: the reminder notice and the console flag, then 廃止 (NOT_COLLECTED) sent once at the storage limit', async () => {
    const { caseId, cardId, holder, handle, at } = await produced();
    const card = await cardOf(cardId);
    expect(card).toMatchObject({ status: CardStatus.NOTICE_SENT, noticeSentOn: today() });
    expect(card.storageLimitDate).toBe(addDays(jstDate(at), h.config.deadlines.cardStorageDays));
    const notices = async () =>
      (await orm.em.fork().find(CertificateIssuance, { caseId })).map((c) => c.certificateType).sort();
    expect(await notices()).toEqual(['cardIssuanceNotice']);

    // the day before the reminder: nothing yet
    await h.idle();
    await env.sleep(`${h.config.deadlines.cardStorageDays - h.config.deadlines.cardReminderLeadDays - 1} days`);
    expect(await notices()).toEqual(['cardIssuanceNotice']);
    expect((await rowOf(caseId)).needsAttention).toBe(false);

    await env.sleep('2 days');
    await until('the reminder', async () => (await notices()).length === 2);
    expect(await notices()).toEqual(['cardIssuanceNotice', 'cardReminderNotice']);
    await until('the console flag', async () => (await rowOf(caseId)).needsAttention);
    expect(await rowOf(caseId)).toMatchObject({
      status: CaseStatus.AWAITING_REVIEW,
      attentionReason: AttentionReason.CARD_STORAGE_LIMIT,
    });
    expect(cards.events.filter((e) => e.residentRecordCode === holder.residentRecordCode)).toEqual([]);
    expect(await orm.em.fork().count(CaseActionLog, { caseId, action: 'CARD_REMINDER_SENT' })).toBe(1);

    await h.idle();
    await env.sleep(`${h.config.deadlines.cardReminderLeadDays + 1} days`);
    expect(await handle.result()).toMatchObject({ status: CardIssuanceStatus.STORAGE_EXPIRED, cardId });
    expect(await cardOf(cardId)).toMatchObject({ status: CardStatus.CANCELLED });
    const sent = cards.events.filter((e) => e.residentRecordCode === holder.residentRecordCode);
    expect(sent).toEqual([expect.objectContaining({ event: 'CANCELLED', reason: 'NOT_COLLECTED', sequenceNumber: 1 })]);
    const events = await orm.em.fork().find(CardEventRecord, { cardId }, { orderBy: { id: 'asc' } });
    expect(events.map((e) => [e.kind, e.toStatus, Boolean(e.sentAt)])).toEqual([
      ['PRODUCED', 'AT_OFFICE', false],
      ['NOTICE_SENT', 'NOTICE_SENT', false],
      ['CANCELLED', 'CANCELLED', true],
    ]);
    expect((await orm.em.fork().findOneOrFail(Resident, { addresseeNumber: holder.addresseeNumber })).cardStatus).toBe(
      CardStatus.CANCELLED,
    );
    expect(await rowOf(caseId)).toMatchObject({ status: CardIssuanceStatus.STORAGE_EXPIRED, needsAttention: false });
  });
});

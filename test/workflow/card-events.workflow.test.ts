import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CardEventRecord, MyNumberCard, Resident } from '../../src/db/entities';
import { loadDemoTown } from '../../src/db/seed/load-demo';
import { CardStatus, ResidentStatus } from '../../src/domain/registry-values';
import { recordCardSuspension, recordCounterCardEvent } from '../../src/procedures/card-events/service';
import { CARD_EVENTS_HISTORY_LIMIT, cardEventsWorkflowId } from '../../src/procedures/card-events/workflow';
import { CLERK, today } from '../support/fixtures';
import { eventually } from '../support/system-harness-utils';
import { startWorkflowHarness, type WorkflowHarness } from '../support/workflow-harness';

/**
 * Card status events after the handover (domain spec §4.8 item 5): recorded in the registry by `recordCardEvent`,
 * sent by the person's sender workflow (`cardEventsWorkflow`) to J-LIS exactly once, in 更新順番号 order, through
 * outages; a busy sender continues as new so its history stays small.
 */
let h: WorkflowHarness;
const clerk = { ...CLERK, ip: '127.0.0.1' };
let seq = 0;

beforeAll(async () => {
  h = await startWorkflowHarness();
  await loadDemoTown(h.orm, h.pii, { households: 3 });
});
afterEach(async (t) => h?.diagnose(t));
afterAll(async () => h?.close());

const em = () => h.orm.em.fork();

/** A card in use (ISSUED) for a resident of the demo town who has none. */
async function issuedCard(): Promise<{ card: MyNumberCard; resident: Resident }> {
  const e = em();
  const residents = await e.find(
    Resident,
    { status: ResidentStatus.RESIDENT },
    { orderBy: { addresseeNumber: 'asc' } },
  );
  const resident = residents[seq++]!;
  const card = e.create(MyNumberCard, {
    cardId: `CARD${String(100000 + seq)}`,
    addresseeNumber: resident.addresseeNumber,
    residentRecordCode: resident.residentRecordCode!,
    status: CardStatus.ISSUED,
    producedOn: '2025-01-10',
    issuedOn: '2025-02-01',
    hasSigningCert: true,
    createdAt: new Date(),
    updatedAt: new Date(),
  } as MyNumberCard);
  await e.persist(card).flush();
  return { card, resident };
}

const suspend = (cardId: string) =>
  recordCardSuspension(h.api, {
    messageId: `JLIS-SUS-${randomUUID()}`,
    municipalityCode: h.config.municipalityCode,
    cardId,
    eventDate: today(),
  });
const lift = (cardId: string) =>
  recordCounterCardEvent(
    h.api,
    clerk,
    cardId,
    {
      kind: 'SUSPENSION_LIFTED',
      eventDate: today(),
      identityCheck: { document: { type: 'driversLicence' }, writtenApplication: true },
    },
    randomUUID(),
  );
const sentTo = (residentRecordCode: string) =>
  h.cards.events.filter((e) => e.residentRecordCode === residentRecordCode);

describe('card status events (time-skipping)', () => {
  it('一時停止 from J-LIS, then 解除 at the counter through a J-LIS outage: sent once, the card ISSUED again', async () => {
    const { card, resident } = await issuedCard();
    const s = await suspend(card.cardId);
    expect(s).toMatchObject({ kind: 'SUSPENDED', status: 'SUSPENDED', duplicate: false });
    expect(s.sequenceNumber).toBeUndefined(); // J-LIS set it: not reported back
    expect((await em().findOneOrFail(Resident, { addresseeNumber: resident.addresseeNumber })).cardStatus).toBe(
      'SUSPENDED',
    );

    h.cards.failNext = 2; // J-LIS down for the first attempts
    const l = await lift(card.cardId);
    expect(l).toMatchObject({ kind: 'SUSPENSION_LIFTED', status: 'ISSUED', sequenceNumber: 1 });
    const sent = await eventually(async () => {
      const row = await em().findOneOrFail(CardEventRecord, { id: l.eventId });
      return row.sentAt ? row : undefined;
    });
    expect(h.cards.failNext).toBe(0);
    expect(sentTo(resident.residentRecordCode!)).toEqual([
      {
        municipalityCode: h.config.municipalityCode,
        idempotencyKey: sent.idempotencyKey,
        sequenceNumber: 1,
        residentRecordCode: resident.residentRecordCode,
        event: 'SUSPENSION_LIFTED',
        eventDate: today(),
      },
    ]);
    expect((await em().findOneOrFail(Resident, { addresseeNumber: resident.addresseeNumber })).cardStatus).toBe(
      'ISSUED',
    );
    // a second 解除 is refused by the status table (the card is no longer suspended); nothing written or sent
    await expect(lift(card.cardId)).rejects.toMatchObject({ status: 409, code: 'CARD_STATE' });
    expect(await em().count(CardEventRecord, { cardId: card.cardId })).toBe(2);
    await h.idle();
    expect(sentTo(resident.residentRecordCode!)).toHaveLength(1);
  });

  it('500 reported events through one card: all received in order exactly once, every run of the sender small', async () => {
    const { card, resident } = await issuedCard();
    const handle = h.env.client.workflow.getHandle(
      cardEventsWorkflowId(h.config.municipalityCode, resident.addresseeNumber),
    );
    const runIds = new Set<string>();
    const unsent = () =>
      em().count(CardEventRecord, { cardId: card.cardId, sentAt: null, sequenceNumber: { $ne: null } });
    // in bursts of 5 一時停止 / 解除 pairs (1,000 recorded events, 500 reported), each burst sent before the next
    for (let i = 0; i < 500; i++) {
      await suspend(card.cardId);
      await lift(card.cardId);
      if (i % 5 < 4) continue;
      runIds.add((await handle.describe()).runId);
      await eventually(async () => ((await unsent()) === 0 ? true : undefined), 30_000, 10);
    }
    const received = await eventually(async () => {
      const got = sentTo(resident.residentRecordCode!);
      return got.length >= 500 ? got : undefined;
    }, 120_000);
    await h.idle();
    expect(sentTo(resident.residentRecordCode!).map((e) => e.sequenceNumber)).toEqual(
      Array.from({ length: 500 }, (_, i) => i + 1),
    );
    expect(new Set(received.map((e) => e.idempotencyKey)).size).toBe(500);
    expect(received.every((e) => e.event === 'SUSPENSION_LIFTED')).toBe(true);
    expect(await unsent()).toBe(0);

    // every run seen, and the runs it continued from: each history stays small (one run would otherwise hold
    // thousands of history events)
    runIds.add((await handle.describe()).runId);
    const lengths = new Map<string, number>();
    const visit = async (runId: string) => {
      if (lengths.has(runId)) return;
      const history = await h.env.client.workflow
        .getHandle(cardEventsWorkflowId(h.config.municipalityCode, resident.addresseeNumber), runId)
        .fetchHistory();
      lengths.set(runId, history.events!.length);
      const previous = history.events![0]!.workflowExecutionStartedEventAttributes?.continuedExecutionRunId;
      if (previous) await visit(previous);
    };
    for (const runId of runIds) await visit(runId);
    expect(lengths.size).toBeGreaterThan(1);
    expect(lengths.size).toBeGreaterThan(5); // continued as new, over and over
    expect(Math.max(...lengths.values())).toBeLessThan(CARD_EVENTS_HISTORY_LIMIT + 60);
  }, 300_000);
});

import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createJlisInbound } from '../../src/api/jlis-inbound-router';
import { loadNumberConsole, numberAttentionLabel } from '../../src/api/web/queries/individual-number-query';
import { ChangeReason } from '../../src/domain/change-reason';
import { isIndividualNumber } from '../../src/domain/check-digits';
import {
  DeliveryAddressInfo,
  IndividualNumberAnswer,
  IndividualNumberRequest,
  OutboxKind,
  OutboxMessage,
  Resident,
  ResidentHistory,
} from '../../src/db/entities';
import { loadDemoTown } from '../../src/db/seed/load-demo';
import {
  deliveryAddressWorkflowId,
  individualNumberWorkflow,
  individualNumberWorkflowId,
} from '../../src/workflows/individual-number';
import { randomIndividualNumber, randomResidentRecordCode } from '../support/fixtures';
import { eventually } from '../support/system-harness-utils';
import { startWorkflowHarness, type WorkflowHarness } from '../support/workflow-harness';

/**
 * 個人番号 generation (domain.md §4.7 step 3.2, 3.4): the request to J-LIS, the durable wait for its asynchronous
 * answer (late, never, twice, for another 住民票コード), the 異動 個人番号（職権記載） and its 本人確認情報, and the
 * 送付先情報 kept until J-LIS confirms receipt and never past its limit.
 */
let h: WorkflowHarness;
let inbound: ReturnType<typeof createJlisInbound>;
const fast = { initialIntervalMs: 100, backoffCoefficient: 2, maximumIntervalMs: 1_000 };
const timings = {
  registryRetry: fast,
  deliveryRetry: fast,
  individualNumberWait: '2 hours',
  deliveryAddressRetention: '3 days',
};
let people: Resident[] = [];
let next = 0;

// a fresh time-skipping server per scenario: skipped days in one would run the others' retries and timers
beforeEach(async () => {
  next = 0;
  h = await startWorkflowHarness();
  inbound = createJlisInbound(h.api);
  await loadDemoTown(h.orm, h.pii, { households: 2 });
  people = await h.orm.em.fork().find(Resident, { residentRecordCode: { $ne: null } }, { limit: 2 });
  // these persons have no 個人番号 yet (as a newborn or an arrival from abroad would)
  await h.orm.em.fork().nativeUpdate(Resident, { addresseeNumber: { $in: people.map((p) => p.addresseeNumber) } }, {
    individualNumberEnc: null,
    individualNumberIndex: null,
  } as never);
});
afterEach(async (t) => h?.close(t));

const em = () => h.orm.em.fork();
const settle = () => h.idle();
const sleepFor = async (ms: number) => {
  await settle();
  await h.env.sleep(ms);
};
async function start(over: Partial<typeof timings> = {}) {
  const person = people[next++]!;
  const caseId = `BR-TEST-${randomUUID().slice(0, 8)}`;
  const handle = await h.env.client.workflow.start(individualNumberWorkflow, {
    workflowId: individualNumberWorkflowId(caseId, person.addresseeNumber),
    taskQueue: h.config.taskQueue,
    args: [{ caseId, addresseeNumber: person.addresseeNumber, timings: { ...timings, ...over } }],
  });
  const request = await eventually(async () =>
    h.cards.numberRequests.find((r) => r.idempotencyKey.includes(`-${caseId}-`)),
  );
  return { caseId, person, handle, request };
}
const answer = (
  request: { idempotencyKey: string; residentRecordCode: string },
  over: Partial<{ answerId: string; residentRecordCode: string; individualNumber: string }> = {},
) =>
  inbound.individualNumberAnswer({
    answerId: `JLIS-ANS-${randomUUID()}`,
    municipalityCode: h.config.municipalityCode,
    requestKey: request.idempotencyKey,
    residentRecordCode: request.residentRecordCode,
    individualNumber: randomIndividualNumber(),
    generatedAt: new Date().toISOString(),
    ...over,
  });
const requestRow = (caseId: string) => em().findOneOrFail(IndividualNumberRequest, { caseId });
const identityUpdatesOf = (code: string) =>
  h.cs.identityUpdates.filter((u) => u.identity.residentRecordCode === code && u.identity.changeReason === '36');
const numberOf = async (addresseeNumber: string) => {
  const r = await em().findOneOrFail(Resident, { addresseeNumber });
  return r.individualNumberEnc ? h.pii.decrypt(r.individualNumberEnc) : undefined;
};

describe('individualNumberWorkflow', () => {
  it('sends one request, waits for a late answer past the limit (console task, still waiting), then records it', async () => {
    const { caseId, person, handle, request } = await start();
    expect(request).toEqual({
      municipalityCode: h.config.municipalityCode,
      idempotencyKey: expect.stringContaining(caseId),
      residentRecordCode: person.residentRecordCode,
    });
    await sleepFor(3 * 3600_000); // past the 2-hour limit: a task on the console, and the wait goes on
    await eventually(async () => ((await requestRow(caseId)).attentionReason === 'NO_ANSWER' ? true : undefined));
    expect((await handle.describe()).status.name).toBe('RUNNING');
    expect(await numberOf(person.addresseeNumber)).toBeUndefined();
    // the supervisor console lists it with its reason in Japanese
    const onConsole = (await loadNumberConsole(h.orm, 10)).requests.find((r) => r.caseId === caseId);
    expect(numberAttentionLabel[onConsole!.attentionReason!]).toContain('届いていません');

    const number = randomIndividualNumber();
    await answer(request, { individualNumber: number });
    await handle.result();
    expect(await numberOf(person.addresseeNumber)).toBe(number);
    expect((await loadNumberConsole(h.orm, 10)).requests.map((r) => r.caseId)).not.toContain(caseId);
    const row = await requestRow(caseId);
    expect(row).toMatchObject({ state: 'RECORDED', attentionReason: null });
    const history = await em().find(
      ResidentHistory,
      { addresseeNumber: person.addresseeNumber },
      { orderBy: { historyNumber: 'desc' } },
    );
    expect(history[0]).toMatchObject({
      changeReason: ChangeReason.INDIVIDUAL_NUMBER_EX_OFFICIO_RECORD,
      basis: '職権',
      caseId,
    });
    const updates = identityUpdatesOf(person.residentRecordCode!);
    expect(updates).toHaveLength(1);
    expect(updates[0]!.identity.individualNumber).toBe(number);
    expect(h.cards.numberRequests.filter((r) => r.residentRecordCode === person.residentRecordCode)).toHaveLength(1);
    // the answer row keeps no copy of the number once it is on the 住民票
    expect((await em().findOneOrFail(IndividualNumberAnswer, { requestKey: row.requestKey })).numberEnc).toBeNull();
  });

  it('an answer delivered twice, and a second answer, record the number once', async () => {
    const { caseId, person, handle, request } = await start();
    const number = randomIndividualNumber();
    const first = { answerId: `JLIS-ANS-${randomUUID()}`, individualNumber: number };
    const a = await answer(request, first);
    const again = await answer(request, first); // the same answer re-delivered
    expect(again).toEqual({ duplicate: true, answerId: a.answerId });
    await handle.result();
    await answer(request, { individualNumber: randomIndividualNumber() }); // J-LIS answers a second time
    await settle();
    expect(await numberOf(person.addresseeNumber)).toBe(number);
    expect(identityUpdatesOf(person.residentRecordCode!)).toHaveLength(1);
    const numberHistory = await em().find(ResidentHistory, {
      addresseeNumber: person.addresseeNumber,
      changeReason: ChangeReason.INDIVIDUAL_NUMBER_EX_OFFICIO_RECORD,
    });
    expect(numberHistory).toHaveLength(1);
    expect(await em().count(IndividualNumberAnswer, { requestKey: (await requestRow(caseId)).requestKey })).toBe(2);
  });

  it('an answer for another 住民票コード is refused (console task, nothing recorded); the right one is recorded', async () => {
    const { caseId, person, handle, request } = await start();
    const wrong = randomIndividualNumber();
    await answer(request, { residentRecordCode: randomResidentRecordCode(), individualNumber: wrong });
    await eventually(async () =>
      (await requestRow(caseId)).attentionReason === 'ANSWER_FOR_OTHER_CODE' ? true : undefined,
    );
    expect(await numberOf(person.addresseeNumber)).toBeUndefined();
    const rejected = await em().findOneOrFail(IndividualNumberAnswer, { status: 'REJECTED' });
    expect(rejected.numberEnc).toBeNull(); // the other person's number is not kept
    expect(identityUpdatesOf(person.residentRecordCode!)).toHaveLength(0);
    expect((await handle.describe()).status.name).toBe('RUNNING');

    const right = randomIndividualNumber();
    await answer(request, { individualNumber: right });
    await handle.result();
    expect(await numberOf(person.addresseeNumber)).toBe(right);
    expect(isIndividualNumber(right)).toBe(true);
    expect((await requestRow(caseId)).attentionReason).toBeNull();
  });

  it('never answered: the task stays on the console and the workflow keeps waiting', async () => {
    const { caseId, handle } = await start();
    await sleepFor(86_400_000);
    expect((await requestRow(caseId)).attentionReason).toBe('NO_ANSWER');
    expect((await handle.describe()).status.name).toBe('RUNNING');
    // left open: the harness closes the server (a recording keeps it as an open history)
  });
});

describe('送付先情報', () => {
  it('is sent once to J-LIS and purged on its receipt', async () => {
    const { caseId, person, handle, request } = await start();
    await answer(request);
    await handle.result();
    const d = h.env.client.workflow.getHandle(deliveryAddressWorkflowId(caseId, person.addresseeNumber));
    expect((await d.result()).purged).toBe('RECEIPT');
    const sent = h.cards.deliveryAddresses.filter((m) => m.person.residentRecordCode === person.residentRecordCode);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.person).toMatchObject({ individualNumber: await numberOf(person.addresseeNumber) });
    const row = await em().findOneOrFail(DeliveryAddressInfo, { caseId });
    expect(row).toMatchObject({ state: 'PURGED', purgeReason: 'RECEIPT' });
    const msg = await em().findOneOrFail(OutboxMessage, { caseId, kind: OutboxKind.DELIVERY_ADDRESS_INFO });
    expect(msg.status).toBe('SENT');
    expect(JSON.parse(h.pii.decrypt(msg.payloadEnc))).toEqual({ purged: true });
  });

  it('is purged at its limit when J-LIS never confirms it, and the unsent message is cancelled', async () => {
    // J-LIS retried every 6 hours at most, so that skipping days does not run thousands of attempts
    const { caseId, person, handle, request } = await start({
      deliveryRetry: { ...fast, maximumIntervalMs: 6 * 3600_000 },
    });
    h.cards.failNext = 1_000_000; // J-LIS down from here on
    await answer(request);
    await handle.result();
    const row = await eventually(async () => (await em().findOne(DeliveryAddressInfo, { caseId })) ?? undefined);
    expect(row.purgeAt.getTime() - row.createdAt.getTime()).toBe(3 * 86_400_000); // the configured limit
    const d = h.env.client.workflow.getHandle(deliveryAddressWorkflowId(caseId, person.addresseeNumber));
    expect((await d.result()).purged).toBe('LIMIT');
    expect(await h.env.currentTimeMs()).toBeGreaterThanOrEqual(row.purgeAt.getTime());
    expect(h.cards.failNext).toBeGreaterThan(0); // J-LIS never accepted it
    h.cards.failNext = 0;
    expect(await em().findOneOrFail(DeliveryAddressInfo, { caseId })).toMatchObject({
      state: 'PURGED',
      purgeReason: 'LIMIT',
    });
    const msg = await em().findOneOrFail(OutboxMessage, { caseId, kind: OutboxKind.DELIVERY_ADDRESS_INFO });
    expect(msg.status).toBe('CANCELLED');
    expect(JSON.parse(h.pii.decrypt(msg.payloadEnc))).toEqual({ purged: true });
    expect(h.cards.deliveryAddresses.filter((m) => m.person.residentRecordCode === person.residentRecordCode)).toEqual(
      [],
    );
  });
});

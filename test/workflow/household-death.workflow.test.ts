import { randomUUID } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CaseStatus } from '../../src/domain/case-status';
import { ChangeReason, EntryBasis } from '../../src/domain/change-reason';
import { localNumber } from '../../src/domain/check-digits';
import { addDays } from '../../src/domain/dates';
import { CardStatus, ResidentStatus } from '../../src/domain/registry-values';
import { CounterName, nextSerial } from '../../src/db/counters';
import { snapshotOf } from '../../src/db/snapshot';
import {
  CardEventRecord,
  CaseRecord,
  CertificateIssuance,
  Household,
  MyNumberCard,
  OutboxMessage,
  Resident,
  ResidentHistory,
} from '../../src/db/entities';
import { intakeDeath } from '../../src/procedures/death/intake';
import type { DeathApplication } from '../../src/procedures/death/schema';
import { deathWorkflowId } from '../../src/procedures/death/workflow';
import { intakeHouseholdChange } from '../../src/procedures/household-change/intake';
import type { HouseholdChangeApplication } from '../../src/procedures/household-change/schema';
import { householdChangeWorkflowId } from '../../src/procedures/household-change/workflow';
import { approveUpdate } from '../../src/workflows/approval';
import { cancelCaseUpdate } from '../../src/workflows/work';
import { seedParents, until } from '../support/birth-fixtures';
import { APPROVER, CLERK, randomResidentRecordCode, today } from '../support/fixtures';
import type { ScriptedCards } from '../support/scripted-cards';
import type { ScriptedCs } from '../support/scripted-cs';
import { startWorkflowHarness, type WorkflowHarness } from '../support/workflow-harness';

let h: WorkflowHarness;
let orm: MikroORM;
let cs: ScriptedCs;
let cards: ScriptedCards;

beforeAll(async () => {
  h = await startWorkflowHarness();
  ({ orm, cs, cards } = h);
});
afterEach(async (t) => h?.diagnose(t));
afterAll(async () => h?.close());

/** The initial snapshot (履歴番号 1, 初期登録) of each person, as the registry's data migration writes it. */
async function initialHistory(...persons: Resident[]) {
  const em = orm.em.fork();
  for (const r of persons)
    em.persist(
      em.create(ResidentHistory, {
        addresseeNumber: r.addresseeNumber,
        historyNumber: 1,
        changeReason: ChangeReason.INITIAL_LOAD,
        changeDate: '2020-04-01',
        processingDate: '2020-04-01',
        operatorId: 'system',
        snapshot: snapshotOf(r),
        createdAt: new Date(),
      } as ResidentHistory),
    );
  await em.flush();
}

/** 桜井 一郎 (世帯主), さくら (妻) and, with `child`, ゆい (子): a household of the registry. */
async function family(child = true) {
  const { householdNumber, head, wife } = await seedParents(orm);
  await initialHistory(head, wife);
  if (!child) return { householdNumber, head, wife };
  const em = orm.em.fork();
  const kid = em.create(Resident, {
    ...(({ historyNumber: _h, updatedAt: _u, version: _v, ...rest }) => rest)(wife),
    addresseeNumber: localNumber(await nextSerial(em, CounterName.ADDRESSEE)),
    historyNumber: 1,
    residentRecordCode: randomResidentRecordCode(), // not derived from the wife's: that could give her own code
    givenName: 'ゆい',
    givenNameKana: 'ユイ',
    birthDate: '2018-05-05',
    relationshipToHead: '子',
  } as Resident);
  await em.persist(kid).flush();
  await initialHistory(kid);
  return { householdNumber, head, wife, kid };
}

const filing = { notifier: { kind: 'self' as const }, identityDocument: { type: 'myNumberCard' as const } };
const approve = async (workflowId: string) => {
  const handle = h.env.client.workflow.getHandle(workflowId);
  await handle.executeUpdate(approveUpdate, { args: [{ actor: APPROVER }] });
  return handle.result() as Promise<{ status: string }>;
};
const historyOf = (addresseeNumber: string) =>
  orm.em.fork().find(ResidentHistory, { addresseeNumber }, { orderBy: { historyNumber: 'asc' } });

describe('世帯変更 workflow (time-skipping)', () => {
  it('世帯主変更: nothing before 決裁; then every member’s 続柄 and 世帯主名 as appended snapshots, the copy, no CS message', async () => {
    const { householdNumber, head, wife, kid } = await family();
    const app: HouseholdChangeApplication = {
      kind: 'headChange',
      householdNumber,
      persons: [
        { addresseeNumber: head.addresseeNumber, relationshipToHead: '夫' },
        { addresseeNumber: wife.addresseeNumber, relationshipToHead: '世帯主' },
        { addresseeNumber: kid!.addresseeNumber, relationshipToHead: '子' },
      ],
      changeDate: addDays(today(), -1),
      certificateRequest: { includeHouseholdHead: true },
      ...filing,
    };
    const { caseId } = await intakeHouseholdChange(h.api, { ...CLERK, ip: '127.0.0.1' }, app, randomUUID());
    await h.env.sleep('1 hour');
    expect(await orm.em.fork().count(ResidentHistory, { caseId })).toBe(0);

    expect((await approve(householdChangeWorkflowId(caseId))).status).toBe(CaseStatus.COMPLETED);
    const em = orm.em.fork();
    const after = await em.find(Resident, { householdNumber }, { orderBy: { addresseeNumber: 'asc' } });
    expect(after.map((r) => [r.givenName, r.relationshipToHead, r.householdHeadName, r.changeReason])).toEqual([
      ['一郎', '夫', '桜井　さくら', ChangeReason.HOUSEHOLD_HEAD_CHANGE],
      ['さくら', '世帯主', '桜井　さくら', ChangeReason.HOUSEHOLD_HEAD_CHANGE],
      ['ゆい', '子', '桜井　さくら', ChangeReason.HOUSEHOLD_HEAD_CHANGE],
    ]);
    // appended, never overwritten: the initial snapshot stays, the case's follows
    const wifeHistory = await historyOf(wife.addresseeNumber);
    expect(wifeHistory.map((x) => [x.historyNumber, x.changeReason, x.caseId ?? null])).toEqual([
      [1, ChangeReason.INITIAL_LOAD, null],
      [2, ChangeReason.HOUSEHOLD_HEAD_CHANGE, caseId],
    ]);
    expect((wifeHistory[0]!.snapshot as { relationshipToHead: string }).relationshipToHead).toBe('妻');
    expect((wifeHistory[1]!.snapshot as { relationshipToHead: string }).relationshipToHead).toBe('世帯主');
    expect((await em.findOneOrFail(Household, { householdNumber })).headAddresseeNumber).toBe(wife.addresseeNumber);
    // 世帯 and 続柄 are not 本人確認情報 items: nothing for the CS; the 住民票の写し right after the commit
    expect(await em.count(OutboxMessage, { caseId })).toBe(0);
    expect(cs.identityUpdates.filter((u) => u.idempotencyKey.includes(caseId))).toEqual([]);
    expect((await em.find(CertificateIssuance, { caseId })).map((c) => c.certificateType)).toEqual([
      'residentRecordCopy',
    ]);
  });

  it('世帯分離: the chosen member gets a new 世帯番号 at the same address as its 世帯主; the others stay', async () => {
    const { householdNumber, head, kid } = await family();
    const { caseId } = await intakeHouseholdChange(
      h.api,
      { ...CLERK, ip: '127.0.0.1' },
      {
        kind: 'separation',
        householdNumber,
        persons: [{ addresseeNumber: kid!.addresseeNumber, relationshipToHead: '世帯主' }],
        changeDate: today(),
        ...filing,
      },
      randomUUID(),
    );
    expect((await approve(householdChangeWorkflowId(caseId))).status).toBe(CaseStatus.COMPLETED);
    const em = orm.em.fork();
    const moved = await em.findOneOrFail(Resident, { addresseeNumber: kid!.addresseeNumber });
    expect(moved).toMatchObject({
      relationshipToHead: '世帯主',
      householdHeadName: '桜井　ゆい',
      address: head.address,
      changeReason: ChangeReason.HOUSEHOLD_SEPARATION,
    });
    expect(moved.householdNumber).not.toBe(householdNumber);
    expect((await em.findOneOrFail(Household, { householdNumber: moved.householdNumber })).headAddresseeNumber).toBe(
      moved.addresseeNumber,
    );
    expect(await em.findOneOrFail(Resident, { addresseeNumber: head.addresseeNumber })).toMatchObject({
      householdNumber,
      relationshipToHead: '世帯主',
      historyNumber: 1,
    });
  });
});

describe('世帯変更 workflow: 世帯合併 (time-skipping)', () => {
  it('a whole household joins another at the same address: 続柄 relative to the receiving 世帯主, the old household closed', async () => {
    const receiving = await family(false);
    const joining = await family(false);
    const { caseId } = await intakeHouseholdChange(
      h.api,
      { ...CLERK, ip: '127.0.0.1' },
      {
        kind: 'merge',
        householdNumber: joining.householdNumber,
        targetHouseholdNumber: receiving.householdNumber,
        persons: [
          { addresseeNumber: joining.head.addresseeNumber, relationshipToHead: '子' },
          { addresseeNumber: joining.wife.addresseeNumber, relationshipToHead: '子の妻' },
        ],
        changeDate: today(),
        ...filing,
      },
      randomUUID(),
    );
    expect((await approve(householdChangeWorkflowId(caseId))).status).toBe(CaseStatus.COMPLETED);
    const em = orm.em.fork();
    const moved = await em.find(
      Resident,
      { householdNumber: receiving.householdNumber },
      { orderBy: { addresseeNumber: 'asc' } },
    );
    expect(moved.map((r) => [r.relationshipToHead, r.householdHeadName])).toEqual([
      ['世帯主', '桜井　一郎'],
      ['妻', '桜井　一郎'],
      ['子', '桜井　一郎'],
      ['子の妻', '桜井　一郎'],
    ]);
    expect(moved.slice(2).map((r) => r.changeReason)).toEqual([
      ChangeReason.HOUSEHOLD_MERGE,
      ChangeReason.HOUSEHOLD_MERGE,
    ]);
    expect((await em.findOneOrFail(Household, { householdNumber: joining.householdNumber })).active).toBe(false);
  });
});

describe('死亡 workflow (time-skipping)', () => {
  const deathOf = (addresseeNumber: string, over: Partial<DeathApplication> = {}): DeathApplication => ({
    addresseeNumber,
    deathDate: addDays(today(), -2),
    deathTime: '04:10',
    deathPlace: '東京都さくら市本町一丁目1番',
    familyRegisterNotice: { receivedDate: today(), notifierName: '桜井　さくら', notifierCapacity: '同居の親族' },
    ...over,
  });

  it('the 世帯主 with a card dies, one member remains: 除票, 本人確認情報 (死亡), 世帯主 ex officio, card 廃止 to J-LIS, 世帯主変更通知書', async () => {
    const { householdNumber, head, wife } = await family(false);
    const em0 = orm.em.fork();
    await em0
      .persist(
        em0.create(MyNumberCard, {
          cardId: `DEATH${Date.now()}`,
          addresseeNumber: head.addresseeNumber,
          residentRecordCode: head.residentRecordCode!,
          status: CardStatus.ISSUED,
          producedOn: '2025-01-10',
          issuedOn: '2025-02-01',
          hasSigningCert: true,
          createdAt: new Date(),
          updatedAt: new Date(),
        } as MyNumberCard),
      )
      .flush();
    const deathDate = addDays(today(), -2);
    const { caseId, flags } = await intakeDeath(
      h.api,
      { ...CLERK, ip: '127.0.0.1' },
      deathOf(head.addresseeNumber),
      randomUUID(),
    );
    expect(flags).toEqual(['HEAD_CHANGE_EX_OFFICIO']);
    await h.env.sleep('1 hour');
    expect(await orm.em.fork().count(ResidentHistory, { caseId })).toBe(0);

    expect((await approve(deathWorkflowId(caseId))).status).toBe(CaseStatus.COMPLETED);
    const em = orm.em.fork();
    const deceased = await em.findOneOrFail(Resident, { addresseeNumber: head.addresseeNumber });
    expect(deceased).toMatchObject({
      status: ResidentStatus.REMOVED,
      removalReason: ChangeReason.DEATH,
      removalDate: deathDate,
      changeReason: ChangeReason.DEATH,
      cardStatus: CardStatus.CANCELLED,
    });
    expect((await historyOf(head.addresseeNumber)).map((x) => x.changeReason)).toEqual([
      ChangeReason.INITIAL_LOAD,
      ChangeReason.DEATH,
    ]);
    const staying = await em.findOneOrFail(Resident, { addresseeNumber: wife.addresseeNumber });
    expect(staying).toMatchObject({ relationshipToHead: '世帯主', householdHeadName: '桜井　さくら', householdNumber });
    const [, change] = await historyOf(wife.addresseeNumber);
    expect(change).toMatchObject({
      changeReason: ChangeReason.HOUSEHOLD_HEAD_CHANGE,
      basis: EntryBasis.EX_OFFICIO,
      caseId,
    });
    // the 除票 is recorded before the 世帯主変更 (its own, ordered 異動)
    const own = await em.find(ResidentHistory, { caseId });
    const at = (reason: string) => own.find((x) => x.changeReason === reason)!.createdAt.getTime();
    expect(own).toHaveLength(2);
    expect(at(ChangeReason.DEATH)).toBeLessThanOrEqual(at(ChangeReason.HOUSEHOLD_HEAD_CHANGE));
    const sent = cs.identityUpdates.filter((u) => u.idempotencyKey.includes(caseId));
    expect(sent).toHaveLength(1);
    expect(sent[0]!.identity).toMatchObject({
      residentRecordCode: head.residentRecordCode,
      changeReason: '22',
      changeDate: deathDate,
    });
    const events = cards.events.filter((e) => e.residentRecordCode === head.residentRecordCode);
    expect(events.map((e) => [e.event, e.reason])).toEqual([['CANCELLED', 'DEATH']]);
    expect(await em.count(CardEventRecord, { residentRecordCode: head.residentRecordCode, sentAt: null })).toBe(0);
    const certs = await em.find(CertificateIssuance, { caseId });
    expect(certs.map((c) => c.certificateType)).toEqual(['householdHeadChangeNotice']);
    expect((await em.findOneOrFail(Household, { householdNumber })).headAddresseeNumber).toBe(wife.addresseeNumber);
  });

  it('the 世帯主 dies, two remain: the named head and 続柄 (届出, no notice); a death date known to the month only', async () => {
    const { householdNumber, head, wife, kid } = await family();
    const { caseId, flags } = await intakeDeath(
      h.api,
      { ...CLERK, ip: '127.0.0.1' },
      deathOf(head.addresseeNumber, {
        deathDate: `${today().slice(0, 7)}-00`,
        deathTime: undefined,
        householdHeadChange: {
          newHeadAddresseeNumber: wife.addresseeNumber,
          relationships: [{ addresseeNumber: kid!.addresseeNumber, relationshipToHead: '子' }],
        },
      }),
      randomUUID(),
    );
    expect(flags).toEqual([]);
    expect((await approve(deathWorkflowId(caseId))).status).toBe(CaseStatus.COMPLETED);
    const em = orm.em.fork();
    expect(await em.findOneOrFail(Resident, { addresseeNumber: head.addresseeNumber })).toMatchObject({
      status: ResidentStatus.REMOVED,
      removalDate: `${today().slice(0, 7)}-00`,
    });
    const [, change] = await historyOf(wife.addresseeNumber);
    expect(change).toMatchObject({ changeReason: ChangeReason.HOUSEHOLD_HEAD_CHANGE, basis: null });
    expect(await em.count(CertificateIssuance, { caseId })).toBe(0);
    const sent = cs.identityUpdates.filter((u) => u.idempotencyKey.includes(caseId));
    expect(sent.map((u) => u.identity.changeDate)).toEqual([`${today().slice(0, 7)}-01`]);
    expect(await em.findOneOrFail(CaseRecord, { caseId })).toMatchObject({ status: CaseStatus.COMPLETED });
    expect(householdNumber).toBe(kid!.householdNumber);
  });

  it('a cancellation after 本登録 (two supervisors) appends 異動の取消し（増）: the deceased and the new head restored', async () => {
    const { head, wife } = await family(false);
    const { caseId } = await intakeDeath(
      h.api,
      { ...CLERK, ip: '127.0.0.1' },
      deathOf(head.addresseeNumber),
      randomUUID(),
    );
    const handle = h.env.client.workflow.getHandle(deathWorkflowId(caseId));
    cs.downUntilMs = (await h.env.currentTimeMs()) + 10 * 3600_000; // the CS is down: the case waits after 本登録
    try {
      await handle.executeUpdate(approveUpdate, { args: [{ actor: APPROVER }] });
      await until('the commit', async () => (await orm.em.fork().count(ResidentHistory, { caseId })) === 2);
      const supervisor = (n: number) => ({
        userId: `supervisor${n}`,
        roles: ['supervisor'],
        terminalId: 'T-HONCHO-03',
      });
      await handle.executeUpdate(cancelCaseUpdate, {
        args: [{ actor: supervisor(1), reason: '死亡届の誤り（別人）' }],
      });
      await handle.executeUpdate(cancelCaseUpdate, { args: [{ actor: supervisor(2), reason: '承認' }] });
      expect(((await handle.result()) as { status: string }).status).toBe(CaseStatus.CANCELLED);
    } finally {
      cs.downUntilMs = 0;
    }
    const em = orm.em.fork();
    expect(await em.findOneOrFail(Resident, { addresseeNumber: head.addresseeNumber })).toMatchObject({
      status: ResidentStatus.RESIDENT,
      relationshipToHead: '世帯主',
      changeReason: ChangeReason.CANCELLATION_RECORD,
    });
    expect((await historyOf(head.addresseeNumber)).map((x) => x.changeReason)).toEqual([
      ChangeReason.INITIAL_LOAD,
      ChangeReason.DEATH,
      ChangeReason.CANCELLATION_RECORD,
    ]);
    expect(await em.findOneOrFail(Resident, { addresseeNumber: wife.addresseeNumber })).toMatchObject({
      relationshipToHead: '妻',
      householdHeadName: '桜井　一郎',
    });
    // the 本人確認情報 never left (the CS was down): withdrawn, nothing to tell the CS
    expect(cs.identityUpdates.filter((u) => u.idempotencyKey.includes(caseId))).toEqual([]);
  });

  it('another open case of the deceased is a finding at 決裁, and is not cancelled', async () => {
    const { head, wife } = await family(false);
    const first = await intakeHouseholdChange(
      h.api,
      { ...CLERK, ip: '127.0.0.1' },
      {
        kind: 'headChange',
        householdNumber: head.householdNumber,
        persons: [
          { addresseeNumber: head.addresseeNumber, relationshipToHead: '夫' },
          { addresseeNumber: wife.addresseeNumber, relationshipToHead: '世帯主' },
        ],
        changeDate: today(),
        ...filing,
      },
      randomUUID(),
    );
    const { caseId, flags } = await intakeDeath(
      h.api,
      { ...CLERK, ip: '127.0.0.1' },
      deathOf(head.addresseeNumber),
      randomUUID(),
    );
    expect(flags).toEqual(['HEAD_CHANGE_EX_OFFICIO', 'OPEN_CASE_OF_DECEASED']);
    const row = await orm.em.fork().findOneOrFail(CaseRecord, { caseId });
    expect(row.flags).toContain('OPEN_CASE_OF_DECEASED');
    expect((await orm.em.fork().findOneOrFail(CaseRecord, { caseId: first.caseId })).status).toBe(
      CaseStatus.AWAITING_APPROVAL,
    );
  });
});

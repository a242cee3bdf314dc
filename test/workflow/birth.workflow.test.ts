import { randomUUID } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/core';
import type { Client } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CaseStatus } from '../../src/domain/case-status';
import { ChangeReason } from '../../src/domain/change-reason';
import { addDays } from '../../src/domain/dates';
import { CaseRecord, CertificateIssuance, OutboxMessage, Resident, ResidentHistory } from '../../src/db/entities';
import { residentCodePoolLevel } from '../../src/db/resident-code-pool';
import { intakeBirth } from '../../src/procedures/birth/intake';
import { BirthFlag } from '../../src/procedures/birth/schema';
import { birthWorkflowId } from '../../src/procedures/birth/workflow';
import { approveUpdate, rejectUpdate } from '../../src/workflows/approval';
import { answerGeneration, birthApplication, fillPool, seedParents, until } from '../support/birth-fixtures';
import { APPROVER, CLERK, today } from '../support/fixtures';
import type { ScriptedCards } from '../support/scripted-cards';
import type { ScriptedCs } from '../support/scripted-cs';
import { startWorkflowHarness, type WorkflowHarness } from '../support/workflow-harness';

let h: WorkflowHarness;
let env: TestWorkflowEnvironment;
let orm: MikroORM;
let client: Client;
let cs: ScriptedCs;
let cards: ScriptedCards;
let householdNumber = '';

beforeAll(async () => {
  h = await startWorkflowHarness();
  ({ env, orm, cs, cards } = h);
  client = env.client;
  ({ householdNumber } = await seedParents(orm));
  await fillPool(orm, 5);
});

afterEach(async (t) => h?.diagnose(t));
afterAll(async () => h?.close());

async function intake(body = birthApplication(householdNumber)) {
  const r = await intakeBirth(h.api, { ...CLERK, ip: '127.0.0.1' }, body, randomUUID());
  return { ...r, handle: client.workflow.getHandle(birthWorkflowId(r.caseId)) };
}

const written = async (caseId: string) => {
  const em = orm.em.fork();
  return {
    history: await em.count(ResidentHistory, { caseId }),
    residents: await em.count(Resident, { processId: caseId }),
    outbox: await em.count(OutboxMessage, { caseId }),
    certificates: await em.count(CertificateIssuance, { caseId }),
    projection: await em.findOneOrFail(CaseRecord, { caseId }),
    pool: await residentCodePoolLevel(em),
  };
};
const statusOf = async (caseId: string) => (await orm.em.fork().findOneOrFail(CaseRecord, { caseId })).status;

describe('birth workflow (time-skipping)', () => {
  it('writes nothing before 決裁; then 住民票コード → 本人確認情報 → 個人番号 generation → 通知票, in that order', async () => {
    const { caseId, handle } = await intake(birthApplication(householdNumber, { certificateRequest: {} }));
    const poolBefore = (await written(caseId)).pool;
    await env.sleep('2 hours');
    expect(await written(caseId)).toMatchObject({ history: 0, residents: 0, outbox: 0, certificates: 0 });
    expect((await written(caseId)).pool).toBe(poolBefore);
    expect(cs.identityUpdates.filter((u) => u.idempotencyKey.includes(caseId))).toEqual([]);

    await handle.executeUpdate(approveUpdate, { args: [{ actor: APPROVER }] });
    // the case waits for J-LIS: the 出生 record with a pooled code, its 本人確認情報 sent without a number, the request out
    await until('the generation request', async () => (await statusOf(caseId)) === 'GENERATING_NUMBER');
    const child = await orm.em.fork().findOneOrFail(Resident, { processId: caseId });
    expect(child).toMatchObject({
      changeReason: ChangeReason.BIRTH,
      relationshipToHead: '子',
      householdNumber,
      householdHeadName: '桜井　一郎',
      registeredDomicile: '東京都さくら市本町一丁目5番',
      familyRegisterHead: '桜井　一郎',
      address: '東京都さくら市桜町一丁目2番3号',
      becameResidentDate: child.birthDate,
      individualNumberEnc: null,
    });
    expect((await written(caseId)).pool).toBe(poolBefore - 1);
    const sent = () => cs.identityUpdates.filter((u) => u.identity.residentRecordCode === child.residentRecordCode);
    expect(sent()).toHaveLength(1);
    expect(sent()[0]!.identity).not.toHaveProperty('individualNumber');
    expect(sent()[0]!.identity.changeReason).toBe('12'); // 出生
    await until('the request at J-LIS', async () =>
      cards.numberRequests.some((r) => r.residentRecordCode === child.residentRecordCode),
    );
    // no 通知票 before the number; the 住民票の写し (without 個人番号) is out already, right after the commit (bug 8)
    const early = await orm.em.fork().find(CertificateIssuance, { caseId });
    expect(early.map((c) => c.certificateType)).toEqual(['residentRecordCopy']);

    const { number } = await answerGeneration(h.api, caseId);
    const result = await handle.result();
    expect(result.status).toBe(CaseStatus.COMPLETED);
    const em = orm.em.fork();
    const after = await em.findOneOrFail(Resident, { addresseeNumber: child.addresseeNumber });
    expect(h.pii.decrypt(after.individualNumberEnc!)).toBe(number);
    const history = await em.find(
      ResidentHistory,
      { addresseeNumber: child.addresseeNumber },
      { orderBy: { historyNumber: 'asc' } },
    );
    expect(history.map((r) => r.changeReason)).toEqual([
      ChangeReason.BIRTH,
      ChangeReason.INDIVIDUAL_NUMBER_EX_OFFICIO_RECORD,
    ]);
    expect(sent()).toHaveLength(2);
    expect(sent()[1]!.identity.individualNumber).toBe(number);
    const certificates = await em.find(CertificateIssuance, { caseId }, { orderBy: { issuedAt: 'asc' } });
    expect(certificates.map((c) => c.certificateType)).toEqual(['residentRecordCopy', 'residentCodeNotice']);
    expect(result.addresseeNumbers).toEqual([child.addresseeNumber]);
    // the 送付先情報 follows the recorded number, so that J-LIS mails the 個人番号通知書 (domain spec §4.7 step 3.4)
    const toJlis = await until('the 送付先情報', async () => {
      const sentToJlis = cards.deliveryAddresses.filter(
        (m) => m.person.residentRecordCode === child.residentRecordCode,
      );
      return sentToJlis.length ? sentToJlis : undefined;
    });
    expect(toJlis).toHaveLength(1);
    expect(toJlis[0]!.person).toMatchObject({
      name: '桜井　ひなた',
      address: expect.stringContaining('桜町一丁目2番3号'),
    });
  });

  it('a late 出生届 is accepted with the finding shown at 決裁; a rejection writes nothing and draws no code', async () => {
    const late = birthApplication(householdNumber, {
      child: { ...birthApplication(householdNumber).child, birthDate: addDays(today(), -20) },
    });
    const { caseId, handle, flags } = await intake(late);
    expect(flags).toEqual([BirthFlag.LATE_BIRTH_FILING]);
    const w = await written(caseId);
    expect(w.projection).toMatchObject({ status: CaseStatus.AWAITING_APPROVAL, flags: [BirthFlag.LATE_BIRTH_FILING] });
    await handle.executeUpdate(rejectUpdate, { args: [{ actor: APPROVER, reason: '出生届と照合できない' }] });
    expect((await handle.result()).status).toBe(CaseStatus.REJECTED);
    expect(await written(caseId)).toMatchObject({ history: 0, residents: 0, outbox: 0, certificates: 0, pool: w.pool });
  });

  it('a child of its own household is its 世帯主, and a foreign national’s child gets 出生による経過滞在者 for 60 days', async () => {
    const base = birthApplication(householdNumber).child;
    const { caseId, handle } = await intake(
      birthApplication(householdNumber, {
        child: { ...base, relationshipToHead: '世帯主', nationalityRegion: 'ベトナム' },
        household: { mode: 'new', address: { address: '東京都さくら市本町二丁目1番1号' } },
      }),
    );
    await handle.executeUpdate(approveUpdate, { args: [{ actor: APPROVER }] });
    await until('the generation request', async () => (await statusOf(caseId)) === 'GENERATING_NUMBER');
    await answerGeneration(h.api, caseId);
    expect((await handle.result()).status).toBe(CaseStatus.COMPLETED);
    const child = await orm.em.fork().findOneOrFail(Resident, { processId: caseId });
    expect(child).toMatchObject({
      relationshipToHead: '世帯主',
      householdHeadName: '桜井　ひなた',
      address: '東京都さくら市本町二丁目1番1号',
      isForeignResident: true,
      nationalityRegion: 'ベトナム',
      foreignResidentCategory: '経過滞在者',
      statusOfResidence: '出生による経過滞在',
      periodOfStayExpiry: addDays(base.birthDate, 60),
      registeredDomicile: null,
    });
    expect(child.householdNumber).not.toBe(householdNumber);
  });
});

import { randomUUID } from 'node:crypto';
import type { WorkflowHandle } from '@temporalio/client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CaseAction, CaseStatus } from '../../src/domain/case-status';
import { ChangeReason, EntryBasis } from '../../src/domain/change-reason';
import { ResidentStatus } from '../../src/domain/registry-values';
import {
  AddressAnnexNoticeRecord,
  CaseActionLog,
  CaseRecord,
  CertificateIssuance,
  Household,
  OutboxMessage,
  Resident,
  ResidentHistory,
} from '../../src/db/entities';
import { loadDemoTown } from '../../src/db/seed/load-demo';
import { csChangeReasonFor } from '../../src/partners/cs-codes';
import { intakeMoveWithin } from '../../src/procedures/move-within/intake';
import type { MoveWithinApplication } from '../../src/procedures/move-within/schema';
import { moveWithinWorkflowId } from '../../src/procedures/move-within/workflow';
import { approveUpdate } from '../../src/workflows/approval';
import { cancelCaseUpdate } from '../../src/workflows/work';
import { APPROVER, CLERK } from '../support/fixtures';
import { moversOf } from '../support/move-fixtures';
import { eventually } from '../support/system-harness-utils';
import { startWorkflowHarness, type WorkflowHarness } from '../support/workflow-harness';

let h: WorkflowHarness;
const actor = { ...CLERK, ip: '127.0.0.1' };
const SUPERVISOR = { userId: 'supervisor1', roles: ['supervisor'], terminalId: 'T-HONCHO-03' };
const SUPERVISOR2 = { userId: 'supervisor2', roles: ['supervisor'], terminalId: 'T-HONCHO-04' };
const NEW_ADDRESS = {
  address: '東京都さくら市桜ケ丘二丁目3番14号',
  addressSupplement: 'さくらハイツ203号室',
  postalCode: '206-0012',
};

beforeEach(async () => {
  h = await startWorkflowHarness();
  await loadDemoTown(h.orm, h.pii, { households: 12 });
});
afterEach(async (t) => h?.close(t));

const em = () => h.orm.em.fork();
const caseRow = (caseId: string) => em().findOneOrFail(CaseRecord, { caseId });
const statusIs = async (caseId: string, status: string) =>
  eventually(async () => ((await caseRow(caseId)).status === status ? true : undefined), 30_000);

/** A demo household of exactly three current members with a 世帯主 who has a 住民票コード (head first). */
async function householdOfThree(): Promise<Resident[]> {
  for (const hh of await em().find(Household, { active: true }, { orderBy: { householdNumber: 'asc' } })) {
    const members = await em().find(
      Resident,
      { householdNumber: hh.householdNumber, status: ResidentStatus.RESIDENT },
      { orderBy: { addresseeNumber: 'asc' } },
    );
    const head = members.find((m) => m.relationshipToHead === '世帯主');
    if (members.length === 3 && head && members.every((m) => m.residentRecordCode && m.individualNumberEnc))
      return [head, ...members.filter((m) => m !== head)];
  }
  throw new Error('no household of three in the demo town');
}

async function startCase(body: MoveWithinApplication) {
  const r = await intakeMoveWithin(h.api, actor, body, randomUUID());
  return { ...r, handle: h.env.client.workflow.getHandle(moveWithinWorkflowId(r.caseId)) };
}
const approve = (handle: WorkflowHandle) => handle.executeUpdate(approveUpdate, { args: [{ actor: APPROVER }] });
const historyOf = (caseId: string, addresseeNumber: string) =>
  em().find(ResidentHistory, { caseId, addresseeNumber }, { orderBy: { historyNumber: 'asc' } });
const updatesOf = (caseId: string) => h.cs.identityUpdates.filter((u) => u.idempotencyKey.includes(caseId));

const base = (movers: MoveWithinApplication['movers'], household: MoveWithinApplication['household']) =>
  ({
    movers,
    newAddress: NEW_ADDRESS,
    moveDate: new Date(Date.now() - 2 * 86400_000).toISOString().slice(0, 10),
    household,
    notifier: { kind: 'self' },
    identityDocument: { type: 'myNumberCard' },
  }) satisfies MoveWithinApplication;

describe('転居 workflow (time-skipping)', () => {
  it('2 of 3 move as a new household: nothing before 決裁; then 転居 and 世帯分離 as separate ordered 異動, address-only 本人確認情報, the copy, the card endorsement', async () => {
    const [head, wife, child] = await householdOfThree();
    const oldAddress = head!.address;
    const [w, c] = moversOf([wife!, child!]);
    const body = base(
      [
        { ...w!, cardPresented: true },
        { ...c!, relationshipToHead: '子' },
      ],
      { mode: 'new', newHeadAddresseeNumber: wife!.addresseeNumber },
    );
    const { caseId, handle } = await startCase({ ...body, certificateRequest: { includeHouseholdHead: true } });
    await h.idle();
    await h.env.sleep('1 hour');
    expect(await em().count(ResidentHistory, { caseId })).toBe(0);
    expect(await em().count(OutboxMessage, { caseId })).toBe(0);
    expect(updatesOf(caseId)).toEqual([]);

    await approve(handle);
    expect((await handle.result()).status).toBe(CaseStatus.COMPLETED);

    for (const p of [wife!, child!]) {
      const rows = await historyOf(caseId, p.addresseeNumber);
      // the 転居 first (old household), then the household change as its own 異動
      expect(rows.map((r) => r.changeReason)).toEqual([ChangeReason.MOVE_WITHIN, ChangeReason.HOUSEHOLD_SEPARATION]);
      expect(rows[0]!.snapshot).toMatchObject({
        address: NEW_ADDRESS.address,
        addressSupplement: NEW_ADDRESS.addressSupplement,
        householdNumber: p.householdNumber,
        relationshipToHead: p.relationshipToHead,
      });
      expect(rows[0]!.snapshot.previousAddress).toContain(oldAddress);
      expect(rows[1]!.historyNumber).toBe(rows[0]!.historyNumber + 1);
      expect(rows[1]!.snapshot.householdNumber).not.toBe(p.householdNumber);
    }
    const after = await em().find(Resident, {
      addresseeNumber: { $in: [wife!.addresseeNumber, child!.addresseeNumber] },
    });
    const newHousehold = after[0]!.householdNumber;
    expect(after.map((r) => [r.addresseeNumber, r.relationshipToHead, r.householdHeadName]).sort()).toEqual(
      [
        [wife!.addresseeNumber, '世帯主', `${wife!.familyName}　${wife!.givenName}`],
        [child!.addresseeNumber, '子', `${wife!.familyName}　${wife!.givenName}`],
      ].sort(),
    );
    expect(await em().findOneOrFail(Household, { householdNumber: newHousehold })).toMatchObject({
      headAddresseeNumber: wife!.addresseeNumber,
      active: true,
    });
    // the old household keeps its 世帯主 and address
    const stayed = await em().findOneOrFail(Resident, { addresseeNumber: head!.addresseeNumber });
    expect(stayed).toMatchObject({
      address: oldAddress,
      relationshipToHead: '世帯主',
      householdNumber: head!.householdNumber,
    });
    expect(await em().count(ResidentHistory, { caseId, addresseeNumber: head!.addresseeNumber })).toBe(0);

    // one 本人確認情報 update per mover, 転居 code, only the address differs from the record before
    const updates = updatesOf(caseId);
    expect(updates).toHaveLength(2);
    for (const u of updates) {
      const p = [wife!, child!].find((x) => x.residentRecordCode === u.identity.residentRecordCode)!;
      expect(u.identity).toMatchObject({
        changeReason: csChangeReasonFor(ChangeReason.MOVE_WITHIN),
        name: `${p.familyName}　${p.givenName}`,
        address: `${NEW_ADDRESS.address}　${NEW_ADDRESS.addressSupplement}`,
        individualNumber: h.pii.decrypt(p.individualNumberEnc!),
      });
    }
    expect(await em().count(CertificateIssuance, { caseId, certificateType: 'residentRecordCopy' })).toBe(1);
    // one 附票記載事項通知 per mover with a 本籍 (MOVE_WITHIN, the new address): sent to the 本籍地 or kept here
    const sent = h.cs.annexNotices.filter((n) => n.idempotencyKey.includes(caseId)).map((n) => n.notice);
    const kept = await em().find(AddressAnnexNoticeRecord, { caseId });
    expect(sent.length + kept.length).toBe([wife!, child!].filter((p) => p.registeredDomicile).length);
    expect(sent.length + kept.length).toBeGreaterThan(0);
    for (const n of sent)
      expect(n).toMatchObject({
        event: 'MOVE_WITHIN',
        address: `${NEW_ADDRESS.address}　${NEW_ADDRESS.addressSupplement}`,
      });
    expect(kept.every((k) => k.event === 'MOVE_WITHIN')).toBe(true);
    const endorsed = await em().find(CaseActionLog, { caseId, action: CaseAction.CARD_FACE_ENDORSED });
    expect(endorsed.map((a) => a.detail?.addresseeNumber)).toEqual([wife!.addresseeNumber]);
    expect(endorsed[0]!.detail).toMatchObject({ signingCertificateReissue: true });
  });

  it('the 住民票の写し is issued right after the registry commit, while the CS is down', async () => {
    const members = await householdOfThree();
    const { caseId, handle } = await startCase({
      ...base(moversOf(members), { mode: 'whole' }),
      certificateRequest: {},
    });
    h.cs.downUntilMs = (await h.env.currentTimeMs()) + 10 * 3600_000;
    await approve(handle);
    await statusIs(caseId, CaseStatus.DELIVERING);
    expect(await em().count(CertificateIssuance, { caseId, certificateType: 'residentRecordCopy' })).toBe(1);
    expect(updatesOf(caseId)).toEqual([]);
    h.cs.downUntilMs = 0;
    await h.idle();
    await h.env.sleep('10 minutes');
    expect((await handle.result()).status).toBe(CaseStatus.COMPLETED);
    expect(updatesOf(caseId)).toHaveLength(3);
    // a whole household: one 異動 per person (the 転居), the household unchanged
    for (const m of members)
      expect((await historyOf(caseId, m.addresseeNumber)).map((r) => r.changeReason)).toEqual([
        ChangeReason.MOVE_WITHIN,
      ]);
  });

  it('the 世帯主 leaves one member behind: that member becomes 世帯主 ex officio, its own 異動 after the 転居, with a 世帯主変更通知書', async () => {
    const [head, wife, child] = await householdOfThree();
    const [hd, w] = moversOf([head!, wife!]);
    const { caseId, handle } = await startCase(
      base([hd!, { ...w!, relationshipToHead: '妻' }], { mode: 'new', newHeadAddresseeNumber: head!.addresseeNumber }),
    );
    expect((await caseRow(caseId)).flags).toEqual(['MOVE_WITHIN_HEAD_CHANGE_EX_OFFICIO']);
    await approve(handle);
    expect((await handle.result()).status).toBe(CaseStatus.COMPLETED);
    const rows = await historyOf(caseId, child!.addresseeNumber);
    expect(rows.map((r) => [r.changeReason, r.basis])).toEqual([
      [ChangeReason.HOUSEHOLD_HEAD_CHANGE, EntryBasis.EX_OFFICIO],
    ]);
    expect((await historyOf(caseId, head!.addresseeNumber)).map((r) => r.changeReason)).toEqual([
      ChangeReason.MOVE_WITHIN,
      ChangeReason.HOUSEHOLD_SEPARATION,
    ]);
    expect(await em().findOneOrFail(Resident, { addresseeNumber: child!.addresseeNumber })).toMatchObject({
      relationshipToHead: '世帯主',
      address: head!.address,
    });
    expect(await em().findOneOrFail(Household, { householdNumber: head!.householdNumber })).toMatchObject({
      headAddresseeNumber: child!.addresseeNumber,
    });
    expect(await em().count(CertificateIssuance, { caseId, certificateType: 'householdHeadChangeNotice' })).toBe(1);
    // 世帯主 and 続柄 are not 本人確認情報 items: only the movers' 転居 updates
    expect(updatesOf(caseId)).toHaveLength(2);
  });

  it('a cancellation after 本登録 appends 異動の取消し（修正）: the prior address and household return, the CS is told', async () => {
    const [head, wife, child] = await householdOfThree();
    const [w, c] = moversOf([wife!, child!]);
    const { caseId, handle } = await startCase(
      base([w!, { ...c!, relationshipToHead: '子' }], { mode: 'new', newHeadAddresseeNumber: wife!.addresseeNumber }),
    );
    h.cs.downUntilMs = (await h.env.currentTimeMs()) + 10 * 3600_000;
    await approve(handle);
    await statusIs(caseId, CaseStatus.DELIVERING);
    const newHousehold = (await em().findOneOrFail(Resident, { addresseeNumber: wife!.addresseeNumber }))
      .householdNumber;
    await handle.executeUpdate(cancelCaseUpdate, { args: [{ actor: SUPERVISOR, reason: '届出人の申出により取消' }] });
    await handle.executeUpdate(cancelCaseUpdate, { args: [{ actor: SUPERVISOR2, reason: '承認' }] });
    h.cs.downUntilMs = 0;
    expect((await handle.result()).status).toBe(CaseStatus.CANCELLED);
    for (const p of [wife!, child!]) {
      const rows = await historyOf(caseId, p.addresseeNumber);
      expect(rows.map((r) => r.changeReason)).toEqual([
        ChangeReason.MOVE_WITHIN,
        ChangeReason.HOUSEHOLD_SEPARATION,
        ChangeReason.CANCELLATION_AMEND,
      ]);
      // nothing deleted: the 転居 snapshots stay, the last one restores the state before the case
      expect(rows[2]!.snapshot).toMatchObject({
        address: p.address,
        householdNumber: p.householdNumber,
        relationshipToHead: p.relationshipToHead,
      });
      expect(rows[2]!.snapshot.addressSupplement ?? null).toBe(p.addressSupplement ?? null);
    }
    expect(await em().findOneOrFail(Household, { householdNumber: newHousehold })).toMatchObject({ active: false });
    expect(await em().findOneOrFail(Household, { householdNumber: head!.householdNumber })).toMatchObject({
      headAddresseeNumber: head!.addresseeNumber,
      active: true,
    });
    // per person, in order: a 転居 update that was claimed by a delivery attempt during the outage (it may have reached
    // the CS) is followed by the 異動の取消し（修正） with the prior address; one never claimed was withdrawn, never sent
    const codes = updatesOf(caseId).map((u) => [
      u.identity.residentRecordCode,
      u.identity.changeReason,
      u.identity.address,
    ]);
    for (const p of [wife!, child!]) {
      const mine = codes.filter(([code]) => code === p.residentRecordCode);
      if (!mine.length) continue;
      expect(mine.map(([, reason]) => reason)).toEqual([
        csChangeReasonFor(ChangeReason.MOVE_WITHIN),
        csChangeReasonFor(ChangeReason.CANCELLATION_AMEND),
      ]);
      expect(mine[1]![2]).toContain(head!.address);
    }
  });
});

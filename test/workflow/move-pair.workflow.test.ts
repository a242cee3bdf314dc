import { randomUUID } from 'node:crypto';
import { WorkflowNotFoundError } from '@temporalio/client';
import type { Duration } from '@temporalio/common';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCsInbound } from '../../src/api/cs-inbound-router';
import { intakeMoveOut } from '../../src/procedures/move-out/intake';
import { intakeSpecialMoveIn } from '../../src/procedures/special-move-in/intake';
import { CaseAction, CaseStatus } from '../../src/domain/case-status';
import { addDays, jstStartOfDay } from '../../src/domain/dates';
import { heldCertificatePurgeAt } from '../../src/domain/move-deadlines';
import { ResidentStatus } from '../../src/domain/registry-values';
import {
  CaseActionLog,
  AddressAnnexNoticeRecord,
  AuditLog,
  CaseRecord,
  CertificateIssuance,
  HeldMoveOutCertificate,
  OutboxKind,
  OutboxMessage,
  Resident,
  ResidentHistory,
} from '../../src/db/entities';
import { loadDemoTown } from '../../src/db/seed/load-demo';
import { approveUpdate } from '../../src/workflows/approval';
import { heldCertificateSweepId, heldCertificateWorkflowId } from '../../src/procedures/held-certificate/workflow';
import { moveOutWorkflowId } from '../../src/procedures/move-out/workflow';
import { specialMoveInWorkflowId } from '../../src/procedures/special-move-in/workflow';
import { APPROVER, CLERK, today } from '../support/fixtures';
import {
  certificateInfoFrom,
  householdMovers,
  moveInNoticeFrom,
  paperMoveOut,
  specialMoveInFor,
  TOWN_B,
  withdrawalOf,
} from '../support/move-fixtures';
import { eventually } from '../support/system-harness-utils';
import { startWorkflowHarness, type WorkflowHarness } from '../support/workflow-harness';
import { MoveOutStatus } from '../../src/procedures/move-out/definition';
import { HeldCertificateStatus } from '../../src/procedures/held-certificate/definition';
import { SpecialMoveInStatus } from '../../src/procedures/special-move-in/definition';

let h: WorkflowHarness;
let inbound: ReturnType<typeof createCsInbound>;
const actor = { ...CLERK, ip: '127.0.0.1' };

// A fresh time-skipping server per scenario: long sleeps move its clock ahead of the real one, and the intake
// (like a counter terminal) dates filings by the real clock.
beforeEach(async () => {
  h = await startWorkflowHarness();
  inbound = createCsInbound(h.api);
  await loadDemoTown(h.orm, h.pii, { households: 8 });
});
afterEach(async (t) => h?.close(t));

const em = () => h.orm.em.fork();
/** env.sleep unlocks time skipping even while activities run (their timeouts would fire): let the worker go idle first. */
const settle = () => h.idle();
const sleepFor = async (ms: Duration) => {
  await settle();
  await h.env.sleep(ms);
};
const sleepUntil = async (t: Date | number, offsetMs = 0) => {
  await settle();
  await h.env.sleep(Math.max(1, Number(t) + offsetMs - (await h.env.currentTimeMs())));
};
const residentsOf = (addresseeNumbers: string[]) =>
  em().find(Resident, { addresseeNumber: { $in: addresseeNumbers } }, { orderBy: { addresseeNumber: 'asc' } });
const caseRow = (caseId: string) => em().findOneOrFail(CaseRecord, { caseId });
const statusIs = async (caseId: string, status: string) => {
  try {
    await eventually(async () => ((await caseRow(caseId)).status === status ? true : undefined), 30_000);
  } catch {
    const row = await caseRow(caseId);
    throw new Error(
      `case ${caseId} is ${row.status}, not ${status} (step ${row.failingStep ?? '-'}: ${row.lastError ?? '-'})`,
    );
  }
};

async function startMoveOut(skip: number, plannedMoveOutDate: string, path: 'paper' | 'special') {
  const movers = await householdMovers(h.orm, skip);
  const r = await intakeMoveOut(
    h.api,
    actor,
    {
      movers,
      destination: { address: '神奈川県相模原市中央区中央一丁目1番1号', municipalityCode: TOWN_B },
      plannedMoveOutDate,
      path,
      cardHolderPresent: path === 'special',
      notifier: { kind: 'self' },
      identityDocument: { type: path === 'special' ? 'myNumberCard' : 'driversLicence' },
    },
    randomUUID(),
  );
  const handle = h.env.client.workflow.getHandle(moveOutWorkflowId(r.caseId));
  await handle.executeUpdate(approveUpdate, { args: [{ actor: APPROVER }] });
  await statusIs(r.caseId, MoveOutStatus.AWAITING_MOVE_OUT_DATE);
  return { ...r, handle, movers, addressees: movers.map((m) => m.addresseeNumber) };
}

describe('転出 (origin)', () => {
  it('paper path with the CS down: the 転出証明書 is issued right after the commit; the case waits for the delivery (bug 8)', async () => {
    const movers = await householdMovers(h.orm, 0);
    h.cs.downUntilMs = Number.MAX_SAFE_INTEGER;
    const r = await intakeMoveOut(h.api, actor, paperMoveOut(movers, addDays(today(), 5)), randomUUID());
    await h.env.client.workflow
      .getHandle(moveOutWorkflowId(r.caseId))
      .executeUpdate(approveUpdate, { args: [{ actor: APPROVER }] });
    await eventually(async () =>
      (await em().count(CertificateIssuance, { caseId: r.caseId, certificateType: 'moveOutCertificate' })) === 1
        ? true
        : undefined,
    );
    await eventually(async () => ((await caseRow(r.caseId)).failingStep ? true : undefined));
    expect((await caseRow(r.caseId)).status).toBe(CaseStatus.DELIVERING);
    expect(h.cs.identityUpdates.filter((u) => u.idempotencyKey.includes(r.caseId))).toHaveLength(0);
    h.cs.downUntilMs = 0;
    await statusIs(r.caseId, MoveOutStatus.AWAITING_MOVE_OUT_DATE);
    expect(await em().count(CertificateIssuance, { caseId: r.caseId, certificateType: 'moveOutCertificate' })).toBe(1);
  });

  it('runs two activities to 転出予定者 — commit (with the 附票 notices, the 転出証明書 and the 職権 notices), CS delivery; the 決裁 logged locally (issue 15)', async () => {
    const annexOf = async (caseId: string) =>
      (await em().count(OutboxMessage, { caseId, kind: OutboxKind.ADDRESS_ANNEX_NOTICE })) +
      (await em().count(AddressAnnexNoticeRecord, { caseId }));
    const activitiesOf = async (caseId: string) =>
      ((await h.env.client.workflow.getHandle(moveOutWorkflowId(caseId)).fetchHistory()).events ?? []).flatMap(
        (e) => e.activityTaskScheduledEventAttributes?.activityType?.name ?? [],
      );
    const certificatesOf = async (caseId: string) =>
      (await em().find(CertificateIssuance, { caseId }, { orderBy: { certificateType: 'asc' } })).map(
        (c) => c.certificateType,
      );

    // in time, paper path: the 転出証明書 and the 附票 notices come with the commit
    const out = await startMoveOut(0, addDays(today(), 5), 'paper');
    expect(await activitiesOf(out.caseId)).toEqual(['commitMoveOut', 'deliverCsMessages']);
    expect(await em().count(CaseActionLog, { caseId: out.caseId, action: CaseAction.APPROVE })).toBe(1);
    expect(await certificatesOf(out.caseId)).toEqual(['moveOutCertificate']);
    expect(await annexOf(out.caseId)).toBe(out.movers.length);
    expect(h.cs.identityUpdates.filter((u) => u.idempotencyKey.includes(out.caseId))).toHaveLength(out.movers.length);

    // filed 15 days after the move (職権記載): its 職権記載等通知書 too, then the 除票 at once
    const late = await intakeMoveOut(
      h.api,
      actor,
      paperMoveOut(await householdMovers(h.orm, 1), addDays(today(), -15)),
      randomUUID(),
    );
    await h.env.client.workflow
      .getHandle(moveOutWorkflowId(late.caseId))
      .executeUpdate(approveUpdate, { args: [{ actor: APPROVER }] });
    await statusIs(late.caseId, MoveOutStatus.AWAITING_MOVE_IN_NOTICE);
    expect(await activitiesOf(late.caseId)).toEqual(['commitMoveOut', 'deliverCsMessages', 'applyRemoval']);
    expect(await certificatesOf(late.caseId)).toEqual(['exOfficioRecordNotice', 'moveOutCertificate']);
  });

  it('paper path: 転出予定者 until the planned date, 除票 on it, 未着 flagged after P + 30, then the 転入通知 is recorded beside the plan', async () => {
    const P = addDays(today(), 5);
    const c = await startMoveOut(0, P, 'paper');
    expect(await em().count(CertificateIssuance, { caseId: c.caseId, certificateType: 'moveOutCertificate' })).toBe(1);
    const updates = h.cs.identityUpdates.filter((u) => u.idempotencyKey.includes(c.caseId));
    expect(updates.map((u) => u.identity.changeReason)).toEqual(c.movers.map(() => '20'));
    expect(h.cs.moveOutCertificates.filter((m) => m.idempotencyKey.includes(c.caseId))).toHaveLength(0);

    await sleepUntil(jstStartOfDay(P), -3600_000);
    expect((await residentsOf(c.addressees)).every((r) => r.status === ResidentStatus.PENDING_MOVE_OUT)).toBe(true);
    await sleepUntil(jstStartOfDay(P), 60_000);
    await eventually(async () =>
      (await residentsOf(c.addressees)).every((r) => r.status === ResidentStatus.REMOVED && r.removalDate === P)
        ? true
        : undefined,
    );

    const overdueAt = jstStartOfDay(addDays(P, 31));
    await sleepUntil(overdueAt, -3600_000);
    expect((await caseRow(c.caseId)).needsAttention).toBe(false);
    await sleepUntil(overdueAt, 60_000);
    await eventually(async () =>
      (await caseRow(c.caseId)).attentionReason === 'MOVE_IN_NOTICE_OVERDUE' ? true : undefined,
    );

    const movedIn = addDays(P, 2);
    for (const r of await residentsOf(c.addressees)) {
      expect(
        (
          await inbound.moveInNotice(
            moveInNoticeFrom(h.config.municipalityCode, { ...r, residentRecordCode: r.residentRecordCode! }, movedIn),
          )
        ).status,
      ).toBe('ACCEPTED');
    }
    expect((await c.handle.result()).status).toBe(CaseStatus.COMPLETED);
    for (const r of await residentsOf(c.addressees)) {
      expect(r).toMatchObject({
        status: ResidentStatus.REMOVED,
        plannedMoveOutDate: P,
        plannedDestinationAddress: '神奈川県相模原市中央区中央一丁目1番1号',
        confirmedMoveOutDate: movedIn,
        confirmedDestinationAddress: '神奈川県相模原市中央区中央一丁目1番1号',
      });
      expect(r.moveInNoticeDate).toBeTruthy();
      expect(await em().count(ResidentHistory, { addresseeNumber: r.addresseeNumber })).toBe(4); // initial, 転出, 除票, 転入通知
    }
    expect(await caseRow(c.caseId)).toMatchObject({ status: CaseStatus.COMPLETED, needsAttention: false });
  });

  it('special path: 転出証明書情報 to the destination, a 送信依頼 answered, and the 除票 on an earlier 転入日 from the 転入通知', async () => {
    const P = addDays(today(), 10);
    const c = await startMoveOut(1, P, 'special');
    const sent = h.cs.moveOutCertificates.filter((m) => m.idempotencyKey.includes(c.caseId));
    expect(sent).toHaveLength(c.movers.length);
    expect(
      sent.every(
        (m) =>
          m.toMunicipalityCode === TOWN_B &&
          /^\d{12}$/.test(m.certificate.individualNumber) &&
          m.certificate.plannedMoveOutDate === P,
      ),
    ).toBe(true);
    expect(await em().count(CertificateIssuance, { caseId: c.caseId })).toBe(0);

    const [first, ...rest] = await residentsOf(c.addressees);
    await inbound.certificateRequest({
      fromMunicipalityCode: TOWN_B,
      toMunicipalityCode: h.config.municipalityCode,
      idempotencyKey: `B-rq-${randomUUID()}`,
      request: {
        residentRecordCode: first!.residentRecordCode!,
        name: `${first!.familyName}　${first!.givenName}`,
        birthDate: first!.birthDate,
      },
    });
    await eventually(async () =>
      h.cs.moveOutCertificates.filter((m) => m.idempotencyKey.includes(c.caseId)).length === c.movers.length + 1
        ? true
        : undefined,
    );

    await sleepFor('2 days');
    const movedIn = addDays(today(), 1);
    await inbound.moveInNotice(
      moveInNoticeFrom(
        h.config.municipalityCode,
        { ...first!, residentRecordCode: first!.residentRecordCode! },
        movedIn,
      ),
    );
    await eventually(async () =>
      (await residentsOf([first!.addresseeNumber]))[0]!.status === ResidentStatus.REMOVED ? true : undefined,
    );
    const removedFirst = (await residentsOf([first!.addresseeNumber]))[0]!;
    expect(removedFirst).toMatchObject({ removalDate: movedIn, plannedMoveOutDate: P, confirmedMoveOutDate: movedIn });
    if (rest.length)
      expect(
        (await residentsOf(rest.map((r) => r.addresseeNumber))).every(
          (r) => r.status === ResidentStatus.PENDING_MOVE_OUT,
        ),
      ).toBe(true);

    await sleepUntil(jstStartOfDay(P), 60_000);
    for (const r of rest)
      await inbound.moveInNotice(
        moveInNoticeFrom(h.config.municipalityCode, { ...r, residentRecordCode: r.residentRecordCode! }, addDays(P, 1)),
      );
    expect((await c.handle.result()).status).toBe(CaseStatus.COMPLETED);
    for (const r of await residentsOf(rest.map((x) => x.addresseeNumber)))
      expect(r).toMatchObject({ status: ResidentStatus.REMOVED, removalDate: P });
  });
});

describe('転入通知 after the planned date (issue 10 items 2 and 5)', () => {
  it('an earlier 転入日 moves the 除票 back to it; a later 転入通知 replaces the confirmed values; the same message again changes nothing', async () => {
    const P = addDays(today(), 3);
    const c = await startMoveOut(5, P, 'paper');
    await sleepUntil(jstStartOfDay(P), 60_000);
    await eventually(async () =>
      (await residentsOf(c.addressees)).every((r) => r.status === ResidentStatus.REMOVED && r.removalDate === P)
        ? true
        : undefined,
    );
    const [person] = await residentsOf(c.addressees);
    const code = { ...person!, residentRecordCode: person!.residentRecordCode! };
    const historyRows = () => em().count(ResidentHistory, { addresseeNumber: person!.addresseeNumber });
    const rowsAtRemoval = await historyRows();

    // the notice arrives after P with a 転入日 two days before P: 除票 = min(P, 転入日)
    const first = moveInNoticeFrom(h.config.municipalityCode, code, addDays(P, -2));
    expect((await inbound.moveInNotice(first)).status).toBe('ACCEPTED');
    const recorded = await eventually(async () => {
      const [r] = await residentsOf([person!.addresseeNumber]);
      return r!.confirmedMoveOutDate ? r : undefined;
    });
    expect(recorded).toMatchObject({
      status: ResidentStatus.REMOVED,
      plannedMoveOutDate: P,
      confirmedMoveOutDate: addDays(P, -2),
      removalDate: addDays(P, -2),
      ceasedResidentDate: addDays(P, -2),
    });

    // a later 転入通知 for the same person (another message): the latest wins, the 除票 date follows it
    const later = moveInNoticeFrom(h.config.municipalityCode, code, addDays(P, -1));
    later.notice.newAddress = '神奈川県相模原市中央区中央三丁目3番3号';
    expect((await inbound.moveInNotice(later)).status).toBe('ACCEPTED');
    const replaced = await eventually(async () => {
      const [r] = await residentsOf([person!.addresseeNumber]);
      return r!.confirmedMoveOutDate === addDays(P, -1) ? r : undefined;
    });
    expect(replaced).toMatchObject({
      plannedMoveOutDate: P,
      plannedDestinationAddress: '神奈川県相模原市中央区中央一丁目1番1号',
      confirmedDestinationAddress: '神奈川県相模原市中央区中央三丁目3番3号',
      removalDate: addDays(P, -1),
    });
    await eventually(async () => ((await historyRows()) === rowsAtRemoval + 2 ? true : undefined));

    // the same message delivered again: idempotent
    expect((await inbound.moveInNotice(later)).duplicate).toBe(true);
    await h.idle();
    expect(await historyRows()).toBe(rowsAtRemoval + 2);
    expect((await residentsOf([person!.addresseeNumber]))[0]).toMatchObject({ removalDate: addDays(P, -1) });
  });
});

describe('転出証明書情報 held at the destination', () => {
  const receive = async (planned: string, person?: Parameters<typeof certificateInfoFrom>[2]) => {
    const msg = certificateInfoFrom(h.config.municipalityCode, planned, person);
    await inbound.moveOutCertificate(msg);
    const held = await em().findOneOrFail(HeldMoveOutCertificate, { messageId: msg.idempotencyKey });
    return { msg, held, handle: h.env.client.workflow.getHandle(heldCertificateWorkflowId(held.heldId)) };
  };
  const heldRow = (heldId: string) => em().findOneOrFail(HeldMoveOutCertificate, { heldId });

  const purgedRow = (heldId: string) =>
    eventually(async () => {
      const row = await heldRow(heldId);
      return row.state === 'PURGED' ? row : undefined;
    });

  it('is kept through P + 30 and purged at 00:00 JST on P + 31 by the sweep, leaving only the stub', async () => {
    const P = addDays(today(), -5);
    const { held, handle } = await receive(P);
    const purgeAt = heldCertificatePurgeAt(P, h.config.deadlines);
    await sleepUntil(purgeAt, -24 * 3600_000 + 60_000); // one day before the purge: still held
    expect(await heldRow(held.heldId)).toMatchObject({ state: 'HELD', plannedMoveOutDate: P });
    expect((await heldRow(held.heldId)).payloadEnc).toBeTruthy();
    await sleepUntil(purgeAt, -60_000);
    expect((await heldRow(held.heldId)).state).toBe('HELD');
    // no sleeping workflow per certificate (issue 15): the one sweep of the task queue purges it
    await expect(handle.describe()).rejects.toBeInstanceOf(WorkflowNotFoundError);
    expect(
      (await h.env.client.workflow.getHandle(heldCertificateSweepId(h.config.taskQueue)).describe()).status.name,
    ).toBe('RUNNING');
    await sleepUntil(purgeAt, 60_000);
    const stub = await purgedRow(held.heldId);
    expect(stub).toMatchObject({ state: 'PURGED', messageId: held.messageId, originMunicipalityCode: TOWN_B });
    expect(stub.payloadEnc ?? null).toBeNull();
    expect(stub.residentRecordCode ?? null).toBeNull();
    expect(stub.purgedAt!.getTime()).toBeGreaterThanOrEqual(purgeAt.getTime());
    expect(stub.purgedAt!.getTime()).toBeLessThan(purgeAt.getTime() + 60_000); // on time: the sweep's timer
    expect(await caseRow(held.heldId)).toMatchObject({ status: HeldCertificateStatus.PURGED, dueAt: null });
    expect(await em().count(AuditLog, { caseId: held.heldId, function: 'purgeHeldCertificate' })).toBe(1);
    await expect(handle.describe()).rejects.toBeInstanceOf(WorkflowNotFoundError);
  });

  it('a newer message restarts the timer; a certificate already past its deadline is purged at once', async () => {
    const P1 = addDays(today(), -10);
    const first = await receive(P1);
    await settle(); // the workflow has read the first message before the newer one replaces it
    const P2 = addDays(P1, 10);
    await inbound.moveOutCertificate({
      ...certificateInfoFrom(h.config.municipalityCode, P2, {
        residentRecordCode: first.msg.certificate.residentRecordCode,
        individualNumber: first.msg.certificate.individualNumber,
      }),
      idempotencyKey: `B-cert-${randomUUID()}`,
    });
    await sleepUntil(heldCertificatePurgeAt(P1, h.config.deadlines), 3600_000);
    expect(await heldRow(first.held.heldId)).toMatchObject({ state: 'HELD', plannedMoveOutDate: P2, replacedCount: 1 });
    expect((await caseRow(first.held.heldId)).dueAt).toEqual(heldCertificatePurgeAt(P2, h.config.deadlines));
    await sleepUntil(heldCertificatePurgeAt(P2, h.config.deadlines), 60_000);
    expect((await purgedRow(first.held.heldId)).purgedAt!.getTime()).toBeGreaterThanOrEqual(
      heldCertificatePurgeAt(P2, h.config.deadlines).getTime(),
    );

    const late = await receive(addDays(today(), -60));
    expect((await late.handle.result()).status).toBe(HeldCertificateStatus.PURGED);
  });
});

describe('特例転入 (destination)', () => {
  const startSpecial = async (body: object) => {
    const r = await intakeSpecialMoveIn(h.api, actor, body, randomUUID());
    return { ...r, handle: h.env.client.workflow.getHandle(specialMoveInWorkflowId(r.caseId)) };
  };

  it('uses the held certificate, which stops the purge; sends 本人確認情報, 転入通知 and the card 継続利用', async () => {
    const cert = certificateInfoFrom(h.config.municipalityCode, addDays(today(), -2));
    await inbound.moveOutCertificate(cert);
    const c = await startSpecial(specialMoveInFor(cert, addDays(today(), -1)));
    await statusIs(c.caseId, CaseStatus.AWAITING_APPROVAL);
    const held = await eventually(async () => {
      const row = await em().findOneOrFail(HeldMoveOutCertificate, { messageId: cert.idempotencyKey });
      return row.state === 'IN_USE' ? row : undefined;
    });
    expect(held.usedByCaseId).toBe(c.caseId);
    await c.handle.executeUpdate(approveUpdate, { args: [{ actor: APPROVER }] });
    expect((await c.handle.result()).status).toBe(CaseStatus.COMPLETED);
    const code = cert.certificate.residentRecordCode;
    const resident = await em().findOneOrFail(Resident, { residentRecordCode: code });
    expect(resident).toMatchObject({
      status: ResidentStatus.RESIDENT,
      familyName: '川口',
      cardStatus: 'ISSUED', // the 継続利用 was acknowledged (it waited in CONTINUED_USE_PENDING until then)
      previousAddress: cert.certificate.originAddress,
    });
    expect(h.pii.decrypt(resident.individualNumberEnc!)).toBe(cert.certificate.individualNumber);
    expect(
      h.cs.identityUpdates.filter((u) => u.identity.residentRecordCode === code).map((u) => u.identity.changeReason),
    ).toEqual(['10']);
    expect(
      h.cs.moveInNotices.filter((n) => n.notice.residentRecordCode === code && n.toMunicipalityCode === TOWN_B),
    ).toHaveLength(1);
    expect(h.cards.continuedUse.filter((u) => u.residentRecordCode === code)).toHaveLength(1);

    await sleepFor('40 days');
    expect((await h.env.client.workflow.getHandle(heldCertificateWorkflowId(held.heldId)).result()).status).toBe(
      HeldCertificateStatus.USED,
    );
    expect((await em().findOneOrFail(HeldMoveOutCertificate, { heldId: held.heldId })).state).toBe('USED');
  });

  it('without held information: 送信依頼 (no 個人番号) → the certificate arrives → 決裁 → completed', async () => {
    const cert = certificateInfoFrom(h.config.municipalityCode, addDays(today(), -1));
    const c = await startSpecial(specialMoveInFor(cert, today()));
    const requests = await eventually(async () => {
      const sent = h.cs.certificateRequests.filter((r) => r.idempotencyKey.includes(c.caseId));
      return sent.length ? sent : undefined;
    });
    expect(requests).toHaveLength(1);
    expect((await caseRow(c.caseId)).status).toBe(SpecialMoveInStatus.AWAITING_CERTIFICATE_INFO);
    expect(requests[0]).toMatchObject({
      toMunicipalityCode: TOWN_B,
      request: { residentRecordCode: cert.certificate.residentRecordCode },
    });
    expect(JSON.stringify(requests[0])).not.toContain(cert.certificate.individualNumber);
    await inbound.moveOutCertificate(cert);
    await statusIs(c.caseId, CaseStatus.AWAITING_APPROVAL);
    await c.handle.executeUpdate(approveUpdate, { args: [{ actor: APPROVER }] });
    expect((await c.handle.result()).status).toBe(CaseStatus.COMPLETED);
  });

  it('a 送信依頼 answered by a certificate whose 取消 came first: the case ends CERTIFICATE_WITHDRAWN, not overdue', async () => {
    // the origin cancels its 転出 while the case waits: the 取消 matches nothing (kept UNMATCHED with its key), then
    // the certificate arrives and is withdrawn on arrival (domain spec §4.2 Failures, §4.5)
    const cert = certificateInfoFrom(h.config.municipalityCode, addDays(today(), -1));
    const c = await startSpecial(specialMoveInFor(cert, today()));
    const asked = () => h.cs.certificateRequests.filter((r) => r.idempotencyKey.includes(c.caseId));
    await eventually(async () => (asked().length ? true : undefined));
    await inbound.certificateWithdrawal(withdrawalOf(cert));
    await inbound.moveOutCertificate(cert);
    expect((await c.handle.result()).status).toBe(SpecialMoveInStatus.CERTIFICATE_WITHDRAWN);
    const row = await caseRow(c.caseId);
    expect({ status: row.status, attention: row.attentionReason ?? null }).toEqual({
      status: SpecialMoveInStatus.CERTIFICATE_WITHDRAWN,
      attention: null,
    });
    await sleepFor('3 days'); // past the wait for the certificate: no second 送信依頼, nothing flagged
    expect(asked()).toHaveLength(1);
    expect((await caseRow(c.caseId)).status).toBe(SpecialMoveInStatus.CERTIFICATE_WITHDRAWN);
    const held = await em().findOneOrFail(HeldMoveOutCertificate, { messageId: cert.idempotencyKey });
    expect({ state: held.state, payload: held.payloadEnc ?? null }).toEqual({ state: 'PURGED', payload: null });
    expect(await em().count(Resident, { residentRecordCode: cert.certificate.residentRecordCode })).toBe(0);
  });

  it('past min(P + 30, 転入日 + 14) the card path is refused at intake: on P + 30 when held, on 転入日 + 14 when not', async () => {
    const heldLate = certificateInfoFrom(h.config.municipalityCode, addDays(today(), -20));
    await inbound.moveOutCertificate(heldLate);
    await expect(startSpecial(specialMoveInFor(heldLate, addDays(today(), -16)))).rejects.toMatchObject({
      status: 422,
      errors: [{ field: '/persons/0', rule: 'specialMoveInDeadline' }],
    });

    // not held, and 転入日 + 14 already past at the filing: refused at intake, nothing started, no 送信依頼
    const unheld = certificateInfoFrom(h.config.municipalityCode, addDays(today(), -20));
    const requestsBefore = h.cs.certificateRequests.length;
    const casesBefore = await em().count(CaseRecord, { procedure: 'SPECIAL_MOVE_IN' });
    await expect(startSpecial(specialMoveInFor(unheld, addDays(today(), -16)))).rejects.toMatchObject({
      status: 422,
      errors: [{ field: '/moveInDate', rule: 'specialMoveInDeadline' }],
    });
    await h.idle();
    expect(h.cs.certificateRequests.length).toBe(requestsBefore);
    expect(await em().count(CaseRecord, { procedure: 'SPECIAL_MOVE_IN' })).toBe(casesBefore);
  });

  it('a 送信依頼 answered after P + 30: the case sees "too late" once (no second 送信依頼), then the certificate is purged', async () => {
    // filed in time for 転入日 + 14, but P + 30 has passed: the answer arrives already past its purge time
    const arriving = certificateInfoFrom(h.config.municipalityCode, addDays(today(), -40));
    const c = await startSpecial(specialMoveInFor(arriving, addDays(today(), -3)));
    const asked = () => h.cs.certificateRequests.filter((r) => r.idempotencyKey.includes(c.caseId));
    await eventually(async () => (asked().length ? true : undefined));
    await inbound.moveOutCertificate(arriving);
    // stored already reserved for the waiting case (a HELD row would race its purge-at-once against the case)
    expect(await em().findOneOrFail(HeldMoveOutCertificate, { messageId: arriving.idempotencyKey })).toMatchObject({
      usedByCaseId: c.caseId,
    });
    expect((await c.handle.result()).status).toBe(SpecialMoveInStatus.DEADLINE_PASSED);
    await sleepFor('3 days'); // a lost row would make the case ask again (and wait for 1 day each round)
    expect(asked()).toHaveLength(1);
    const row = await eventually(async () => {
      const held = await em().findOneOrFail(HeldMoveOutCertificate, { messageId: arriving.idempotencyKey });
      return held.state === 'PURGED' ? held : undefined;
    });
    expect(row.payloadEnc ?? null).toBeNull();
    expect(await em().count(Resident, { residentRecordCode: arriving.certificate.residentRecordCode })).toBe(0);
  });
});

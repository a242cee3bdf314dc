import { randomBytes } from 'node:crypto';
import type { WorkflowHandle } from '@temporalio/client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ApiDeps } from '../../src/api/api-deps';
import { intakeOnlineMoveOut } from '../../src/procedures/online-move-out/intake';
import { reviewOnlineMoveOut } from '../../src/procedures/online-move-out/review';
import type { StoredOnlineMoveOutApplication } from '../../src/procedures/online-move-out/schema';
import { CaseAction, CaseStatus } from '../../src/domain/case-status';
import { ChangeReason } from '../../src/domain/change-reason';
import { ResidentStatus } from '../../src/domain/registry-values';
import {
  AddressAnnexNoticeRecord,
  AuditLog,
  CaseActionLog,
  CaseApplication,
  CaseRecord,
  CertificateIssuance,
  OutboxKind,
  OutboxMessage,
  Resident,
} from '../../src/db/entities';
import { loadDemoTown } from '../../src/db/seed/load-demo';
import { buildEnvelope, PortalScenario } from '../../src/partners/portal-simulator-scenarios';
import { getTestCa, type TestCa } from '../../src/partners/sim/test-pki';
import { caseStateQuery } from '../../src/procedures/move-in/workflow';
import { approveUpdate, confirmReviewUpdate, rejectUpdate, requestContactUpdate } from '../../src/workflows/approval';
import { cancelCaseUpdate } from '../../src/workflows/work';
import { onlineMoveOutWorkflowId } from '../../src/procedures/online-move-out/workflow';
import { APPROVER } from '../support/fixtures';
import { TOWN_B } from '../support/move-fixtures';
import { demoHousehold, onlineContent } from '../support/online-fixtures';
import { eventually } from '../support/system-harness-utils';
import { startWorkflowHarness, type WorkflowHarness } from '../support/workflow-harness';
import { MoveOutStatus } from '../../src/procedures/move-out/definition';

let h: WorkflowHarness;
let ca: TestCa;
const CLERK = { userId: 'clerk1', roles: ['clerk'], terminalId: 'T-HONCHO-01' };
const DUAL = { userId: 'clerk1', roles: ['clerk', 'approver'], terminalId: 'T-HONCHO-01' };
const PORTAL = { userId: 'portal', roles: ['portal'], terminalId: 'PORTAL' };

beforeEach(async () => {
  h = await startWorkflowHarness();
  ca = await getTestCa();
  await loadDemoTown(h.orm, h.pii, { households: 10 });
});
afterEach(async (t) => h?.close(t));

const em = () => h.orm.em.fork();
const row = (caseId: string) => em().findOneOrFail(CaseRecord, { caseId });
const statusIs = (caseId: string, status: string) =>
  eventually(async () => ((await row(caseId)).status === status ? true : undefined), 30_000);
/** The validator's refusal code of a failed update: the type of its ApplicationFailure. */
const refusal = async (p: Promise<unknown>) =>
  (
    (await p.then(
      () => undefined,
      (e: unknown) => e,
    )) as { cause?: { type?: string } } | undefined
  )?.cause?.type ?? 'ACCEPTED';

async function submit(members: Resident[], over = {}, taskQueue = h.config.taskQueue) {
  const applicationId = `MP-TEST-${randomBytes(4).toString('hex')}`;
  const envelope = await buildEnvelope(PortalScenario.VALID, applicationId, onlineContent(members, over), {
    ca,
    now: new Date(),
    revokedSerial: () => ca.revokedSerial,
  });
  const api = { ...h.api, config: { ...h.config, taskQueue } };
  const r = await intakeOnlineMoveOut({ ...api, portalTrust: () => ca.trust }, envelope);
  return { ...r, applicationId, handle: h.env.client.workflow.getHandle(onlineMoveOutWorkflowId(applicationId)) };
}

const noticesOf = (applicationId: string) => h.portal.notices.filter((n) => n.applicationId === applicationId);

describe('online 転出 (time-skipping)', () => {
  it('review by a clerk, 決裁 by another person, the special 転出 with the 来庁予定日, completion notice to the portal', async () => {
    const members = await demoHousehold(h.orm, 0, 2);
    const c = await submit(members);
    expect(c.created).toBe(true);
    await statusIs(c.caseId, CaseStatus.AWAITING_REVIEW);
    expect(await row(c.caseId)).toMatchObject({ awaitingRole: 'clerk', flags: [], enteredBy: 'portal' });
    expect(await refusal(c.handle.executeUpdate(approveUpdate, { args: [{ actor: APPROVER }] }))).toBe(
      'NOT_AWAITING_APPROVAL',
    );
    expect(await refusal(c.handle.executeUpdate(confirmReviewUpdate, { args: [{ actor: APPROVER }] }))).toBe(
      'ROLE_REQUIRED',
    );

    await c.handle.executeUpdate(requestContactUpdate, {
      args: [{ actor: DUAL, reason: '来庁予定日の確認のため電話' }],
    });
    expect((await c.handle.query(caseStateQuery)).status).toBe(CaseStatus.CONTACT_REQUESTED);
    await c.handle.executeUpdate(confirmReviewUpdate, { args: [{ actor: DUAL, reason: '電話で本人確認済み' }] });
    expect(await refusal(c.handle.executeUpdate(approveUpdate, { args: [{ actor: DUAL }] }))).toBe('FOUR_EYES');
    await c.handle.executeUpdate(approveUpdate, { args: [{ actor: APPROVER }] });
    await statusIs(c.caseId, MoveOutStatus.AWAITING_MOVE_OUT_DATE);

    for (const m of members)
      expect(await em().findOneOrFail(Resident, { addresseeNumber: m.addresseeNumber })).toMatchObject({
        status: ResidentStatus.PENDING_MOVE_OUT,
      });
    const certs = h.cs.moveOutCertificates.filter((m) => m.certificate.moverGroupId === c.caseId);
    expect(certs).toHaveLength(members.length);
    expect(
      certs.every(
        (m) =>
          m.toMunicipalityCode === TOWN_B && m.certificate.plannedVisitDate === onlineContent(members).plannedVisitDate,
      ),
    ).toBe(true);
    expect(noticesOf(c.applicationId).map((n) => n.kind)).toEqual(['COMPLETED']);
    expect(JSON.stringify(noticesOf(c.applicationId))).not.toMatch(members[0]!.familyName);
    const log = (await em().find(CaseActionLog, { caseId: c.caseId }, { orderBy: { id: 'asc' } })).map((a) => a.action);
    expect(log).toEqual(
      expect.arrayContaining([
        CaseAction.REQUEST_CONTACT,
        CaseAction.CONFIRM_REVIEW,
        CaseAction.APPROVE,
        CaseAction.COMMIT,
        CaseAction.PORTAL_NOTIFIED,
      ]),
    );
  });

  it('a review confirmed before the workflow first ran (workers behind) stays confirmed: the 決裁 is accepted', async () => {
    const members = await demoHousehold(h.orm, 0, 1);
    const queue = `behind-${randomBytes(4).toString('hex')}`;
    const c = await submit(members, {}, queue); // no worker polls this queue yet: the case row exists, the workflow waits
    await statusIs(c.caseId, CaseStatus.AWAITING_REVIEW);
    const confirmed = c.handle.executeUpdate(confirmReviewUpdate, { args: [{ actor: CLERK, reason: '確認済み' }] });
    await new Promise((r) => setTimeout(r, 1000)); // the update waits at the server, delivered with the first task
    const worker = await h.startWorkerOn(queue);
    try {
      await confirmed;
      expect((await c.handle.query(caseStateQuery)).status).toBe(CaseStatus.AWAITING_APPROVAL);
      await c.handle.executeUpdate(approveUpdate, { args: [{ actor: APPROVER }] });
      await statusIs(c.caseId, MoveOutStatus.AWAITING_MOVE_OUT_DATE);
    } finally {
      await worker.stop();
    }
  });

  it('審査 and 決裁 both delivered before the workflow first ran: both accepted in order, the 転出 is committed', async () => {
    const members = await demoHousehold(h.orm, 0, 1);
    const queue = `behind-${randomBytes(4).toString('hex')}`;
    const c = await submit(members, {}, queue); // no worker polls this queue yet: the case row exists, the workflow waits
    await statusIs(c.caseId, CaseStatus.AWAITING_REVIEW);
    const settled = (p: Promise<unknown>) =>
      p.then(
        (v) => ({ ok: v ?? true }),
        (e: unknown) => ({ error: e }),
      );
    const confirmed = settled(
      c.handle.executeUpdate(confirmReviewUpdate, { args: [{ actor: CLERK, reason: '確認済み' }] }),
    );
    await new Promise((r) => setTimeout(r, 1000)); // the 審査 waits at the server first
    const approved = settled(c.handle.executeUpdate(approveUpdate, { args: [{ actor: APPROVER }] }));
    await new Promise((r) => setTimeout(r, 1000)); // then the 決裁: both delivered with the first task
    const worker = await h.startWorkerOn(queue);
    try {
      expect(await confirmed).toEqual({ ok: true });
      expect(await approved).toMatchObject({ ok: { kind: 'APPROVED', by: APPROVER.userId } });
      await statusIs(c.caseId, MoveOutStatus.AWAITING_MOVE_OUT_DATE);
      for (const m of members)
        expect(await em().findOneOrFail(Resident, { addresseeNumber: m.addresseeNumber })).toMatchObject({
          status: ResidentStatus.PENDING_MOVE_OUT,
        });
      const log = (await em().find(CaseActionLog, { caseId: c.caseId }, { orderBy: { id: 'asc' } }))
        .map((a) => ({ action: a.action, by: a.actorId }))
        .filter((a) => a.action === CaseAction.CONFIRM_REVIEW || a.action === CaseAction.APPROVE);
      expect(log).toEqual([
        { action: CaseAction.CONFIRM_REVIEW, by: CLERK.userId },
        { action: CaseAction.APPROVE, by: APPROVER.userId },
      ]);
      expect(noticesOf(c.applicationId).map((n) => n.kind)).toEqual(['COMPLETED']);
    } finally {
      await worker.stop();
    }
  });

  it("a rejection is sent to the portal with the clerk's reason; nothing is written", async () => {
    const members = await demoHousehold(h.orm, 1);
    const c = await submit(members);
    await c.handle.executeUpdate(rejectUpdate, {
      args: [{ actor: CLERK, reason: '転出先の住所が確認できません。窓口へお越しください。' }],
    });
    expect((await c.handle.result()).status).toBe(CaseStatus.REJECTED);
    expect(noticesOf(c.applicationId)).toEqual([
      expect.objectContaining({
        kind: 'REJECTED',
        reasons: [{ rule: 'REVIEW_REJECTED', message: '転出先の住所が確認できません。窓口へお越しください。' }],
      }),
    ]);
    for (const m of members)
      expect(await em().findOneOrFail(Resident, { addresseeNumber: m.addresseeNumber })).toMatchObject({
        status: ResidentStatus.RESIDENT,
        historyNumber: m.historyNumber,
      });
  });

  it('a mover who does not match the registry is a blocking finding: the review cannot be confirmed', async () => {
    const members = await demoHousehold(h.orm, 2);
    const c = await submit(members, {
      movers: [
        ...onlineContent(members).movers,
        { familyName: '架空', givenName: '人物', birthDate: '2001-01-01', sex: '2' },
      ],
    });
    await statusIs(c.caseId, CaseStatus.AWAITING_REVIEW);
    expect((await row(c.caseId)).flags).toEqual(['MOVER_NOT_MATCHED']);
    expect(await refusal(c.handle.executeUpdate(confirmReviewUpdate, { args: [{ actor: CLERK }] }))).toBe(
      'NOT_IN_STEP',
    );
    await c.handle.executeUpdate(rejectUpdate, {
      args: [{ actor: CLERK, reason: '転出者の記載が住民票と一致しません' }],
    });
    expect((await c.handle.result()).status).toBe(CaseStatus.REJECTED);
  });

  it('the same application again returns the same case; the portal cancels after 本登録 and everything is undone by appended history', async () => {
    const members = await demoHousehold(h.orm, 3);
    const c = await submit(members);
    const stored = (await em().findOneOrFail(CaseApplication, { caseId: c.caseId }))
      .payload as unknown as StoredOnlineMoveOutApplication;
    const again = await intakeOnlineMoveOut({ ...h.api, portalTrust: () => ca.trust }, stored.online.envelope);
    expect(again).toMatchObject({ created: false, caseId: c.caseId });

    await c.handle.executeUpdate(confirmReviewUpdate, { args: [{ actor: CLERK }] });
    await c.handle.executeUpdate(approveUpdate, { args: [{ actor: APPROVER }] });
    await statusIs(c.caseId, MoveOutStatus.AWAITING_MOVE_OUT_DATE);
    await c.handle.executeUpdate(cancelCaseUpdate, {
      args: [{ actor: PORTAL, reason: 'マイナポータルから申請の取消がありました' }],
    });
    expect((await c.handle.result()).status).toBe(CaseStatus.CANCELLED);
    for (const m of members) {
      expect(await em().findOneOrFail(Resident, { addresseeNumber: m.addresseeNumber })).toMatchObject({
        status: ResidentStatus.RESIDENT,
        changeReason: ChangeReason.CANCELLATION_RECORD,
      });
    }
    expect(h.cs.withdrawals.filter((w) => w.withdrawal.moverGroupId === c.caseId)).toHaveLength(members.length);
    expect(noticesOf(c.applicationId).map((n) => n.kind)).toEqual(['COMPLETED', 'CANCELLED']);
  });

  it('runs one activity per step from 決裁 to 転出予定者 — commit (with the 附票 notices and the 職権 notices), CS delivery, portal notice (issue 15)', async () => {
    const activitiesOf = async (handle: WorkflowHandle) =>
      ((await handle.fetchHistory()).events ?? []).flatMap(
        (e) => e.activityTaskScheduledEventAttributes?.activityType?.name ?? [],
      );
    const annexOf = async (caseId: string) =>
      (await em().count(OutboxMessage, { caseId, kind: OutboxKind.ADDRESS_ANNEX_NOTICE })) +
      (await em().count(AddressAnnexNoticeRecord, { caseId }));
    const certificatesOf = async (caseId: string) =>
      (await em().find(CertificateIssuance, { caseId }, { orderBy: { certificateType: 'asc' } })).map((c) => ({
        type: c.certificateType,
        by: c.operatorId,
        terminal: c.terminalId,
      }));
    // the 審査's log and the 決裁's are local activities (patches case-actions-logged-locally and
    // decision-logged-locally), not among them
    const oneStep = ['commitMoveOut', 'deliverCsMessages', 'notifyPortal'];

    // a whole household: the 附票 notices come with the commit; no certificate on the online path
    const members = await demoHousehold(h.orm, 0, 2);
    const [head, a, b] = (await demoHousehold(h.orm, 1, 3)) as [Resident, Resident, Resident];
    const c = await submit(members);
    await c.handle.executeUpdate(confirmReviewUpdate, { args: [{ actor: CLERK }] });
    await c.handle.executeUpdate(approveUpdate, { args: [{ actor: APPROVER }] });
    await statusIs(c.caseId, MoveOutStatus.AWAITING_MOVE_OUT_DATE);
    expect(await activitiesOf(c.handle)).toEqual(oneStep);
    // the 審査 logged once, with one audit row per mover, by the local activity
    expect(await em().count(CaseActionLog, { caseId: c.caseId, action: CaseAction.CONFIRM_REVIEW })).toBe(1);
    expect(await em().count(AuditLog, { caseId: c.caseId, function: `case:${CaseAction.CONFIRM_REVIEW}` })).toBe(
      members.length,
    );
    expect(
      (await em().findOneOrFail(CaseActionLog, { caseId: c.caseId, action: CaseAction.CONFIRM_REVIEW })).stepKey,
    ).toMatch(/\/local-\d+$/);
    expect(await annexOf(c.caseId)).toBe(members.length);
    expect(await certificatesOf(c.caseId)).toEqual([]);
    expect(h.cs.moveOutCertificates.filter((m) => m.certificate.moverGroupId === c.caseId)).toHaveLength(
      members.length,
    );

    // the 世帯主 leaves two members: the clerk chooses the new 世帯主 at 審査; the commit changes the 世帯主 ex officio
    // and its 世帯主変更通知書 is issued once, by the approver
    const leaving = await submit([head]);
    await statusIs(leaving.caseId, CaseStatus.AWAITING_REVIEW);
    expect((await row(leaving.caseId)).flags).toEqual(['HEAD_CHANGE_EX_OFFICIO']);
    const choice = {
      householdHeadChange: {
        newHeadAddresseeNumber: a.addresseeNumber,
        relationships: [{ addresseeNumber: b.addresseeNumber, relationshipToHead: '子' }],
      },
    };
    const review = reviewOnlineMoveOut(h.api as unknown as ApiDeps, await row(leaving.caseId), CLERK, choice);
    await review.store();
    await leaving.handle.executeUpdate(confirmReviewUpdate, { args: [{ actor: CLERK }] });
    await leaving.handle.executeUpdate(approveUpdate, { args: [{ actor: APPROVER }] });
    await statusIs(leaving.caseId, MoveOutStatus.AWAITING_MOVE_OUT_DATE);
    expect(await activitiesOf(leaving.handle)).toEqual(oneStep);
    expect(await annexOf(leaving.caseId)).toBe(1);
    expect(await certificatesOf(leaving.caseId)).toEqual([
      { type: 'householdHeadChangeNotice', by: APPROVER.userId, terminal: APPROVER.terminalId },
    ]);
    expect(await em().findOneOrFail(Resident, { addresseeNumber: a.addresseeNumber })).toMatchObject({
      relationshipToHead: '世帯主',
    });
  });
});

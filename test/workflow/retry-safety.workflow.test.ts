import { randomUUID } from 'node:crypto';
import { historyFromJSON, historyToJSON } from '@temporalio/common/lib/proto-utils';
import { dataConverterFor } from '../../src/temporal/client';
import { decodeHistoryPayloads } from '../support/history-json';
import type { temporal } from '@temporalio/proto';
import { defaultPayloadConverter } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCertificateRenderer } from '../../src/activities/certificate-renderer';
import { createCsInbound } from '../../src/api/cs-inbound-router';
import { CaseAction, CaseStatus } from '../../src/domain/case-status';
import { addDays } from '../../src/domain/dates';
import { ResidentStatus } from '../../src/domain/registry-values';
import {
  AuditLog,
  CaseActionLog,
  CaseRecord,
  CertificateIssuance,
  HeldMoveOutCertificate,
  OutboxMessage,
  Resident,
  ResidentHistory,
} from '../../src/db/entities';
import { loadDemoTown } from '../../src/db/seed/load-demo';
import { MoveOutStatus } from '../../src/procedures/move-out/definition';
import { intakeMoveIn } from '../../src/procedures/move-in/intake';
import { moveInWorkflowId } from '../../src/procedures/move-in/workflow';
import { intakeMoveOut } from '../../src/procedures/move-out/intake';
import { moveOutWorkflowId } from '../../src/procedures/move-out/workflow';
import { DEDUPE_INBOUND_SIGNALS } from '../../src/procedures/move-out/workflow-tail';
import { SpecialMoveInStatus } from '../../src/procedures/special-move-in/definition';
import { intakeSpecialMoveIn } from '../../src/procedures/special-move-in/intake';
import { specialMoveInWorkflowId } from '../../src/procedures/special-move-in/workflow';
import { createActivities } from '../../src/worker/create-worker';
import { approveUpdate } from '../../src/workflows/approval';
import { certificateReissueWorkflowId } from '../../src/workflows/certificate-reissue';
import { APPROVER, CLERK, moveInApplication, today } from '../support/fixtures';
import {
  certificateInfoFrom,
  householdMovers,
  moveInNoticeFrom,
  specialMoveInFor,
  specialMoveOut,
  TOWN_B,
  withdrawalOf,
} from '../support/move-fixtures';
import { eventually } from '../support/system-harness-utils';
import { startWorkflowHarness, type WorkflowHarness } from '../support/workflow-harness';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

let h: WorkflowHarness;
let inbound: ReturnType<typeof createCsInbound>;
const actor = { ...CLERK, ip: '127.0.0.1' };

// A fresh time-skipping server per scenario (as in move-pair): a result() may move its clock far ahead of the real one.
beforeEach(async () => {
  h = await startWorkflowHarness();
  inbound = createCsInbound(h.api);
});
afterEach(async (t) => h?.close(t));

const em = () => h.orm.em.fork();
const caseRow = (caseId: string) => em().findOneOrFail(CaseRecord, { caseId });
const statusIs = (caseId: string, status: string) =>
  eventually(async () => ((await caseRow(caseId)).status === status ? true : undefined), 30_000);
/** A 転出証明書情報 from town B (P two days ago), received and reserved by a 特例転入 that awaits its approval. */
const reservedByASpecialMoveIn = async () => {
  const cert = certificateInfoFrom(h.config.municipalityCode, addDays(today(), -2));
  await inbound.moveOutCertificate(cert);
  const { caseId } = await intakeSpecialMoveIn(
    h.api,
    actor,
    specialMoveInFor(cert, addDays(today(), -1)),
    randomUUID(),
  );
  await statusIs(caseId, CaseStatus.AWAITING_APPROVAL);
  return { cert, caseId };
};

/** The activities the worker registers, on the harness's DB and partner doubles. */
const activities = () =>
  createActivities({
    orm: h.orm,
    pii: h.pii,
    cs: h.cs,
    cards: h.cards,
    portal: h.portal,
    certificates: createCertificateRenderer(),
    config: h.config,
  });
/**
 * Runs an activity as attempt `attempt` of the activity execution (workflowId, runId, activityId); `isLocal`: of the
 * local activity execution with that ID.
 */
const runAs = <A extends unknown[], R>(
  execution: { workflowId: string; runId: string; activityId: string; isLocal?: boolean },
  attempt: number,
  fn: (...args: A) => Promise<R>,
  ...args: A
): Promise<R> =>
  new MockActivityEnvironment({
    workflowExecution: { workflowId: execution.workflowId, runId: execution.runId },
    activityId: execution.activityId,
    isLocal: execution.isLocal ?? false,
    attempt,
  }).run(fn, ...args);

/** The history with its payloads decrypted (the harness's client encrypts them like the API's). */
const historyOf = async (workflowId: string): Promise<HistoryEvent[]> => {
  const raw = JSON.parse(historyToJSON(await h.env.client.workflow.getHandle(workflowId).fetchHistory()));
  return historyFromJSON(await decodeHistoryPayloads(raw, dataConverterFor(h.config).payloadCodecs)).events ?? [];
};
const signalsIn = (events: HistoryEvent[], name: string) =>
  events.filter((e) => e.workflowExecutionSignaledEventAttributes?.signalName === name);
const signalArg = (e: HistoryEvent) =>
  defaultPayloadConverter.fromPayload(e.workflowExecutionSignaledEventAttributes!.input!.payloads![0]!);
const scheduled = (events: HistoryEvent[], activityType: string) =>
  events.filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === activityType).length;
/** The patches the workflow took (sdk-core's marker: details["patch-data"] = JSON { id, deprecated }). */
const patchIds = (events: HistoryEvent[]) =>
  events
    .map((e) => e.markerRecordedEventAttributes)
    .filter((m) => m?.markerName === 'core_patch')
    .map((m) => defaultPayloadConverter.fromPayload<{ id: string }>(m!.details!['patch-data']!.payloads![0]!).id);

async function moveIn(body = moveInApplication()) {
  const r = await intakeMoveIn(h.api, actor, body, randomUUID());
  return { ...r, handle: h.env.client.workflow.getHandle(moveInWorkflowId(r.caseId)) };
}

describe('activities are idempotent under Temporal retry (MockActivityEnvironment)', () => {
  it('recordCaseAction: a retry of the same activity execution logs the step once, another execution logs it again', async () => {
    // proves: case_action_log and its audit rows are keyed by the activity execution (step_key), not by the call
    const { caseId } = await moveIn(moveInApplication({ certificateRequest: undefined }));
    const { recordCaseAction } = activities();
    const step = {
      caseId,
      action: CaseAction.ESCALATE,
      actorId: 'supervisor1',
      actorRoles: ['supervisor'],
      terminalId: 'T-HONCHO-03',
      detail: { reason: '担当者の不在' },
    };
    const logged = async () => ({
      rows: await em().count(CaseActionLog, { caseId, action: CaseAction.ESCALATE }),
      audit: await em().count(AuditLog, { caseId, function: `case:${CaseAction.ESCALATE}` }),
    });
    const execution = { workflowId: moveInWorkflowId(caseId), runId: randomUUID(), activityId: '12' };

    await runAs(execution, 1, recordCaseAction, step);
    const once = await logged();
    expect(once.rows).toBe(1);
    expect(once.audit).toBeGreaterThanOrEqual(1);
    await runAs(execution, 2, recordCaseAction, step); // the retry after a lost acknowledgement
    expect(await logged()).toEqual(once);
    const row = await em().findOneOrFail(CaseActionLog, { caseId, action: CaseAction.ESCALATE });
    expect(row.stepKey).toBe(`${execution.workflowId}/${execution.runId}/12`);

    await runAs({ ...execution, activityId: '13' }, 1, recordCaseAction, step); // a second, separate step
    expect(await logged()).toEqual({ rows: 2, audit: 2 * once.audit });
  });

  it('recordCaseAction as a local activity (patch case-actions-logged-locally): a retry after its commit logs nothing more; its key is apart from an activity’s of the same ID', async () => {
    // proves: the local activity's step is keyed by its own execution (run + local activity ID, kept by its retries
    // and by its run again after a failed workflow task), and never taken for an activity's step of the same ID
    const { caseId } = await moveIn(moveInApplication({ certificateRequest: undefined }));
    const { recordCaseAction } = activities();
    const step = {
      caseId,
      action: CaseAction.CLAIM,
      actorId: 'approver2',
      actorRoles: ['approver'],
      terminalId: 'T-HONCHO-02',
    };
    const logged = async () => ({
      rows: await em().count(CaseActionLog, { caseId, action: CaseAction.CLAIM }),
      audit: await em().count(AuditLog, { caseId, function: `case:${CaseAction.CLAIM}` }),
    });
    const local = { workflowId: moveInWorkflowId(caseId), runId: randomUUID(), activityId: '7', isLocal: true };

    await runAs(local, 1, recordCaseAction, step);
    const once = await logged();
    expect(once.rows).toBe(1);
    expect(once.audit).toBeGreaterThanOrEqual(1);
    await runAs(local, 2, recordCaseAction, step); // retried after its transaction committed
    await runAs(local, 1, recordCaseAction, step); // run again by the replay after a failed workflow task
    expect(await logged()).toEqual(once);
    expect((await em().findOneOrFail(CaseActionLog, { caseId, action: CaseAction.CLAIM })).stepKey).toBe(
      `${local.workflowId}/${local.runId}/local-7`,
    );

    // an activity with the same ID in the same run (none does: the SDK numbers both from one counter) is another step
    await runAs({ ...local, isLocal: false }, 1, recordCaseAction, step);
    expect(await logged()).toEqual({ rows: 2, audit: 2 * once.audit });
    // and another local activity of the run is another step
    await runAs({ ...local, activityId: '8' }, 1, recordCaseAction, step);
    expect(await logged()).toEqual({ rows: 3, audit: 3 * once.audit });
  });

  it('reissueCertificate: a retry returns the same copy and 発行番号, another execution issues a new copy', async () => {
    // proves: a 再交付 takes its certificate ID from the activity execution, so a retry writes no second copy
    const { caseId, handle } = await moveIn();
    await handle.executeUpdate(approveUpdate, { args: [{ actor: APPROVER }] });
    expect((await handle.result()).status).toBe(CaseStatus.COMPLETED);
    const copies = () => em().count(CertificateIssuance, { caseId });
    const issuedLogs = () => em().count(CaseActionLog, { caseId, action: CaseAction.CERTIFICATE_ISSUED });
    const first = await em().findOneOrFail(CertificateIssuance, { caseId, certificateType: 'residentRecordCopy' });
    expect(await copies()).toBe(1);
    const logsBefore = await issuedLogs();

    const { reissueCertificate } = activities();
    const args = { certificateId: first.certificateId, operatorId: 'clerk1', terminalId: 'T-HONCHO-01' };
    const execution = {
      workflowId: certificateReissueWorkflowId(first.certificateId, randomUUID()),
      runId: randomUUID(),
      activityId: '1',
    };
    const a = await runAs(execution, 1, reissueCertificate, args);
    const retried = await runAs(execution, 2, reissueCertificate, args);
    expect(retried).toEqual(a);
    expect(a.certificateId).not.toBe(first.certificateId);
    expect(a.issueNumber).not.toBe(first.issueNumber);
    expect(await copies()).toBe(2);
    expect(await issuedLogs()).toBe(logsBefore + 1);
    const copy = await em().findOneOrFail(CertificateIssuance, { certificateId: a.certificateId });
    expect(copy).toMatchObject({ issueNumber: a.issueNumber, printedItems: { reissue: true } });

    const b = await runAs({ ...execution, activityId: '2' }, 1, reissueCertificate, args);
    expect(b.certificateId).not.toBe(a.certificateId);
    expect(b.issueNumber).not.toBe(a.issueNumber);
    expect(await copies()).toBe(3);
    expect(await issuedLogs()).toBe(logsBefore + 2);
  });
});

describe('inbound CS messages reach workflows by signal', () => {
  it('a 転入通知 delivered twice signals the 転出 workflow twice and is recorded once', async () => {
    // proves: the repeat delivery re-signals (duplicate: true) and the workflow's patched dedupe handles it once
    await loadDemoTown(h.orm, h.pii, { households: 8 });
    let skip = 0;
    let movers = await householdMovers(h.orm, skip);
    while (movers.length < 2) movers = await householdMovers(h.orm, ++skip); // the others keep the case waiting
    const P = addDays(today(), 10);
    const { caseId } = await intakeMoveOut(
      h.api,
      actor,
      specialMoveOut(movers, P, { address: '神奈川県相模原市中央区中央一丁目1番1号', municipalityCode: TOWN_B }),
      randomUUID(),
    );
    const workflowId = moveOutWorkflowId(caseId);
    await h.env.client.workflow.getHandle(workflowId).executeUpdate(approveUpdate, { args: [{ actor: APPROVER }] });
    await statusIs(caseId, MoveOutStatus.AWAITING_MOVE_OUT_DATE);
    await h.idle();

    const person = await em().findOneOrFail(Resident, { addresseeNumber: movers[0]!.addresseeNumber });
    const movedIn = addDays(today(), 1);
    const body = moveInNoticeFrom(
      h.config.municipalityCode,
      { ...person, residentRecordCode: person.residentRecordCode! },
      movedIn,
    );
    const first = await inbound.moveInNotice(body);
    expect(first).toMatchObject({ duplicate: false, status: 'ACCEPTED' });
    await eventually(async () =>
      (await em().findOneOrFail(Resident, { addresseeNumber: person.addresseeNumber })).status ===
      ResidentStatus.REMOVED
        ? true
        : undefined,
    );
    await h.idle();

    const second = await inbound.moveInNotice(structuredClone(body));
    expect(second).toEqual({ ...first, duplicate: true });
    // the workflow has taken a task after the second signal: what it did about it is in the history
    const events = await eventually(async () => {
      const ev = await historyOf(workflowId);
      const last = ev.lastIndexOf(signalsIn(ev, 'moveInNotice')[1]!);
      return last >= 0 && ev.slice(last).some((e) => e.workflowTaskCompletedEventAttributes) ? ev : undefined;
    });
    await h.idle();

    expect(signalsIn(events, 'moveInNotice').map(signalArg)).toEqual([
      { inboundId: first.inboundId },
      { inboundId: first.inboundId },
    ]);
    expect(patchIds(events)).toContain(DEDUPE_INBOUND_SIGNALS);
    expect(scheduled(await historyOf(workflowId), 'recordMoveInNotice')).toBe(1);
    const recorded = (await em().find(CaseActionLog, { caseId, action: CaseAction.MOVE_IN_NOTICE_RECORDED })).filter(
      (a) => a.detail?.addresseeNumber === person.addresseeNumber,
    );
    expect(recorded).toHaveLength(1);
    expect(await em().count(ResidentHistory, { addresseeNumber: person.addresseeNumber, notes: '転入通知' })).toBe(1);
    expect(await em().findOneOrFail(Resident, { addresseeNumber: person.addresseeNumber })).toMatchObject({
      confirmedMoveOutDate: movedIn,
      removalDate: movedIn,
      plannedMoveOutDate: P,
    });
    expect((await caseRow(caseId)).status).toBe(MoveOutStatus.AWAITING_MOVE_OUT_DATE);
  });

  it('a withdrawal of a certificate reserved by a 特例転入 ends that case on the paper path through its own workflow', async () => {
    // proves: the inbound endpoint signals certificateWithdrawn; the workflow ends the case (the status helper writes
    // the row) and its release purges the certificate (issue 10 item 3)
    const { cert, caseId } = await reservedByASpecialMoveIn();
    const held = await eventually(async () => {
      const row = await em().findOneOrFail(HeldMoveOutCertificate, { messageId: cert.idempotencyKey });
      return row.state === 'IN_USE' ? row : undefined;
    });
    expect(held.usedByCaseId).toBe(caseId);
    await h.idle();
    const before = await caseRow(caseId);
    expect(before.needsAttention).toBe(false);

    const answer = await inbound.certificateWithdrawal(withdrawalOf(cert)); // from B, to us
    expect(answer).toMatchObject({ duplicate: false, status: 'ACCEPTED' });
    await statusIs(caseId, SpecialMoveInStatus.CERTIFICATE_WITHDRAWN);
    const after = await caseRow(caseId);
    expect(after.revision).toBeGreaterThan(before.revision);
    const withdrawn = signalsIn(await historyOf(specialMoveInWorkflowId(caseId)), 'certificateWithdrawn');
    expect(withdrawn.map(signalArg)).toEqual([{ heldId: held.heldId }]);
    const heldAfter = await eventually(async () => {
      const row = await em().findOneOrFail(HeldMoveOutCertificate, { heldId: held.heldId });
      return row.state === 'PURGED' ? row : undefined;
    });
    expect(heldAfter.payloadEnc ?? null).toBeNull();
    expect(heldAfter.withdrawnAt).toBeInstanceOf(Date);
  });

  it('the commit re-checks the withdrawal: a withdrawal whose signal never arrived still commits nothing', async () => {
    // proves: commitSpecialMoveIn refuses a withdrawn certificate in its transaction (CertificateWithdrawn) and the
    // workflow ends the case on the paper path: no resident, no 転入通知, no 本人確認情報 (issue 10 item 3)
    const { cert, caseId } = await reservedByASpecialMoveIn();
    const held = await em().findOneOrFail(HeldMoveOutCertificate, { messageId: cert.idempotencyKey });
    expect(held.state).toBe('IN_USE');
    // the withdrawal is stored, but its signal is lost (no call of the inbound's signal step)
    const e = em();
    const row = await e.findOneOrFail(HeldMoveOutCertificate, { heldId: held.heldId });
    row.withdrawnAt = new Date();
    await e.flush();

    await h.env.client.workflow
      .getHandle(specialMoveInWorkflowId(caseId))
      .executeUpdate(approveUpdate, { args: [{ actor: APPROVER }] });
    await statusIs(caseId, SpecialMoveInStatus.CERTIFICATE_WITHDRAWN);
    expect(await em().count(Resident, { residentRecordCode: cert.certificate.residentRecordCode })).toBe(0);
    expect(await em().count(OutboxMessage, { caseId })).toBe(0);
    const purged = await eventually(async () => {
      const r = await em().findOneOrFail(HeldMoveOutCertificate, { heldId: held.heldId });
      return r.state === 'PURGED' ? r : undefined;
    });
    expect(purged.payloadEnc ?? null).toBeNull();
  });
});

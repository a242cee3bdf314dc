import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkflowNotFoundError } from '@temporalio/client';
import { keyBytes } from '../../src/config';
import { CaseStatus } from '../../src/domain/case-status';
import { signPortalRequest } from '../../src/domain/portal-request-auth';
import {
  CaseApplication,
  CaseRecord,
  PortalRejection,
  PortalSignedApplication,
  Resident,
  WorkflowStartRequest,
} from '../../src/db/entities';
import { loadDemoTown } from '../../src/db/seed/load-demo';
import { buildEnvelope, PortalScenario } from '../../src/partners/portal-simulator-scenarios';
import { getTestCa } from '../../src/partners/sim/test-pki';
import type {
  OnlineMoveOutContent,
  OnlineMoveOutEnvelope,
  StoredOnlineMoveOutApplication,
} from '../../src/procedures/online-move-out/schema';
import { onlineMoveOutWorkflowId } from '../../src/procedures/online-move-out/workflow';
import { piiOf } from '../support/harness';
import { demoHousehold, onlineContent } from '../support/online-fixtures';
import { caseStatus, eventually, freshMariaDbUrl, startTestSystem, type TestSystem } from '../support/system-harness';

/** POSTs an envelope to the system's portal intake as the portal does: a body signed with the portal's request key. */
const postEnvelope = async (sys: TestSystem, envelope: OnlineMoveOutEnvelope) => {
  const body = JSON.stringify(envelope);
  const path = '/portal/v1/move-out-applications';
  const res = await fetch(`${sys.apiUrl}${path}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...signPortalRequest({
        method: 'POST',
        path,
        body,
        key: keyBytes(sys.config.portalKey),
        keyId: sys.config.portalKeyId,
      }),
    },
    body,
  });
  return { status: res.status, body: (await res.json()) as any };
};

/**
 * Issue 13 item 9, attack suite against the signed online intake (マイナポータル simulator over HTTP, real signatures):
 * a person of another 世帯 at the same address slipped into the movers, and a signed application replayed under a new
 * application ID after its cancellation.
 */
describe('online intake: household and replay of a signed application', () => {
  let A: TestSystem;
  let clerk: string;
  const submit = async (content: OnlineMoveOutContent) => {
    const r = await A.portalAdmin('POST', 'applications', {
      municipalityCode: A.config.municipalityCode,
      scenario: 'valid',
      content,
    });
    expect(r.status).toBe(200);
    return r.json as { applicationId: string; sent: { status: number; body: any } };
  };

  beforeAll(async () => {
    A = await startTestSystem(`sqlite:${join(mkdtempSync(join(tmpdir(), 'juki-online-')), 'registry.sqlite')}`, {
      portalSimulator: true,
    });
    await loadDemoTown(A.orm, piiOf(A.config), { households: 6 });
    clerk = await A.login('clerk1');
  });
  afterAll(async () => A?.close());

  it('a mover of another 世帯 at the same address is refused (MOVER_NOT_IN_HOUSEHOLD); nothing but the rejection is stored', async () => {
    const [head] = await demoHousehold(A.orm, 0);
    const [stranger] = await demoHousehold(A.orm, 1);
    // the stranger lives at the head's address (another 世帯 in the same building)
    const em = A.orm.em.fork();
    const row = await em.findOneOrFail(Resident, { addresseeNumber: stranger!.addresseeNumber });
    Object.assign(row, { address: head!.address, addressSupplement: head!.addressSupplement });
    await em.flush();
    const cases = await A.orm.em.fork().count(CaseRecord, { procedure: 'ONLINE_MOVE_OUT' });
    const sent = await submit(onlineContent([head!, row]));
    expect(sent.sent.status).toBe(422);
    expect(sent.sent.body.reasons.map((r: { rule: string }) => r.rule)).toContain('MOVER_NOT_IN_HOUSEHOLD');
    expect(await A.orm.em.fork().count(CaseRecord, { procedure: 'ONLINE_MOVE_OUT' })).toBe(cases);
    expect(await A.orm.em.fork().count(PortalRejection, { applicationId: sent.applicationId })).toBe(1);
    // the head's own household alone is accepted
    const own = await submit(onlineContent(await demoHousehold(A.orm, 0)));
    expect(own.sent.status).toBe(201);
  });

  it('the same signed application under a new application ID after its cancellation is refused (SIGNATURE_REPLAYED)', async () => {
    const members = await demoHousehold(A.orm, 2);
    const sent = await submit(onlineContent(members));
    expect(sent.sent.status).toBe(201);
    const caseId = String(sent.sent.body.caseId);
    await caseStatus(A, clerk, caseId, CaseStatus.AWAITING_REVIEW);
    const cancel = await A.portalAdmin('POST', `applications/${sent.applicationId}/cancel`);
    expect(cancel.status).toBe(200);
    await caseStatus(A, clerk, caseId, CaseStatus.CANCELLED);

    // the attacker holds the signed envelope (content, signature, certificate) and a valid request signature
    const stored = (await A.orm.em.fork().findOneOrFail(CaseApplication, { caseId }))
      .payload as unknown as StoredOnlineMoveOutApplication;
    const applicationId = `REPLAY-${randomUUID().slice(0, 12)}`;
    const res = await postEnvelope(A, { ...stored.online.envelope, applicationId });
    const answer = res.body as { error: string; reasons: Array<{ rule: string }> };
    expect(res.status, JSON.stringify(answer)).toBe(422);
    expect(answer.reasons.map((r) => r.rule)).toEqual(['SIGNATURE_REPLAYED']);
    expect(await A.orm.em.fork().count(CaseApplication, { idempotencyKey: `portal:${applicationId}` })).toBe(0);
    await eventually(async () =>
      (await A.orm.em.fork().count(PortalRejection, { applicationId })) === 1 ? true : undefined,
    );
  });
});

const sqliteUrl = () => `sqlite:${join(mkdtempSync(join(tmpdir(), 'juki-online-')), 'registry.sqlite')}`;

/**
 * The same signed application sent under two application IDs at the same moment: both pass the digest lookup before
 * either commits, so the loser meets the unique key on the digest inside its transaction. It must get the answer of a
 * replay sent afterwards (422 SIGNATURE_REPLAYED, one rejection record), and nothing of it may stay behind. MariaDB
 * runs the two transactions side by side (the loser waits on the winner's digest row); SQLite serialises them.
 */
describe.each([
  ['MariaDB', freshMariaDbUrl],
  ['SQLite', sqliteUrl],
])('online intake on %s: one signed application under two application IDs at once', (_name, dbUrl) => {
  let S: TestSystem;
  beforeAll(async () => {
    S = await startTestSystem(dbUrl(), { portalSimulator: true });
    await loadDemoTown(S.orm, piiOf(S.config), { households: 3 });
  });
  afterAll(async () => S?.close());

  it('one is accepted (201), the other refused exactly like a later replay (422 SIGNATURE_REPLAYED); nothing half-written', async () => {
    const members = await demoHousehold(S.orm, 0);
    // the portal simulator in this process signs with the process-wide test PKI, which the intake trusts
    const signed = await buildEnvelope(PortalScenario.VALID, 'CONCURRENT-0', onlineContent(members), {
      ca: await getTestCa(),
      now: new Date(),
      revokedSerial: () => {
        throw new Error('not used by the valid scenario');
      },
    });
    const ids = [0, 1].map((i) => `CONCURRENT-${i}-${randomUUID().slice(0, 8)}`);
    const answers = await Promise.all(ids.map((applicationId) => postEnvelope(S, { ...signed, applicationId })));
    expect(answers.map((a) => a.status).sort(), JSON.stringify(answers)).toEqual([201, 422]);
    const winner = ids[answers.findIndex((a) => a.status === 201)]!;
    const loser = ids[answers.findIndex((a) => a.status === 422)]!;

    // the same envelope under a third ID afterwards: the sequential replay, whose answer the loser must have had
    const later = `CONCURRENT-2-${randomUUID().slice(0, 8)}`;
    const sequential = await postEnvelope(S, { ...signed, applicationId: later });
    expect(sequential.status).toBe(422);
    expect(sequential.body.reasons.map((r: { rule: string }) => r.rule)).toEqual(['SIGNATURE_REPLAYED']);
    expect(answers.find((a) => a.status === 422)!.body).toEqual(sequential.body);

    const em = S.orm.em.fork();
    expect(await em.count(CaseRecord, { procedure: 'ONLINE_MOVE_OUT' })).toBe(1);
    expect(await em.count(CaseApplication, { idempotencyKey: `portal:${winner}` })).toBe(1);
    expect(
      await em.count(CaseApplication, { idempotencyKey: { $in: [loser, later].map((id) => `portal:${id}`) } }),
    ).toBe(0);
    expect(await em.find(PortalSignedApplication, {})).toEqual([expect.objectContaining({ applicationId: winner })]);
    expect(await em.count(WorkflowStartRequest, {})).toBe(1);
    for (const id of [loser, later]) {
      expect(await em.find(PortalRejection, { applicationId: id })).toEqual([
        expect.objectContaining({
          stage: 'signature',
          reasons: [expect.objectContaining({ rule: 'SIGNATURE_REPLAYED' })],
          signerSerial: expect.any(String),
        }),
      ]);
      await expect(S.temporal.workflow.getHandle(onlineMoveOutWorkflowId(id)).describe()).rejects.toBeInstanceOf(
        WorkflowNotFoundError,
      );
    }
    expect(await em.count(PortalRejection, { applicationId: winner })).toBe(0);
    expect((await S.temporal.workflow.getHandle(onlineMoveOutWorkflowId(winner)).describe()).status.name).toBe(
      'RUNNING',
    );
  });
});

import { randomUUID } from 'node:crypto';
import { Client, Connection, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { inject, afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keyBytes } from '../../src/config';
import { AuditLog, CaseActionLog, ResidentHistory } from '../../src/db/entities';
import { CaseStatus } from '../../src/domain/case-status';
import { Role } from '../../src/domain/roles';
import { moveInWorkflowId } from '../../src/procedures/move-in/workflow';
import { AesGcmPayloadCodec } from '../../src/temporal/payload-codec';
import { approveUpdate } from '../../src/workflows/approval';
import { caseStateQuery } from '../../src/workflows/case-workflow';
import { moveInApplication } from '../support/fixtures';
import { caseStatus, freshMariaDbUrl, startTestSystem, type TestSystem } from '../support/system-harness';

/**
 * Issue 13 item 1: anyone who reaches the Temporal frontend tried to approve a waiting case with an update whose
 * `actor` claims the approver role. Without our payload codec, or with it but without the API's actor signature, the
 * worker refuses: no decision, no audit row, no registry row, the case still waits for 決裁.
 */
describe('forged 決裁 through the Temporal client', () => {
  let sys: TestSystem;
  let clerk: string;
  let caseId: string;
  let connection: Connection;
  let actionsBefore: number;

  beforeAll(async () => {
    sys = await startTestSystem(freshMariaDbUrl());
    clerk = await sys.login('clerk1');
    const r = await sys.api('POST', '/api/cases/move-in', {
      token: clerk,
      body: moveInApplication(),
      headers: { 'idempotency-key': randomUUID() },
    });
    expect(r.status).toBe(201);
    caseId = r.json.caseId;
    await caseStatus(sys, clerk, caseId, CaseStatus.AWAITING_APPROVAL);
    actionsBefore = await sys.orm.em.fork().count(CaseActionLog, { caseId }); // the intake
    connection = await Connection.connect({ address: inject('temporalAddress') });
  });
  afterAll(async () => {
    await connection?.close();
    await sys?.close();
  });

  const forged = { actor: { userId: 'mallory', roles: [Role.APPROVER, Role.SUPERVISOR], terminalId: 'T-HONCHO-01' } };
  const attempt = async (client: Client, args: unknown) => {
    const handle = client.workflow.getHandle(moveInWorkflowId(caseId));
    try {
      await handle.executeUpdate(approveUpdate, {
        args: [args as typeof forged & object],
        updateId: `forged-${randomUUID()}`,
        signal: AbortSignal.timeout(15_000),
      } as never);
      return 'accepted';
    } catch (e) {
      return e;
    }
  };
  const unchanged = async () => {
    const em = sys.orm.em.fork();
    expect(await em.count(AuditLog, { caseId, actorId: 'mallory' })).toBe(0);
    expect(await em.count(CaseActionLog, { caseId })).toBe(actionsBefore);
    expect(await em.count(ResidentHistory, { caseId })).toBe(0);
    const state = await sys.temporal.workflow.getHandle(moveInWorkflowId(caseId)).query(caseStateQuery);
    expect(state.decision).toBeUndefined();
    expect(state.status).toBe(CaseStatus.AWAITING_APPROVAL);
    expect((await sys.api('GET', `/api/cases/${caseId}`, { token: clerk })).json.status).toBe(
      CaseStatus.AWAITING_APPROVAL,
    );
  };

  it('a client without our payload codec is refused', async () => {
    const bare = new Client({ connection, namespace: sys.config.temporalNamespace });
    const result = await attempt(bare, forged);
    // the worker answered at once with a refusal (not a failed workflow task that would block the case), and the
    // stranger cannot even read it: the failure is encrypted
    expect(String(result)).toMatch(/Unknown encoding: binary\/encrypted/);
    await unchanged();
  });

  it('a client with the codec but an unsigned or forged actor is refused by the worker', async () => {
    const withCodec = new Client({
      connection,
      namespace: sys.config.temporalNamespace,
      dataConverter: { payloadCodecs: [new AesGcmPayloadCodec(keyBytes(sys.config.keys.payloadCodec))] },
    });
    for (const args of [
      forged,
      { actor: { ...forged.actor, verified: true } },
      {
        actor: {
          ...forged.actor,
          proof: { issuedAt: new Date().toISOString(), update: 'approve', workflowId: moveInWorkflowId(caseId) },
          signature: Buffer.alloc(32, 7).toString('base64'),
        },
      },
    ]) {
      const result = await attempt(withCodec, args);
      expect(result).toBeInstanceOf(WorkflowUpdateFailedError);
      const cause = (result as WorkflowUpdateFailedError).cause;
      expect(cause).toBeInstanceOf(ApplicationFailure);
      expect((cause as ApplicationFailure).type).toBe('ACTOR_NOT_AUTHENTICATED');
    }
    await unchanged();
  });

  it('a workflow started by a client without the codec fails at once with PAYLOAD_REFUSED', async () => {
    const bare = new Client({ connection, namespace: sys.config.temporalNamespace });
    const workflowId = moveInWorkflowId(`MI-FORGED-${randomUUID().slice(0, 8)}`);
    await bare.workflow.start('moveInWorkflow', {
      taskQueue: sys.config.taskQueue,
      workflowId,
      args: [{ caseId: workflowId, enteredBy: 'mallory' }],
    });
    const failure = await sys.temporal.workflow
      .getHandle(workflowId)
      .result()
      .catch((e: unknown) => e);
    expect(String((failure as { cause?: unknown }).cause)).toMatch(/workflow input refused/);
    expect(((failure as { cause?: ApplicationFailure }).cause as ApplicationFailure).type).toBe('PAYLOAD_REFUSED');
    await unchanged();
  });

  it('the API, which signs the actor it authenticated, still approves the case', async () => {
    const approver = await sys.login('approver1');
    const ok = await sys.api('POST', `/api/cases/${caseId}/approve`, { token: approver });
    expect(ok.status).toBe(200);
    await caseStatus(sys, clerk, caseId, CaseStatus.COMPLETED);
  });
});

import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { createTimeSkippingEnv } from '../support/time-skipping';
import { AssignedToKey, CaseStatusKey, NeedsAttentionKey, ProcedureKey } from '../../src/workflows/search-attributes';
import type { sleepThenTag } from './fixtures/sleep-workflow';

const DAY_MS = 24 * 60 * 60 * 1000;
// The first run on a fresh machine resolves the test server from Maven (~30 s) inside beforeAll.
const SETUP_TIMEOUT_MS = 300_000;

describe('time-skipping test environment', { timeout: 120_000 }, () => {
  let env: TestWorkflowEnvironment;

  beforeAll(async () => {
    env = await createTimeSkippingEnv();
  }, SETUP_TIMEOUT_MS);

  afterAll(async () => {
    await env?.teardown();
  });

  it('skips 30 days of workflow time in seconds and records the case search attributes', async () => {
    const taskQueue = `time-skipping-${Date.now()}`;
    const worker = await Worker.create({
      connection: env.nativeConnection,
      namespace: env.namespace ?? 'default',
      taskQueue,
      workflowsPath: path.join(__dirname, 'fixtures', 'sleep-workflow.ts'),
    });

    const workflowId = `sleep-${Date.now()}`;
    const serverTimeBefore = await env.currentTimeMs();
    const realStart = Date.now();
    const result = await worker.runUntil(
      env.client.workflow.execute<typeof sleepThenTag>('sleepThenTag', {
        args: [30],
        taskQueue,
        workflowId,
      }),
    );
    const realElapsedMs = Date.now() - realStart;

    // Workflow clock moved 30 days, the wall clock only seconds.
    expect(result.wokeAtMs - result.startedAtMs).toBeGreaterThanOrEqual(30 * DAY_MS);
    expect(result.wokeAtMs - result.startedAtMs).toBeLessThan(31 * DAY_MS);
    expect(realElapsedMs).toBeLessThan(10_000);
    expect((await env.currentTimeMs()) - serverTimeBefore).toBeGreaterThanOrEqual(30 * DAY_MS);

    // The workflow sees its own upsert...
    expect(result.caseStatus).toBe('completed');
    expect(result.needsAttention).toBe(true);

    // ...and so does the server (the Java test server has no visibility list/count API: use describe()).
    const description = await env.client.workflow.getHandle(workflowId).describe();
    const sa = description.typedSearchAttributes;
    expect(sa.get(CaseStatusKey)).toBe('completed');
    expect(sa.get(ProcedureKey)).toBe('move-in');
    expect(sa.get(NeedsAttentionKey)).toBe(true);
    expect(sa.get(AssignedToKey)).toBe('clerk-01');
  });
});

import { readFileSync } from 'node:fs';
import path from 'node:path';
import v8 from 'node:v8';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';
import { preloadedWorkflowModules, WORKFLOW_BUNDLE_OPTIONS, workflowsPath } from '../../src/worker/create-worker';

/**
 * Issue 15 (the workflow thread's CPU): the SDK's promise hook captures a stack trace, with source-map look-ups, for
 * every promise created in workflow context, so the number of promises a 転入 makes is a cost of its own. A completed
 * 転入 replayed from its recorded history (the bench's shape: 3 activities, 4 projections, 42 events) makes 114 of
 * them — 130 before the status tracker stopped wrapping its local activity in two async layers; the no-op ceiling
 * workflow of the same Temporal shape makes 69 (`npm run bench -- workflow-thread`). Counted, not timed.
 */
const HISTORY = path.join(__dirname, 'histories', '2026-12-07-commit-step', 'move-in.completed-cs-retried.json');

describe('promises a 転入 creates in workflow context', () => {
  it('a completed 転入 replays with at most 114 promises made by workflow code', async () => {
    const history = historyFromJSON(JSON.parse(readFileSync(HISTORY, 'utf8')));
    let count = 0;
    // a promise made in the sandbox is an instance of its Promise, not of this realm's
    const stop = v8.promiseHooks.onInit((p: Promise<unknown>) => {
      if (!(p instanceof Promise)) count++;
    });
    const errors: string[] = [];
    try {
      for await (const r of Worker.runReplayHistories(
        {
          workflowsPath: workflowsPath(),
          bundlerOptions: { preloadModules: preloadedWorkflowModules() },
          replayName: 'promise-count',
          interceptors: { workflowModules: WORKFLOW_BUNDLE_OPTIONS.workflowInterceptorModules },
          dataConverter: { failureConverterPath: WORKFLOW_BUNDLE_OPTIONS.failureConverterPath },
        },
        [{ workflowId: 'move-in/MI-20261207-b8f13070', history }],
      ))
        if (r.error) errors.push(r.error.message);
    } finally {
      stop();
    }
    expect(errors).toEqual([]);
    expect(count).toBeGreaterThan(0);
    expect(count).toBeLessThanOrEqual(114);
  });
});

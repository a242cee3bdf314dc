import type { Client } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import { DEFAULT_TIMINGS } from '../../src/domain/retry-policies';
import { ensureHeldCertificateSweepInBackground } from '../../src/procedures/held-certificate/sweep-start';

/** A client whose `workflow.start` fails `failures` times (Temporal unreachable), then succeeds. */
function fakeClient(failures: number) {
  const calls: Array<{ workflowId: string; workflowIdConflictPolicy: string; taskQueue: string }> = [];
  const client = {
    workflow: {
      start: async (_wf: unknown, opts: (typeof calls)[number]) => {
        calls.push(opts);
        if (calls.length <= failures) {
          const e = new Error('14 UNAVAILABLE: connection refused to 127.0.0.1');
          e.name = 'ServiceError';
          throw e;
        }
        return {};
      },
    },
  } as unknown as Client;
  return { client, calls };
}

describe('the held-certificate sweep ensured at start', () => {
  const config = { taskQueue: 'tq-unit', timings: DEFAULT_TIMINGS };

  it('keeps an existing run (fixed ID, USE_EXISTING) and does not wait for Temporal: retried in the background', async () => {
    const { client, calls } = fakeClient(2);
    const lines: string[] = [];
    const sweep = ensureHeldCertificateSweepInBackground(client, config, { retryMs: 10, log: (l) => lines.push(l) });
    await sweep.ensured;
    sweep.stop();
    expect(calls).toHaveLength(3);
    for (const c of calls)
      expect(c).toMatchObject({
        workflowId: 'held-move-out-certificate-sweep/tq-unit',
        taskQueue: 'tq-unit',
        workflowIdConflictPolicy: 'USE_EXISTING',
      });
    // the error's name only: no address, no message text
    expect(lines).toEqual([
      'held-certificate sweep not ensured: ServiceError (retried in 10 ms)',
      'held-certificate sweep not ensured: ServiceError (retried in 10 ms)',
    ]);
  });

  it('stops retrying when stopped', async () => {
    const { client, calls } = fakeClient(1_000);
    const sweep = ensureHeldCertificateSweepInBackground(client, config, { retryMs: 5, log: () => undefined });
    await new Promise((r) => setTimeout(r, 30));
    sweep.stop();
    const n = calls.length;
    await new Promise((r) => setTimeout(r, 30));
    expect(calls.length).toBe(n);
  });
});

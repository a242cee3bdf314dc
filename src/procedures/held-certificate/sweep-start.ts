import type { Client } from '@temporalio/client';
import type { AppConfig } from '../../config';
import { heldCertificateSweepId, heldCertificateSweepWorkflow } from './workflow';

type SweepConfig = Pick<AppConfig, 'taskQueue' | 'timings'>;

/**
 * Starts the held-certificate sweep of this task queue unless it runs (one per task queue, issue 15): a fixed
 * workflow ID, and an existing run is kept (`USE_EXISTING`), so any number of APIs and workers may call it at once.
 */
export async function ensureHeldCertificateSweep(temporal: Client, config: SweepConfig): Promise<void> {
  await temporal.workflow.start(heldCertificateSweepWorkflow, {
    workflowId: heldCertificateSweepId(config.taskQueue),
    taskQueue: config.taskQueue,
    workflowIdConflictPolicy: 'USE_EXISTING',
    args: [{ timings: config.timings }],
  });
}

/**
 * At an API's or worker's start: ensures the sweep in the background, so that a sweep that was terminated (or never
 * started) runs again without waiting for the next 転出証明書情報, and a Temporal that is briefly unreachable does not
 * fail the start — retried every `retryMs` until it succeeds. Logs only the error's name (no personal data: the
 * sweep's input holds none either). Returns a stop function and the first success.
 */
export function ensureHeldCertificateSweepInBackground(
  temporal: Client,
  config: SweepConfig,
  opts: { retryMs: number; log: (line: string) => void },
): { stop: () => void; ensured: Promise<void> } {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let done!: () => void;
  const ensured = new Promise<void>((resolve) => (done = resolve));
  const attempt = async () => {
    if (stopped) return;
    try {
      await ensureHeldCertificateSweep(temporal, config);
      done();
    } catch (e) {
      if (stopped) return;
      opts.log(
        `held-certificate sweep not ensured: ${e instanceof Error ? e.name : 'error'} (retried in ${opts.retryMs} ms)`,
      );
      timer = setTimeout(() => void attempt(), opts.retryMs);
      timer.unref();
    }
  };
  void attempt();
  return {
    stop: () => {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
    ensured,
  };
}

import type { MikroORM } from '@mikro-orm/core';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { createCertificateRenderer } from '../../src/activities/certificate-renderer';
import type { AppConfig } from '../../src/config';
import type { PiiCrypto } from '../../src/db/pii-crypto';
import { failureRecorder } from '../../src/worker/failure-recorder';
import { createActivities, workflowsPath } from '../../src/worker/create-worker';
import { openTestDb, piiOf, testConfig } from './harness';
import { HistoryRecorder, recordingDir } from './history-recorder';
import { registryPersonalData } from './personal-data-scan';
import { ScriptedCards } from './scripted-cards';
import { ScriptedCs } from './scripted-cs';
import { ScriptedPortal } from './scripted-portal';
import { createTimeSkippingEnv } from './time-skipping';

export interface WorkflowHarness {
  env: TestWorkflowEnvironment;
  orm: MikroORM;
  config: AppConfig;
  pii: PiiCrypto;
  cs: ScriptedCs;
  cards: ScriptedCards;
  portal: ScriptedPortal;
  /** Deps for the API-side services (intake, CS inbound) on the test env's client (its result() skips time). */
  api: { orm: MikroORM; pii: PiiCrypto; temporal: TestWorkflowEnvironment['client']; config: AppConfig };
  close(): Promise<void>;
}

/**
 * The workflow layer: time-skipping server, real activities on SQLite, real PDFs, in-process partner doubles.
 * With RECORD_HISTORIES set, `close()` saves the history of every workflow the test started once the worker has
 * stopped (test/support/history-recorder.ts; the test server cannot list executions, so the client tracks them).
 */
export async function startWorkflowHarness(overrides: Partial<AppConfig> = {}): Promise<WorkflowHarness> {
  const recorder = recordingDir() ? new HistoryRecorder('workflow') : undefined;
  const env = await createTimeSkippingEnv(
    recorder ? { client: { interceptors: { workflow: [recorder.clientInterceptor] } } } : {},
  );
  const config = testConfig(overrides);
  const orm = await openTestDb();
  const pii = piiOf(config);
  const cs = new ScriptedCs();
  const cards = new ScriptedCards();
  const portal = new ScriptedPortal();
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue: config.taskQueue,
    workflowsPath: workflowsPath(),
    activities: createActivities({ orm, pii, cs, cards, portal, certificates: createCertificateRenderer(), config }),
    interceptors: { activity: [failureRecorder(orm)] },
  });
  const running = worker.run();
  return {
    env,
    orm,
    config,
    pii,
    cs,
    cards,
    portal,
    api: { orm, pii, temporal: env.client, config },
    async close() {
      worker.shutdown();
      await running;
      try {
        await recorder?.save({ client: env.client, personalData: await registryPersonalData(orm, pii) });
      } finally {
        await orm.close(true);
        await env.teardown();
      }
    },
  };
}

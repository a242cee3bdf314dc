import type { MikroORM } from '@mikro-orm/core';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker, type ActivityInterceptorsFactory } from '@temporalio/worker';
import { inject } from 'vitest';
import { createCertificateRenderer } from '../../src/activities/certificate-renderer';
import type { AppConfig } from '../../src/config';
import type { PiiCrypto } from '../../src/db/pii-crypto';
import { failureRecorder } from '../../src/worker/failure-recorder';
import {
  createActivities,
  preloadedWorkflowModules,
  WORKFLOW_BUNDLE_OPTIONS,
  workflowsPath,
} from '../../src/worker/create-worker';
import { clientInterceptorsFor, dataConverterFor, workerDataConverterFor } from '../../src/temporal/client';
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
  /**
   * Resolves once no activity has run for `quietMs`. env.sleep skips time even while activities run (their timeouts
   * would fire), so a test lets the worker go idle first.
   */
  idle(quietMs?: number): Promise<void>;
  /**
   * Another worker of the same code on `taskQueue`: a case started there waits for it, so a test can deliver an update
   * in the same workflow task as the start (as when the workers are behind).
   */
  startWorkerOn(taskQueue: string): Promise<{ stop(): Promise<void> }>;
  /**
   * Stops the worker (as a deploy does: in-flight tasks finish) and starts another on the same task queue and
   * activities with the given workflow bundle (default: the run's bundle of the current code) — an upgrade.
   */
  replaceWorker(workflowBundle?: string): Promise<void>;
  /**
   * Stops the worker and the server. Given a failed test's context (vitest's afterEach argument), it first prints
   * where each workflow the client started stands (status, pending activities and children), so a test that timed
   * out in CI says what it waited for.
   */
  close(test?: FinishedTest): Promise<void>;
  /** The same report for a harness shared by the tests of a file (closed in afterAll). */
  diagnose(test: FinishedTest): Promise<void>;
}

type FinishedTest = { task: { result?: { state?: string } } };

/**
 * The workflow layer: time-skipping server, real activities on SQLite, real PDFs, in-process partner doubles.
 * With RECORD_HISTORIES set, `close()` saves the history of every workflow the test started once the worker has
 * stopped (test/support/history-recorder.ts; the test server cannot list executions, so the client tracks them).
 */
export async function startWorkflowHarness(
  overrides: Partial<AppConfig> = {},
  opts: {
    workflowBundle?: string;
    /**
     * Without a workflow cache (no sticky task queue). The time-skipping server never moves a task off a stopped
     * worker's sticky queue (the real server does after the sticky schedule-to-start timeout), so a worker that is
     * replaced mid-test (`replaceWorker`) runs without one.
     */
    noWorkflowCache?: boolean;
  } = {},
): Promise<WorkflowHarness> {
  const recorder = recordingDir() ? new HistoryRecorder('workflow') : undefined;
  const tracker = recorder ?? new HistoryRecorder('workflow'); // remembers the client's starts (no saving)
  const config = testConfig(overrides);
  // the API's client: payloads encrypted, failures encoded, the actor of every update signed (src/temporal/client.ts)
  const env = await createTimeSkippingEnv({
    client: {
      dataConverter: dataConverterFor(config),
      interceptors: {
        workflow: [...clientInterceptorsFor(config).workflow, tracker.clientInterceptor],
      },
    },
  });
  const pii = piiOf(config);
  const orm = await openTestDb(undefined, pii);
  const cs = new ScriptedCs();
  const cards = new ScriptedCards();
  const portal = new ScriptedPortal();
  let running = 0;
  let lastActive = Date.now();
  /** Counts running activities, so a test can wait until the worker is idle before it skips time. */
  const activityCounter: ActivityInterceptorsFactory = () => ({
    inbound: {
      async execute(input, next) {
        running++;
        try {
          return await next(input);
        } finally {
          running--;
          lastActive = Date.now();
        }
      },
    },
  });
  const activities = createActivities({
    orm,
    pii,
    cs,
    cards,
    portal,
    certificates: createCertificateRenderer(),
    config,
  });
  const createWorker = (taskQueue: string, bundle = inject('workflowBundle')) =>
    Worker.create({
      ...(opts.noWorkflowCache ? { maxCachedWorkflows: 0 } : {}),
      connection: env.nativeConnection,
      taskQueue,
      // one bundle per test run (test/support/bundle-global-setup.ts); a file run on its own bundles here
      ...(bundle
        ? { workflowBundle: { codePath: bundle } }
        : { workflowsPath: workflowsPath(), bundlerOptions: { preloadModules: preloadedWorkflowModules() } }),
      dataConverter: workerDataConverterFor(config),
      activities,
      interceptors: {
        activity: [failureRecorder(orm), activityCounter],
        workflowModules: WORKFLOW_BUNDLE_OPTIONS.workflowInterceptorModules,
      },
    });
  let worker: Worker;
  try {
    worker = await createWorker(config.taskQueue, opts.workflowBundle);
  } catch (e) {
    await orm.close(true);
    await env.teardown(); // never leave a test server behind
    throw e;
  }
  let run = worker.run();
  const diagnose = async (test: FinishedTest) => {
    if (test.task.result?.state === 'fail') await printWorkflowStates(env, tracker, running);
  };
  return {
    env,
    orm,
    config,
    pii,
    cs,
    cards,
    portal,
    api: { orm, pii, temporal: env.client, config },
    async startWorkerOn(taskQueue) {
      const late = await createWorker(taskQueue);
      const running = late.run();
      return {
        async stop() {
          late.shutdown();
          await running;
        },
      };
    },
    async idle(quietMs = 150) {
      while (running > 0 || Date.now() - lastActive < quietMs) await new Promise((r) => setTimeout(r, 25));
    },
    async replaceWorker(workflowBundle) {
      worker.shutdown();
      await run;
      worker = await createWorker(config.taskQueue, workflowBundle);
      run = worker.run();
    },
    diagnose,
    async close(test) {
      if (test) await diagnose(test);
      worker.shutdown();
      await run;
      try {
        await recorder?.save({
          client: env.client,
          codecs: dataConverterFor(config).payloadCodecs,
          personalData: await registryPersonalData(orm, pii),
        });
      } finally {
        await orm.close(true);
        await env.teardown();
      }
    },
  };
}

/** What a failed test's workflows wait for (no payloads: names, states, attempts and failure messages only). */
async function printWorkflowStates(env: TestWorkflowEnvironment, tracker: HistoryRecorder, running: number) {
  const lines = [`[workflow-harness] test failed; activities running in the worker: ${running}`];
  try {
    lines.push(`  server time ${new Date(await env.currentTimeMs()).toISOString()}, real ${new Date().toISOString()}`);
  } catch (e) {
    lines.push(`  server time unavailable: ${(e as Error).message}`);
  }
  for (const e of tracker.executions()) {
    try {
      const d = await env.client.workflow.getHandle(e.workflowId, e.runId).describe();
      const raw = d.raw.pendingActivities ?? [];
      const activities = raw.map(
        (a) =>
          `${a.activityType?.name} attempt ${a.attempt} ${a.lastFailure?.message ? `(${a.lastFailure.message})` : ''}`,
      );
      const children = (d.raw.pendingChildren ?? []).map((c) => `${c.workflowTypeName} ${c.workflowId}`);
      lines.push(
        `  ${e.workflowId} ${d.type} ${d.status.name}` +
          (activities.length ? `; activities: ${activities.join(', ')}` : '') +
          (children.length ? `; children: ${children.join(', ')}` : ''),
      );
    } catch (err) {
      lines.push(`  ${e.workflowId}: describe failed: ${(err as Error).message}`);
    }
  }
  console.error(lines.join('\n'));
}

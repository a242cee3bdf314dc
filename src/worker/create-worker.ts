import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { sharedActivities, type ActivityDeps } from '../activities';
import type { AppConfig } from '../config';
import { PROCEDURES } from '../procedures';
import type { ProcedureTable } from '../procedures/table';
import { FAILURE_CONVERTER_PATH, temporalTlsOf, workerDataConverterFor } from '../temporal/client';
import { failureRecorder } from './failure-recorder';
import { workflowEntry } from './workflow-entry';

/** The dependencies of the activities; the procedures' definitions come from the table. */
export type WorkerActivityDeps = Omit<ActivityDeps, 'procedures'>;

/** Every activity of the system: the shared frame's and each procedure's from the table. */
export function createActivities(deps: WorkerActivityDeps, table: ProcedureTable = PROCEDURES) {
  const bound: ActivityDeps = { ...deps, procedures: table.catalog };
  const shared = sharedActivities(bound);
  const own = table.activities(bound);
  for (const name of Object.keys(own))
    if (name in shared) throw new Error(`activity ${name} is defined by a procedure and by the shared frame`);
  return { ...shared, ...own };
}

/**
 * What every workflow bundle must contain besides the workflows (the worker's own bundling and the tests' prebuilt
 * bundle alike): the actor check before every update validator (src/workflows/actor-check.ts) and the failure
 * converter that encodes error texts (src/temporal/failure-converter.cjs).
 */
export const WORKFLOW_BUNDLE_OPTIONS = {
  workflowInterceptorModules: [join(__dirname, '..', 'workflows', 'actor-check')],
  failureConverterPath: FAILURE_CONVERTER_PATH,
};

/** The workflow code to bundle: the shared workflows and every procedure's (src/worker/workflow-entry.ts). */
export const workflowsPath = (table: ProcedureTable = PROCEDURES): string => workflowEntry(table.workflowFiles);

/**
 * The modules the SDK's reusable V8 context evaluates once when the worker starts instead of once per workflow run
 * (`preloadModules`): the workflow entry with everything it imports (the frame, the procedures' workflows, their
 * definitions and the domain helpers) and the interceptor module. Without it every 転入 re-ran the top level of
 * about 55 of our modules in the sandbox (README "Throughput", issue 15). This is safe because none of them keeps
 * state at module level or calls a workflow API there (only `define*` and `proxy*Activities`, which touch no
 * workflow); the SDK deep-freezes what they export, so a module that mutated its exports would fail the tests.
 */
export const preloadedWorkflowModules = (table: ProcedureTable = PROCEDURES): string[] => [
  workflowsPath(table),
  ...WORKFLOW_BUNDLE_OPTIONS.workflowInterceptorModules,
];

/** Everything `bundleWorkflowCode` needs for the worker's bundle of `table` (tests, `npm run build`, benchmarks). */
export const workflowBundleOptions = (table: ProcedureTable = PROCEDURES) => ({
  workflowsPath: workflowsPath(table),
  ...WORKFLOW_BUNDLE_OPTIONS,
  preloadModules: preloadedWorkflowModules(table),
});

/**
 * The workflow bundle `npm run build` prebuilt beside the compiled code (dist/workflow-bundle.js, from
 * scripts/build-workflow-bundle.ts) — only when this module itself runs compiled (`node dist/...`): under tsx the
 * worker bundles the sources it runs, so a stale dist/ never stands in for them.
 */
export function prebuiltWorkflowBundle(): string | undefined {
  if (!__filename.endsWith('.js')) return undefined;
  const file = join(__dirname, '..', '..', 'workflow-bundle.js');
  return existsSync(file) ? file : undefined;
}

export interface RegistryWorkerOptions {
  config: Pick<AppConfig, 'temporalAddress' | 'temporalNamespace' | 'taskQueue' | 'keys' | 'temporalTls'>;
  deps: WorkerActivityDeps;
  connection?: NativeConnection;
  /** The procedure table (default: src/procedures/index.ts). */
  procedures?: ProcedureTable;
  /**
   * Pre-bundled workflow code (tests and benchmarks bundle once); default: the build's dist/workflow-bundle.js when
   * running compiled, else bundle the table's workflows at start.
   */
  workflowBundle?: WorkerOptions['workflowBundle'];
}

/** The registry worker: all case workflows and activities on one task queue (stateless; run N replicas). */
export async function createRegistryWorker(opts: RegistryWorkerOptions): Promise<Worker> {
  const connection =
    opts.connection ??
    (await NativeConnection.connect({ address: opts.config.temporalAddress, ...temporalTlsOf(opts.config) }));
  const table = opts.procedures ?? PROCEDURES;
  const prebuilt = opts.procedures ? undefined : prebuiltWorkflowBundle();
  const workflowBundle = opts.workflowBundle ?? (prebuilt ? { codePath: prebuilt } : undefined);
  return Worker.create({
    connection,
    namespace: opts.config.temporalNamespace,
    taskQueue: opts.config.taskQueue,
    ...(workflowBundle
      ? { workflowBundle }
      : { workflowsPath: workflowsPath(table), bundlerOptions: { preloadModules: preloadedWorkflowModules(table) } }),
    activities: createActivities(opts.deps, table),
    interceptors: {
      activity: [failureRecorder(opts.deps.orm)],
      workflowModules: WORKFLOW_BUNDLE_OPTIONS.workflowInterceptorModules,
    },
    dataConverter: workerDataConverterFor(opts.config),
  });
}

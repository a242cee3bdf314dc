import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { createActivities, type ActivityDeps } from '../activities';
import type { AppConfig } from '../config';
import { dataConverterFor } from '../temporal/client';
import { failureRecorder } from './failure-recorder';
import { workflowsPath } from './workflows-path';

export interface RegistryWorkerOptions {
  config: Pick<AppConfig, 'temporalAddress' | 'temporalNamespace' | 'taskQueue' | 'keys'>;
  deps: ActivityDeps;
  connection?: NativeConnection;
  /** Pre-bundled workflow code (tests and benchmarks bundle once); default: bundle src/workflows at start. */
  workflowBundle?: WorkerOptions['workflowBundle'];
}

/** The registry worker: all case workflows and activities on one task queue (stateless; run N replicas). */
export async function createRegistryWorker(opts: RegistryWorkerOptions): Promise<Worker> {
  const connection = opts.connection ?? (await NativeConnection.connect({ address: opts.config.temporalAddress }));
  return Worker.create({
    connection,
    namespace: opts.config.temporalNamespace,
    taskQueue: opts.config.taskQueue,
    ...(opts.workflowBundle ? { workflowBundle: opts.workflowBundle } : { workflowsPath: workflowsPath() }),
    activities: createActivities(opts.deps),
    interceptors: { activity: [failureRecorder(opts.deps.orm)] },
    dataConverter: dataConverterFor(opts.config),
  });
}

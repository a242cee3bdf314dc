import { DefaultLogger, Runtime } from '@temporalio/worker';

// Workers log every failed activity attempt at WARN; the tests provoke hundreds of them on purpose.
// TEMPORAL_LOG_LEVEL=INFO (or WARN) shows them again when debugging.
try {
  Runtime.install({ logger: new DefaultLogger((process.env.TEMPORAL_LOG_LEVEL as 'ERROR' | undefined) ?? 'ERROR') });
} catch {
  // already installed in this worker thread
}

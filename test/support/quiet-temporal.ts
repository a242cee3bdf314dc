import { DefaultLogger, Runtime } from '@temporalio/worker';
import { rootLogger } from '../../src/observability/log';

// Workers log every failed activity attempt at WARN; the tests provoke hundreds of them on purpose.
// TEMPORAL_LOG_LEVEL=INFO (or WARN) shows them again when debugging.
try {
  Runtime.install({ logger: new DefaultLogger((process.env.TEMPORAL_LOG_LEVEL as 'ERROR' | undefined) ?? 'ERROR') });
} catch {
  // already installed in this worker thread
}

// The JSON log (src/observability/log.ts): access lines and the failed attempts the tests provoke would bury the test
// output; errors stay. TEST_LOG_LEVEL=info shows everything; the redaction test sets the level itself.
rootLogger.level = process.env.TEST_LOG_LEVEL ?? 'error';

/**
 * Child process of test/unit/temporal-runtime-logger.test.ts: installs the worker's Temporal Runtime
 * (installTemporalRuntime) at the level in argv[2], with pino itself at trace, logs one line at each level through the
 * Runtime's logger (the one Worker.create takes) and flushes; the JSON lines go to stdout.
 */
import { Runtime } from '@temporalio/worker';
import { rootLogger } from '../../src/observability/log';
import type { AppConfig } from '../../src/config';
import { installTemporalRuntime } from '../../src/worker/telemetry';

async function main() {
  rootLogger.level = 'trace';
  await installTemporalRuntime(process.argv[2] as AppConfig['logLevel']);
  const log = Runtime.instance().logger;
  for (const level of ['trace', 'debug', 'info', 'warn', 'error'] as const) log[level](`runtime line ${level}`);
  Runtime.instance().flushLogs();
  await Runtime.instance().shutdown();
}

void main();

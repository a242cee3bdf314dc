/**
 * The bench's ceiling worker as a process of its own (so its CPU is read like the registry worker's):
 * `node --import tsx test/bench/ceiling/worker-main.ts` with TEMPORAL_ADDRESS, TASK_QUEUE and the keys in env.
 * It uses the product's data converter (AES-GCM payloads), so the codec cost is the same.
 */
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { loadConfig } from '../../../src/config';
import { dataConverterFor, temporalTlsOf } from '../../../src/temporal/client';
import { ceilingActivities } from './activities';

async function main() {
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const config = loadConfig();
  const connection = await NativeConnection.connect({ address: config.temporalAddress, ...temporalTlsOf(config) });
  const worker = await Worker.create({
    connection,
    namespace: config.temporalNamespace,
    taskQueue: config.taskQueue,
    workflowsPath: require.resolve('./workflow'),
    activities: ceilingActivities,
    dataConverter: dataConverterFor(config),
  });
  console.log('ceiling worker ready');
  await worker.run();
  await connection.close();
}

main().catch((e: unknown) => {
  console.error(`ceiling worker failed: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});

/**
 * Part of `npm run build` (scripts/build.sh), run compiled as `node dist/scripts/build-workflow-bundle.js`: bundles
 * the compiled workflow code of the procedure table — the same entry and bundle options the worker uses — into
 * dist/workflow-bundle.js, which the compiled worker loads instead of bundling at start (src/worker/create-worker.ts).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { workflowBundleOptions } from '../src/worker/create-worker';

async function main() {
  const out = join(__dirname, '..', 'workflow-bundle.js');
  const { code } = await bundleWorkflowCode(workflowBundleOptions());
  writeFileSync(out, code);
  console.log(`workflow bundle: ${out} (${Math.round(code.length / 1024)} KiB)`);
}

main().catch((e: unknown) => {
  console.error(`workflow bundle failed: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});

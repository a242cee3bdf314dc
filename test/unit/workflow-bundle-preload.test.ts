import { bundleWorkflowCode, DefaultLogger } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';
import { workflowBundleOptions } from '../../src/worker/create-worker';

/**
 * Issue 15 (the workflow thread's CPU): the SDK's reusable V8 context evaluates every module of the bundle that it did
 * not preload once per workflow run. The worker's bundle preloads the workflow entry (and with it every module of the
 * frame and the procedures) and the interceptor module, so a 転入 no longer re-runs about 55 module bodies.
 */
describe('the worker bundle preloads our workflow modules', () => {
  it('the bundle built from workflowBundleOptions() loads the workflow entry and the actor check at bootstrap', async () => {
    const options = workflowBundleOptions();
    const { code } = await bundleWorkflowCode({ ...options, logger: new DefaultLogger('ERROR') });
    const start = code.indexOf('exports.preloadModules = function preloadModules() {');
    expect(start).toBeGreaterThan(0);
    const body = code.slice(start, code.indexOf('}', start));
    const required = [...body.matchAll(/__webpack_require__\([^)]*"([^"]+)"\)/g)].map((m) => m[1]);
    // the entry (node_modules/.cache/juki-workflow-entries/<hash>.js) and src/workflows/actor-check.ts
    expect(required).toEqual([
      expect.stringMatching(/juki-workflow-entries\/[0-9a-f]+\.js$/),
      './src/workflows/actor-check.ts',
    ]);
    expect(options.workflowsPath).toContain(required[0]!.replace(/^\.\//, ''));
  }, 60_000);
});

/**
 * `npm run test:durations`: renews test/durations.json (seconds per test file) from the last run's
 * test-artifacts/vitest.json, for the longest-first order of the test files (test/support/lpt-sequencer.ts).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '..');
const report = JSON.parse(readFileSync(join(root, 'test-artifacts', 'vitest.json'), 'utf8')) as {
  testResults: Array<{ name: string; startTime: number; endTime: number }>;
};
const seconds = Object.fromEntries(
  report.testResults
    .map((t) => [t.name.replace(/.*\/test\//, ''), Math.round((t.endTime - t.startTime) / 100) / 10] as const)
    .sort((a, b) => b[1] - a[1]),
);
writeFileSync(join(root, 'test', 'durations.json'), `${JSON.stringify(seconds, null, 2)}\n`);
console.log(`test/durations.json: ${Object.keys(seconds).length} files`);

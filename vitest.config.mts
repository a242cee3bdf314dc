import { defineConfig } from 'vitest/config';
import { LongestFirstSequencer } from './test/support/lpt-sequencer.js';

/**
 * Test layers (architecture: testing layers): unit (nothing external), workflow (time-skipping test server),
 * integration (real Temporal dev server, real MariaDB and SQLite, real HTTP to the simulators, real PDFs), e2e (the web UI in
 * headless Chromium against the same running system), replay (the recorded histories of test/replay/histories/ against
 * the current workflow code; nothing external).
 * `npm test` runs them all through scripts/test.sh, which provides the servers.
 * While recording histories (`npm run replay:record`, RECORD_HISTORIES set) there is one more project,
 * replay-scenarios: cases driven to a waiting step and left open, on the integration layer's servers.
 */
const REDACTION = 'test/integration/log-redaction.integration.test.ts';
const integrationServers = {
  isolate: false,
  testTimeout: 180_000,
  hookTimeout: 180_000,
  setupFiles: ['test/support/quiet-temporal.ts'],
  globalSetup: ['test/support/bundle-global-setup.ts', 'test/support/integration-global-setup.ts'],
};

/**
 * Every project runs its files in one worker without re-importing the code for each file (`isolate: false`): the
 * files share no state but the module cache, and importing the worker, MikroORM and the simulators once instead of per
 * file saves seconds per file on a 2-core machine.
 */
export default defineConfig({
  test: {
    reporters: ['default'],
    // two files at a time, longest first across the projects (test/support/lpt-sequencer.ts): every file makes its own
    // databases, task queue, simulators and test servers
    maxWorkers: 2,
    sequence: { sequencer: LongestFirstSequencer },

    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          testTimeout: 30_000,
          isolate: false,
        },
      },
      {
        test: {
          name: 'workflow',
          include: ['test/workflow/**/*.test.ts'],
          isolate: false,
          setupFiles: ['test/support/quiet-temporal.ts'],
          globalSetup: ['test/support/bundle-global-setup.ts'],
          testTimeout: 180_000,
          hookTimeout: 300_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          exclude: [REDACTION],
          ...integrationServers,
        },
      },
      {
        // the log-redaction proof imports the procedures' integration suites and runs them again with every log line
        // captured: it needs a fresh module cache (`isolate`), or suites a file before it imported would not register
        test: {
          name: 'redaction',
          include: [REDACTION],
          ...integrationServers,
          isolate: true,
        },
      },
      {
        // the attack suite (issue 13): each exploit run against the real system and shown refused
        test: {
          name: 'security',
          include: ['test/security/**/*.test.ts'],
          ...integrationServers,
        },
      },
      {
        // the web UI in headless Chromium (playwright-core) against the running system on the same real parts
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          isolate: false,
          testTimeout: 300_000,
          hookTimeout: 300_000,
          setupFiles: ['test/support/quiet-temporal.ts'],
          globalSetup: [
            'test/support/bundle-global-setup.ts',
            'test/support/integration-global-setup.ts',
            'test/support/e2e-global-setup.ts',
          ],
        },
      },
      {
        // the fault suite (issue 15): separate processes (workers, APIs, simulators) on a Temporal server and MariaDB,
        // each scenario killing or cutting one of them and ending with exact counts (test/faults/support/fault-system.ts)
        test: {
          name: 'faults',
          include: ['test/faults/**/*.test.ts'],
          isolate: false,
          testTimeout: 300_000,
          hookTimeout: 300_000,
          setupFiles: ['test/support/quiet-temporal.ts'],
          globalSetup: ['test/support/bundle-global-setup.ts'],
        },
      },
      {
        // the production shape (issue 15): the real Temporal server on PostgreSQL with mTLS, the registry on MariaDB,
        // workers, APIs and simulators as separate processes (scripts/lib/cluster-system.ts; MARIADB_URL from test.sh)
        test: {
          name: 'cluster',
          include: ['test/cluster/**/*.test.ts'],
          isolate: false,
          testTimeout: 600_000,
          hookTimeout: 900_000,
        },
      },
      {
        // every recorded history replayed against the workflow code the worker bundles (one bundle for all)
        test: {
          name: 'replay',
          include: ['test/replay/*.test.ts'],
          setupFiles: ['test/support/quiet-temporal.ts'],
          testTimeout: 120_000,
          hookTimeout: 300_000,
        },
      },
      ...(process.env.RECORD_HISTORIES
        ? [
            {
              test: {
                name: 'replay-scenarios',
                include: ['test/replay/scenarios/**/*.test.ts'],
                ...integrationServers,
                sequence: { groupOrder: 3 },
              },
            },
          ]
        : []),
    ],
  },
});

import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startTemporalDevServer, type RunningDevServer } from '../../scripts/lib/temporal-dev-server';
import { SEARCH_ATTRIBUTE_TYPES } from '../../src/workflows/search-attributes';

const root = join(__dirname, '..', '..');
const script = (name: string) =>
  execFileSync('bash', [join(root, 'scripts', name)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] })
    .trim()
    .split('\n')
    .pop()!;

/** The run's one dev server, shared by every project that uses this setup (global setups share the main process). */
let shared: { server: Promise<RunningDevServer>; users: number } | undefined;

/**
 * Real parts for the integration and e2e layers: one Temporal dev server (in memory, no Web UI) for the run, and the
 * MariaDB server (started by scripts/ensure-mariadb.sh unless MARIADB_URL is given). Each test file makes its own
 * databases and task queue.
 */
export default async function setup(project: TestProject) {
  const cliPath = process.env.TEMPORAL_CLI_PATH ?? script('ensure-temporal.sh');
  const mariadbUrl = process.env.MARIADB_URL ?? script('ensure-mariadb.sh');
  shared ??= {
    server: startTemporalDevServer({ cliPath, searchAttributes: SEARCH_ATTRIBUTE_TYPES, headless: true }),
    users: 0,
  };
  shared.users++;
  const server = await shared.server;
  project.provide('temporalAddress', server.address);
  project.provide('mariadbUrl', mariadbUrl);
  return async () => {
    if (shared && --shared.users === 0) {
      shared = undefined;
      await server.stop();
    }
  };
}

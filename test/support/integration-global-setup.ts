import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startTemporalDevServer } from '../../scripts/lib/temporal-dev-server';
import { SEARCH_ATTRIBUTE_TYPES } from '../../src/workflows/search-attributes';

const root = join(__dirname, '..', '..');
const script = (name: string) =>
  execFileSync('bash', [join(root, 'scripts', name)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] })
    .trim()
    .split('\n')
    .pop()!;

/**
 * Real parts for the integration layer: one Temporal dev server (in memory) for the run, and the MariaDB server
 * (started by scripts/ensure-mariadb.sh unless MARIADB_URL is given). Each test file makes its own databases.
 */
export default async function setup(project: TestProject) {
  const cliPath = process.env.TEMPORAL_CLI_PATH ?? script('ensure-temporal.sh');
  const mariadbUrl = process.env.MARIADB_URL ?? script('ensure-mariadb.sh');
  const server = await startTemporalDevServer({ cliPath, searchAttributes: SEARCH_ATTRIBUTE_TYPES });
  project.provide('temporalAddress', server.address);
  project.provide('mariadbUrl', mariadbUrl);
  return async () => server.stop();
}

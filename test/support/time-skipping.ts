/**
 * Time-skipping Temporal test environment for workflow tests.
 *
 * The SDK would normally download a native test server from temporal.download, which is unreachable here, so
 * `scripts/ensure-test-server.sh` resolves the Java test server (io.temporal:temporal-test-server) from Maven
 * Central into ~/.cache/juki and prints the path of a launcher script that takes the same arguments
 * (`<port> [--enable-time-skipping]`). The first call on a fresh machine takes ~30 s (Maven); later calls are
 * instant. Set $TEMPORAL_TEST_SERVER to use another executable.
 *
 * Behaviour of the Java test server worth knowing (verified against 1.38.0):
 *  - Upserting a custom search attribute that is not registered fails the workflow *task* with
 *    INVALID_ARGUMENT "search attribute X is not defined"; the task is retried every 10 s forever, so the test
 *    just hangs. Hence we register CASE_SEARCH_ATTRIBUTES via operatorService.addSearchAttributes (supported;
 *    a second add of the same name answers ALREADY_EXISTS, which we ignore).
 *  - operatorService.listSearchAttributes, workflowService.listWorkflowExecutions and countWorkflowExecutions
 *    are UNIMPLEMENTED: assert search attributes with `handle.describe()).typedSearchAttributes` instead of
 *    visibility queries (those need the dev server, see scripts/lib/temporal-dev-server.ts).
 *  - sdk-core gives the server process only 5 s to accept connections; the launcher uses a class-data-sharing
 *    archive so the JVM is up in well under a second, and we retry once on a start-up timeout anyway.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { TestWorkflowEnvironment, type TimeSkippingTestWorkflowEnvironmentOptions } from '@temporalio/testing';
import type { SearchAttributeType } from '@temporalio/common';
import { CASE_SEARCH_ATTRIBUTES } from '../../src/workflows/search-attributes';

const REPO_ROOT = path.resolve(__dirname, '..', '..');

/** temporal.api.enums.v1.IndexedValueType, by SearchAttributeType (not exported in a usable form by the SDK). */
const INDEXED_VALUE_TYPE: Record<SearchAttributeType, number> = {
  TEXT: 1,
  KEYWORD: 2,
  INT: 3,
  DOUBLE: 4,
  BOOL: 5,
  DATETIME: 6,
  KEYWORD_LIST: 7,
};

let cachedServerPath: string | undefined;

/**
 * Path of the time-skipping test server launcher (runs scripts/ensure-test-server.sh once per process).
 * Call it from a vitest globalSetup to pay the one-off Maven download outside any test/hook timeout.
 */
export function ensureTestServer(): string {
  if (cachedServerPath === undefined) {
    let out: string;
    try {
      out = execFileSync('bash', [path.join(REPO_ROOT, 'scripts', 'ensure-test-server.sh')], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'inherit'],
        timeout: 10 * 60_000,
      });
    } catch (err) {
      throw new Error(`scripts/ensure-test-server.sh failed (its messages are above): ${(err as Error).message}`);
    }
    const last = out.trim().split('\n').pop()?.trim();
    if (!last) throw new Error('scripts/ensure-test-server.sh printed no path');
    cachedServerPath = last;
  }
  return cachedServerPath;
}

async function registerCaseSearchAttributes(env: TestWorkflowEnvironment): Promise<void> {
  const searchAttributes = Object.fromEntries(CASE_SEARCH_ATTRIBUTES.map((k) => [k.name, INDEXED_VALUE_TYPE[k.type]]));
  try {
    await env.connection.operatorService.addSearchAttributes({
      namespace: env.namespace ?? 'default',
      searchAttributes,
    });
  } catch (err) {
    // 6 = ALREADY_EXISTS (e.g. a server reused across environments)
    if ((err as { code?: number }).code !== 6) throw err;
  }
}

/**
 * Start a fresh time-skipping test server (one per call; tear it down with `env.teardown()`) with the case
 * search attributes registered. `client`: options of the environment's client (e.g. interceptors).
 */
export async function createTimeSkippingEnv(
  opts: Pick<TimeSkippingTestWorkflowEnvironmentOptions, 'client'> = {},
): Promise<TestWorkflowEnvironment> {
  const serverPath = ensureTestServer();
  const create = () =>
    TestWorkflowEnvironment.createTimeSkipping({
      server: { executable: { type: 'existing-path', path: serverPath } },
      client: opts.client,
    });

  let env: TestWorkflowEnvironment;
  try {
    env = await create();
  } catch (err) {
    // A JVM starved of CPU (e.g. many vitest workers on 2 cores) can miss sdk-core's fixed 5 s start-up window.
    if (!/did not start within|Failed to start ephemeral server/i.test(String((err as Error)?.message ?? err)))
      throw err;
    env = await create();
  }

  try {
    await registerCaseSearchAttributes(env);
  } catch (err) {
    await env.teardown();
    throw err;
  }
  return env;
}

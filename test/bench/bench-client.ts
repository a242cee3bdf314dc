import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { startTemporalDevServer } from '../../scripts/lib/temporal-dev-server';
import { loadConfig } from '../../src/config';
import { DEMO_PASSWORD, seedStaff } from '../../src/db/seed/staff';
import { startSystem } from '../../src/system';
import { SEARCH_ATTRIBUTE_TYPES } from '../../src/workflows/search-attributes';

export const percentile = (sorted: number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

/** A minimal staff client of the HTTP API for benchmarks (login, POST, GET; throws on non-2xx). */
export function benchClient(apiUrl: string) {
  const call = async (
    method: string,
    path: string,
    token: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ) => {
    const r = await fetch(apiUrl + path, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!r.ok) throw new Error(`${method} ${path}: HTTP ${r.status} ${await r.text()}`);
    return r.json() as Promise<any>;
  };
  return {
    async login(userId: string): Promise<string> {
      const r = await fetch(`${apiUrl}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ userId, password: DEMO_PASSWORD, terminalId: 'T-HONCHO-01' }),
      });
      return ((await r.json()) as { token: string }).token;
    },
    post: (path: string, token: string, body?: unknown, headers?: Record<string, string>) =>
      call('POST', path, token, body ?? {}, headers),
    get: (path: string, token: string) => call('GET', path, token),
  };
}

/** Polls a case until it reaches `status` (benchmarks observe completion the way a clerk's screen would). */
export async function untilStatus(
  get: (path: string) => Promise<any>,
  caseId: string,
  status: string,
  timeoutMs = 120_000,
): Promise<void> {
  const end = Date.now() + timeoutMs;
  while ((await get(`/api/cases/${caseId}`)).status !== status) {
    if (Date.now() > end) throw new Error(`case ${caseId} did not reach ${status}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * The system a single-process bench runs against: the Temporal dev server (or TEMPORAL_ADDRESS), a fresh SQLite
 * registry (or DATABASE_URL), the CS and J-LIS simulators, the demo staff, and a clerk's and an approver's session.
 * `close()` stops all of it.
 */
export async function startBenchSystem() {
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const cliPath = process.env.TEMPORAL_CLI_PATH;
  if (!process.env.TEMPORAL_ADDRESS && !cliPath)
    throw new Error('set TEMPORAL_ADDRESS or TEMPORAL_CLI_PATH (run through `npm run bench`)');
  const dev = process.env.TEMPORAL_ADDRESS
    ? undefined
    : await startTemporalDevServer({ cliPath: cliPath!, searchAttributes: SEARCH_ATTRIBUTE_TYPES });
  const config = loadConfig(
    { ...process.env, JUKI_DATA_DIR: mkdtempSync(join(tmpdir(), 'juki-bench-')) },
    {
      apiPort: 0,
      temporalAddress: process.env.TEMPORAL_ADDRESS ?? dev!.address,
      taskQueue: `bench-${randomUUID().slice(0, 8)}`,
      databaseUrl:
        process.env.DATABASE_URL ?? `sqlite:${join(mkdtempSync(join(tmpdir(), 'juki-bench-db-')), 'registry.sqlite')}`,
    },
  );
  const sys = await startSystem(config, { csSimulator: true, jlisSimulator: true });
  const close = async () => {
    await sys.close();
    await dev?.stop();
  };
  try {
    await seedStaff(sys.orm);
    const api = benchClient(sys.apiUrl);
    return { sys, api, clerk: await api.login('clerk1'), approver: await api.login('bench'), close };
  } catch (e) {
    await close();
    throw e;
  }
}

import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import type { AppConfig } from '../../src/config';
import { hashPassword } from '../../src/domain/passwords';
import { Role } from '../../src/domain/roles';
import { DEMO_PASSWORD, seedStaff, DEMO_USERS } from '../../src/db/seed/staff';
import type { ProcedureTable } from '../../src/procedures/table';
import { dropDatabase } from './demo-town-template';
import { DEFAULT_TIMINGS, type WorkflowTimings } from '../../src/domain/retry-policies';
import { startSystem, type RunningSystem } from '../../src/system';
import { dataConverterFor } from '../../src/temporal/client';
import { piiOf, testConfig } from './harness';
import { HistoryRecorder, recordingDir } from './history-recorder';
import { registryPersonalData } from './personal-data-scan';
import { eventually } from './system-harness-utils';

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
    mariadbUrl: string;
  }
}

/**
 * The timings of the real-time layers (integration, e2e): the same workflows, with retries that back off in tenths of
 * a second instead of seconds (the retry policy travels in each workflow's input; production keeps its own).
 */
export const TEST_TIMINGS: WorkflowTimings = {
  ...DEFAULT_TIMINGS,
  registryRetry: { initialIntervalMs: 100, backoffCoefficient: 2, maximumIntervalMs: 2_000 },
  deliveryRetry: { initialIntervalMs: 150, backoffCoefficient: 2, maximumIntervalMs: 2_000 },
};

/** The demo password's scrypt hash, computed once per test process for every test system's staff. */
let demoPasswordHash: Promise<string> | undefined;

/** A fresh MariaDB database URL (one per test file) on the server provided by the global setup. */
export function freshMariaDbUrl(): string {
  const base = new URL(inject('mariadbUrl'));
  base.pathname = `/juki_it_${randomBytes(4).toString('hex')}`;
  return base.toString();
}

export interface TestSystem extends RunningSystem {
  login(userId: string): Promise<string>;
  api(
    method: string,
    path: string,
    opts?: { token?: string; body?: unknown; raw?: string; headers?: Record<string, string> },
  ): Promise<{ status: number; json: any; buffer: Buffer }>;
  csAdmin(method: string, path: string, body?: unknown): Promise<any>;
  /** The マイナポータル simulator's admin API (when started with `portalSimulator`). */
  portalAdmin(method: string, path: string, body?: unknown): Promise<{ status: number; json: any }>;
}

/**
 * The whole application side on real parts: DB, CS simulator over HTTP, worker on the shared dev server, API.
 * With RECORD_HISTORIES set, `close()` first saves the history of every workflow on this system's task queue,
 * decrypted with its payload codec (test/support/history-recorder.ts).
 */
export async function startTestSystem(
  databaseUrl: string,
  opts: {
    config?: Partial<AppConfig>;
    csSimulator?: boolean;
    portalSimulator?: boolean;
    /** A procedure table other than src/procedures/index.ts (e.g. with the test-only sample procedure). */
    procedures?: ProcedureTable;
    /** false: no worker in this process (the test runs src/worker/main.ts as its own process). */
    worker?: boolean;
  } = {},
): Promise<TestSystem> {
  const config = testConfig({
    databaseUrl,
    temporalAddress: inject('temporalAddress'),
    apiPort: 0,
    csToken: `cs-token-${randomBytes(8).toString('hex')}`,
    timings: TEST_TIMINGS,
    ...opts.config,
  });
  const sys = await startSystem(config, {
    // one workflow bundle per test run, unless the test brings its own procedure table
    ...(opts.procedures ? {} : { workflowBundle: { codePath: inject('workflowBundle') } }),
    csSimulator: opts.csSimulator ?? true,
    jlisSimulator: true,
    portalSimulator: opts.portalSimulator ?? false,
    procedures: opts.procedures,
    worker: opts.worker,
  });
  demoPasswordHash ??= hashPassword(DEMO_PASSWORD);
  await seedStaff(
    sys.orm,
    [...DEMO_USERS, { userId: 'dual1', displayName: '兼務　一人', roles: [Role.CLERK, Role.APPROVER] }],
    DEMO_PASSWORD,
    await demoPasswordHash,
  );
  const api: TestSystem['api'] = async (method, path, opts = {}) => {
    const res = await fetch(sys.apiUrl + path, {
      method,
      headers: {
        ...(opts.body !== undefined || opts.raw !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
        ...opts.headers,
      },
      body: opts.raw ?? (opts.body === undefined ? undefined : JSON.stringify(opts.body)),
    });
    const buffer = Buffer.from(await res.arrayBuffer());
    const isJson = res.headers.get('content-type')?.includes('json');
    return {
      status: res.status,
      json: isJson && buffer.length ? JSON.parse(buffer.toString('utf8')) : undefined,
      buffer,
    };
  };
  return {
    ...sys,
    async close() {
      try {
        if (recordingDir()) await recordSystemHistories(sys);
      } finally {
        await sys.close();
        // a test file's own MariaDB database goes with it (a run makes a dozen; the server is kept between runs)
        const own = /^mariadb:.*\/(juki_(?:it|e2e)_[0-9a-f]+)$/.exec(databaseUrl)?.[1];
        if (own) await dropDatabase(inject('mariadbUrl'), own);
      }
    },
    api,
    async login(userId) {
      const r = await api('POST', '/api/auth/login', {
        body: { userId, password: DEMO_PASSWORD, terminalId: 'T-HONCHO-01' },
      });
      if (r.status !== 200) throw new Error(`login ${userId} failed: ${r.status}`);
      return r.json.token as string;
    },
    async csAdmin(method, path, body) {
      const res = await fetch(`${sys.csUrl}/cs/v1/_admin/${path}`, {
        method,
        headers: {
          authorization: `Bearer ${sys.config.csToken}`,
          ...(body ? { 'content-type': 'application/json' } : {}),
        },
        body: body ? JSON.stringify(body) : undefined,
      });
      return res.status === 204 ? undefined : res.json();
    },
    async portalAdmin(method, path, body) {
      const res = await fetch(`${sys.portalUrl}/portal-sim/v1/_admin/${path}`, {
        method,
        headers: {
          authorization: `Bearer ${sys.config.portalToken}`,
          ...(body ? { 'content-type': 'application/json' } : {}),
        },
        body: body ? JSON.stringify(body) : undefined,
      });
      return { status: res.status, json: res.status === 204 ? undefined : await res.json() };
    },
  };
}

/** Every execution on the system's task queue (the dev server lists them), saved decoded. */
async function recordSystemHistories(sys: RunningSystem): Promise<void> {
  const executions: Array<{ workflowId: string; runId: string }> = [];
  for await (const w of sys.temporal.workflow.list({ query: `TaskQueue = '${sys.config.taskQueue}'` }))
    executions.push({ workflowId: w.workflowId, runId: w.runId });
  await new HistoryRecorder('system').save({
    client: sys.temporal,
    executions,
    codecs: dataConverterFor(sys.config).payloadCodecs,
    personalData: await registryPersonalData(sys.orm, piiOf(sys.config)),
  });
}

/** Polls a case over the API until it reaches `status` (90 s); on timeout, says where the case stands instead. */
export async function caseStatus(sys: TestSystem, token: string, caseId: string, status: string): Promise<any> {
  let last: any;
  try {
    return await eventually(async () => {
      last = (await sys.api('GET', `/api/cases/${caseId}`, { token })).json;
      return last?.status === status ? last : undefined;
    }, 90_000);
  } catch {
    throw new Error(
      `case ${caseId} is ${last?.status} (${last?.attentionReason ?? '-'}; ${last?.failingStep ?? '-'}: ${last?.lastError ?? '-'}), not ${status}`,
    );
  }
}

export { eventually };

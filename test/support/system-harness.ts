import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { Role } from '../../src/domain/roles';
import { DEMO_PASSWORD, seedStaff, DEMO_USERS } from '../../src/db/seed/staff';
import { startSystem, type RunningSystem } from '../../src/system';
import { testConfig } from './harness';

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
    mariadbUrl: string;
  }
}

/** A fresh MariaDB database URL (one per test file) on the server provided by the global setup. */
export function freshMariaDbUrl(): string {
  const base = new URL(inject('mariadbUrl'));
  base.pathname = `/juki_it_${randomBytes(4).toString('hex')}`;
  return base.toString();
}

export interface TestSystem extends RunningSystem {
  login(userId: string): Promise<string>;
  api(method: string, path: string, opts?: { token?: string; body?: unknown; raw?: string; headers?: Record<string, string> }): Promise<{ status: number; json: any; buffer: Buffer }>;
  csAdmin(method: string, path: string, body?: unknown): Promise<any>;
}

/** The whole application side on real parts: DB, CS simulator over HTTP, worker on the shared dev server, API. */
export async function startTestSystem(databaseUrl: string): Promise<TestSystem> {
  const config = testConfig({ databaseUrl, temporalAddress: inject('temporalAddress'), apiPort: 0, csToken: `cs-token-${randomBytes(8).toString('hex')}` });
  const sys = await startSystem(config, { csSimulator: true });
  await seedStaff(sys.orm, [...DEMO_USERS, { userId: 'dual1', displayName: '兼務　一人', roles: [Role.CLERK, Role.APPROVER] }]);
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
    return { status: res.status, json: isJson && buffer.length ? JSON.parse(buffer.toString('utf8')) : undefined, buffer };
  };
  return {
    ...sys,
    api,
    async login(userId) {
      const r = await api('POST', '/api/auth/login', { body: { userId, password: DEMO_PASSWORD, terminalId: 'T-HONCHO-01' } });
      if (r.status !== 200) throw new Error(`login ${userId} failed: ${r.status}`);
      return r.json.token as string;
    },
    async csAdmin(method, path, body) {
      const res = await fetch(`${sys.csUrl}/cs/v1/_admin/${path}`, {
        method, headers: { authorization: `Bearer ${sys.config.csToken}`, ...(body ? { 'content-type': 'application/json' } : {}) },
        body: body ? JSON.stringify(body) : undefined,
      });
      return res.status === 204 ? undefined : res.json();
    },
  };
}

/** Polls until `check` returns a value (not undefined) or the time runs out. */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 60_000, stepMs = 250): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, stepMs));
  }
}

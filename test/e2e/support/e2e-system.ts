import { randomBytes, randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import { loadDemoTown } from '../../../src/db/seed/load-demo';
import { DEMO_PASSWORD, DEMO_USERS, seedStaff } from '../../../src/db/seed/staff';
import type { OnlineMoveOutContent } from '../../../src/domain/applications/online-move-out-application';
import { Role } from '../../../src/domain/roles';
import { startSystem } from '../../../src/system';
import { moveInApplication } from '../../support/fixtures';
import { piiOf, testConfig } from '../../support/harness';
import { freshMariaDbUrl, type TestSystem } from '../../support/system-harness';

export interface E2eSystem extends TestSystem {
  /** Submits an online 転出 through the マイナポータル simulator (signed, over HTTP to our intake). */
  portalApplication(content: OnlineMoveOutContent, scenario?: string): Promise<{ applicationId: string; sent: { status: number; body: any } }>;
}

/**
 * The running system for browser tests, on the same real parts as the integration layer (Temporal dev server,
 * MariaDB, the CS, J-LIS and マイナポータル simulators over HTTP, worker, API + web UI), with the demo staff and,
 * when asked, the demo town registered at the CS.
 */
export async function startE2eSystem(opts: { demoTown?: boolean } = {}): Promise<E2eSystem> {
  const config = testConfig({ databaseUrl: freshMariaDbUrl(), temporalAddress: inject('temporalAddress'), apiPort: 0, csToken: `cs-token-${randomBytes(8).toString('hex')}` });
  const sys = await startSystem(config, { csSimulator: true, jlisSimulator: true, portalSimulator: true });
  await seedStaff(sys.orm, [...DEMO_USERS, { userId: 'dual1', displayName: '兼務　一人', roles: [Role.CLERK, Role.APPROVER] }]);
  const api: TestSystem['api'] = async (method, path, o = {}) => {
    const res = await fetch(sys.apiUrl + path, {
      method,
      headers: { ...(o.body !== undefined || o.raw !== undefined ? { 'content-type': 'application/json' } : {}), ...(o.token ? { authorization: `Bearer ${o.token}` } : {}), ...o.headers },
      body: o.raw ?? (o.body === undefined ? undefined : JSON.stringify(o.body)),
    });
    const buffer = Buffer.from(await res.arrayBuffer());
    return { status: res.status, json: res.headers.get('content-type')?.includes('json') && buffer.length ? JSON.parse(buffer.toString('utf8')) : undefined, buffer };
  };
  const admin = async (base: string, path: string, token: string, method: string, body?: unknown) => {
    const res = await fetch(`${base}/${path}`, { method, headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined });
    return res.status === 204 ? undefined : res.json();
  };
  const e2e: E2eSystem = {
    ...sys,
    api,
    async login(userId) {
      const r = await api('POST', '/api/auth/login', { body: { userId, password: DEMO_PASSWORD, terminalId: 'T-HONCHO-01' } });
      if (r.status !== 200) throw new Error(`login ${userId} failed: ${r.status}`);
      return r.json.token as string;
    },
    csAdmin: (method, path, body) => admin(`${sys.csUrl}/cs/v1/_admin`, path, sys.config.csToken, method, body),
    portalApplication: (content, scenario = 'valid') => admin(`${sys.portalUrl}/portal-sim/v1/_admin`, 'applications', sys.config.portalToken, 'POST', { municipalityCode: sys.config.municipalityCode, scenario, content }),
  };
  if (opts.demoTown) {
    const town = await loadDemoTown(sys.orm, piiOf(sys.config));
    await e2e.csAdmin('POST', 'registered', { residentRecordCodes: town.residentRecordCodes });
  }
  return e2e;
}

/** A 転入 entered by `token`'s user through the API (the counter intake), returning its case ID. */
export async function intakeMoveIn(sys: TestSystem, token: string, overrides: Parameters<typeof moveInApplication>[0] = {}): Promise<string> {
  const r = await sys.api('POST', '/api/cases/move-in', { token, body: moveInApplication(overrides), headers: { 'idempotency-key': randomUUID() } });
  if (r.status !== 201) throw new Error(`intake failed: ${r.status} ${JSON.stringify(r.json)}`);
  return r.json.caseId as string;
}

export async function caseJson(sys: TestSystem, token: string, caseId: string): Promise<any> {
  return (await sys.api('GET', `/api/cases/${caseId}`, { token })).json;
}

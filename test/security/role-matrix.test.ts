import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiApp } from '../../src/api/app';
import { csrfTokenFor } from '../../src/api/auth';
import { Role } from '../../src/domain/roles';
import { seedStaff } from '../../src/db/seed/staff';
import { PROCEDURES } from '../../src/procedures';
import { piiOf } from '../support/harness';
import { listRoutes } from '../support/route-list';
import { startTestSystem, freshMariaDbUrl, type TestSystem } from '../support/system-harness';
import { MATRIX, MATRIX_ROLES, type MatrixRole } from './role-matrix';

const USERS: Record<Exclude<MatrixRole, 'anonymous'>, Role> = {
  clerk: Role.CLERK,
  approver: Role.APPROVER,
  supervisor: Role.SUPERVISOR,
  auditor: Role.AUDITOR,
  securityAdministrator: Role.SECURITY_ADMIN,
  supportMeasureOfficer: Role.SUPPORT_MEASURE_OFFICER,
};

/**
 * The role × action matrix (test/security/role-matrix.ts, summarised in the README "Security"): every route of the
 * API, the web UI and the partner endpoints, called by a user of each single role and without a session, answers
 * the status of its row. The routes come from the express app itself, so a new route without a row fails here.
 * Requests carry made-up IDs and empty bodies: an allowed role gets past the gate (400 / 404 / 200), a refused one
 * gets 403, no session 401 (API) or the login page (303).
 */
describe('role × action matrix', () => {
  let sys: TestSystem;
  const tokens = {} as Record<MatrixRole, string | undefined>;

  beforeAll(async () => {
    sys = await startTestSystem(freshMariaDbUrl());
    await seedStaff(
      sys.orm,
      Object.entries(USERS).map(([name, role]) => ({ userId: `m-${name}`, displayName: name, roles: [role] })),
    );
    for (const r of MATRIX_ROLES) tokens[r] = r === 'anonymous' ? undefined : await sys.login(`m-${r}`);
  });
  afterAll(async () => sys?.close());

  const routes = () =>
    listRoutes(
      createApiApp({
        orm: sys.orm,
        pii: piiOf(sys.config),
        temporal: sys.temporal,
        config: sys.config,
        portalTrust: { trust: async () => ({ anchors: [], intermediates: [], revokedSerials: new Set() }) } as never,
        procedures: PROCEDURES,
      }),
    ).map((r) => `${r.method} ${r.path}`);

  it('every route of the app has a row, and every row is a route', () => {
    const live = routes().sort();
    expect(live.filter((r) => !(r in MATRIX))).toEqual([]);
    expect(Object.keys(MATRIX).filter((r) => !live.includes(r))).toEqual([]);
  });

  it('each role gets the status of its row on every route', async () => {
    const observed: Record<string, Record<string, number>> = {};
    // logout last: it ends the session the other rows use
    const keys = [...new Set([...Object.keys(MATRIX), ...routes()])].sort(
      (a, b) => Number(/logout/.test(a)) - Number(/logout/.test(b)),
    );
    for (const key of keys) {
      const [method, path] = key.split(' ') as [string, string];
      const url = path.replace(/:[A-Za-z]+/g, 'ZZ-0000');
      observed[key] = {};
      for (const role of MATRIX_ROLES) {
        const token = tokens[role];
        const web = !/^\/(api|cs-inbound|jlis-inbound|portal)\//.test(path);
        const headers: Record<string, string> = {};
        let body: string | undefined;
        if (token && web) headers.cookie = `juki_session=${token}`;
        else if (token) headers.authorization = `Bearer ${token}`;
        if (method !== 'GET') {
          if (web) {
            headers['content-type'] = 'application/x-www-form-urlencoded';
            body = token ? `_csrf=${encodeURIComponent(csrfTokenFor(token))}` : '';
          } else {
            headers['content-type'] = 'application/json';
            body = '{}';
          }
        }
        const res = await fetch(sys.apiUrl + url, { method, headers, body, redirect: 'manual' });
        await res.arrayBuffer();
        observed[key][role] = res.status;
      }
    }
    if (process.env.ROLE_MATRIX_OUT) writeFileSync(process.env.ROLE_MATRIX_OUT, JSON.stringify(observed, null, 1));
    const expected = Object.fromEntries(keys.map((k) => [k, MATRIX[k]]));
    expect(observed).toEqual(expected);
  });
});

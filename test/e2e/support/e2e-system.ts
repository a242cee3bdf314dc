import { randomBytes, randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import { copyDatabase } from '../../support/demo-town-template';
import type { AppConfig } from '../../../src/config';
import { loadDemoTown } from '../../../src/db/seed/load-demo';
import type { OnlineMoveOutContent } from '../../../src/procedures/online-move-out/schema';
import { moveInApplication } from '../../support/fixtures';
import { piiOf } from '../../support/harness';
import { freshMariaDbUrl, startTestSystem, TEST_TIMINGS, type TestSystem } from '../../support/system-harness';
import type { WorkflowTimings } from '../../../src/domain/retry-policies';

/**
 * Timings for tests where a case must get stuck on a partner outage quickly and then stay stuck while the screen is
 * used: deliveries back off 0.05, 0.35, 2.45, 17.15 s…, so the 4th attempt comes within 3 s and the next automatic
 * retry only 17 s later (the supervisor acts first).
 */
export const STUCK_TIMINGS: WorkflowTimings = {
  ...TEST_TIMINGS,
  deliveryRetry: { initialIntervalMs: 50, backoffCoefficient: 7, maximumIntervalMs: 120_000 },
};

export interface E2eSystem extends TestSystem {
  /** Submits an online 転出 through the マイナポータル simulator (signed, over HTTP to our intake). */
  portalApplication(
    content: OnlineMoveOutContent,
    scenario?: string,
  ): Promise<{ applicationId: string; sent: { status: number; body: any } }>;
}

/**
 * The running system for browser tests, on the same real parts as the integration layer (Temporal dev server,
 * MariaDB, the CS, J-LIS and マイナポータル simulators over HTTP, worker, API + web UI), with the demo staff and,
 * when asked, the demo town registered at the CS.
 */
export async function startE2eSystem(
  opts: {
    demoTown?: boolean;
    /** Start the マイナポータル simulator (its test PKI takes half a second to generate): the online 転出 tests. */
    portal?: boolean;
    config?: Partial<AppConfig>;
  } = {},
): Promise<E2eSystem> {
  // the demo town is seeded once per run (test/support/e2e-global-setup.ts): a file that needs it copies the template
  const template = inject('demoTownTemplate');
  const databaseUrl = opts.demoTown
    ? await copyDatabase(inject('mariadbUrl'), template.database, `juki_e2e_${randomBytes(4).toString('hex')}`)
    : freshMariaDbUrl();
  const sys = await startTestSystem(databaseUrl, {
    portalSimulator: opts.portal ?? false,
    config: { ...(opts.demoTown ? { keys: template.keys } : {}), ...opts.config },
  });
  if (opts.demoTown) {
    const town = await loadDemoTown(sys.orm, piiOf(sys.config)); // already there: returns its 住民票コード
    if (town.loaded) throw new Error('the demo town template was not copied');
    await sys.csAdmin('POST', 'registered', { residentRecordCodes: town.residentRecordCodes });
  }
  return {
    ...sys,
    async portalApplication(content, scenario = 'valid') {
      const r = await sys.portalAdmin('POST', 'applications', {
        municipalityCode: sys.config.municipalityCode,
        scenario,
        content,
      });
      if (r.status !== 200) throw new Error(`portal simulator refused: ${r.status}`);
      return r.json as { applicationId: string; sent: { status: number; body: any } };
    },
  };
}

/** A 転入 entered by `token`'s user through the API (the counter intake), returning its case ID. */
export async function intakeMoveIn(
  sys: TestSystem,
  token: string,
  overrides: Parameters<typeof moveInApplication>[0] = {},
): Promise<string> {
  const r = await sys.api('POST', '/api/cases/move-in', {
    token,
    body: moveInApplication(overrides),
    headers: { 'idempotency-key': randomUUID() },
  });
  if (r.status !== 201) throw new Error(`intake failed: ${r.status} ${JSON.stringify(r.json)}`);
  return r.json.caseId as string;
}

export async function caseJson(sys: TestSystem, token: string, caseId: string): Promise<any> {
  return (await sys.api('GET', `/api/cases/${caseId}`, { token })).json;
}

import { randomUUID } from 'node:crypto';
import { loadDemoTown } from '../../../src/db/seed/load-demo';
import { moveInApplication } from '../../support/fixtures';
import { piiOf } from '../../support/harness';
import { freshMariaDbUrl, startTestSystem, type TestSystem } from '../../support/system-harness';

/** The running system for browser tests: Temporal dev server, MariaDB, CS and J-LIS simulators over HTTP, API + UI. */
export async function startE2eSystem(opts: { demoTown?: boolean } = {}): Promise<TestSystem> {
  const sys = await startTestSystem(freshMariaDbUrl());
  if (opts.demoTown) {
    const town = await loadDemoTown(sys.orm, piiOf(sys.config));
    await sys.csAdmin('POST', 'registered', { residentRecordCodes: town.residentRecordCodes });
  }
  return sys;
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

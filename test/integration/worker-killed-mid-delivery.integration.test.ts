/**
 * Issue 15 item 2, as a new operator found it: a 2-person 転入 whose worker is killed with SIGKILL between the first
 * and the second person's 本人確認情報. Every part runs as its own process (scripts/lib/app-processes.ts: the
 * project's entry points, as `npm start` runs them) on the shared Temporal dev server and a MariaDB database of this
 * file. The CS simulator holds the second delivery (its delayMs switch) so the worker dies while it is under way;
 * then the CS simulator goes down too, as it did when everything shared one process, and both come back. The case
 * must complete with exactly one 本人確認情報 per person at the CS: the redelivered one is answered as the
 * idempotent repeat it is, not refused as ALREADY_REGISTERED (which ended the case DELIVERY_REJECTED).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { spawnApp, type AppProcess } from '../../scripts/lib/app-processes';
import { Resident } from '../../src/db/entities';
import { DEMO_PASSWORD, DEMO_USERS, seedStaff } from '../../src/db/seed/staff';
import { loadConfig } from '../../src/config';
import { piiCryptoFor } from '../../src/db/pii-crypto';
import type { MikroORM } from '@mikro-orm/core';
import { dropDatabase } from '../support/demo-town-template';
import { moveInApplication } from '../support/fixtures';
import { openTestDb } from '../support/harness';
import { eventually, freshMariaDbUrl } from '../support/system-harness';

const key = () => randomBytes(32).toString('base64');
const CS_TOKEN = `cs-token-${randomBytes(8).toString('hex')}`;
const JLIS_TOKEN = `jlis-token-${randomBytes(8).toString('hex')}`;

describe('separate processes: the worker killed mid-delivery of a 2-person 転入', () => {
  const procs: AppProcess[] = [];
  const lines: string[] = [];
  let dbUrl: string;
  let orm: MikroORM;
  let stateDir: string;
  let dataDir: string;
  let cs: AppProcess;
  let worker: AppProcess;
  let api: AppProcess;

  beforeAll(async () => {
    dbUrl = freshMariaDbUrl();
    stateDir = mkdtempSync(join(tmpdir(), 'juki-sim-state-'));
    dataDir = mkdtempSync(join(tmpdir(), 'juki-data-'));
    const env: Record<string, string> = {
      JUKI_DATA_DIR: dataDir,
      DATABASE_URL: dbUrl,
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      TASK_QUEUE: `test-${randomBytes(4).toString('hex')}`,
      PII_ENCRYPTION_KEY: key(),
      PII_INDEX_KEY: key(),
      PAYLOAD_CODEC_KEY: key(),
      ACTOR_SIGNING_KEY: key(),
      STAFF_SECOND_FACTOR: 'demo-password',
      CS_TOKEN,
      JLIS_TOKEN,
      SIM_STATE_DIR: stateDir,
      REGISTRY_RETRY_INITIAL_MS: '100',
      REGISTRY_RETRY_MAX_MS: '2000',
      DELIVERY_RETRY_INITIAL_MS: '150',
      DELIVERY_RETRY_MAX_MS: '2000',
      WORKFLOW_BUNDLE: inject('workflowBundle'), // the run's one bundle instead of bundling again
    };
    const log = (l: string) => lines.push(l);
    // the registry is migrated and staffed once, before the API and the worker start (as npm start does)
    orm = await openTestDb(dbUrl, piiCryptoFor(loadConfig(env).keys));
    await seedStaff(orm, DEMO_USERS);
    cs = await spawnApp('cs-simulator', { env, log });
    const jlis = await spawnApp('jlis-simulator', { env, log });
    procs.push(cs, jlis);
    const all = { ...env, CS_URL: cs.url!, JLIS_URL: jlis.url! };
    [worker, api] = await Promise.all([spawnApp('worker', { env: all, log }), spawnApp('api', { env: all, log })]);
    procs.push(worker, api);
  }, 300_000);
  afterAll(async () => {
    for (const p of procs) await p.kill('SIGKILL');
    if (!procs.length || !api) console.log(lines.slice(-40).join('\n')); // why a process did not start
    await orm?.close(true);
    const own = /\/(juki_it_[0-9a-f]+)$/.exec(dbUrl)?.[1];
    if (own) await dropDatabase(inject('mariadbUrl'), own);
    rmSync(stateDir, { recursive: true, force: true });
    rmSync(dataDir, { recursive: true, force: true });
  });

  const call = async (base: string, method: string, path: string, body?: unknown, headers = {}) => {
    const res = await fetch(base + path, {
      method,
      headers: { 'content-type': 'application/json', ...headers },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, json: text ? JSON.parse(text) : undefined };
  };
  const login = async (userId: string) =>
    (
      await call(api.url!, 'POST', '/api/auth/login', {
        userId,
        password: DEMO_PASSWORD,
        terminalId: 'T-HONCHO-01',
      })
    ).json.token as string;
  const csAdmin = (path: string, body?: unknown) =>
    call(cs.url!, body === undefined ? 'GET' : 'POST', `/cs/v1/_admin/${path}`, body, {
      authorization: `Bearer ${CS_TOKEN}`,
    });
  const received = async (kind: string, caseId: string) =>
    ((await csAdmin(`received?kind=${kind}`)).json.items as Array<{ idempotencyKey: string; body: any }>).filter((m) =>
      m.idempotencyKey.includes(caseId),
    );
  const identityUpdates = async (caseId: string) =>
    (await received('identity-updates', caseId)).map((m) => m.body.identity.residentRecordCode as string);
  /** Every message of the case the CS took: 本人確認情報, 転入通知, 附票記載事項通知. */
  const allMessages = async (caseId: string) =>
    (
      await Promise.all(
        ['identity-updates', 'move-in-notices', 'address-annex-notices'].map((k) => received(k, caseId)),
      )
    ).flat().length;

  it('completes with exactly one 本人確認情報 per person at the CS', async () => {
    const clerk = await login('clerk1');
    const approver = await login('approver1');
    const app = moveInApplication();
    const codes = app.movers.map((m) => m.residentRecordCode).sort();
    const intake = await call(api.url!, 'POST', '/api/cases/move-in', app, {
      authorization: `Bearer ${clerk}`,
      'idempotency-key': randomUUID(),
    });
    expect(intake.status).toBe(201);
    const caseId: string = intake.json.caseId;

    // every CS message call now waits 3 s before the CS processes and answers it
    expect((await csAdmin('faults', { delayMs: 3000 })).status).toBe(200);
    const approved = await call(api.url!, 'POST', `/api/cases/${caseId}/approve`, undefined, {
      authorization: `Bearer ${approver}`,
    });
    expect(approved.status).toBe(200);
    await eventually(async () => ((await identityUpdates(caseId)).length === 1 ? true : undefined), 90_000, 100);
    const before = await allMessages(caseId);
    await new Promise((r) => setTimeout(r, 1000)); // the case's next message is now held by the CS
    await worker.kill('SIGKILL');
    // the CS takes the held message after its delay; the worker that sent it never hears the answer
    await eventually(async () => ((await allMessages(caseId)) > before ? true : undefined), 10_000, 100);
    // ...and the CS simulator goes down as well, as it did when it shared the worker's process
    await cs.kill('SIGKILL');
    await cs.restart();
    await worker.restart();

    // the delivery activity of the dead worker times out (60 s) and runs again on the new one
    const done = await eventually(
      async () => {
        const c = (await call(api.url!, 'GET', `/api/cases/${caseId}`, undefined, { authorization: `Bearer ${clerk}` }))
          .json;
        if (c?.status === 'DELIVERY_REJECTED') throw new Error(`the case ended DELIVERY_REJECTED: ${c.lastError}`);
        return c?.status === 'COMPLETED' ? c : undefined;
      },
      150_000,
      500,
    );
    expect(done.status).toBe('COMPLETED');
    expect((await identityUpdates(caseId)).sort()).toEqual(codes);
    const notices = (await received('move-in-notices', caseId)).map((m) => m.body.notice.residentRecordCode as string);
    expect(notices.sort()).toEqual(codes);
    expect(await orm.em.fork().count(Resident, {})).toBe(2);
    expect(lines.some((l) => l.includes(' duplicate'))).toBe(true); // the redelivery was answered as a resend
    expect(lines.join('\n')).not.toMatch(new RegExp([app.movers[0]!.individualNumber, '山田'].join('|')));
  }, 240_000);
});

import { Client } from '@temporalio/client';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { storeHeldCertificate } from '../../src/api/cs-inbound-router';
import { loadConfig } from '../../src/config';
import { openRegistryDb } from '../../src/db/orm';
import { piiCryptoFor } from '../../src/db/pii-crypto';
import { CaseAction } from '../../src/domain/case-status';
import {
  AuditLog,
  CaseActionLog,
  CaseRecord,
  HeldCertificateState,
  HeldMoveOutCertificate,
} from '../../src/db/entities';
import { addDays } from '../../src/domain/dates';
import { heldCertificateDefinition, HeldCertificateStatus } from '../../src/procedures/held-certificate/definition';
import { heldCertificateSweepId } from '../../src/procedures/held-certificate/workflow';
import { today } from '../support/fixtures';
import { certificateInfoFrom } from '../support/move-fixtures';
import { FaultSystem, summary } from './support/fault-system';

/**
 * The midnight burst (issue 15): 10 000 held 転出証明書情報 due at the same instant, the Temporal server restarted
 * while the sweep sleeps towards it. All purged within 10 minutes of the instant, each erased with one audit row and
 * its case row closed, and no workflow of a certificate (only the one sweep of the task queue).
 *
 * The 10 000 rows are written as the CS inbound endpoint's accept step writes them (held row with the encrypted
 * message, case row), due at T a few minutes ahead: in production every purge instant is 00:00 JST (P + 31), which a
 * test cannot wait for. One more certificate comes through the real inbound endpoint (due weeks ahead): its
 * after-commit step starts the sweep, which reads T as the next instant due.
 */
const BURST = 10_000;
const LIMIT_MS = 10 * 60_000;

let sys: FaultSystem;
let orm: Awaited<ReturnType<typeof openRegistryDb>>;
beforeAll(async () => {
  sys = await FaultSystem.start({ workers: 1, apis: 1 });
  orm = await openRegistryDb(sys.databaseUrl, { migrate: false });
});
afterAll(async () => {
  await orm?.close(true);
  await sys?.close();
});

it(
  '10 000 certificates due at one instant, Temporal restarted before it: all purged within 10 minutes, exact counts',
  async () => {
    const config = loadConfig(sys.config);
    const pii = piiCryptoFor(config.keys);
    const T = new Date(Math.ceil((Date.now() + 150_000) / 1000) * 1000);
    for (let b = 0; b < BURST; b += 500) {
      const em = orm.em.fork();
      for (let i = b; i < b + 500; i++) {
        const heldId = `HC-BURST-${String(i).padStart(5, '0')}`;
        const msg = certificateInfoFrom(config.municipalityCode, addDays(today(), -31));
        storeHeldCertificate(em, msg, { heldId, payloadEnc: pii.encrypt(JSON.stringify(msg)), purgeAt: T });
      }
      await em.flush();
    }

    // mTLS on the cluster, plain on the dev server (FAULTS_TEMPORAL=dev)
    const connect = async () => new Client({ connection: await sys.connect(), namespace: sys.temporal.namespace });
    let client = await connect();
    // the sweep the APIs and workers ensured at their start sleeps towards the next 00:00 JST (every real purge
    // instant is one); T is not, so that sweep goes, and the inbound below starts one that reads T
    await client.workflow
      .getHandle(heldCertificateSweepId(sys.taskQueue))
      .terminate('test: the burst instant is no 00:00 JST')
      .catch(() => undefined);

    // one certificate through the real endpoint, due weeks ahead: it starts the sweep
    const kept = certificateInfoFrom(config.municipalityCode, today());
    const r = await fetch(`${sys.apis[0]!.url}/cs-inbound/v1/move-out-certificates`, {
      method: 'POST',
      headers: { authorization: `Bearer ${sys.inboundToken('cs')}`, 'content-type': 'application/json' },
      body: JSON.stringify(kept),
    });
    expect(r.status, await r.text()).toBeLessThan(300);
    const sweep = () => client.workflow.getHandle(heldCertificateSweepId(sys.taskQueue)).describe();
    for (let i = 0; (await sweep().catch(() => undefined))?.status.name !== 'RUNNING'; i++) {
      expect(i, 'the inbound started the sweep').toBeLessThan(60);
      await new Promise((res) => setTimeout(res, 500));
    }

    // the Temporal server goes down and comes back while the sweep sleeps towards T
    await new Promise((res) => setTimeout(res, 5_000));
    await client.connection.close();
    await sys.temporal.restart();
    client = await connect();
    expect(Date.now(), 'restarted before T').toBeLessThan(T.getTime());
    expect((await sweep()).status.name).toBe('RUNNING');

    let done: number | undefined;
    while (Date.now() < T.getTime() + LIMIT_MS) {
      const purged = Number(
        (await sys.sql<{ n: number }>(`select count(*) n from held_move_out_certificate where state = 'PURGED'`))[0]?.n,
      );
      if (purged === BURST) {
        done = Date.now();
        break;
      }
      await new Promise((res) => setTimeout(res, 2_000));
    }
    const counts = await sys.counts();
    const em = orm.em.fork();
    const running: string[] = [];
    for await (const w of client.workflow.list({
      query: `TaskQueue = '${sys.taskQueue}' AND ExecutionStatus = 'Running'`,
    }))
      running.push(w.workflowId);
    const facts = {
      burstSeconds: done ? Math.round((done - T.getTime()) / 1000) : undefined,
      held: counts.heldCertificates,
      erased: await em.count(HeldMoveOutCertificate, {
        state: HeldCertificateState.PURGED,
        payloadEnc: null,
        residentRecordCode: null,
        purgedAt: { $gte: T },
      }),
      audit: await em.count(AuditLog, { function: 'purgeHeldCertificate', caseId: { $like: 'HC-BURST-%' } }),
      purgedActions: await em.count(CaseActionLog, { action: CaseAction.PURGED }),
      purgedCases: await em.count(CaseRecord, {
        procedure: heldCertificateDefinition.code,
        status: HeldCertificateStatus.PURGED,
        dueAt: null,
      }),
      running,
    };
    summary('held-burst', facts);
    await client.connection.close();
    expect(facts.burstSeconds, 'all purged within 10 minutes of the instant').toBeDefined();
    expect(facts).toMatchObject({
      held: { PURGED: BURST, HELD: 1 },
      erased: BURST,
      audit: BURST,
      purgedActions: BURST,
      purgedCases: BURST,
      running: [heldCertificateSweepId(sys.taskQueue)], // the sweep only: no workflow of a certificate
    });
  },
  20 * 60_000,
);

import { Client } from '@temporalio/client';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { backup, keysOf, readKeysFile, restore } from '../../scripts/lib/backup';
import { loadConfig } from '../../src/config';
import { HeldCertificateState, HeldMoveOutCertificate, CaseRecord } from '../../src/db/entities';
import { openRegistryDb } from '../../src/db/orm';
import { piiCryptoFor } from '../../src/db/pii-crypto';
import { addDays } from '../../src/domain/dates';
import { heldCertificateDefinition, HeldCertificateStatus } from '../../src/procedures/held-certificate/definition';
import { heldCertificateSweepId, heldCertificateWorkflowId } from '../../src/procedures/held-certificate/workflow';
import { moveInApplication, today } from '../support/fixtures';
import { certificateInfoFrom } from '../support/move-fixtures';
import { snapshot, expectConsistent } from './support/expect-counts';
import { FaultSystem, summary } from './support/fault-system';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The backup and restore drill (issue 16 item 4; README "Operations" → "Backup and restore"): cases in several states,
 * the backup of scripts/backup.sh (Temporal first, then the registry, the keys apart), everything stopped, every
 * database dropped and Temporal's state deleted, the restore of scripts/restore.sh, everything started again: each
 * case continues and completes, the held certificate is purged at its instant, and the counts are exact.
 */
let sys: FaultSystem;
let work: string;
beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'juki-backup-drill-'));
  sys = await FaultSystem.start({ workers: 1, apis: 1 });
  await sys.login('clerk1');
  await sys.login('approver1');
});
afterAll(async () => {
  await sys?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

const failedCsCalls = async () =>
  Number((await sys.sql<{ n: number }>(`select count(*) n from partner_call where partner = 'CS' and ok = 0`))[0]?.n);

it('backup → wipe → restore: every case continues, the held certificate is purged on time, exact counts', async () => {
  const config = loadConfig(sys.config);
  const before = await snapshot(sys);

  // 1. a 転入 completed
  const completed = await sys.intake('move-in', moveInApplication());
  await sys.approve(completed);
  await sys.waitForStatus([completed], 'COMPLETED');

  // 2. a held 転出証明書情報 due at T (after the restore), and one due weeks ahead through the real inbound endpoint,
  //    whose after-commit step starts the sweep (it sleeps towards T: test/faults/held-burst.fault.test.ts)
  const T = new Date(Math.ceil((Date.now() + 120_000) / 1000) * 1000);
  const heldId = 'HC-DRILL-00001';
  {
    const orm = await openRegistryDb(sys.backupTargets.databaseUrl, { migrate: false });
    const em = orm.em.fork();
    const msg = certificateInfoFrom(config.municipalityCode, addDays(today(), -31));
    em.persist(
      em.create(HeldMoveOutCertificate, {
        heldId,
        originMunicipalityCode: msg.fromMunicipalityCode,
        messageId: msg.idempotencyKey,
        residentRecordCode: msg.certificate.residentRecordCode,
        plannedMoveOutDate: msg.certificate.plannedMoveOutDate,
        payloadEnc: piiCryptoFor(config.keys).encrypt(JSON.stringify(msg)),
        state: HeldCertificateState.HELD,
        receivedAt: new Date(),
        purgeAt: T,
        replacedCount: 0,
      }),
    );
    em.persist(
      em.create(CaseRecord, {
        caseId: heldId,
        procedure: heldCertificateDefinition.code,
        status: HeldCertificateStatus.HELD,
        workflowId: heldCertificateWorkflowId(heldId),
        enteredBy: 'system',
        needsAttention: false,
        escalated: false,
        revision: 0,
        dueAt: T,
        createdAt: new Date(),
        updatedAt: new Date(),
      }),
    );
    await em.flush();
    await orm.close(true);
  }
  let client = new Client({ connection: await sys.connect(), namespace: sys.temporal.namespace });
  // the sweep ensured at the processes' start sleeps towards the next 00:00 JST (every real purge instant is one); T
  // is not, so that sweep goes and the inbound starts one that reads T (test/faults/held-burst.fault.test.ts)
  await client.workflow
    .getHandle(heldCertificateSweepId(sys.taskQueue))
    .terminate('test: T is no 00:00 JST')
    .catch(() => undefined);
  const r = await fetch(`${sys.apis[0]!.url}/cs-inbound/v1/move-out-certificates`, {
    method: 'POST',
    headers: { authorization: `Bearer ${sys.inboundToken('cs')}`, 'content-type': 'application/json' },
    body: JSON.stringify(certificateInfoFrom(config.municipalityCode, today())),
  });
  expect(r.status, await r.text()).toBeLessThan(300);
  const sweep = () => client.workflow.getHandle(heldCertificateSweepId(sys.taskQueue)).describe();
  for (let i = 0; (await sweep().catch(() => undefined))?.status.name !== 'RUNNING'; i++) {
    expect(i, 'the inbound started the sweep').toBeLessThan(60);
    await sleep(500);
  }

  // 3. a 転入 waiting for 決裁
  const waiting = await sys.intake('move-in', moveInApplication());
  await sys.waitForStatus([waiting], 'AWAITING_APPROVAL', 60_000);

  // 4. a 転入 whose CS delivery fails and is retried (the CS answers 503 to every call)
  await sys.faults('cs', { failNext: 1_000_000 });
  const retrying = await sys.intake('move-in', moveInApplication());
  await sys.approve(retrying);
  for (let i = 0; (await failedCsCalls()) < 2; i++) {
    expect(i, 'the CS delivery failed').toBeLessThan(120);
    await sleep(500);
  }
  await sys.waitForStatus([retrying], 'DELIVERING', 30_000);

  // backup: Temporal first, then the registry; the keys apart
  const outDir = join(work, 'backup');
  const keysDir = join(work, 'keys');
  const manifest = await backup(sys.backupTargets, keysOf(sys.config), { outDir, keysDir });
  expect(manifest.files.map((f) => f.part)).toEqual([
    ...manifest.files.filter((f) => f.part === 'temporal').map(() => 'temporal'),
    'registry',
  ]);
  expect(statSync(join(keysDir, 'keys.env')).mode & 0o777).toBe(0o600);
  const keyValues = Object.values(keysOf(sys.config));
  for (const f of readdirSync(outDir)) {
    const bytes = readFileSync(join(outDir, f));
    for (const k of keyValues) expect(bytes.includes(k), `${f} holds no key`).toBe(false);
  }
  const atBackup = await snapshot(sys);
  await client.connection.close();

  // stop everything, drop every database, delete Temporal's state, restore, start everything
  await sys.wipeAndRestore(async () => {
    await restore(outDir, sys.backupTargets, readKeysFile(keysDir));
  });
  const restoredAt = Date.now();
  expect(restoredAt, 'restored before the held certificate is due').toBeLessThan(T.getTime());
  client = new Client({ connection: await sys.connect(), namespace: sys.temporal.namespace });
  expect((await sweep()).status.name, 'the sweep sleeps on after the restore').toBe('RUNNING');
  const restored = await snapshot(sys);
  // the same rows as at the backup; an outbox row being sent during the dump may come back SENDING (claimed, not
  // sent): the delivery takes SENDING rows again, and the CS deduplicates by idempotency key
  const unsent = (o: Record<string, number>) => (o.PENDING ?? 0) + (o.SENDING ?? 0);
  const rows = (s: typeof restored) => ({ ...s, cs: undefined, jlis: undefined, outbox: undefined });
  expect(rows(restored)).toEqual(rows(atBackup));
  expect(unsent(restored.outbox)).toBe(unsent(atBackup.outbox));
  expect(restored.outbox.SENT).toBe(atBackup.outbox.SENT);

  // every case continues
  await sys.faults('cs', { clear: true });
  await sys.approve(waiting);
  await sys.waitForStatus([completed, waiting, retrying], 'COMPLETED');
  const purgeUntil = T.getTime() + 60_000;
  let held: { state: string; purged_at: Date | null; payload_enc: string | null } | undefined;
  while (Date.now() < purgeUntil) {
    [held] = await sys.sql<typeof held & object>(
      'select state, purged_at, payload_enc from held_move_out_certificate where held_id = ?',
      [heldId],
    );
    if (held?.state === HeldCertificateState.PURGED) break;
    await sleep(1_000);
  }
  const after = await snapshot(sys);
  const running: string[] = [];
  for await (const w of client.workflow.list({
    query: `TaskQueue = '${sys.taskQueue}' AND ExecutionStatus = 'Running'`,
  }))
    running.push(w.workflowId);
  await client.connection.close();
  summary('backup-restore', {
    restoreSeconds: Math.round((restoredAt - Date.parse(manifest.takenAt)) / 1000),
    heldPurgedSecondsAfterDue: held?.purged_at
      ? Math.round((new Date(held.purged_at).getTime() - T.getTime()) / 1000)
      : null,
    cases: after.cases,
    outbox: after.outbox,
    cs: after.cs,
  });

  expect(held?.state, 'the held certificate purged within 60 s of its instant').toBe(HeldCertificateState.PURGED);
  expect(new Date(held!.purged_at!).getTime()).toBeGreaterThanOrEqual(T.getTime());
  expect(held!.payload_enc).toBeNull();
  expect(running).toEqual([heldCertificateSweepId(sys.taskQueue)]);
  expect({
    cases: after.cases,
    residents: after.residents - before.residents,
    history: after.history - before.history,
    outbox: after.outbox,
    certificates: after.certificates - before.certificates,
    held: after.heldCertificates,
    cs: after.cs,
    jlis: after.jlis,
  }).toEqual({
    cases: { COMPLETED: 3, [HeldCertificateStatus.PURGED]: 1, [HeldCertificateStatus.HELD]: 1 },
    residents: 6,
    history: 6,
    outbox: { SENT: 12 },
    certificates: 3,
    held: { PURGED: 1, HELD: 1 },
    cs: {
      'identity-updates': { count: 6, distinct: 6 },
      'move-in-notices': { count: 6, distinct: 6 },
      'address-annex-notices': { count: 0, distinct: 0 },
    },
    jlis: { 'continued-use': { count: 0, distinct: 0 }, 'card-events': { count: 0, distinct: 0 } },
  });
  expectConsistent(after);
});

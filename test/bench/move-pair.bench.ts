/**
 * The move pair on real parts: two towns, one CS simulator routing between them.
 * Per household: A 転出 (special path, P = today) → A approves → the 転出証明書情報 reaches B → B 特例転入 →
 * B approves → 転入通知 back to A → A records it. Prints pairs/s and the latency from A's intake to A's completion.
 *   npm run bench -- pair [households=20] [concurrency=4]          both towns in this process on the Temporal dev
 *     server, SQLite each; CPU ms per pair of this process (both towns, the CS simulator) and the dev server
 *   npm run bench -- cluster-pair [households=20] [concurrency=4]  on the cluster shape (bench-processes.ts): town A
 *     is the cluster's town (two workers, two APIs; households alternate between them), town B a second town on the
 *     same Temporal cluster and CS simulator (its own MariaDB database, one worker, one API); also CPU ms per pair
 *     per process
 */
import { mkdtempSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { keyBytes, loadConfig } from '../../src/config';
import { withMunicipalityCheckDigit } from '../../src/domain/check-digits';
import { jstDate } from '../../src/domain/dates';
import type { MikroORM } from '@mikro-orm/core';
import { createPiiCrypto, piiCryptoFor, type PiiCrypto } from '../../src/db/pii-crypto';
import { Household, Resident } from '../../src/db/entities';
import { loadDemoTown } from '../../src/db/seed/load-demo';
import { seedStaff } from '../../src/db/seed/staff';
import { startCsSimulator } from '../../src/partners/cs-simulator';
import { startSystem } from '../../src/system';
import { SEARCH_ATTRIBUTE_TYPES } from '../../src/workflows/search-attributes';
import { startTemporalDevServer } from '../../scripts/lib/temporal-dev-server';
import { moversOf, specialMoveInOf, specialMoveOut } from '../support/move-fixtures';
import { benchClient, untilStatus } from './bench-client';
import { closedLoop, latencyLine, rate } from './load';
import { cpuLine, cpuMs, cpuPerCase, startBenchProcesses, type CpuSnapshot } from './bench-processes';

const CLUSTER = process.argv[2] === 'cluster';
const args = process.argv.slice(CLUSTER ? 3 : 2);
const N = Number(args[0] ?? 20);
const CONCURRENCY = Number(args[1] ?? 4);
const TOWN_B = { municipalityCode: withMunicipalityCheckDigit('14150'), municipalityName: '相模原市' };

type Client = ReturnType<typeof benchClient>;
/** What the pair drives: A's endpoints (one or more APIs), B's, A's registry (to pick households), CPU snapshots. */
interface Towns {
  a: Array<{ api: Client; clerk: string; approver: string }>;
  b: { api: Client; clerk: string; approver: string };
  aOrm: MikroORM;
  aCrypto: PiiCrypto;
  aCode: string;
  bCode: string;
  shape: string;
  snapshot?: () => CpuSnapshot;
  watch: <T>(p: Promise<T>) => Promise<T>;
  close(): Promise<void>;
}

/** Both towns in this process (startSystem, SQLite each) on the Temporal dev server. */
async function devTowns(): Promise<Towns> {
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const dev = process.env.TEMPORAL_ADDRESS
    ? undefined
    : await startTemporalDevServer({
        cliPath: process.env.TEMPORAL_CLI_PATH!,
        searchAttributes: SEARCH_ATTRIBUTE_TYPES,
      });
  const address = process.env.TEMPORAL_ADDRESS ?? dev!.address;
  const csToken = `bench-cs-${randomUUID()}`;
  const cs = await startCsSimulator({ token: csToken, forwarding: { initialBackoffMs: 50, maxBackoffMs: 500 } });
  const town = (code: string, name: string) =>
    startSystem(
      loadConfig(
        { ...process.env, JUKI_DATA_DIR: mkdtempSync(join(tmpdir(), 'juki-pair-')) },
        {
          apiPort: 0,
          temporalAddress: address,
          taskQueue: `pair-${code}-${randomUUID().slice(0, 6)}`,
          municipalityCode: code,
          municipalityName: name,
          csUrl: cs.url,
          csToken,
          databaseUrl: `sqlite:${join(mkdtempSync(join(tmpdir(), 'juki-pair-db-')), 'registry.sqlite')}`,
        },
      ),
      { jlisSimulator: true },
    );
  const A = await town(withMunicipalityCheckDigit('13999'), 'さくら市');
  const B = await town(TOWN_B.municipalityCode, TOWN_B.municipalityName);
  const close = async () => {
    await A.close();
    await B.close();
    await cs.close();
    await dev?.stop();
  };
  try {
    for (const t of [A, B]) {
      await seedStaff(t.orm);
      await fetch(`${cs.url}/cs/v1/_admin/routes`, {
        method: 'POST',
        headers: { authorization: `Bearer ${csToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          municipalityCode: t.config.municipalityCode,
          inboundUrl: `${t.apiUrl}/cs-inbound/v1`,
          token: t.config.csInboundToken,
        }),
      });
    }
    const [a, b] = [benchClient(A.apiUrl), benchClient(B.apiUrl)];
    const [aClerk, aApprover, bClerk, bApprover] = await Promise.all([
      a.login('clerk1'),
      a.login('approver1'),
      b.login('clerk1'),
      b.login('approver1'),
    ]);
    return {
      a: [{ api: a, clerk: aClerk, approver: aApprover }],
      b: { api: b, clerk: bClerk, approver: bApprover },
      aOrm: A.orm,
      aCrypto: createPiiCrypto(keyBytes(A.config.keys.piiEncryption), keyBytes(A.config.keys.piiIndex)),
      aCode: A.config.municipalityCode,
      bCode: B.config.municipalityCode,
      shape: 'both towns on SQLite',
      // CPU per pair: this process (both towns' APIs and workers, the CS simulator) and the dev server
      snapshot: () => ({
        'towns + CS (this process)': cpuMs(process.pid),
        ...(dev ? { temporal: cpuMs(dev.pid) } : {}),
      }),
      watch: (p) => p,
      close,
    };
  } catch (e) {
    await close();
    throw e;
  }
}

/** Town A is the cluster's, town B a second town on the same cluster (bench-processes.ts `secondTown`). */
async function clusterTowns(): Promise<Towns> {
  const c = await startBenchProcesses({ cluster: true, secondTown: TOWN_B });
  return {
    a: c.endpoints,
    b: c.townB!,
    aOrm: c.orm,
    aCrypto: piiCryptoFor(c.config.keys),
    aCode: c.config.municipalityCode,
    bCode: TOWN_B.municipalityCode,
    shape: `${c.server}; town B: 1 worker, 1 API; both registries on MariaDB, ${c.cores} cores`,
    snapshot: c.snapshot,
    watch: c.watch,
    close: c.close,
  };
}

async function main() {
  const t = CLUSTER ? await clusterTowns() : await devTowns();
  try {
    await t.watch(run(t));
  } finally {
    await t.close();
  }
}

async function run(t: Towns) {
  await loadDemoTown(t.aOrm, t.aCrypto, { households: N + 1 });
  const { b } = t;
  const households = await t.aOrm.em.fork().find(Household, {}, { orderBy: { householdNumber: 'asc' } });
  const today = jstDate(new Date());

  const pair = async (i: number) => {
    const a = t.a[i % t.a.length]!;
    const members = await t.aOrm.em.fork().find(Resident, { householdNumber: households[i]!.householdNumber });
    const t0 = performance.now();
    const out = await a.api.post(
      '/api/cases/move-out',
      a.clerk,
      specialMoveOut(moversOf(members), today, {
        address: '神奈川県相模原市中央区中央一丁目1番1号',
        municipalityCode: t.bCode,
      }),
      { 'idempotency-key': randomUUID() },
    );
    await a.api.post(`/api/cases/${out.caseId}/approve`, a.approver);
    const special = await b.api.post(
      '/api/cases/special-move-in',
      b.clerk,
      specialMoveInOf(members, t.aCode, { address: `神奈川県相模原市中央区中央一丁目${i + 1}番1号` }, today),
      { 'idempotency-key': randomUUID() },
    );
    await untilStatus((p) => b.api.get(p, b.clerk), special.caseId, 'AWAITING_APPROVAL');
    await b.api.post(`/api/cases/${special.caseId}/approve`, b.approver);
    await untilStatus((p) => a.api.get(p, a.clerk), out.caseId, 'COMPLETED');
    return { ms: performance.now() - t0, persons: members.length };
  };

  await pair(N); // warm-up (the extra household)
  console.log(
    `move-pair bench: ${N} households, concurrency ${CONCURRENCY}, ${t.shape}` +
      (CLUSTER
        ? ` (load average ${loadavg()
            .map((l) => l.toFixed(1))
            .join(' ')})`
        : ''),
  );
  let persons = 0;
  const before = t.snapshot?.();
  const run = await closedLoop(N, CONCURRENCY, async (i) => {
    persons += (await pair(i)).persons;
  });
  console.log(
    `  throughput      ${rate(run).toFixed(2)} households/s, ${(persons / run.seconds).toFixed(2)} persons/s (${run.seconds.toFixed(1)} s)`,
  );
  console.log(`  latency         A intake → A completed (転入通知 recorded): ${latencyLine(run)}`);
  if (before) {
    console.log(`  CPU per pair    ${cpuLine(cpuPerCase(before, t.snapshot!(), N))}`);
    console.log(
      `  load average    ${loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')} (1/5/15 min) at the end`,
    );
  }
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);

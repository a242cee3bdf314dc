/**
 * The move pair on real parts: two towns (both this system, SQLite each), one CS simulator routing between them.
 * Per household: A 転出 (special path, P = today) → A approves → the 転出証明書情報 reaches B → B 特例転入 →
 * B approves → 転入通知 back to A → A records it. Prints pairs/s and the latency from A's intake to A's completion.
 *   npm run bench -- pair [households=20] [concurrency=4]
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { keyBytes, loadConfig } from '../../src/config';
import { withMunicipalityCheckDigit } from '../../src/domain/check-digits';
import { jstDate } from '../../src/domain/dates';
import { createPiiCrypto } from '../../src/db/pii-crypto';
import { Household, Resident } from '../../src/db/entities';
import { loadDemoTown } from '../../src/db/seed/load-demo';
import { seedStaff } from '../../src/db/seed/staff';
import { startCsSimulator } from '../../src/partners/cs-simulator';
import { startSystem } from '../../src/system';
import { SEARCH_ATTRIBUTE_TYPES } from '../../src/workflows/search-attributes';
import { startTemporalDevServer } from '../../scripts/lib/temporal-dev-server';
import { moversOf, specialMoveInOf, specialMoveOut } from '../support/move-fixtures';
import { benchClient, percentile, untilStatus } from './bench-client';

const N = Number(process.argv[2] ?? 20);
const CONCURRENCY = Number(process.argv[3] ?? 4);

async function main() {
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
  const B = await town(withMunicipalityCheckDigit('14150'), '相模原市');
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
    await loadDemoTown(
      A.orm,
      createPiiCrypto(keyBytes(A.config.keys.piiEncryption), keyBytes(A.config.keys.piiIndex)),
      { households: N + 1 },
    );
    const [a, b] = [benchClient(A.apiUrl), benchClient(B.apiUrl)];
    const [aClerk, aApprover, bClerk, bApprover] = await Promise.all([
      a.login('clerk1'),
      a.login('approver1'),
      b.login('clerk1'),
      b.login('approver1'),
    ]);
    const households = await A.orm.em.fork().find(Household, {}, { orderBy: { householdNumber: 'asc' } });
    const today = jstDate(new Date());

    const pair = async (i: number) => {
      const members = await A.orm.em.fork().find(Resident, { householdNumber: households[i]!.householdNumber });
      const t0 = performance.now();
      const out = await a.post(
        '/api/cases/move-out',
        aClerk,
        specialMoveOut(moversOf(members), today, {
          address: '神奈川県相模原市中央区中央一丁目1番1号',
          municipalityCode: B.config.municipalityCode,
        }),
        { 'idempotency-key': randomUUID() },
      );
      await a.post(`/api/cases/${out.caseId}/approve`, aApprover);
      const special = await b.post(
        '/api/cases/special-move-in',
        bClerk,
        specialMoveInOf(
          members,
          A.config.municipalityCode,
          { address: `神奈川県相模原市中央区中央一丁目${i + 1}番1号` },
          today,
        ),
        { 'idempotency-key': randomUUID() },
      );
      await untilStatus((p) => b.get(p, bClerk), special.caseId, 'AWAITING_APPROVAL');
      await b.post(`/api/cases/${special.caseId}/approve`, bApprover);
      await untilStatus((p) => a.get(p, aClerk), out.caseId, 'COMPLETED');
      return { ms: performance.now() - t0, persons: members.length };
    };

    await pair(N); // warm-up (the extra household)
    console.log(`move-pair bench: ${N} households, concurrency ${CONCURRENCY}, both towns on SQLite`);
    const results: Array<{ ms: number; persons: number }> = [];
    let next = 0;
    const start = performance.now();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < N) results.push(await pair(next++));
      }),
    );
    const seconds = (performance.now() - start) / 1000;
    const ms = results.map((r) => r.ms).sort((x, y) => x - y);
    console.log(
      `  throughput      ${(N / seconds).toFixed(2)} households/s, ${(results.reduce((s, r) => s + r.persons, 0) / seconds).toFixed(2)} persons/s (${seconds.toFixed(1)} s)`,
    );
    console.log(
      `  latency (ms)    A intake → A completed (転入通知 recorded): p50 ${percentile(ms, 50).toFixed(0)}  p95 ${percentile(ms, 95).toFixed(0)}  p99 ${percentile(ms, 99).toFixed(0)}  max ${ms.at(-1)!.toFixed(0)}`,
    );
  } finally {
    await A.close();
    await B.close();
    await cs.close();
    await dev?.stop();
  }
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);

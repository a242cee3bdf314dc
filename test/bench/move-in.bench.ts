/**
 * Move-in throughput and latency on the running system (real Temporal dev server, registry DB, CS simulator over
 * HTTP, real PDFs): N cases through intake (HTTP) → approval by the bench user (HTTP) → completion. Prints cases/s,
 * latency p50/p95/p99 from intake to completion, and the PDF render time per certificate. No assertions.
 *   npm run bench -- [cases=200] [concurrency=10]       (DATABASE_URL selects the DB; default: a fresh SQLite file)
 */
import { CertificateIssuance } from '../../src/db/entities';
import { generateNewMover } from '../../src/db/seed/demo-town';
import { moveInWorkflowId } from '../../src/procedures/move-in/workflow';
import { createCertificateRenderer } from '../../src/activities/certificate-renderer';
import { certificateInput } from '../support/certificate-fixtures';
import { percentile, startBenchSystem } from './bench-client';

const N = Number(process.argv[2] ?? 200);
const CONCURRENCY = Number(process.argv[3] ?? 10);

async function main() {
  const { sys, api, clerk, approver, close } = await startBenchSystem();
  try {
    const post = api.post;
    const oneCase = async (i: number) => {
      const m = generateNewMover(1000 + i, new Date().toISOString().slice(0, 10));
      const body = {
        movers: [
          {
            familyName: m.familyName,
            givenName: m.givenName,
            familyNameKana: m.familyNameKana,
            givenNameKana: m.givenNameKana,
            birthDate: m.birthDate,
            sex: m.sex,
            relationshipToHead: '世帯主',
            residentRecordCode: m.residentRecordCode,
            individualNumber: m.individualNumber,
          },
        ],
        address: { address: `東京都さくら市本町一丁目${(i % 30) + 1}番${(i % 20) + 1}号` },
        moveInDate: m.moveInDate,
        previousAddress: m.previousAddress,
        previousMunicipalityCode: m.previousMunicipalityCode,
        household: { mode: 'new' },
        notifier: { kind: 'self' },
        identityDocument: { type: 'myNumberCard' },
        certificateRequest: { includeHouseholdHead: true },
      };
      const t0 = performance.now();
      const { caseId } = await post('/api/cases/move-in', clerk, body, {
        'idempotency-key': `bench-${sys.config.taskQueue}-${i}`,
      });
      await post(`/api/cases/${caseId}/approve`, approver);
      await sys.temporal.workflow.getHandle(moveInWorkflowId(caseId)).result();
      return performance.now() - t0;
    };

    await oneCase(-1); // warm-up: workflow cache, PDF fonts, DB statements
    console.log(`move-in bench: ${N} cases, concurrency ${CONCURRENCY}, DB ${sys.config.databaseUrl.split(':')[0]}`);
    const latencies: number[] = [];
    let next = 0;
    const start = performance.now();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < N) {
          const i = next++;
          latencies.push(await oneCase(i));
          if (latencies.length % 50 === 0) process.stdout.write(`  ${latencies.length}/${N} done\n`);
        }
      }),
    );
    const seconds = (performance.now() - start) / 1000;
    latencies.sort((a, b) => a - b);
    console.log(`  throughput      ${(N / seconds).toFixed(1)} cases/s (${seconds.toFixed(1)} s)`);
    console.log(
      `  latency (ms)    p50 ${percentile(latencies, 50).toFixed(0)}  p95 ${percentile(latencies, 95).toFixed(0)}  p99 ${percentile(latencies, 99).toFixed(0)}  max ${latencies.at(-1)!.toFixed(0)}`,
    );
    const certs = await sys.orm.em.fork().count(CertificateIssuance, {});
    console.log(`  certificates    ${certs} issued`);

    // PDF render time per certificate, on the same renderer the activity uses (warm, 50 renders).
    const renderer = createCertificateRenderer();
    const input = certificateInput();
    for (let i = 0; i < 5; i++) await renderer.renderResidentRecordCopy(input);
    const pdfMs: number[] = [];
    for (let i = 0; i < 50; i++) {
      const t = performance.now();
      await renderer.renderResidentRecordCopy(input);
      pdfMs.push(performance.now() - t);
    }
    pdfMs.sort((a, b) => a - b);
    console.log(
      `  PDF render (ms) p50 ${percentile(pdfMs, 50).toFixed(1)}  p95 ${percentile(pdfMs, 95).toFixed(1)} per one-page 住民票の写し`,
    );
  } finally {
    await close();
  }
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);

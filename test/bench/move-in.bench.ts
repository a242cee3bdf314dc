/**
 * Move-in throughput, latency and CPU per case on the running system, as separate processes (bench-processes.ts:
 * Temporal dev server, API, registry worker, bench-only ceiling worker; CS and J-LIS simulators over real HTTP; real
 * PDFs). In the same run and on the same server:
 *   1. the no-op ceiling: a workflow of the 転入's exact Temporal shape whose activities do nothing (ceiling/);
 *   2. N move-ins through intake (HTTP) → approval by the bench user (HTTP) → completion, `concurrency` at a time;
 *   3. move-ins arriving at a paced 5 cases/s: latency from intake to completion;
 * each with CPU ms per case per process (/proc/<pid>/stat utime+stime+cutime+cstime before and after). 1 and 2 run
 * alternately in BENCH_ROUNDS rounds (default 3) and are pooled, so that a change in the machine's other load does not
 * fall on one side of the ratio only; the ratio and our own CPU are also printed per round. No assertions.
 *   npm run bench -- [cases=200] [concurrency=10]       (DATABASE_URL selects the DB; default: a fresh SQLite file)
 *   npm run bench -- cluster [cases] [concurrency]      the same on the cluster shape: Temporal on PostgreSQL with mTLS
 *     and 4 shards, two workers, two APIs (cases alternate between them), the registry on MariaDB (MARIADB_URL)
 *   BENCH_CPU_PROFILE=<dir>: API and worker run with `node --cpu-prof` (summarise with test/bench/cpu-profile-top.ts)
 *   BENCH_WARMUP=<n>: cases of each kind run before the measured rounds (default 200)
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { temporal as proto } from '@temporalio/proto';
import { CertificateIssuance } from '../../src/db/entities';
import { generateNewMover } from '../../src/db/seed/demo-town';
import { moveInWorkflowId } from '../../src/procedures/move-in/workflow';
import { startBenchProcesses, cpuLine, cpuPerCase, type CpuSnapshot } from './bench-processes';
import { ceilingApproveUpdate, ceilingWorkflow } from './ceiling/workflow';
import { closedLoop, latencyLine, paced, rate, type LoadResult } from './load';

const EventType = proto.api.enums.v1.EventType;
const CLUSTER = process.argv[2] === 'cluster';
const args = process.argv.slice(CLUSTER ? 3 : 2);
const N = Number(args[0] ?? 200);
const CONCURRENCY = Number(args[1] ?? 10);
const PACED_RATE = Number(process.env.BENCH_PACED_RATE ?? 5);
const PACED_CASES = Number(process.env.BENCH_PACED_CASES ?? Math.min(N, 100));
/** BENCH_ROUNDS: the ceilings and the move-in run alternately, N / ROUNDS cases each per round. */
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 3));
/** BENCH_WARMUP: cases of each kind before the measured rounds (default 200). */
const WARMUP = Math.max(1, Number(process.env.BENCH_WARMUP ?? 200));

/**
 * The bench's end of the ceiling worker's notice (ceiling/activities.ts): a ceiling case's first projection has run,
 * so its 決裁 may be sent and will take a workflow task of its own, as a 転入's does.
 */
async function firstTaskNotices() {
  const waiting = new Map<string, () => void>();
  const arrived = new Set<string>();
  const server = createServer((req, res) => {
    const caseId = decodeURIComponent((req.url ?? '').slice(1));
    const w = waiting.get(caseId);
    if (w) w();
    else arrived.add(caseId);
    res.end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    firstTask: (caseId: string) =>
      arrived.delete(caseId)
        ? Promise.resolve()
        : new Promise<void>((r) => waiting.set(caseId, () => (waiting.delete(caseId), r()))),
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

async function main() {
  const notices = await firstTaskNotices();
  const b = await startBenchProcesses({
    profileDir: process.env.BENCH_CPU_PROFILE,
    cluster: CLUSTER,
    ceilingNotifyUrl: notices.url,
  });
  try {
    await b.watch(run(b, notices.firstTask));
  } catch (e) {
    console.error(e); // before close(): a retrying client call may outlive it
    process.exitCode = 1;
  } finally {
    await b.close();
    await notices.close();
  }
}

/** CPU ms the whole machine has been busy (all cores; /proc/stat: user, nice, system, irq, softirq, steal). */
function machineBusyMs(): number {
  const [, ...f] = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!.trim().split(/\s+/);
  const [user, nice, system, , , irq, softirq, steal] = f.map(Number);
  return ((user! + nice! + system! + irq! + softirq! + steal!) * 1000) / 100; // USER_HZ is 100 on Linux
}

async function run(b: Awaited<ReturnType<typeof startBenchProcesses>>, firstTask: (caseId: string) => Promise<void>) {
  const { temporal } = b;
  let firstCaseId: string | undefined;
  {
    const moveIn = (tag: string) => async (i: number) => {
      const { api, clerk, approver } = b.endpoints[i % b.endpoints.length]!;
      const m = generateNewMover(
        1000 + i + ({ warm: 50_000, paced: 100_000 }[tag] ?? 0),
        new Date().toISOString().slice(0, 10),
      );
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
      const { caseId } = await api.post('/api/cases/move-in', clerk, body, {
        'idempotency-key': `bench-${b.config.taskQueue}-${tag}-${i}`,
      });
      if (tag === 'run') firstCaseId ??= caseId;
      await api.post(`/api/cases/${caseId}/approve`, approver);
      await temporal.workflow.getHandle(moveInWorkflowId(caseId)).result();
    };
    // the 決裁 after the first projection, so in a workflow task of its own (the 転入's exact shape: its 決裁 comes
    // after the intake's answer); `decisionLocal`: the 決裁 logged by the projection after it, as the 転入's since
    // patch decision-logged-locally (2 activities; the issue's yardstick keeps 3)
    const ceiling =
      (tag: string, decisionLocal = false) =>
      async (i: number) => {
        const caseId = `ceiling-${tag}-${decisionLocal ? 'local-' : ''}${i}`;
        const first = firstTask(caseId);
        const h = await temporal.workflow.start(ceilingWorkflow, {
          taskQueue: b.ceilingQueue,
          workflowId: caseId,
          args: [{ caseId, ...(decisionLocal ? { decisionLocal } : {}) }],
        });
        await first;
        await h.executeUpdate(ceilingApproveUpdate, { args: [{ by: 'bench' }] });
        await h.result();
      };
    // this process's own CPU (the partner simulators, the HTTP and Temporal clients): not part of the system, but on the
    // same cores, so it bounds the closed-loop rates it drives
    const benchCpu = (): CpuSnapshot => {
      const u = process.cpuUsage();
      return { bench: (u.user + u.system) / 1000 };
    };
    const total = (cpu: Record<string, number>) => Object.values(cpu).reduce((a, v) => a + v, 0);
    const measured = async (run: () => Promise<LoadResult>) => {
      const before: CpuSnapshot = b.snapshot();
      const threadsBefore = b.threads();
      const benchBefore = benchCpu();
      const machineBefore = machineBusyMs();
      const r = await run();
      const cpu = cpuPerCase(before, b.snapshot(), r.cases);
      const bench = cpuPerCase(benchBefore, benchCpu(), r.cases).bench!;
      return {
        r,
        cpu,
        threads: cpuPerCase(threadsBefore, b.threads(), r.cases),
        bench,
        // what else ran on the machine meanwhile, in cores: all CPU time minus the system's and this process's
        others:
          Math.max(0, (machineBusyMs() - machineBefore) / 1000 - ((total(cpu) + bench) * r.cases) / 1000) / r.seconds,
      };
    };
    type Measured = Awaited<ReturnType<typeof measured>>;
    /** Rounds of one kind as one run: cases and seconds summed, latencies pooled, CPU per case over all its cases. */
    const pooled = (runs: Measured[]): Measured => {
      const cases = runs.reduce((a, m) => a + m.r.cases, 0);
      const perCase = (pick: (m: Measured) => Record<string, number>) => {
        const out: Record<string, number> = {};
        for (const m of runs)
          for (const [k, v] of Object.entries(pick(m))) out[k] = (out[k] ?? 0) + (v * m.r.cases) / cases;
        return out;
      };
      return {
        r: {
          cases,
          seconds: runs.reduce((a, m) => a + m.r.seconds, 0),
          latencies: runs.flatMap((m) => m.r.latencies).sort((x, y) => x - y),
        },
        cpu: perCase((m) => m.cpu),
        threads: perCase((m) => m.threads),
        bench: perCase((m) => ({ bench: m.bench })).bench!,
        others: runs.reduce((a, m) => a + m.others * m.r.seconds, 0) / runs.reduce((a, m) => a + m.r.seconds, 0),
      };
    };

    // warm-up: both workers bundled and polling, workflow caches, PDF fonts, DB statements, and V8's optimising
    // compiler done with the hot code of both (BENCH_WARMUP cases each, at the run's concurrency): the measured rounds
    // are the steady state a worker that runs for days is in, not its first minute
    await closedLoop(WARMUP, CONCURRENCY, async (i) => {
      await Promise.all([moveIn('warm')(i), ceiling('warm')(i), ceiling('warm', true)(i)]);
    });
    console.log(
      `move-in bench: ${N} cases, concurrency ${CONCURRENCY}, ${ROUNDS} rounds, ${b.server}, DB ${b.dbKind}, ${b.cores} cores (shared with whatever else runs; load average ${loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')})`,
    );
    // The ceilings and the move-in alternate in rounds of N / ROUNDS cases each, so that a change in what else this
    // machine runs falls on both sides of the ratio instead of on whichever ran while it lasted
    const perRound = Math.ceil(N / ROUNDS);
    const rounds: { ceil: Measured; ceilLocal: Measured; mi: Measured }[] = [];
    const monotonicUs = () => process.hrtime.bigint() / 1000n; // the clock of `node --cpu-prof` timestamps
    const windows: string[] = [];
    const sql: Record<string, number> = {};
    for (let round = 0; round < ROUNDS; round++) {
      const n = Math.min(perRound, N - round * perRound);
      if (n <= 0) break;
      const offset = (i: number) => round * perRound + i;
      const ceil = await measured(() => closedLoop(n, CONCURRENCY, (i) => ceiling('run')(offset(i))));
      const ceilLocal = await measured(() => closedLoop(n, CONCURRENCY, (i) => ceiling('run', true)(offset(i))));
      const sqlBefore = await b.sqlCounts();
      const from = monotonicUs();
      const mi = await measured(() => closedLoop(n, CONCURRENCY, (i) => moveIn('run')(offset(i))));
      windows.push(`--window=${from}-${monotonicUs()}`);
      const sqlAfter = await b.sqlCounts();
      for (const q of Object.keys(sqlAfter)) sql[q] = (sql[q] ?? 0) + sqlAfter[q]! - (sqlBefore[q] ?? 0);
      rounds.push({ ceil, ceilLocal, mi });
    }
    const ceil = pooled(rounds.map((x) => x.ceil));
    const ceilLocal = pooled(rounds.map((x) => x.ceilLocal));
    const mi = pooled(rounds.map((x) => x.mi));
    if (process.env.BENCH_CPU_PROFILE)
      console.log(`  profile windows of the move-in rounds  ${windows.join('  ')} (test/bench/cpu-profile-top.ts)`);
    const pacedRun = await measured(() => paced(PACED_CASES, PACED_RATE, moveIn('paced')));

    console.log(
      `  no-op ceiling   ${rate(ceil.r).toFixed(1)} cases/s  ${latencyLine(ceil.r)}  (issue 15's shape: 3 activities, 4 local)`,
    );
    const benchLine = (m: Measured) =>
      ` (not counted: this bench process, its clients and simulators, ${m.bench.toFixed(1)})`;
    console.log(`                  CPU ${cpuLine(ceil.cpu)}${benchLine(ceil)}`);
    const threadsLine = (m: Measured) =>
      Object.entries(m.threads)
        .filter(([, v]) => v >= 0.5)
        .map(([k, v]) => `${k} ${v.toFixed(1)}`)
        .join(', ');
    console.log(`                  threads ${threadsLine(ceil)} ms/case`);
    console.log(
      `  ceiling, the 転入's shape now  ${rate(ceilLocal.r).toFixed(1)} cases/s  ${latencyLine(ceilLocal.r)}  (2 activities, 4 local: the 決裁 logged by a projection)`,
    );
    console.log(`                  CPU ${cpuLine(ceilLocal.cpu)}${benchLine(ceilLocal)}`);
    console.log(
      `  move-in         ${rate(mi.r).toFixed(1)} cases/s  ${latencyLine(mi.r)}  → ${(rate(mi.r) / rate(ceil.r)).toFixed(2)} × ceiling` +
        ` (${(rate(mi.r) / rate(ceilLocal.r)).toFixed(2)} × the ceiling of its shape now)`,
    );
    console.log(`                  CPU ${cpuLine(mi.cpu)}${benchLine(mi)}`);
    if (rounds.length > 1) {
      const ratios = rounds.map((x) => rate(x.mi.r) / rate(x.ceil.r));
      const own = rounds.map((x) => total(x.mi.cpu) - total(x.ceil.cpu));
      const median = (v: number[]) => [...v].sort((a, c) => a - c)[Math.floor((v.length - 1) / 2)]!;
      console.log(
        `                  by round: ratio ${ratios.map((v) => v.toFixed(2)).join(' / ')} (median ${median(ratios).toFixed(2)}),` +
          ` our own CPU ${own.map((v) => v.toFixed(1)).join(' / ')} ms/case (median ${median(own).toFixed(1)})`,
      );
      // the same difference split: our processes (API, workers, ceiling worker) and the servers (Temporal, databases);
      // the servers' share swings from round to round (e.g. the dev server's Go garbage collector) while ours is steadier
      const servers = (cpu: Record<string, number>) =>
        Object.entries(cpu)
          .filter(([k]) => /temporal|postgres|mariadb/.test(k))
          .reduce((a, [, v]) => a + v, 0);
      const ownServers = rounds.map((x) => servers(x.mi.cpu) - servers(x.ceil.cpu));
      const ownProcesses = rounds.map((x, i) => own[i]! - ownServers[i]!);
      console.log(
        `                  of which our processes ${ownProcesses.map((v) => v.toFixed(1)).join(' / ')} (median ${median(ownProcesses).toFixed(1)}),` +
          ` the servers ${ownServers.map((v) => v.toFixed(1)).join(' / ')} ms/case`,
      );
      // a round whose ceiling and move-in ran beside different other loads is the one to distrust
      console.log(
        `                  other processes' CPU by round, cores: ceiling ${rounds.map((x) => x.ceil.others.toFixed(2)).join(' / ')},` +
          ` move-in ${rounds.map((x) => x.mi.others.toFixed(2)).join(' / ')}`,
      );
    }
    // by thread: on SQLite the API+worker's main thread is the one that saturates first
    const busiest = Object.entries(mi.threads).filter(([, v]) => v >= 0.5);
    if (busiest.length)
      console.log(
        `                  threads ${busiest.map(([k, v]) => `${k} ${v.toFixed(1)}`).join(', ')} ms/case` +
          ` (main thread busy ${((Math.max(...busiest.filter(([k]) => k.endsWith('MainThread')).map(([, v]) => v)) * rate(mi.r)) / 10).toFixed(0)} %)`,
      );
    console.log(`  move-in at ${PACED_RATE}/s  ${PACED_CASES} cases  ${latencyLine(pacedRun.r)}`);
    console.log(
      `                  CPU ${cpuLine(pacedRun.cpu)} (other processes meanwhile: ${pacedRun.others.toFixed(2)} cores)`,
    );
    console.log(
      `  our own CPU     ${(total(mi.cpu) - total(ceil.cpu)).toFixed(1)} ms/case (move-in total minus the ceiling's, closed loop;` +
        ` ${(total(mi.cpu) - total(ceilLocal.cpu)).toFixed(1)} against the ceiling of its shape now)`,
    );
    const perCase = total(mi.cpu) / 1000;
    for (const peak of [7, 70])
      console.log(
        `  cores for ${peak}/s  ${(peak * perCase).toFixed(2)} (= ${peak} cases/s × ${perCase.toFixed(3)} CPU-s/case, at 100 % use)`,
      );
    const perCaseDelta = (q: string) => (sql[q] ?? 0) / mi.r.cases;
    // '#prepare' (test/bench/app-main.ts): statements SQLite compiled, not statements run
    const statements = Object.keys(sql)
      .filter((q) => q !== '#prepare')
      .map((q) => [q, perCaseDelta(q)] as const)
      .filter(([, n]) => n > 0)
      .sort((a, b) => b[1] - a[1]);
    if (statements.length) {
      console.log(
        `  SQL statements  ${statements.reduce((a, [, n]) => a + n, 0).toFixed(1)} per case ` +
          (b.dbKind === 'sqlite'
            ? `(API+worker), ${perCaseDelta('#prepare').toFixed(1)} prepared (compiled by SQLite) per case; most frequent:`
            : `(workers and APIs, counted in mysql2, begin/commit included); most frequent:`),
      );
      for (const [q, n] of statements.slice(0, Number(process.env.BENCH_SQL_TOP ?? 12)))
        console.log(`    ${n.toFixed(1).padStart(5)}  ${q}`);
    }
    console.log(
      `  load average    ${loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')} (1/5/15 min) at the end`,
    );
    console.log(`  certificates    ${await b.orm.em.fork().count(CertificateIssuance, {})} issued`);
    // the Temporal work per case: history events by type of one finished case of each
    const events = async (workflowId: string) => {
      const h = await temporal.workflow.getHandle(workflowId).fetchHistory();
      const byType: Record<string, number> = {};
      for (const e of h.events ?? []) {
        const t = String(EventType[e.eventType ?? 0] ?? e.eventType).replace(/^EVENT_TYPE_/, '');
        byType[t] = (byType[t] ?? 0) + 1;
      }
      return `${h.events?.length ?? 0} (${Object.entries(byType)
        .map(([t, n]) => `${t.toLowerCase()} ${n}`)
        .join(', ')})`;
    };
    console.log(`  history events  ceiling ${await events('ceiling-run-0')}`);
    console.log(`                  ceiling, the 転入's shape now ${await events('ceiling-run-local-0')}`);
    console.log(`                  move-in ${await events(moveInWorkflowId(firstCaseId!))}`);
  }
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);

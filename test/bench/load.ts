import { percentile } from './bench-client';

export interface LoadResult {
  cases: number;
  seconds: number;
  latencies: number[]; // sorted, ms
}

/** N cases, `concurrency` at a time (closed loop): throughput and latency. */
export async function closedLoop(n: number, concurrency: number, oneCase: (i: number) => Promise<void>) {
  const latencies: number[] = [];
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n) {
        const i = next++;
        const t0 = performance.now();
        await oneCase(i);
        latencies.push(performance.now() - t0);
      }
    }),
  );
  return { cases: n, seconds: (performance.now() - start) / 1000, latencies: latencies.sort((a, b) => a - b) };
}

/** N cases arriving at `perSecond` (open loop, paced like a counter's queue): latency from intake to completion. */
export async function paced(n: number, perSecond: number, oneCase: (i: number) => Promise<void>) {
  const latencies: number[] = [];
  const start = performance.now();
  await Promise.all(
    Array.from({ length: n }, async (_, i) => {
      const due = start + (i * 1000) / perSecond;
      await new Promise((r) => setTimeout(r, Math.max(0, due - performance.now())));
      const t0 = performance.now();
      await oneCase(i);
      latencies.push(performance.now() - t0);
    }),
  );
  return { cases: n, seconds: (performance.now() - start) / 1000, latencies: latencies.sort((a, b) => a - b) };
}

export const rate = (r: LoadResult) => r.cases / r.seconds;

export const latencyLine = (r: LoadResult) =>
  `p50 ${percentile(r.latencies, 50).toFixed(0)}  p95 ${percentile(r.latencies, 95).toFixed(0)}  p99 ${percentile(r.latencies, 99).toFixed(0)}  max ${r.latencies.at(-1)!.toFixed(0)} ms`;

/**
 * The top self-time functions of a V8 CPU profile (`node --cpu-prof`): `tsx test/bench/cpu-profile-top.ts <file>
 * [top=25] [--by-src]`. Prints ms and share of the sampled time per function (name, file:line), idle and GC included;
 * with --by-src each sample is charged to the nearest function of our own code (src/, templates/) on its stack,
 * which shows what of ours causes the time spent in libraries; --window=<from>-<to> keeps the samples of that span
 * (µs of the monotonic clock, as the bench prints it for its move-in run).
 */
import { readFileSync } from 'node:fs';

interface Node {
  id: number;
  children?: number[];
  callFrame: { functionName: string; url: string; lineNumber: number };
}
const bySrc = process.argv.includes('--by-src');
// --window=<from>-<to>: only samples in that span of the monotonic clock in µs (the bench prints the move-in's)
const windowArg = process.argv.find((a) => a.startsWith('--window='));
const [from, to] = windowArg ? windowArg.slice(9).split('-').map(Number) : [0, Infinity];
const [file, top = '25'] = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const p = JSON.parse(readFileSync(file!, 'utf8')) as {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
};
const byId = new Map(p.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const ours = (url: string) => /\/(src|templates)\//.test(url) && !url.includes('node_modules');
const charged = (id: number): number => {
  if (!bySrc) return id;
  for (let at: number | undefined = id; at !== undefined; at = parent.get(at))
    if (ours(byId.get(at)!.callFrame.url)) return at;
  return id;
};
const self = new Map<string, number>();
let total = 0;
let t = p.startTime;
p.samples.forEach((id, i) => {
  const dt = p.timeDeltas[i] ?? 0;
  t += dt;
  if (t < from! || t > to!) return;
  total += dt;
  const f = byId.get(charged(id))!.callFrame;
  const where = f.url
    .replace(/^file:\/\//, '')
    .replace(/^.*\/node_modules\//, 'nm/')
    .replace(/^.*\/wt-[^/]+\//, '');
  const key = `${f.functionName || '(anonymous)'}  ${where}${where ? `:${f.lineNumber + 1}` : ''}`;
  self.set(key, (self.get(key) ?? 0) + dt);
});
const busy = total - (self.get('(idle)  ') ?? 0);
console.log(`${file}: ${(total / 1000).toFixed(0)} ms sampled, ${(busy / 1000).toFixed(0)} ms not idle`);
for (const [k, us] of [...self].sort((a, b) => b[1] - a[1]).slice(0, Number(top)))
  console.log(`  ${(us / 1000).toFixed(0).padStart(7)} ms ${((100 * us) / busy).toFixed(1).padStart(5)} %  ${k}`);

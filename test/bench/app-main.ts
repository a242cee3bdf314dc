/**
 * API and worker in one process, as `npm start` runs them on one machine (startSystem without simulators): the
 * benchmark's process on SQLite, whose transactions do not span processes (two writers get SQLITE_BUSY_SNAPSHOT).
 * Configuration from env, like src/api/main.ts and src/worker/main.ts.
 */
import { appendFileSync, readFileSync, watch, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { loadConfig } from '../../src/config';
import { startSystem } from '../../src/system';

/**
 * BENCH_SQL_COUNT_FILE: count the SQL statements this process executes (better-sqlite3, under MikroORM's kysely
 * driver) by their text, and write the counts there as JSON when the bench asks (before and after a run: it writes a
 * request number to <file>.ask), with that number under '#asked'.
 * BENCH_SQL_TRACE_FILE: also append every statement with its call site in src/ to that file (slow; to find them).
 * The statements SQLite compiles (better-sqlite3 `Database.prototype.prepare`, cached or not) are counted under
 * `#prepare` (test/bench/move-in.bench.ts prints them apart).
 */
function countStatements(file: string) {
  const Database = createRequire(require.resolve('@mikro-orm/sqlite'))('better-sqlite3') as new (f: string) => {
    prepare(sql: string): object;
  };
  const proto = Object.getPrototypeOf(new Database(':memory:').prepare('select 1')) as Record<string, unknown>;
  const counts: Record<string, number> = {};
  // a statement text seen before is counted under the key it was given then (bound parameters repeat the text)
  const keys = new Map<string, string>();
  const dbProto = Database.prototype as unknown as Record<string, unknown>;
  const prepare = dbProto.prepare as (...a: unknown[]) => unknown;
  dbProto.prepare = function (...a: unknown[]) {
    counts['#prepare'] = (counts['#prepare'] ?? 0) + 1;
    return prepare.apply(this, a);
  };
  const trace = process.env.BENCH_SQL_TRACE_FILE;
  for (const m of ['run', 'get', 'all', 'iterate']) {
    const orig = proto[m] as (...a: unknown[]) => unknown;
    proto[m] = function (this: { source: string }, ...a: unknown[]) {
      let sql = keys.get(this.source);
      if (sql === undefined) {
        // a text with inlined values (MikroORM's own SQLite driver; ours binds them, src/db/sqlite-bound.ts) is cut
        // before normalising, so that counting stays cheap (this process's CPU is measured) even for a long one
        sql = this.source
          .slice(0, 400)
          .replace(/\s+/g, ' ')
          .replace(/'[^']*'|\b\d+\b/g, '?')
          .slice(0, 150);
        // remember short texts only: an inlined encrypted payload makes every text unique and large
        if (this.source.length <= 2000) {
          if (keys.size >= 2000) keys.clear();
          keys.set(this.source, sql);
        }
      }
      counts[sql] = (counts[sql] ?? 0) + 1;
      if (trace) {
        const at = (new Error().stack ?? '')
          .split('\n')
          .filter((l) => l.includes('/src/'))
          .slice(0, 3)
          .map((l) => l.replace(/^.*\/src\//, '').replace(/\)$/, ''))
          .join(' < ');
        appendFileSync(trace, `${sql}  @ ${at}\n`);
      }
      return orig.apply(this, a);
    };
  }
  // written when the bench asks (it writes a request number to <file>.ask; inotify, no polling), not on a timer:
  // this process's CPU is what the bench measures. (A signal does not do: SIGUSR2 made this process spin.)
  const ask = `${file}.ask`;
  writeFileSync(ask, '0');
  watch(ask, () => {
    const asked = Number(readFileSync(ask, 'utf8')) || 0;
    writeFileSync(file, JSON.stringify({ ...counts, '#asked': asked }));
  }).unref();
}

async function main() {
  if (process.env.BENCH_SQL_COUNT_FILE) countStatements(process.env.BENCH_SQL_COUNT_FILE);
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const sys = await startSystem(loadConfig());
  console.log(`API listening on ${sys.apiUrl}`);
  const stop = () => void sys.close().then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((e: unknown) => {
  console.error(`app failed: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});

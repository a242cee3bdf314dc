// Preloaded (`node --import`) into the cluster bench's workers and APIs when BENCH_SQL_COUNT_FILE is set: counts the
// SQL statements this process sends to MySQL / MariaDB (mysql2's Connection#query, under MikroORM's kysely driver;
// transaction statements such as begin and commit included) by their text, like test/bench/app-main.ts on SQLite.
// Written to <file>.<pid> as JSON when the bench asks (a request number in <file>.ask), that number under '#asked'.
// The main thread only: Node runs `--import` in every worker thread too (the workflow sandbox, the PDF renderer), whose
// empty counts would race the main thread's to the same file.
import { readFileSync, watch, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { isMainThread } from 'node:worker_threads';

const file = process.env.BENCH_SQL_COUNT_FILE;
if (file && isMainThread) {
  const require = createRequire(createRequire(import.meta.url).resolve('@mikro-orm/mysql'));
  const BaseConnection = require(join(dirname(require.resolve('mysql2')), 'lib', 'base', 'connection.js'));
  const counts = {};
  const keys = new Map();
  const query = BaseConnection.prototype.query;
  BaseConnection.prototype.query = function (sql, ...rest) {
    const text = typeof sql === 'string' ? sql : (sql?.sql ?? '');
    let key = keys.get(text);
    if (key === undefined) {
      key = text
        .slice(0, 400)
        .replace(/\s+/g, ' ')
        .replace(/'(?:[^'\\]|\\.)*'|\b\d+\b/g, '?')
        .slice(0, 150);
      if (text.length <= 2000) {
        if (keys.size >= 2000) keys.clear();
        keys.set(text, key);
      }
    }
    counts[key] = (counts[key] ?? 0) + 1;
    return query.call(this, sql, ...rest);
  };
  const ask = `${file}.ask`;
  try {
    readFileSync(ask);
  } catch {
    writeFileSync(ask, '0');
  }
  watch(ask, () => {
    const asked = Number(readFileSync(ask, 'utf8')) || 0;
    writeFileSync(`${file}.${process.pid}`, JSON.stringify({ ...counts, '#asked': asked }));
  }).unref();
}

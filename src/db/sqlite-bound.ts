import {
  isRaw,
  raw,
  Utils,
  type Configuration,
  type Dictionary,
  type LoggingOptions,
  type RawQueryFragment,
} from '@mikro-orm/core';
import { NativeQueryBuilder, SqlitePlatform, type Transaction } from '@mikro-orm/sql';
import { SqliteConnection, SqliteDriver } from '@mikro-orm/sqlite';
import { CompiledQuery, SqliteDialect, type SqliteDatabase, type SqliteStatement } from 'kysely';

/**
 * SQLite with bound parameters and a cache of prepared statements (issue 15). MikroORM 7 (`AbstractSqlConnection.
 * execute`) formats every parameter into the SQL text (`platform.formatQuery`) and kysely's SQLite driver prepares
 * every text anew, so SQLite parsed and planned each of a 転入's ~83 statements every time and MikroORM escaped every
 * value into it. Here `execute` turns MikroORM's `?` into bound parameters, converting each value to exactly what the
 * inlined literal stored (`toBound`), and the database handed to kysely keeps the last `STATEMENT_CACHE_SIZE`
 * prepared statements by their text. MariaDB / MySQL are unchanged.
 */
export const STATEMENT_CACHE_SIZE = 500;

/** better-sqlite3's statement: `busy` while an `iterate()` over it is open. */
type Statement = SqliteStatement & { readonly busy: boolean };
type Database = { prepare(sql: string): Statement; close(): void };

/**
 * A better-sqlite3 database whose `prepare` returns the cached statement for a text it has prepared before (least
 * recently used dropped beyond `max`) — unless that statement is mid-iteration (a stream), then a fresh one.
 * better-sqlite3 runs a statement synchronously, so between kysely's `prepare` and `all`/`run` nothing else uses it.
 */
export function cachingStatements(db: Database, max = STATEMENT_CACHE_SIZE): SqliteDatabase & Database {
  const cache = new Map<string, Statement>();
  return {
    prepare(sql: string): Statement {
      const hit = cache.get(sql);
      if (hit && !hit.busy) {
        cache.delete(sql); // re-insert: Map order is the recency order
        cache.set(sql, hit);
        return hit;
      }
      const stmt = db.prepare(sql);
      if (!hit) {
        cache.set(sql, stmt);
        if (cache.size > max) cache.delete(cache.keys().next().value!);
      }
      return stmt;
    },
    close: () => {
      cache.clear();
      db.close();
    },
  };
}

/** MikroORM's tag on an embeddable's JSON copy (`Platform.cloneEmbeddable`; not exported): quoted as JSON. */
const JSON_TAG = Object.getOwnPropertySymbols(new SqlitePlatform().cloneEmbeddable({}))[0]!;
const INT64_LIMIT = 2 ** 63;

/**
 * One parameter as SQLite stored its inlined literal (`SqlitePlatform.escape`): a boolean and an integral number as
 * INTEGER (better-sqlite3 binds a JS number as REAL: 3 would be stored as '3.0' in a TEXT column), a Date as its epoch
 * milliseconds, a Buffer as BLOB, null/undefined as NULL, a string as TEXT, anything else as its String().
 */
function toBound(value: unknown): unknown {
  if (value == null) return null;
  switch (typeof value) {
    case 'boolean':
      return value ? 1n : 0n;
    case 'bigint':
    case 'string':
      return value;
    case 'number':
      return numberToBound(value);
  }
  if (value instanceof Date) return numberToBound(+value);
  if (Buffer.isBuffer(value)) return value;
  return String(value);
}

function numberToBound(n: number): number | bigint {
  // inlined, NaN and Infinity were no literal but an unknown column; bound they would silently be NULL
  if (!Number.isFinite(n)) throw new RangeError(`SQL parameter is not a finite number (${n})`);
  return Number.isInteger(n) && Math.abs(n) < INT64_LIMIT ? BigInt(n) : n;
}

/**
 * MikroORM's `Platform.formatQuery` with placeholders instead of literals: `??` an identifier (quoted into the text,
 * as before), `\?` a literal `?`, `?` a value — a Raw fragment inlined with its own parameters bound, a plain object
 * or a tagged embeddable as its JSON text, an array as one placeholder per element (`in (?)`), else `toBound`.
 * The scan is formatQuery's own, so the same `?` are taken; a missing parameter is NULL as it was ('null').
 */
export function bindQuery(platform: SqlitePlatform, sql: string, params: readonly unknown[], out: unknown[] = []) {
  if (params.length === 0) return { sql, params: out };
  let j = 0;
  let pos = 0;
  let ret = '';
  const value = (v: unknown): string => {
    if (isRaw(v)) return bindQuery(platform, v.sql, v.params, out).sql;
    if (Utils.isPlainObject(v) || (v != null && typeof v === 'object' && JSON_TAG in v)) {
      out.push(JSON.stringify(v));
      return '?';
    }
    return element(v);
  };
  const element = (v: unknown): string => {
    if (Array.isArray(v)) return v.map(element).join(', ');
    out.push(toBound(v));
    return '?';
  };
  if (sql.startsWith('?')) {
    if (sql[1] === '?') {
      ret += platform.quoteIdentifier(params[j++] as string);
      pos = 2;
    } else {
      ret += value(params[j++]);
      pos = 1;
    }
  }
  while (pos < sql.length) {
    const idx = sql.indexOf('?', pos + 1);
    if (idx === -1) {
      ret += sql.substring(pos, sql.length);
      break;
    }
    if (sql.substring(idx - 1, idx + 1) === '\\?') {
      ret += sql.substring(pos, idx - 1) + '?';
      pos = idx + 1;
    } else if (sql.substring(idx, idx + 2) === '??') {
      ret += sql.substring(pos, idx) + platform.quoteIdentifier(params[j++] as string);
      pos = idx + 2;
    } else {
      ret += sql.substring(pos, idx) + value(params[j++]);
      pos = idx + 1;
    }
  }
  return { sql: ret, params: out };
}

/** `SqliteConnection` whose `execute` binds its parameters and whose kysely dialect caches prepared statements. */
export class BoundSqliteConnection extends SqliteConnection {
  override createKyselyDialect(options: Dictionary): SqliteDialect {
    super.createKyselyDialect(options); // opens `this.database` (its dialect is not used)
    const db = (this as unknown as { database: Database }).database;
    return new SqliteDialect({
      database: cachingStatements(db),
      onCreateConnection: this.options.onCreateConnection ?? this.config.get('onCreateConnection'),
    });
  }

  /** `AbstractSqlConnection.execute` with `bindQuery` in place of `formatQuery` (the formatted text only for a log). */
  override async execute<T>(
    query: string | NativeQueryBuilder | RawQueryFragment,
    params: readonly unknown[] | Dictionary<unknown> = [],
    method: 'all' | 'get' | 'run' = 'all',
    ctx?: Transaction,
    loggerContext?: LoggingOptions,
  ): Promise<T> {
    await this.ensureConnection();
    if (query instanceof NativeQueryBuilder) query = query.toRaw();
    if (typeof query === 'string' && !Array.isArray(params)) query = raw(query, params); // named parameters
    if (isRaw(query)) {
      params = query.params;
      query = query.sql;
    }
    const text = this.config.get('onQuery')(query as string, params as readonly unknown[]);
    const values = params as readonly unknown[];
    const bound = bindQuery(this.platform as SqlitePlatform, text, values);
    const logger = this.config.getLogger();
    const sql =
      logger.isEnabled('query', loggerContext) && logger.isEnabled('query-params', loggerContext)
        ? this.platform.formatQuery(text, values as unknown[])
        : text;
    const { signal, inflightQueryAbortStrategy, ...logContext } = (loggerContext ?? {}) as Dictionary;
    const abort =
      signal == null && inflightQueryAbortStrategy == null ? undefined : { signal, inflightQueryAbortStrategy };
    return this.executeQuery(
      sql,
      async () => {
        const compiled = CompiledQuery.raw(bound.sql, bound.params);
        const res = await (ctx ?? this.getClient()).executeQuery(compiled, abort as never);
        return this.transformRawResult<T>(res, method);
      },
      { query: text, params: values, ...logContext },
    );
  }
}

/** MikroORM's `SqliteDriver` (so `instanceof SqliteDriver` holds) on `BoundSqliteConnection`. */
export class BoundSqliteDriver extends SqliteDriver {
  constructor(config: Configuration) {
    super(config);
    (this as unknown as { connection: BoundSqliteConnection }).connection = new BoundSqliteConnection(this.config);
  }
}

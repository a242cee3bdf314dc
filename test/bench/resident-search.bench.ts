/**
 * Resident search at 720 000 residents on MariaDB (issue 15 item 4): loads the registry of a city the size of the one in
 * seed 000 once into a named database (reused when its counts match), then times every allowed search form and the
 * person → case queries with the product's own query functions, a few thousand random queries each. No assertions.
 *   npm run bench -- search [queries per form=2000]
 * MARIADB_URL picks the server (default: scripts/ensure-mariadb.sh); SEARCH_BENCH_DB the database (juki_search_bench);
 * SEARCH_BENCH_RESIDENTS the size (720000); SEARCH_BENCH_BEFORE=0 skips the query shapes before issue 15.
 *
 * The rows are built by the demo-town generator (src/db/seed) and the product's row builder (`demoHouseholdRows`:
 * 個人番号 encrypted, its blind index — so the search finds them exactly as it finds rows the product wrote), streamed
 * into each table by LOAD DATA LOCAL INFILE in one bulk transaction (`loadData`; rows/s printed). Cases: a year of the city's cases (≈ 11 % of the population), 2 % still open.
 */
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { execFileSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { createConnection } from 'mysql2/promise';
import type { EntityClass, EntityManager } from '@mikro-orm/core';
import { casesOfPersons, pendingCasesOf } from '../../src/api/web/queries/pending-cases-query';
import {
  blockedAddresseeNumbers,
  SEARCH_LIMIT,
  searchFilter,
  searchResidents,
} from '../../src/api/web/queries/resident-search-query';
import { jsonArrayContainsAny } from '../../src/db/json-array';
import { caseSubjectRows } from '../../src/db/case-subjects';
import { CaseRecord, Counter, Household, Resident } from '../../src/db/entities';
import { openRegistryDb, type Orm } from '../../src/db/orm';
import { createPiiCrypto } from '../../src/db/pii-crypto';
import { generateDemoTown } from '../../src/db/seed/demo-town';
import { demoHouseholdRows } from '../../src/db/seed/load-demo';
import { createPrng } from '../../src/db/seed/prng';
import type { SearchCriteria } from '../../src/domain/resident-search';
import { PROCEDURES } from '../../src/procedures';
import { percentile } from './bench-client';

const QUERIES = Number(process.argv[2] ?? 2000);
const RESIDENTS = Number(process.env.SEARCH_BENCH_RESIDENTS ?? 720_000);
const DB = process.env.SEARCH_BENCH_DB ?? 'juki_search_bench';
const CASES = Math.round(RESIDENTS * 0.11);
const OPEN_SHARE = 0.02;
/** Time budget per form: a form that scans the table stops early (its query count is printed). */
const BUDGET_MS = Number(process.env.SEARCH_BENCH_BUDGET_S ?? 60) * 1000;
const TODAY = '2026-11-01';
/** SEARCH_BENCH_BEFORE=0: skip the query shapes before issue 15 (full scans; minutes per run). */
const BEFORE = process.env.SEARCH_BENCH_BEFORE !== '0';

// fixed bench keys: the loaded database is reused across runs, so the blind index must stay the same
const key = (label: string) => createHash('sha256').update(`juki-search-bench:${label}`).digest();
const pii = createPiiCrypto(key('pii-encryption'), key('pii-index'));

function serverUrl(): string {
  const url =
    process.env.MARIADB_URL ??
    execFileSync('bash', ['scripts/ensure-mariadb.sh'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] })
      .trim()
      .split('\n')
      .at(-1)!;
  const u = new URL(url);
  u.pathname = `/${DB}`;
  return u.toString();
}

async function sql(url: string, statement: string): Promise<void> {
  const u = new URL(url.replace(/^mariadb:/, 'mysql:'));
  u.pathname = '/';
  const conn = await createConnection({ uri: u.toString() });
  try {
    await conn.query(statement);
  } finally {
    await conn.end();
  }
}

const hasCaseSubjects = async (em: EntityManager): Promise<boolean> =>
  (
    await em
      .getConnection()
      .execute<Array<{ n: number }>>(
        "select count(*) as n from information_schema.tables where table_schema = database() and table_name = 'case_subject'",
        [],
        'all',
        em.getTransactionContext(),
      )
  )[0]!.n > 0;

async function counts(orm: Orm) {
  const em = orm.em.fork();
  return { residents: await em.count(Resident, {}), cases: await em.count(CaseRecord, {}) };
}

type Conn = Awaited<ReturnType<typeof createConnection>>;

/**
 * Streams rows into a table with `LOAD DATA LOCAL INFILE` (a tab-separated stream the server parses far faster than
 * multi-row INSERTs: about 5× on this machine), in one transaction without unique or foreign-key checks so that InnoDB
 * may take its bulk-insert path into the empty table (MDEV-24621) — the rows are the generator's, unique by
 * construction. Each value is converted as the ORM converts it on insert: the property's column, its type's database
 * value (JSON, booleans), dates in UTC as the ORM's connection writes them (`forceUtcTimezone`), an unset property
 * the column's default. Not `insertMany` / `QueryBuilder.insert`: they rename the properties of every row to column
 * names one by one (MikroORM's `Utils.renameKey`, quadratic in the 66 columns of a resident — 10 of the 15 CPU
 * seconds of a 10 000-resident load) and read every row's version back, which also ends the bulk insert.
 */
async function loadData(
  conn: Conn,
  table: string,
  columns: readonly string[],
  rows: Iterable<readonly unknown[]>,
): Promise<number> {
  const shown = progress(table, 100_000);
  const text = (v: unknown): string => {
    if (v === null || v === undefined) return '\\N';
    if (v instanceof Date) return v.toISOString().slice(0, 23).replace('T', ' ');
    if (typeof v === 'boolean') return v ? '1' : '0';
    return String(v).replace(/[\\\t\n]/g, (c) => (c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\\\'));
  };
  let n = 0;
  function* lines(): Generator<Buffer> {
    let chunk = '';
    for (const row of rows) {
      chunk += row.map(text).join('\t') + '\n';
      if (++n % 1000 === 0) {
        yield Buffer.from(chunk);
        chunk = '';
        shown.tick(n);
      }
    }
    if (chunk) yield Buffer.from(chunk);
  }
  streams.set(table, () => Readable.from(lines()));
  await conn.query('set session unique_checks = 0, foreign_key_checks = 0');
  await conn.beginTransaction();
  await conn.query(
    `load data local infile '${table}' into table \`${table}\` character set utf8mb4 (${columns.map((c) => `\`${c}\``).join(', ')})`,
  );
  await conn.commit();
  await conn.query('set session unique_checks = 1, foreign_key_checks = 1');
  shown.done(n);
  return n;
}

/** The table, columns and column values of entities, converted as the ORM converts them on insert. */
function entityRows<T extends object>(orm: Orm, entity: EntityClass<T>, rows: Iterable<T>) {
  const meta = orm.getMetadata().get(entity);
  const platform = orm.em.getPlatform();
  const props = meta.props.filter((p) => p.kind === 'scalar' && p.persist !== false && p.fieldNames?.length === 1);
  const value = (p: (typeof props)[number], row: T): unknown => {
    const v = (row as Record<string, unknown>)[p.name];
    if (v === undefined) return p.default ?? null; // the ORM leaves the column out: its default
    return v !== null && p.customType ? p.customType.convertToDatabaseValue(v, platform, { mode: 'query' }) : v;
  };
  return [
    meta.tableName,
    props.map((p) => p.fieldNames[0]!),
    (function* () {
      for (const row of rows) yield props.map((p) => value(p, row));
    })(),
  ] as const;
}
/** The row streams of `loadData`, by the "file" name its LOAD DATA statement asks the client for. */
const streams = new Map<string, () => Readable>();
const loaderConnection = (url: string) =>
  createConnection({
    uri: url.replace(/^mariadb:/, 'mysql:'),
    infileStreamFactory: (name: string) => streams.get(name)!(),
  });

/** Prints rows/s while loading: every `every` rows and at the end. */
function progress(label: string, every: number) {
  const t0 = performance.now();
  let next = every;
  const line = (n: number) =>
    `  ${label.padEnd(15)} ${String(n).padStart(7)} in ${((performance.now() - t0) / 1000).toFixed(1)} s (${Math.round(n / ((performance.now() - t0) / 1000))} rows/s)`;
  return {
    tick(n: number) {
      if (n < next) return;
      next += every;
      console.log(line(n));
    },
    done: (n: number) => console.log(line(n)),
  };
}

/**
 * Builds the registry: households, residents (current records; no history snapshots, which no search reads), a year
 * of cases — each table streamed by `loadData`, the residents' rows built (個人番号 encrypted, blind index) while the
 * server writes them.
 */
async function load(orm: Orm, url: string): Promise<void> {
  let t = performance.now();
  const now = new Date();
  // 2.64 persons per generated household: a few more households than needed, the last one cut at RESIDENTS
  const town = generateDemoTown({ seed: 15, households: Math.ceil(RESIDENTS / 2.6), today: TODAY });
  console.log(`  generated ${town.households.length} households in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  const conn = await loaderConnection(url);
  const everyone: Array<{ addresseeNumber: string; householdNumber: string }> = [];
  const households: Household[] = [];
  try {
    await loadData(
      conn,
      ...entityRows(
        orm,
        Resident,
        (function* () {
          for (const h of town.households) {
            if (everyone.length >= RESIDENTS) return;
            const rows = demoHouseholdRows(h, pii, now, TODAY, false);
            const taken = rows.residents.slice(0, RESIDENTS - everyone.length);
            households.push(rows.household);
            everyone.push(...taken);
            yield* taken;
          }
        })(),
      ),
    );
    await loadData(conn, ...entityRows(orm, Household, households));
  } finally {
    await conn.end();
  }
  const serial = (n: string) => Number(n.slice(0, -1));
  await orm.em.fork().upsertMany(Counter, [
    { name: 'addresseeNumber', value: serial(everyone.at(-1)!.addresseeNumber) },
    { name: 'householdNumber', value: serial(everyone.at(-1)!.householdNumber) },
  ]);
  console.log(
    `  residents       ${everyone.length} in ${((performance.now() - t) / 1000).toFixed(1)} s with generation`,
  );

  // a year of cases: the movers of a household (1–3 persons), oldest first; 2 % still open
  t = performance.now();
  const rng = createPrng(1515);
  const kinds: Array<[procedure: string, open: string, final: string]> = [
    ['MOVE_IN', 'AWAITING_APPROVAL', 'COMPLETED'],
    ['MOVE_OUT', 'AWAITING_APPROVAL', 'COMPLETED'],
    ['MOVE_WITHIN', 'AWAITING_APPROVAL', 'COMPLETED'],
    ['BIRTH', 'AWAITING_APPROVAL', 'COMPLETED'],
    ['DEATH', 'AWAITING_APPROVAL', 'COMPLETED'],
  ];
  const yearStart = Date.parse('2025-11-01T00:00:00Z');
  const cases: CaseRecord[] = [];
  for (let i = 0; i < CASES; i++) {
    const first = rng.int(0, everyone.length - 1);
    const movers = everyone
      .slice(first, first + rng.int(1, 3))
      .filter((p) => p.householdNumber === everyone[first]!.householdNumber);
    const [procedure, open, final] = kinds[rng.int(0, kinds.length - 1)]!;
    const createdAt = new Date(yearStart + Math.floor((i / CASES) * 365 * 86_400_000));
    const isOpen = i >= CASES * (1 - OPEN_SHARE * 4) && rng.chance(0.25);
    const caseId = `SB-${String(i).padStart(7, '0')}`;
    cases.push(
      Object.assign(new CaseRecord(), {
        caseId,
        procedure,
        status: isOpen ? open : final,
        workflowId: caseId,
        enteredBy: 'clerk1',
        subjectAddresseeNumbers: movers.map((p) => p.addresseeNumber),
        needsAttention: false,
        escalated: false,
        revision: 1,
        createdAt,
        updatedAt: createdAt,
        ...(isOpen ? { awaitingRole: 'approver' } : { completedAt: createdAt }),
      }),
    );
  }
  // case_subject (person → case): the rows the product's writer puts beside each case (`caseSubjectRows`)
  const loader = await loaderConnection(url);
  try {
    await loadData(loader, ...entityRows(orm, CaseRecord, cases));
    if (await hasCaseSubjects(orm.em.fork()))
      await loadData(
        loader,
        'case_subject',
        ['case_id', 'addressee_number'],
        caseSubjectRows(cases.map((c) => [c.caseId, c.subjectAddresseeNumbers ?? []])),
      );
  } finally {
    await loader.end();
  }
  console.log(`  cases           ${CASES} in ${((performance.now() - t) / 1000).toFixed(1)} s`);
}

type Sample = Pick<
  Resident,
  | 'addresseeNumber'
  | 'residentRecordCode'
  | 'individualNumberEnc'
  | 'familyName'
  | 'givenName'
  | 'familyNameKana'
  | 'givenNameKana'
  | 'birthDate'
  | 'address'
  | 'sex'
  | 'householdNumber'
>;

/** Random residents (by 宛名番号 serial) and their values as a clerk would type them. */
async function sampleResidents(orm: Orm, n: number): Promise<Sample[]> {
  const picked: Array<{ addressee_number: string }> = await orm.em
    .fork()
    .getConnection()
    .execute('select addressee_number from resident order by rand() limit ?', [n]);
  return orm.em.fork().find(Resident, { addresseeNumber: { $in: picked.map((a) => a.addressee_number) } });
}

/** The address as typed at the counter: the 町名 and 丁目 and 番, without the 都道府県市 (a partial match). */
const typedAddress = (address: string): string => address.replace(/^東京都さくら市/, '').replace(/\d+号$/, '');

async function time(label: string, samples: Sample[], q: (em: EntityManager, s: Sample) => Promise<number>) {
  const latencies: number[] = [];
  let found = 0;
  const until = performance.now() + BUDGET_MS;
  for (const s of samples) {
    if (performance.now() > until) break; // a slow form: its percentiles from fewer queries (printed)
    const em = (orm_ as Orm).em.fork();
    const t0 = performance.now();
    found += await q(em, s);
    latencies.push(performance.now() - t0);
  }
  latencies.sort((a, b) => a - b);
  const f = (p: number) => percentile(latencies, p).toFixed(1).padStart(7);
  console.log(
    `  ${label.padEnd(44)} p50 ${f(50)}  p95 ${f(95)}  p99 ${f(99)}  max ${latencies.at(-1)!.toFixed(1).padStart(7)} ms  (${latencies.length} queries, ${(found / latencies.length).toFixed(1)} rows/query, load average ${loadavg()[0]!.toFixed(1)})`,
  );
}

let orm_: Orm | undefined;

/**
 * Reads the searched tables and each of their indexes once (a count over each index, a sum over the rows) into the
 * InnoDB buffer pool — a registry server that has served a day of counters has them cached — and prints the pool's
 * size against the data: a pool smaller than the working set sets the tails by disk reads, not by the queries.
 */
async function warmUp(orm: Orm): Promise<void> {
  const t = performance.now();
  const conn = orm.em.fork().getConnection();
  const q = <T>(s: string) => conn.execute<T[]>(s, [], 'all');
  const tables = ['resident', 'household', 'case_record', 'case_subject', 'support_measure'];
  const indexes = await q<{ t: string; i: string }>(
    `select distinct table_name as t, index_name as i from information_schema.statistics
      where table_schema = database() and table_name in (${tables.map((n) => `'${n}'`).join(', ')})`,
  );
  for (const { t: table, i } of indexes) await q(`select count(*) from \`${table}\` force index (\`${i}\`)`);
  await q('select sum(length(address)) from resident');
  const [size] = await q<{ data: number; pool: number }>(
    `select sum(data_length + index_length) as data, @@innodb_buffer_pool_size as pool
       from information_schema.tables where table_schema = database()`,
  );
  const mb = (n: number) => `${Math.round(Number(n) / 1048576)} MB`;
  console.log(
    `  warm-up ${((performance.now() - t) / 1000).toFixed(1)} s: ${indexes.length} indexes read; data + indexes ${mb(size!.data)}, InnoDB buffer pool ${mb(size!.pool)}`,
  );
}

/** The search as it was before issue 15: the 旧住民票コード JSON of every record, no index on the kanji 氏名. */
const searchBefore = (em: EntityManager, c: SearchCriteria) =>
  em.find(
    Resident,
    (c.mode === 'code'
      ? {
          $or: [
            { residentRecordCode: c.residentRecordCode },
            jsonArrayContainsAny(em, 'former_resident_record_codes', [c.residentRecordCode]),
          ],
        }
      : searchFilter(em, c, pii)) as never,
    {
      orderBy: { familyNameKana: 'asc', givenNameKana: 'asc', addresseeNumber: 'asc' },
      limit: SEARCH_LIMIT + 1,
      indexHint: 'ignore index (resident_family_name_given_name_index, resident_has_former_record_codes_index)',
    },
  );
/** The person → case queries before issue 15: the JSON column of every case. */
const pendingBefore = (em: EntityManager, ids: string[]) =>
  em.find(CaseRecord, jsonArrayContainsAny(em, 'subject_addressee_numbers', ids) as never, {
    orderBy: { createdAt: 'desc' },
    fields: ['caseId', 'procedure', 'status', 'subjectAddresseeNumbers'],
  });
const casesBefore = (em: EntityManager, ids: string[]) =>
  em.find(CaseRecord, jsonArrayContainsAny(em, 'subject_addressee_numbers', ids) as never, {
    orderBy: { createdAt: 'desc' },
    limit: 20,
  });

async function main() {
  const url = serverUrl();
  console.log(`resident search bench: ${RESIDENTS} residents, MariaDB database ${DB}, ${cpus().length} cores`);
  await sql(url, `create database if not exists \`${DB}\` character set utf8mb4 collate utf8mb4_bin`);
  let orm = await openRegistryDb(url);
  let c = await counts(orm);
  if (c.residents === RESIDENTS && c.cases === CASES) {
    console.log(`  reusing the loaded registry (${c.residents} residents, ${c.cases} cases)`);
  } else {
    if (c.residents || c.cases) {
      console.log(`  found ${c.residents} residents / ${c.cases} cases, not the expected counts: reloading`);
      await orm.close(true);
      await sql(url, `drop database \`${DB}\``);
      await sql(url, `create database \`${DB}\` character set utf8mb4 collate utf8mb4_bin`);
      orm = await openRegistryDb(url);
    }
    const t0 = performance.now();
    await load(orm, url);
    console.log(`  load time       ${((performance.now() - t0) / 1000).toFixed(0)} s in all`);
    const em = orm.em.fork();
    await em
      .getConnection()
      .execute(`analyze table resident, case_record${(await hasCaseSubjects(em)) ? ', case_subject' : ''}`);
    c = await counts(orm);
    if (c.residents !== RESIDENTS || c.cases !== CASES) throw new Error(`loaded ${c.residents} / ${c.cases}`);
  }
  orm_ = orm;
  try {
    const samples = await sampleResidents(orm, QUERIES);
    console.log(`--- ${samples.length} random residents per form; one connection, one query after another`);
    console.log('    before = the query shapes before issue 15 (JSON scans, no kanji 氏名 index), in the same run');
    // warm-up as a city's server runs: the tables and every index in the buffer pool, then the statements
    await warmUp(orm);
    for (const s of samples.slice(0, 200))
      await searchResidents(orm.em.fork(), pii, { mode: 'code', residentRecordCode: s.residentRecordCode! });

    const forms: Array<[label: string, criteria: (s: Sample) => SearchCriteria]> = [
      ['住民票コード', (s) => ({ mode: 'code', residentRecordCode: s.residentRecordCode! })],
      ['個人番号 (blind index)', (s) => ({ mode: 'number', individualNumber: pii.decrypt(s.individualNumberEnc!) })],
      [
        '氏名 (漢字, no space) + 生年月日',
        (s) => ({ mode: 'fourInfo', name: s.familyName + s.givenName, birthDate: s.birthDate }),
      ],
      [
        '氏名 (カナ, with space) + 生年月日',
        (s) => ({ mode: 'fourInfo', name: `${s.familyNameKana} ${s.givenNameKana}`, birthDate: s.birthDate }),
      ],
      [
        '氏名 (カナ, no space) + 住所 (partial)',
        (s) => ({ mode: 'fourInfo', name: s.familyNameKana + s.givenNameKana, address: typedAddress(s.address) }),
      ],
      [
        '氏名 (漢字) + 住所 (partial) + 性別',
        (s) => ({
          mode: 'fourInfo',
          name: `${s.familyName} ${s.givenName}`,
          address: typedAddress(s.address),
          sex: s.sex,
        }),
      ],
      [
        '氏名 (カナ) + 住所 (市名 only: every record)',
        (s) => ({ mode: 'fourInfo', name: s.familyNameKana + s.givenNameKana, address: 'さくら市' }),
      ],
    ];
    for (const [label, criteria] of forms) {
      await time(`${label}`, samples, async (em, s) => (await searchResidents(em, pii, criteria(s))).rows.length);
      if (BEFORE) await time(`  before`, samples, async (em, s) => (await searchBefore(em, criteria(s))).length);
    }
    const households = new Map<string, string[]>();
    for (const r of await orm.em
      .fork()
      .find(
        Resident,
        { householdNumber: { $in: samples.map((s) => s.householdNumber) } },
        { fields: ['householdNumber', 'addresseeNumber'] },
      ))
      households.set(r.householdNumber, [...(households.get(r.householdNumber) ?? []), r.addresseeNumber]);
    await time('search page: 氏名 + 生年月日 + flags (抑止, 処理中)', samples, async (em, s) => {
      const found = await searchResidents(em, pii, forms[2]![1](s));
      const ids = found.rows.map((r) => r.addresseeNumber);
      await blockedAddresseeNumbers(em, ids);
      await pendingCasesOf(em, PROCEDURES, ids);
      return found.rows.length;
    });
    await time(
      'pending-case flag of a household (pendingCasesOf)',
      samples,
      async (em, s) => (await pendingCasesOf(em, PROCEDURES, households.get(s.householdNumber)!)).size,
    );
    if (BEFORE)
      await time(
        '  before',
        samples,
        async (em, s) => (await pendingBefore(em, households.get(s.householdNumber)!)).length,
      );
    await time(
      'この方の案件 (casesOfPersons)',
      samples,
      async (em, s) => (await casesOfPersons(em, [s.addresseeNumber])).length,
    );
    if (BEFORE) await time('  before', samples, async (em, s) => (await casesBefore(em, [s.addresseeNumber])).length);
  } finally {
    await orm.close(true);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});

import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MikroORM, raw, type Options } from '@mikro-orm/core';
import { SqliteDriver, type SqliteConnection } from '@mikro-orm/sqlite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attachPiiCipher } from '../../src/db/encrypted-columns';
import { CaseActionLog, CaseApplication, CertificateIssuance, Household } from '../../src/db/entities';
import { jsonArrayContainsAny } from '../../src/db/json-array';
import { openRegistryDb, ormOptions, type Orm } from '../../src/db/orm';
import { createPiiCrypto } from '../../src/db/pii-crypto';
import { CaseAction } from '../../src/domain/case-status';
import { BoundSqliteConnection, cachingStatements } from '../../src/db/sqlite-bound';

/**
 * Issue 16 (src/db/sqlite-bound.ts): on SQLite the statements run with bound parameters and cached prepared
 * statements. What they store and return must be exactly what MikroORM's inlined literals stored: the same rows are
 * written through the ORM and raw SQL on a registry with MikroORM's own driver (values formatted into the text) and
 * on one with ours, and the raw rows — value and SQLite storage class of every column — are compared, besides fixed
 * expected values.
 */
type Row = Record<string, unknown>;
type Stmt = { all(...p: unknown[]): unknown[]; iterate(...p: unknown[]): IterableIterator<unknown>; pluck(): Stmt };
type NativeDb = { prepare(sql: string): Stmt; close(): void };

const sqliteUrl = () => `sqlite:${join(mkdtempSync(join(tmpdir(), 'juki-bound-')), 'registry.sqlite')}`;
const pii = createPiiCrypto(randomBytes(32), randomBytes(32));
const at = new Date(Date.UTC(2026, 11, 7, 1, 2, 3, 456));
const PDF = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.from([0, 255, 39, 63])]);
const nasty = `O'Brien "quoted" ? \\? ?? -- ; 山田`;

const native = async (orm: Orm) =>
  (await (orm.em.getConnection() as unknown as SqliteConnection).getNativeClient()) as unknown as NativeDb;

/** Every column of a table with its storage class (`typeof`), read through better-sqlite3 itself. */
async function rawRows(orm: Orm, table: string, orderBy: string): Promise<Row[]> {
  const db = await native(orm);
  const cols = db.prepare('select name from pragma_table_info(?)').pluck().all(table) as string[];
  const list = cols.map((c) => `typeof("${c}") as "${c}:type", "${c}"`).join(', ');
  return db.prepare(`select ${list} from "${table}" order by ${orderBy}`).all() as Row[];
}

/** The encrypted columns hold a fresh IV each time: compare their storage class and clear value. */
function decrypted(rows: Row[]): Row[] {
  return rows.map((r) => {
    const out = { ...r };
    if (typeof r.payload === 'string') out.payload = pii.decrypt((JSON.parse(r.payload) as { enc: string }).enc);
    if (Buffer.isBuffer(r.pdf)) out.pdf = pii.decrypt(r.pdf.toString('utf8'));
    return out;
  });
}

/** The same writes and reads, through the ORM and raw SQL; returns what the reads returned. */
async function exercise(orm: Orm): Promise<unknown[]> {
  attachPiiCipher(orm, pii);
  const em = orm.em.fork();
  em.create(Household, {
    householdNumber: 'H-1',
    headAddresseeNumber: nasty,
    active: true,
    createdAt: at,
    updatedAt: at,
  });
  em.create(Household, { householdNumber: 'H-2', active: false, createdAt: at, updatedAt: at });
  em.create(CertificateIssuance, {
    certificateId: 'C-1',
    issueNumber: `N'1`,
    certificateType: 'residentRecordCopy',
    issuedAt: at,
    place: nasty,
    targetAddresseeNumbers: ['0000001', `a'b`, '?'],
    printedItems: { individualNumber: false, domicile: true },
    pages: 2,
    operatorId: 'clerk1',
    pdf: PDF,
  });
  em.create(CaseApplication, {
    caseId: 'CASE-1',
    procedure: 'move-in',
    idempotencyKey: 'k-1',
    payloadHash: 'h',
    payload: { name: nasty, n: 1.5, big: 2 ** 40, list: [1, 'two', null, true], nested: { ok: false } },
    createdAt: at,
  });
  em.create(CaseActionLog, {
    caseId: 'CASE-1',
    action: CaseAction.INTAKE,
    actorId: 'clerk1',
    detail: { note: nasty, k: [3] },
    at,
  });
  em.create(CaseActionLog, { caseId: 'CASE-1', action: CaseAction.APPROVE, actorId: 'clerk2', at });
  await em.flush();

  const em2 = orm.em.fork();
  const h2 = await em2.findOneOrFail(Household, { householdNumber: 'H-2' });
  h2.active = true;
  h2.headAddresseeNumber = `x'y`;
  await em2.flush();
  await em2.nativeUpdate(Household, { householdNumber: { $in: ['H-1', 'H-9'] } }, { updatedAt: new Date(+at + 1) });

  const conn = orm.em.getConnection();
  await conn.execute('create table bound_probe (id integer primary key, t text, n, b blob)');
  const kinds: unknown[][] = [
    [3, 3],
    [-0, 2 ** 53],
    [1.5, 1e21],
    [true, false],
    [at, at],
    [10n, 2n ** 40n],
    [nasty, '?'],
    [null, undefined],
    [PDF, Buffer.from('x')],
    [{ a: `x'` }, raw('1 + ?', [2])],
  ];
  const returned: unknown[] = [];
  for (const [t, n] of kinds)
    returned.push(
      await conn.execute('insert into bound_probe (t, n, b) values (?, ?, ?) returning id, t, n', [t, n, t], 'get'),
    );
  const em3 = orm.em.fork();
  return [
    returned,
    await conn.execute('select id from bound_probe where n in (?) or t in (?) order by id', [[3, 1.5, at], ['x']]),
    await conn.execute('select ?? as v from bound_probe where id = ?', ['t', 7]),
    await conn.execute('select count(*) as c from bound_probe where id in (?)', [[]]),
    await conn.execute('select :a as a, :b as b', { a: 5, b: `q'` } as never),
    await conn.execute('select ? as a, ? as b', [1]), // a missing parameter is NULL, as inlined
    (await em3.find(Household, { active: true }, { orderBy: { householdNumber: 'asc' } })).map((h) => [
      h.householdNumber,
      h.headAddresseeNumber,
      h.createdAt.toISOString(),
    ]),
    (await em3.find(CertificateIssuance, jsonArrayContainsAny(em3, 'target_addressee_numbers', [`a'b`]))).map((c) => [
      c.certificateId,
      c.pages,
      c.printedItems,
    ]),
    (await em3.findOneOrFail(CaseApplication, { caseId: 'CASE-1' })).payload,
    await em3.count(CaseActionLog, { at: { $lte: at }, detail: null }),
  ];
}

describe('bound parameters on SQLite store and return what the inlined literals did', () => {
  let stock: Orm;
  let bound: Orm;
  let stockResults: unknown[];
  let boundResults: unknown[];
  beforeAll(async () => {
    stock = await MikroORM.init({ ...ormOptions(sqliteUrl()), driver: SqliteDriver } as Options); // MikroORM's own: inlined
    await stock.migrator.up();
    bound = await openRegistryDb(sqliteUrl());
    stockResults = await exercise(stock);
    boundResults = await exercise(bound);
  });
  afterAll(async () => {
    await stock?.close(true);
    await bound?.close(true);
  });

  it('the registry runs on the bound connection, the reference on MikroORM’s own', () => {
    expect(bound.em.getConnection()).toBeInstanceOf(BoundSqliteConnection);
    expect(stock.em.getConnection()).not.toBeInstanceOf(BoundSqliteConnection);
  });

  it.each([
    ['household', 'household_number'],
    ['certificate_issuance', 'certificate_id'],
    ['case_application', 'case_id'],
    ['case_action_log', 'id'],
    ['bound_probe', 'id'],
  ])('%s: every column the same value and storage class', async (table, order) => {
    // H-2's updated_at is the flush's clock (onUpdate): its storage class only
    const clockless = (rows: Row[]) =>
      decrypted(rows).map((r) => (r.household_number === 'H-2' ? { ...r, updated_at: typeof r.updated_at } : r));
    const want = clockless(await rawRows(stock, table, order));
    expect(want.length).toBeGreaterThan(0);
    expect(clockless(await rawRows(bound, table, order))).toEqual(want);
  });

  it('the reads return the same', () => {
    expect(boundResults).toEqual(stockResults);
  });

  it('fixed values: booleans and integers INTEGER, dates epoch ms, JSON text, Buffers BLOB, no REAL for integers', async () => {
    const [h1, h2] = await rawRows(bound, 'household', 'household_number');
    expect(h1).toMatchObject({ 'active:type': 'integer', active: 1, 'created_at:type': 'integer' });
    expect(h1).toMatchObject({ created_at: +at, updated_at: +at + 1, head_addressee_number: nasty });
    expect(h2).toMatchObject({ active: 1, head_addressee_number: `x'y` });
    const [cert] = await rawRows(bound, 'certificate_issuance', 'certificate_id');
    expect(cert).toMatchObject({
      target_addressee_numbers: `["0000001","a'b","?"]`,
      printed_items: '{"individualNumber":false,"domicile":true}',
      'pages:type': 'integer',
      'pdf:type': 'blob',
      'disposal:type': 'null',
      issued_at: +at,
    });
    const [log1, log2] = await rawRows(bound, 'case_action_log', 'id');
    expect(log1).toMatchObject({ detail: JSON.stringify({ note: nasty, k: [3] }), 'at:type': 'integer' });
    expect(log2).toMatchObject({ 'detail:type': 'null' });
    const probe = (await rawRows(bound, 'bound_probe', 'id')).map((r) => [r['t:type'], r.t, r['n:type'], r.n]);
    expect(probe).toEqual([
      ['text', '3', 'integer', 3], // a JS number bound as REAL would store '3.0' and 3.0
      ['text', '0', 'integer', 2 ** 53],
      ['text', '1.5', 'real', 1e21],
      ['text', '1', 'integer', 0],
      ['text', String(+at), 'integer', +at],
      ['text', '10', 'integer', 2 ** 40],
      ['text', nasty, 'text', '?'],
      ['null', null, 'null', null],
      ['blob', PDF, 'blob', Buffer.from('x')],
      ['text', `{"a":"x'"}`, 'integer', 3],
    ]);
  });

  it('a value that was no SQL literal is a clear error, not a silent NULL', async () => {
    await expect(bound.em.getConnection().execute('select ? as v', [NaN])).rejects.toThrow(/not a finite number/);
    await expect(bound.em.getConnection().execute('select ? as v', [new Date('nope')])).rejects.toThrow(/finite/);
  });

  it('prepares a statement text once however often it runs, streams included', async () => {
    const db = await native(bound);
    let prepared = 0;
    const prepare = db.prepare.bind(db);
    db.prepare = (sql: string) => (prepared++, prepare(sql)); // the database the cache prepares on
    const conn = bound.em.getConnection() as BoundSqliteConnection;
    const sql = 'select household_number as h from household where active = ? and household_number <> ?';
    for (const i of [1, 2, 3]) expect(await conn.execute(sql, [true, `H-${i}`])).toHaveLength(i === 3 ? 2 : 1);
    expect(prepared).toBe(1);
    const all = 'select household_number as h from household order by 1';
    for (const _ of [1, 2]) {
      const seen: unknown[] = [];
      for await (const row of conn.stream(all)) seen.push(row);
      expect(seen).toEqual(await conn.execute(all));
    }
    expect(prepared).toBe(2);
  });

  it('a statement mid-iteration is not handed out again: the same text gets a statement of its own', async () => {
    const cache = cachingStatements((await native(bound)) as never, 10);
    const all = 'select household_number as h from household order by 1';
    const rows: unknown[] = [];
    for (const row of cache.prepare(all).iterate([])) rows.push(row, cache.prepare(all).all([]));
    expect(rows).toEqual([{ h: 'H-1' }, [{ h: 'H-1' }, { h: 'H-2' }], { h: 'H-2' }, [{ h: 'H-1' }, { h: 'H-2' }]]);
  });

  it('keeps at most its size of statements, the least recently used dropped', async () => {
    const db = await native(bound);
    const texts: string[] = [];
    const cache = cachingStatements(
      {
        prepare: (sql) => (texts.push(sql), db.prepare(sql) as never),
        close: () => undefined,
      },
      2,
    );
    for (const s of ['select 1', 'select 2', 'select 1', 'select 3', 'select 1', 'select 2']) cache.prepare(s);
    expect(texts).toEqual(['select 1', 'select 2', 'select 3', 'select 2']);
  });
});

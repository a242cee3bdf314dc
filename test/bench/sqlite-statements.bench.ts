/**
 * CPU per ORM statement on SQLite, MikroORM's own driver (values inlined, every text prepared) against ours (bound
 * parameters, prepared statements cached: src/db/sqlite-bound.ts), in this process on fresh registry files:
 *   tsx test/bench/sqlite-statements.bench.ts [stock bound stock bound …]
 * One iteration is a transaction of 7 statements (begin, a find by key, a count, an INSERT with JSON, the counter
 * upsert, an UPDATE, commit); prints CPU µs (process.cpuUsage) per iteration and per statement.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MikroORM, type Options } from '@mikro-orm/core';
import { SqliteDriver } from '@mikro-orm/sqlite';
import { CaseActionLog, Household } from '../../src/db/entities';
import { openRegistryDb, ormOptions, type Orm } from '../../src/db/orm';
import { CaseAction } from '../../src/domain/case-status';

const url = () => `sqlite:${join(mkdtempSync(join(tmpdir(), 'juki-stmt-bench-')), 'registry.sqlite')}`;

async function open(kind: string): Promise<Orm> {
  if (kind === 'bound') return openRegistryDb(url());
  if (kind !== 'stock') throw new Error(`unknown kind ${kind} (stock | bound)`);
  const orm = await MikroORM.init({ ...ormOptions(url()), driver: SqliteDriver } as Options);
  const conn = orm.em.getConnection();
  for (const p of ['journal_mode = WAL', 'busy_timeout = 10000', 'synchronous = NORMAL'])
    await conn.execute(`pragma ${p}`);
  await orm.migrator.up();
  return orm;
}

async function iteration(orm: Orm, i: number): Promise<void> {
  await orm.em.fork().transactional(async (tx) => {
    const h = await tx.findOne(Household, { householdNumber: `H-${i % 50}` });
    await tx.count(CaseActionLog, { caseId: `CASE-${i % 50}` });
    tx.create(CaseActionLog, {
      caseId: `CASE-${i % 50}`,
      action: CaseAction.INTAKE,
      actorId: 'clerk1',
      detail: { note: `it's ${i}`, k: [i] },
      at: new Date(),
    });
    await tx
      .getConnection()
      .execute(
        'insert into counter (name, value) values (?, ?) on conflict (name) do update set value = value + ? returning value',
        [`c-${i % 7}`, 1, 1],
        'all',
        tx.getTransactionContext(),
      );
    if (h) h.headAddresseeNumber = `A-${i}`;
    else
      tx.create(Household, {
        householdNumber: `H-${i % 50}`,
        active: true,
        createdAt: new Date(),
        updatedAt: new Date(),
      });
  });
}

async function main() {
  const kinds = process.argv.slice(2).length ? process.argv.slice(2) : ['stock', 'bound', 'stock', 'bound'];
  const N = 1500;
  for (const kind of kinds) {
    const orm = await open(kind);
    for (let i = 0; i < 300; i++) await iteration(orm, i); // warm-up: the statements of the first flush
    const from = process.cpuUsage();
    for (let i = 0; i < N; i++) await iteration(orm, i);
    const cpu = process.cpuUsage(from);
    const us = (cpu.user + cpu.system) / N;
    console.log(`${kind.padEnd(6)} ${us.toFixed(0)} µs CPU per transaction, ${(us / 7).toFixed(1)} µs per statement`);
    await orm.close(true);
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});

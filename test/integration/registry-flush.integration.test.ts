import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Household } from '../../src/db/entities';
import { openRegistryDb, type Orm } from '../../src/db/orm';
import { dropDatabase } from '../support/demo-town-template';
import { freshMariaDbUrl } from '../support/system-harness';

const sqliteUrl = () => `sqlite:${join(mkdtempSync(join(tmpdir(), 'juki-flush-')), 'registry.sqlite')}`;

/**
 * Issue 15 item 4: a row read and flushed unchanged is not written. On SQLite (dates stored as epoch milliseconds)
 * MikroORM 7 kept the loaded snapshot's dates as Date objects and compared them with numbers, so every loaded row's
 * date columns were written back on each flush — `updated_at` moved although nothing changed, and a case ran about
 * ten needless UPDATEs (src/db/sqlite-date-snapshot.ts).
 */
describe.each([
  ['SQLite', sqliteUrl],
  ['MariaDB', freshMariaDbUrl],
])('a flush writes only what changed (%s)', (db, url) => {
  let orm: Orm;
  let databaseUrl: string;
  const past = new Date(Date.UTC(2026, 0, 5, 1, 2, 3));
  beforeAll(async () => {
    databaseUrl = url();
    orm = await openRegistryDb(databaseUrl);
    const em = orm.em.fork();
    em.create(Household, { householdNumber: 'H-FLUSH-1', active: true, createdAt: past, updatedAt: past });
    em.create(Household, { householdNumber: 'H-FLUSH-2', active: true, createdAt: past, updatedAt: past });
    await em.flush();
  });
  afterAll(async () => {
    await orm?.close(true);
    const own = /\/(juki_it_[0-9a-f]+)$/.exec(databaseUrl)?.[1];
    if (db === 'MariaDB' && own) await dropDatabase(inject('mariadbUrl'), own);
  });

  const row = async (householdNumber: string) => orm.em.fork().findOneOrFail(Household, { householdNumber });

  it('leaves a row that was only read as it was (updated_at unchanged, no UPDATE)', async () => {
    const em = orm.em.fork();
    await em.findOneOrFail(Household, { householdNumber: 'H-FLUSH-1' });
    const uow = em.getUnitOfWork();
    uow.computeChangeSets();
    expect(uow.getChangeSets().map((c) => c.payload)).toEqual([]);
    await em.flush();
    expect((await row('H-FLUSH-1')).updatedAt.toISOString()).toBe(past.toISOString());
  });

  it('still writes a changed row, and its dates', async () => {
    const em = orm.em.fork();
    const h = await em.findOneOrFail(Household, { householdNumber: 'H-FLUSH-2' });
    h.headAddresseeNumber = '0000001';
    const later = new Date(Date.UTC(2026, 5, 1));
    h.createdAt = later;
    await em.flush();
    const after = await row('H-FLUSH-2');
    expect(after.headAddresseeNumber).toBe('0000001');
    expect(after.createdAt.toISOString()).toBe(later.toISOString());
    expect(after.updatedAt.getTime()).toBeGreaterThan(past.getTime());
  });
});

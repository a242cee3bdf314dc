/**
 * Generates a schema migration for BOTH drivers from the entity definitions (developer tool):
 *   npx tsx scripts/db/create-migration.ts <mysql-url>
 * It diffs the entities against a scratch SQLite file and the given MySQL/MariaDB database (migrated to the
 * latest existing migration first), writes the files under src/db/migrations/{sqlite,mysql}, and you add them to
 * the index.ts of each folder.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MikroORM } from '@mikro-orm/core';
import { ormOptions } from '../../src/db/orm';

async function generate(url: string) {
  const orm = await MikroORM.init(ormOptions(url));
  try {
    await orm.migrator.up();
    const initial = (await orm.migrator.getExecuted()).length === 0;
    const res = await orm.migrator.create(undefined, false, initial);
    console.log(`${url.split(':')[0]}: ${res.fileName || '(no changes)'}`);
  } finally {
    await orm.close(true);
  }
}

async function main() {
  const mysqlUrl = process.argv[2];
  if (!mysqlUrl) throw new Error('usage: create-migration.ts <mysql-url>');
  await generate(`sqlite:${join(mkdtempSync(join(tmpdir(), 'juki-mig-')), 'scratch.sqlite')}`);
  await generate(mysqlUrl);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});

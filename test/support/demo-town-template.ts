import { randomBytes } from 'node:crypto';
import { createConnection } from 'mysql2/promise';
import { keyBytes, type AppConfig } from '../../src/config';
import { openRegistryDb } from '../../src/db/orm';
import { createPiiCrypto } from '../../src/db/pii-crypto';
import { loadDemoTown } from '../../src/db/seed/load-demo';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A migrated MariaDB database holding the demo town, and the keys its 個人番号 are encrypted with. */
    demoTownTemplate: { database: string; keys: AppConfig['keys'] };
  }
}

const withDatabase = (url: string, database: string) => {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
};
const connect = (url: string) =>
  createConnection({ uri: url.replace(/^mariadb:/, 'mysql:'), multipleStatements: false });

/**
 * The demo town, seeded once per test run (1,109 residents take seconds to generate, encrypt and insert): a template
 * database on the run's MariaDB server, with keys made for the run. The e2e files that need the town copy it.
 */
export async function createDemoTownTemplate(mariadbUrl: string) {
  const k = () => randomBytes(32).toString('base64');
  const keys = { piiEncryption: k(), piiIndex: k(), payloadCodec: k(), actorSigning: k() };
  const database = `juki_e2e_town_${randomBytes(4).toString('hex')}`;
  const orm = await openRegistryDb(withDatabase(mariadbUrl, database));
  try {
    await loadDemoTown(orm, createPiiCrypto(keyBytes(keys.piiEncryption), keyBytes(keys.piiIndex)));
  } finally {
    await orm.close(true);
  }
  return { database, keys };
}

/** Copies every table of the template (schema, rows, the migrations already applied) into a new database. */
export async function copyDatabase(mariadbUrl: string, from: string, to: string): Promise<string> {
  const conn = await connect(mariadbUrl);
  try {
    await conn.query(`CREATE DATABASE \`${to}\` CHARACTER SET utf8mb4`);
    const [tables] = await conn.query(`SHOW TABLES FROM \`${from}\``);
    for (const row of tables as Array<Record<string, string>>) {
      const t = Object.values(row)[0]!;
      await conn.query(`CREATE TABLE \`${to}\`.\`${t}\` LIKE \`${from}\`.\`${t}\``);
      // every stored column (a generated one, e.g. resident.has_former_record_codes, is computed again)
      const [cols] = await conn.query(
        `SELECT COLUMN_NAME AS c FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND COALESCE(GENERATION_EXPRESSION, '') = '' ORDER BY ORDINAL_POSITION`,
        [from, t],
      );
      const list = (cols as Array<{ c: string }>).map((x) => `\`${x.c}\``).join(', ');
      await conn.query(`INSERT INTO \`${to}\`.\`${t}\` (${list}) SELECT ${list} FROM \`${from}\`.\`${t}\``);
    }
  } finally {
    await conn.end();
  }
  return withDatabase(mariadbUrl, to);
}

export async function dropDatabase(mariadbUrl: string, database: string): Promise<void> {
  const conn = await connect(mariadbUrl);
  try {
    await conn.query(`DROP DATABASE IF EXISTS \`${database}\``);
  } finally {
    await conn.end();
  }
}

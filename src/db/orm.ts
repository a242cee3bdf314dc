import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { MikroORM, type Options } from '@mikro-orm/core';
import { MariaDbDriver } from '@mikro-orm/mariadb';
import { MySqlDriver } from '@mikro-orm/mysql';
import { Migrator } from '@mikro-orm/migrations';
import { AuditChainSubscriber } from './audit-chain';
import { CaseSubjectSubscriber } from './case-subjects';
import { BoundSqliteDriver } from './sqlite-bound';
import { SqliteDateSnapshotSubscriber } from './sqlite-date-snapshot';
import { grantAppUser } from './db-users';
import { ALL_ENTITIES } from './entities';
import { mysqlMigrations } from './migrations/mysql';
import { sqliteMigrations } from './migrations/sqlite';

export type Orm = MikroORM;
export type DbKind = 'sqlite' | 'mysql';

export const dbKind = (databaseUrl: string): DbKind => (databaseUrl.startsWith('sqlite:') ? 'sqlite' : 'mysql');

/** MikroORM options for a DATABASE_URL: `sqlite:<file>` (embedded default), `mysql://…` (MySQL 8) or `mariadb://…`. */
export function ormOptions(databaseUrl: string): Partial<Options> {
  const common = {
    entities: ALL_ENTITIES,
    subscribers: [new AuditChainSubscriber(), new CaseSubjectSubscriber()],
    extensions: [Migrator],
    allowGlobalContext: false,
    forceUtcTimezone: true,
    // batched UPDATEs with a version column report a false optimistic-lock failure on SQLite (MikroORM 6.6)
    useBatchUpdates: false,
    debug: false,
  } satisfies Partial<Options>;
  if (dbKind(databaseUrl) === 'sqlite') {
    const file = databaseUrl.slice('sqlite:'.length);
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    return {
      ...common,
      subscribers: [...common.subscribers, new SqliteDateSnapshotSubscriber()],
      // bound parameters and prepared statements cached per text (src/db/sqlite-bound.ts)
      driver: BoundSqliteDriver,
      dbName: file,
      migrations: {
        migrationsList: sqliteMigrations,
        transactional: true,
        snapshot: false,
        silent: true,
        path: 'src/db/migrations/sqlite',
      },
    };
  }
  // MariaDB stores JSON as LONGTEXT and needs its own driver (the MySQL one expects the server to parse JSON)
  const mariadb = databaseUrl.startsWith('mariadb:');
  return {
    ...common,
    driver: mariadb ? MariaDbDriver : MySqlDriver,
    clientUrl: mariadb ? databaseUrl.replace(/^mariadb:/, 'mysql:') : databaseUrl,
    pool: { min: 0, max: 10 },
    migrations: {
      migrationsList: mysqlMigrations,
      transactional: true,
      snapshot: false,
      silent: true,
      path: 'src/db/migrations/mysql',
    },
  };
}

/**
 * Opens the registry database and brings its schema up to date (migrations are idempotent). With
 * `migrationDatabaseUrl` (MySQL / MariaDB: another DB user, MIGRATION_DATABASE_URL) the migrations run as that user,
 * which then grants the application's user (the user of `databaseUrl`) its rights: INSERT and SELECT only on
 * `audit_log` (src/db/db-users.ts).
 */
export async function openRegistryDb(
  databaseUrl: string,
  opts: { migrate?: boolean; migrationDatabaseUrl?: string } = {},
): Promise<Orm> {
  if (opts.migrate !== false && opts.migrationDatabaseUrl && opts.migrationDatabaseUrl !== databaseUrl) {
    await migrateAs(opts.migrationDatabaseUrl, databaseUrl);
    opts = { ...opts, migrate: false };
  }
  const orm = await MikroORM.init(ormOptions(databaseUrl));
  if (dbKind(databaseUrl) === 'sqlite') {
    const conn = orm.em.getConnection();
    await conn.execute('pragma journal_mode = WAL');
    await conn.execute('pragma busy_timeout = 10000');
    await conn.execute('pragma synchronous = NORMAL');
  }
  if (opts.migrate !== false) await orm.migrator.up();
  return orm;
}

/** Runs the migrations as the migration user and grants the application's user (MySQL / MariaDB). */
export async function migrateAs(
  migrationDatabaseUrl: string,
  appDatabaseUrl: string,
  appUserHost = process.env.APP_DATABASE_USER_HOST ?? '%',
): Promise<void> {
  const orm = await MikroORM.init(ormOptions(migrationDatabaseUrl));
  try {
    await orm.migrator.up();
    if (dbKind(appDatabaseUrl) === 'mysql') {
      const user = decodeURIComponent(new URL(appDatabaseUrl.replace(/^mariadb:/, 'mysql:')).username);
      await grantAppUser(orm, { user, host: appUserHost });
    }
  } finally {
    await orm.close(true);
  }
}

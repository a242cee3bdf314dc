import type { EntityManager } from '@mikro-orm/core';
import { SqliteDriver } from '@mikro-orm/sqlite';

/**
 * Whether an EntityManager's database is SQLite (the embedded default) rather than MySQL / MariaDB: the one place a
 * dialect-specific statement or lock asks. Our `BoundSqliteDriver` (src/db/sqlite-bound.ts) is a `SqliteDriver`.
 */
export const onSqlite = (em: EntityManager): boolean => em.getDriver() instanceof SqliteDriver;

import type { MikroORM } from '@mikro-orm/core';

/**
 * The application's DB user on MySQL / MariaDB (issue 13 item 6): every table read and written as before, except
 * `audit_log`, which it may only INSERT into and SELECT from; the schema belongs to the migration user
 * (MIGRATION_DATABASE_URL), which runs these GRANTs after the migrations (scripts/db/migrate.ts). Table by table,
 * because MySQL cannot take one table out of a database-wide grant.
 */
export async function grantAppUser(migrationOrm: MikroORM, appUser: { user: string; host: string }): Promise<string[]> {
  const conn = migrationOrm.em.getConnection();
  const tables = (
    (await conn.execute(
      "select table_name as name from information_schema.tables where table_schema = database() and table_type = 'BASE TABLE'",
    )) as Array<{ name: string }>
  ).map((r) => r.name);
  const who = `'${appUser.user.replace(/'/g, "''")}'@'${appUser.host.replace(/'/g, "''")}'`;
  const statements = tables.map((t) =>
    t === 'audit_log'
      ? `grant select, insert on \`${t}\` to ${who}`
      : t === 'mikro_orm_migrations'
        ? `grant select on \`${t}\` to ${who}`
        : `grant select, insert, update, delete on \`${t}\` to ${who}`,
  );
  for (const sql of statements) await conn.execute(sql);
  return statements;
}

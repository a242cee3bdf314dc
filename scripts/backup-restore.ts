/**
 * `scripts/backup.sh <out-dir> [<keys-dir>]` and `scripts/restore.sh <backup-dir> [<keys-dir>]` (README "Operations" →
 * "Backup and restore"; the logic is scripts/lib/backup.ts). What to back up comes from the environment of the
 * workers and APIs:
 *   DATABASE_URL                                     the registry (default sqlite:<JUKI_DATA_DIR>/registry.sqlite)
 *   TEMPORAL_POSTGRES_URL, TEMPORAL_POSTGRES_DATABASES  Temporal on PostgreSQL (databases comma-separated:
 *                                                    the default store first, then visibility)
 *   TEMPORAL_DB_FILE                                 otherwise the dev server's SQLite file (default
 *                                                    <JUKI_DATA_DIR>/temporal.sqlite)
 *   PII_ENCRYPTION_KEY, … (or data/secrets.json)    the keys, written to <keys-dir>/keys.env (0600)
 * The keys directory defaults to `<out-dir>.keys` beside (never inside) the backup. Restore runs with every server
 * stopped and empty databases; it checks the keys in <keys-dir> against the backup's key IDs. Prints no key.
 */
import path from 'node:path';
import { backup, keysOf, readKeysFile, restore, type BackupTargets } from './lib/backup';

function targetsOf(env: NodeJS.ProcessEnv): BackupTargets {
  const dataDir = path.resolve(env.JUKI_DATA_DIR ?? 'data');
  return {
    databaseUrl: env.DATABASE_URL ?? `sqlite:${path.join(dataDir, 'registry.sqlite')}`,
    temporal: env.TEMPORAL_POSTGRES_URL
      ? {
          kind: 'postgres',
          url: env.TEMPORAL_POSTGRES_URL,
          databases: (env.TEMPORAL_POSTGRES_DATABASES ?? '').split(',').filter(Boolean),
        }
      : { kind: 'sqlite', file: path.resolve(env.TEMPORAL_DB_FILE ?? path.join(dataDir, 'temporal.sqlite')) },
  };
}

async function main() {
  const [command, dir, keysArg] = process.argv.slice(2);
  if ((command !== 'backup' && command !== 'restore') || !dir) {
    console.error('usage: scripts/backup.sh <out-dir> [<keys-dir>] | scripts/restore.sh <backup-dir> [<keys-dir>]');
    process.exit(2);
  }
  const keysDir = path.resolve(keysArg ?? `${path.resolve(dir)}.keys`);
  const targets = targetsOf(process.env);
  if (targets.temporal.kind === 'postgres' && !targets.temporal.databases.length)
    throw new Error('TEMPORAL_POSTGRES_DATABASES is empty');
  if (command === 'backup') {
    const m = await backup(targets, keysOf(process.env), { outDir: dir, keysDir });
    for (const f of m.files)
      console.log(`${f.part.padEnd(8)} ${f.file} (${f.kind}${f.database ? ` ${f.database}` : ''})`);
    console.log(`keys     ${path.join(keysDir, 'keys.env')} (0600, key IDs in backup.json)`);
  } else {
    const m = await restore(dir, targets, readKeysFile(keysDir));
    console.log(`restored the backup of ${m.takenAt}: ${m.files.map((f) => f.file).join(', ')}`);
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : String(e));
  process.exit(1);
});

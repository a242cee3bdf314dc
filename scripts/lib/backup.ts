/**
 * Backup and restore of the whole system (issue 16 item 4; README "Operations" → "Backup and restore").
 *
 * What is backed up, in this order:
 *   1. Temporal's persistence: `pg_dump -Fc` of each of its PostgreSQL databases (the cluster: `temporal_<h>` and
 *      `temporal_visibility_<h>`), or the dev server's SQLite file through `VACUUM INTO` (a consistent copy online).
 *   2. The registry: `mariadb-dump --single-transaction --routines` (MariaDB / MySQL), or SQLite `VACUUM INTO`.
 *   3. The keys, SEPARATELY: `keys.env` (0600) in another directory (0700), never beside the dumps.
 * Temporal FIRST: the registry is the source of truth and every activity is idempotent against it, so a Temporal
 * state OLDER than the registry replays steps that find their work done; a Temporal state NEWER than the registry
 * would remember steps whose rows the restored registry lacks.
 *
 * `backup.json` beside the dumps lists the files with their SHA-256 and the key IDs (first 12 hex digits of each
 * key's SHA-256, as in the ciphertexts and payload metadata; never a key). `restore` checks both before it touches
 * anything, refuses a target that is not empty, and refuses keys whose IDs differ (the data could not be read).
 * Node built-ins and the database clients only.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';

export type TemporalStore = { kind: 'postgres'; url: string; databases: string[] } | { kind: 'sqlite'; file: string };

export interface BackupTargets {
  /** The registry's DATABASE_URL: `sqlite:<file>`, `mysql://…` or `mariadb://…`. */
  databaseUrl: string;
  temporal: TemporalStore;
}

/** The keys the encrypted data and histories need (README "Security" → "Keys"). */
export const KEY_NAMES = [
  'PII_ENCRYPTION_KEY',
  'PII_ENCRYPTION_RETIRED_KEYS',
  'PII_INDEX_KEY',
  'PAYLOAD_CODEC_KEY',
  'PAYLOAD_CODEC_RETIRED_KEYS',
  'ACTOR_SIGNING_KEY',
] as const;

export interface BackupManifest {
  format: 1;
  takenAt: string;
  /** In the order taken. */
  files: { part: 'temporal' | 'registry'; file: string; kind: string; database?: string; sha256: string }[];
  /** name → key IDs (comma-separated lists give several). */
  keyIds: Record<string, string[]>;
}

const keyIdsOf = (value: string) =>
  value
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean)
    .map((v) => createHash('sha256').update(Buffer.from(v, 'base64')).digest('hex').slice(0, 12));

/** The keys of an environment; with none set, the development `<JUKI_DATA_DIR>/secrets.json` (as src/config.ts). */
export function keysOf(env: NodeJS.ProcessEnv): Record<string, string> {
  const keys: Record<string, string> = {};
  for (const n of KEY_NAMES) if (env[n]) keys[n] = env[n]!;
  if (keys.PII_ENCRYPTION_KEY) return keys;
  const file = path.resolve(env.JUKI_DATA_DIR ?? 'data', 'secrets.json');
  if (!fs.existsSync(file))
    throw new Error('backup: no PII_ENCRYPTION_KEY in the environment and no data/secrets.json');
  const dev = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, string>;
  const map: Record<string, string> = {
    piiEncryption: 'PII_ENCRYPTION_KEY',
    piiIndex: 'PII_INDEX_KEY',
    payloadCodec: 'PAYLOAD_CODEC_KEY',
    actorSigning: 'ACTOR_SIGNING_KEY',
  };
  for (const [k, n] of Object.entries(map)) if (dev[k]) keys[n] = dev[k];
  return keys;
}

/** Runs a client; its stdout goes to `stdout` (a file) or is returned. */
function run(cmd: string, args: string[], opts: { env?: NodeJS.ProcessEnv; stdin?: string; stdout?: string } = {}) {
  return new Promise<string>((resolve, reject) => {
    const child = spawn(cmd, args, {
      env: { ...process.env, ...opts.env },
      stdio: [
        opts.stdin ? fs.openSync(opts.stdin, 'r') : 'ignore',
        opts.stdout ? fs.openSync(opts.stdout, 'w', 0o600) : 'pipe',
        'pipe',
      ],
    });
    let out = '';
    let err = '';
    child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-2000)));
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolve(out) : reject(new Error(`${path.basename(cmd)} exited ${code}: ${err.trim()}`)),
    );
  });
}

const sha256 = (file: string) => createHash('sha256').update(fs.readFileSync(file)).digest('hex');

function mysqlParts(url: string) {
  const u = new URL(url);
  return {
    args: ['-h', u.hostname, '-P', u.port || '3306', '-u', decodeURIComponent(u.username)],
    env: { MYSQL_PWD: decodeURIComponent(u.password) },
    database: decodeURIComponent(u.pathname.slice(1)),
  };
}

function pgParts(url: string) {
  const u = new URL(url);
  return {
    args: ['-h', u.hostname, '-p', u.port || '5432', '-U', decodeURIComponent(u.username)],
    env: { PGPASSWORD: decodeURIComponent(u.password) },
  };
}

const psql = async (url: string, db: string, sql: string) => {
  const pg = pgParts(url);
  return (
    await run('psql', ['-X', '-At', '-v', 'ON_ERROR_STOP=1', ...pg.args, '-d', db, '-c', sql], { env: pg.env })
  ).trim();
};

/** A consistent copy of a live SQLite database (one read transaction). */
function sqliteVacuumInto(file: string, out: string) {
  const db = new DatabaseSync(file, { readOnly: true });
  try {
    db.exec(`VACUUM INTO '${out.replaceAll("'", "''")}'`);
  } finally {
    db.close();
  }
  fs.chmodSync(out, 0o600);
}

/**
 * Takes a backup into `outDir` (made, must be empty) and the keys into `keysDir` (another directory). Returns the
 * manifest (also written to `<outDir>/backup.json`).
 */
export async function backup(
  targets: BackupTargets,
  keys: Record<string, string>,
  dirs: { outDir: string; keysDir: string },
): Promise<BackupManifest> {
  const outDir = path.resolve(dirs.outDir);
  const keysDir = path.resolve(dirs.keysDir);
  if (keysDir === outDir || keysDir.startsWith(outDir + path.sep) || outDir.startsWith(keysDir + path.sep))
    throw new Error('backup: the keys directory must not be inside the backup directory (or the other way round)');
  if (!keys.PII_ENCRYPTION_KEY) throw new Error('backup: PII_ENCRYPTION_KEY is missing');
  fs.mkdirSync(outDir, { recursive: true, mode: 0o700 });
  if (fs.readdirSync(outDir).length) throw new Error(`backup: ${outDir} is not empty`);
  const files: BackupManifest['files'] = [];

  // 1. Temporal first (see the header)
  const t = targets.temporal;
  if (t.kind === 'postgres') {
    const pg = pgParts(t.url);
    for (const db of t.databases) {
      const file = `temporal-${db}.pgdump`;
      await run('pg_dump', ['-Fc', ...pg.args, '-d', db, '-f', path.join(outDir, file)], { env: pg.env });
      files.push({ part: 'temporal', file, kind: 'pg_dump-custom', database: db, sha256: '' });
    }
  } else {
    const file = 'temporal.sqlite';
    sqliteVacuumInto(t.file, path.join(outDir, file));
    files.push({ part: 'temporal', file, kind: 'sqlite', sha256: '' });
  }

  // 2. then the registry
  if (targets.databaseUrl.startsWith('sqlite:')) {
    const file = 'registry.sqlite';
    sqliteVacuumInto(targets.databaseUrl.slice('sqlite:'.length), path.join(outDir, file));
    files.push({ part: 'registry', file, kind: 'sqlite', sha256: '' });
  } else {
    const my = mysqlParts(targets.databaseUrl);
    const file = 'registry.sql';
    await run(
      'mariadb-dump',
      ['--single-transaction', '--routines', '--triggers', '--hex-blob', ...my.args, my.database],
      { env: my.env, stdout: path.join(outDir, file) },
    );
    files.push({ part: 'registry', file, kind: 'mysqldump', database: my.database, sha256: '' });
  }
  for (const f of files) f.sha256 = sha256(path.join(outDir, f.file));

  // 3. the keys, separately
  fs.mkdirSync(keysDir, { recursive: true, mode: 0o700 });
  fs.chmodSync(keysDir, 0o700);
  const keysFile = path.join(keysDir, 'keys.env');
  fs.writeFileSync(
    keysFile,
    Object.entries(keys)
      .map(([k, v]) => `${k}=${v}\n`)
      .join(''),
    { mode: 0o600 },
  );
  fs.chmodSync(keysFile, 0o600);

  const manifest: BackupManifest = {
    format: 1,
    takenAt: new Date().toISOString(),
    files,
    keyIds: Object.fromEntries(Object.entries(keys).map(([k, v]) => [k, keyIdsOf(v)])),
  };
  fs.writeFileSync(path.join(outDir, 'backup.json'), JSON.stringify(manifest, null, 2) + '\n', { mode: 0o600 });
  return manifest;
}

/** Reads `keys.env` of a keys directory (or file). */
export function readKeysFile(keysPath: string): Record<string, string> {
  const file = fs.statSync(keysPath).isDirectory() ? path.join(keysPath, 'keys.env') : keysPath;
  const keys: Record<string, string> = {};
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    const i = line.indexOf('=');
    if (i > 0) keys[line.slice(0, i)] = line.slice(i + 1);
  }
  return keys;
}

/**
 * Restores a backup into the targets, with the servers (Temporal, workers, APIs) stopped. Checks the manifest's
 * checksums and that `keys` have the backup's key IDs first; refuses a registry or Temporal database that has tables.
 */
export async function restore(
  backupDir: string,
  targets: BackupTargets,
  keys: Record<string, string>,
): Promise<BackupManifest> {
  const dir = path.resolve(backupDir);
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'backup.json'), 'utf8')) as BackupManifest;
  for (const f of manifest.files)
    if (sha256(path.join(dir, f.file)) !== f.sha256) throw new Error(`restore: ${f.file} does not match its checksum`);
  for (const [name, ids] of Object.entries(manifest.keyIds))
    if (keyIdsOf(keys[name] ?? '').join() !== ids.join())
      throw new Error(`restore: ${name} is not the key of this backup (key IDs ${ids.join(',') || '-'})`);

  const t = targets.temporal;
  for (const f of manifest.files.filter((x) => x.part === 'temporal')) {
    if (f.kind === 'sqlite') {
      if (t.kind !== 'sqlite')
        throw new Error('restore: the backup holds a dev-server Temporal, the target is PostgreSQL');
      restoreSqliteFile(path.join(dir, f.file), t.file);
    } else {
      if (t.kind !== 'postgres')
        throw new Error('restore: the backup holds a PostgreSQL Temporal, the target is SQLite');
      // the target's database of the same role (temporal / visibility), by position
      const db = t.databases[manifest.files.filter((x) => x.part === 'temporal').indexOf(f)];
      if (!db) throw new Error(`restore: no target database for ${f.database}`);
      await restorePostgres(t.url, db, path.join(dir, f.file));
    }
  }
  for (const f of manifest.files.filter((x) => x.part === 'registry')) {
    if (f.kind === 'sqlite') {
      if (!targets.databaseUrl.startsWith('sqlite:')) throw new Error('restore: the backup holds a SQLite registry');
      restoreSqliteFile(path.join(dir, f.file), targets.databaseUrl.slice('sqlite:'.length));
    } else {
      if (targets.databaseUrl.startsWith('sqlite:')) throw new Error('restore: the backup holds a MariaDB registry');
      await restoreMysql(targets.databaseUrl, path.join(dir, f.file));
    }
  }
  return manifest;
}

function restoreSqliteFile(from: string, to: string) {
  if (fs.existsSync(to) && fs.statSync(to).size > 0)
    throw new Error(`restore: ${to} exists; stop the servers and move it away first`);
  fs.mkdirSync(path.dirname(to), { recursive: true });
  for (const side of ['-wal', '-shm', '-journal']) fs.rmSync(to + side, { force: true });
  fs.copyFileSync(from, to);
}

async function restorePostgres(url: string, db: string, file: string) {
  const exists =
    (await psql(url, 'postgres', `SELECT count(*) FROM pg_database WHERE datname = '${db.replaceAll("'", "''")}'`)) ===
    '1';
  if (exists) {
    const tables = Number(await psql(url, db, `SELECT count(*) FROM pg_tables WHERE schemaname = 'public'`));
    if (tables > 0) throw new Error(`restore: PostgreSQL database ${db} is not empty; drop it first`);
  } else await psql(url, 'postgres', `CREATE DATABASE "${db.replaceAll('"', '""')}"`);
  const pg = pgParts(url);
  await run('pg_restore', ['--no-owner', '--exit-on-error', ...pg.args, '-d', db, file], { env: pg.env });
}

async function restoreMysql(url: string, file: string) {
  const my = mysqlParts(url);
  const q = (sql: string, db?: string) =>
    run('mariadb', [...my.args, '-N', '-B', '-e', sql, ...(db ? [db] : [])], { env: my.env });
  await q(`CREATE DATABASE IF NOT EXISTS \`${my.database.replaceAll('`', '``')}\``);
  const tables = Number(
    (await q('SELECT count(*) FROM information_schema.tables WHERE table_schema = DATABASE()', my.database)).trim(),
  );
  if (tables > 0) throw new Error(`restore: registry database ${my.database} is not empty; drop it first`);
  await run('mariadb', [...my.args, my.database], { env: my.env, stdin: file });
}

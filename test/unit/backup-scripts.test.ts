import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';

/**
 * scripts/backup.sh and scripts/restore.sh on the embedded shape (SQLite registry, dev-server SQLite file), run as an
 * operator runs them; the MariaDB + PostgreSQL shape is the drill (test/faults/backup-restore.test.ts). Bad inputs
 * are refused with a message naming what is wrong, and change nothing.
 */
const ROOT = join(__dirname, '..', '..');
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

let dir: string;
let env: Record<string, string>;
const key = () => randomBytes(32).toString('base64');
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'juki-backup-unit-'));
  dirs.push(dir);
  for (const [file, table] of [
    ['registry.sqlite', 'case_record'],
    ['temporal.sqlite', 'executions'],
  ]) {
    const db = new DatabaseSync(join(dir, file!));
    db.exec(`create table ${table}(id text); insert into ${table} values ('${table}-1')`);
    db.close();
  }
  env = {
    DATABASE_URL: `sqlite:${join(dir, 'registry.sqlite')}`,
    TEMPORAL_DB_FILE: join(dir, 'temporal.sqlite'),
    PII_ENCRYPTION_KEY: key(),
    PII_INDEX_KEY: key(),
    PAYLOAD_CODEC_KEY: key(),
    ACTOR_SIGNING_KEY: key(),
  };
});

const sh = (script: string, args: string[], extra: Record<string, string | undefined> = {}) => {
  const r = spawnSync('bash', [join(ROOT, 'scripts', script), ...args], {
    cwd: dir,
    env: { ...process.env, PII_ENCRYPTION_KEY: undefined, ...env, ...extra },
    encoding: 'utf8',
  });
  return { status: r.status, out: r.stdout + r.stderr };
};
const rows = (file: string, table: string) => {
  const db = new DatabaseSync(join(dir, file));
  try {
    return db.prepare(`select id from ${table}`).all();
  } finally {
    db.close();
  }
};

describe('scripts/backup.sh and scripts/restore.sh', () => {
  it('backs up Temporal then the registry, the keys apart (0600), and restores both after a wipe', () => {
    const b = sh('backup.sh', ['bk']);
    expect(b.status, b.out).toBe(0);
    const manifest = JSON.parse(readFileSync(join(dir, 'bk', 'backup.json'), 'utf8'));
    expect(manifest.files.map((f: { part: string }) => f.part)).toEqual(['temporal', 'registry']);
    const keysFile = join(dir, 'bk.keys', 'keys.env');
    expect(statSync(keysFile).mode & 0o777).toBe(0o600);
    expect(readFileSync(keysFile, 'utf8')).toContain(`PII_ENCRYPTION_KEY=${env.PII_ENCRYPTION_KEY}`);
    for (const f of ['backup.json', 'registry.sqlite', 'temporal.sqlite']) {
      const text = readFileSync(join(dir, 'bk', f)).toString('latin1');
      for (const k of Object.values(env).filter((v) => v.endsWith('='))) expect(text).not.toContain(k);
    }
    expect(b.out).not.toContain(env.PII_ENCRYPTION_KEY);

    rmSync(join(dir, 'registry.sqlite'));
    rmSync(join(dir, 'temporal.sqlite'));
    const r = sh('restore.sh', ['bk']);
    expect(r.status, r.out).toBe(0);
    expect(rows('registry.sqlite', 'case_record')).toEqual([{ id: 'case_record-1' }]);
    expect(rows('temporal.sqlite', 'executions')).toEqual([{ id: 'executions-1' }]);
  });

  it('refuses keys that are not the backup’s, a target that is not empty, a tampered dump: nothing changed', () => {
    expect(sh('backup.sh', ['bk']).status).toBe(0);

    // the live databases are still there: not empty
    const busy = sh('restore.sh', ['bk']);
    expect(busy.status).toBe(1);
    expect(busy.out).toContain('temporal.sqlite exists; stop the servers and move it away first');

    rmSync(join(dir, 'registry.sqlite'));
    rmSync(join(dir, 'temporal.sqlite'));
    writeFileSync(join(dir, 'other.env'), `PII_ENCRYPTION_KEY=${key()}\n`);
    const wrong = sh('restore.sh', ['bk', join(dir, 'other.env')]);
    expect(wrong.status).toBe(1);
    expect(wrong.out).toMatch(/PII_ENCRYPTION_KEY is not the key of this backup \(key IDs [0-9a-f]{12}\)/);
    expect(wrong.out).not.toContain(env.PII_ENCRYPTION_KEY);

    writeFileSync(join(dir, 'bk', 'registry.sqlite'), 'tampered');
    const tampered = sh('restore.sh', ['bk']);
    expect(tampered.status).toBe(1);
    expect(tampered.out).toContain('registry.sqlite does not match its checksum');
    expect(existsSync(join(dir, 'registry.sqlite')) || existsSync(join(dir, 'temporal.sqlite'))).toBe(false);
  });

  it('refuses a keys directory inside the backup and a backup directory that is not empty', () => {
    const inside = sh('backup.sh', ['bk', join(dir, 'bk', 'keys')]);
    expect(inside.status).toBe(1);
    expect(inside.out).toContain('the keys directory must not be inside the backup directory');
    expect(existsSync(join(dir, 'bk'))).toBe(false);

    expect(sh('backup.sh', ['bk']).status).toBe(0);
    const again = sh('backup.sh', ['bk']);
    expect(again.status).toBe(1);
    expect(again.out).toContain('bk is not empty');
  });
});

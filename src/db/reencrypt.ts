import type { MikroORM } from '@mikro-orm/core';
import { CIPHERTEXT_PATTERN, keyIdOf, type PiiCrypto } from './pii-crypto';

/**
 * Key rotation (README "Security: keys"): rewrites every value encrypted with a retired key (or in the old 'v1'
 * format) with the current key, in every column of every table, also inside JSON values (an application payload
 * keeps its 個人番号 encrypted inside the JSON), and recomputes the blind indexes from the decrypted values (so a
 * rotated PII_INDEX_KEY takes effect too). Each cell is replaced by compare-and-set on its old value, so a row
 * changed meanwhile is left for the next run. Run it after deploying the new key as current and the old one as
 * retired; once it reports 0 left, remove the retired key.
 */
export interface ReencryptReport {
  tables: number;
  reencrypted: number;
  reindexed: number;
  /** Values it could not read with any key of the ring (named by table and column only). */
  unreadable: Array<{ table: string; column: string }>;
}

/** The encrypted column and the blind index computed from its clear value. */
const BLIND_INDEXES = [
  { table: 'resident', enc: 'individual_number_enc', index: 'individual_number_index' },
  { table: 'individual_number_answer', enc: 'number_enc', index: 'number_index' },
];

export async function reencryptAll(orm: MikroORM, pii: PiiCrypto): Promise<ReencryptReport> {
  const conn = orm.em.getConnection();
  const sqlite = orm.config.get('driver')?.name?.toLowerCase().includes('sqlite') ?? false;
  const q = (name: string) => (sqlite ? `"${name}"` : `\`${name}\``);
  const tables = (
    (await conn.execute(
      sqlite
        ? "select name from sqlite_master where type = 'table' and name not like 'sqlite_%'"
        : 'select table_name as name from information_schema.tables where table_schema = database()',
    )) as Array<{ name: string }>
  ).map((r) => r.name);
  const report: ReencryptReport = { tables: tables.length, reencrypted: 0, reindexed: 0, unreadable: [] };
  const stale = (v: string) => CIPHERTEXT_PATTERN.test(v) && keyIdOf(v) !== pii.currentKeyId;
  /** A value with every stale ciphertext in it rewritten, or undefined when nothing changes. */
  const rewrite = (value: unknown, where: { table: string; column: string }): unknown => {
    if (Buffer.isBuffer(value) || value instanceof Uint8Array) {
      // a certificate PDF at rest: the UTF-8 bytes of a ciphertext (encrypted-columns.ts EncryptedBlobType)
      const text = Buffer.from(value).toString('utf8');
      if (!stale(text)) return undefined;
      const next = rewrite(text, where);
      return typeof next === 'string' ? Buffer.from(next, 'utf8') : undefined;
    }
    if (typeof value === 'string') {
      if (stale(value)) {
        try {
          // an encrypted JSON (an application at rest) may hold ciphertexts of its own: those are rewritten too
          const clear = pii.decrypt(value);
          const inner = rewrite(clear, where);
          return pii.encrypt(typeof inner === 'string' ? inner : clear);
        } catch {
          report.unreadable.push(where);
          return undefined;
        }
      }
      const t = value.trim();
      if (!(t.startsWith('{') || t.startsWith('['))) return undefined;
      let parsed: unknown;
      try {
        parsed = JSON.parse(t);
      } catch {
        return undefined;
      }
      const next = rewrite(parsed, where);
      return next === undefined ? undefined : JSON.stringify(next);
    }
    if (value && typeof value === 'object' && !Buffer.isBuffer(value) && !(value instanceof Uint8Array)) {
      let changed = false;
      const copy: any = Array.isArray(value) ? [...value] : { ...value };
      for (const [k, v] of Object.entries(value)) {
        const next = rewrite(v, where);
        if (next !== undefined) {
          copy[k] = next;
          changed = true;
        }
      }
      return changed ? copy : undefined;
    }
    return undefined;
  };
  for (const table of tables) {
    const rows = (await conn.execute(`select * from ${q(table)}`)) as Array<Record<string, unknown>>;
    for (const row of rows)
      for (const [column, cell] of Object.entries(row)) {
        const next = rewrite(cell, { table, column });
        if (next === undefined) continue;
        const old = typeof cell === 'string' ? cell : JSON.stringify(cell);
        const value = typeof next === 'string' ? next : JSON.stringify(next);
        const res = await conn.execute(`update ${q(table)} set ${q(column)} = ? where ${q(column)} = ?`, [value, old]);
        report.reencrypted += affected(res);
      }
  }
  for (const { table, enc, index } of BLIND_INDEXES) {
    if (!tables.includes(table)) continue;
    const rows = (await conn.execute(
      `select ${q(enc)} as enc, ${q(index)} as idx from ${q(table)} where ${q(enc)} is not null`,
    )) as Array<{ enc: string; idx: string | null }>;
    for (const r of rows) {
      let want: string;
      try {
        want = pii.blindIndex(pii.decrypt(r.enc));
      } catch {
        report.unreadable.push({ table, column: enc });
        continue;
      }
      if (want === r.idx) continue;
      const res = await conn.execute(`update ${q(table)} set ${q(index)} = ? where ${q(enc)} = ?`, [want, r.enc]);
      report.reindexed += affected(res);
    }
  }
  return report;
}

const affected = (res: unknown): number => {
  const r = res as { affectedRows?: number; changes?: number } | undefined;
  return r?.affectedRows ?? r?.changes ?? 1;
};

/**
 * Looks for personal data in EVERY table of a registry database (SQLite or MariaDB / MySQL): every column of every
 * row, with each encrypted value ('v1:…' / 'v2:…', the app's PiiCrypto) decrypted, each JSON value parsed (and the encrypted
 * strings inside it decrypted), and each PDF blob read as text with pdftotext. So an encrypted copy of a 個人番号 or a
 * name inside a JSON payload, an outbox body or a certificate is found too. Used to prove that a purge leaves nothing
 * behind (domain spec §4.5; seed 000 L439–440).
 */
import type { MikroORM } from '@mikro-orm/core';
import { toSeireki, toWareki } from '../../src/domain/dates';
import { CIPHERTEXT_PATTERN, type PiiCrypto } from '../../src/db/pii-crypto';
import { pdfBytesText } from './pdf-text';
import type { PersonalValue } from './personal-data-scan';

export interface DbFinding {
  table: string;
  column: string;
  /** What was found (the `what` of the value), never the value itself. */
  what: string;
  /** How the value was reached: 'plain', 'decrypted', 'json', 'pdf'. */
  via: string;
}

/** The values to look for of one person: name (with and without the space), kana, birth date in its forms, 個人番号. */
export function personValuesOf(p: {
  name: string;
  nameKana?: string;
  birthDate?: string;
  individualNumber?: string;
}): PersonalValue[] {
  const [family = p.name, given = ''] = p.name.split(/[\u3000 ]/);
  const values: PersonalValue[] = [
    { what: 'name', value: p.name },
    { what: 'name', value: `${family}${given}` },
    { what: 'name', value: `${family} ${given}` },
  ];
  if (p.nameKana) {
    const [fk = p.nameKana, gk = ''] = p.nameKana.split(/[\u3000 ]/);
    values.push({ what: 'kana', value: p.nameKana }, { what: 'kana', value: `${fk}${gk}` });
  }
  if (p.birthDate)
    values.push(
      { what: 'birth date', value: p.birthDate },
      { what: 'birth date', value: p.birthDate.replaceAll('-', '') },
      { what: 'birth date', value: toWareki(p.birthDate) },
      { what: 'birth date', value: toSeireki(p.birthDate) },
    );
  if (p.individualNumber) values.push({ what: '個人番号', value: p.individualNumber });
  return values;
}

type Texts = Array<{ text: string; via: string }>;

/** Every readable text a cell holds: itself, its decryption, the strings of its JSON (decrypted where encrypted). */
function cellTexts(value: unknown, pii: PiiCrypto, via = 'plain', out: Texts = []): Texts {
  if (value === null || value === undefined) return out;
  if (Buffer.isBuffer(value) || value instanceof Uint8Array) {
    const buf = Buffer.from(value);
    if (buf.subarray(0, 5).toString('latin1') === '%PDF-') out.push({ text: pdfBytesText(buf), via: 'pdf' });
    else cellTexts(buf.toString('utf8'), pii, via, out);
    return out;
  }
  if (typeof value === 'object') {
    for (const v of Object.values(value as Record<string, unknown>)) cellTexts(v, pii, via, out);
    return out;
  }
  const text = String(value);
  out.push({ text, via });
  if (CIPHERTEXT_PATTERN.test(text)) {
    try {
      cellTexts(pii.decrypt(text), pii, 'decrypted', out);
    } catch {
      // not ours (another key): left as it is
    }
  }
  const t = text.trim();
  if (t.startsWith('{') || t.startsWith('[') || t.startsWith('"')) {
    try {
      cellTexts(JSON.parse(t), pii, via === 'plain' ? 'json' : `${via}+json`, out);
    } catch {
      // not JSON
    }
  }
  return out;
}

async function tableNames(orm: MikroORM): Promise<string[]> {
  const conn = orm.em.getConnection();
  const sqlite = orm.config.get('driver')?.name?.toLowerCase().includes('sqlite') ?? false;
  const rows = (await conn.execute(
    sqlite
      ? "select name from sqlite_master where type = 'table' and name not like 'sqlite_%'"
      : 'select table_name as name from information_schema.tables where table_schema = database()',
  )) as Array<{ name: string }>;
  return rows.map((r) => r.name).sort();
}

/**
 * Scans every table of the registry database for `values`. Returns the tables it read (so a test can check that the
 * scan covered the schema) and every finding (table, column, what, how it was reached).
 */
export async function scanRegistryDb(
  orm: MikroORM,
  pii: PiiCrypto,
  values: readonly PersonalValue[],
): Promise<{ tables: string[]; findings: DbFinding[] }> {
  const tables = await tableNames(orm);
  const conn = orm.em.getConnection();
  const findings: DbFinding[] = [];
  const seen = new Set<string>();
  for (const table of tables) {
    const quoted = orm.config.get('driver')?.name?.toLowerCase().includes('sqlite') ? `"${table}"` : `\`${table}\``;
    const rows = (await conn.execute(`select * from ${quoted}`)) as Array<Record<string, unknown>>;
    for (const row of rows)
      for (const [column, cell] of Object.entries(row))
        for (const { text, via } of cellTexts(cell, pii))
          for (const v of values) {
            if (!v.value || !(v.exact ? text.includes(JSON.stringify(v.value)) : text.includes(v.value))) continue;
            const key = `${table}\u0000${column}\u0000${v.what}\u0000${via}`;
            if (seen.has(key)) continue;
            seen.add(key);
            findings.push({ table, column, what: v.what, via });
          }
  }
  return { tables, findings };
}

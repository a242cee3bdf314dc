import { Type, type EntityManager, type MikroORM, type Platform } from '@mikro-orm/core';
import { CIPHERTEXT_PATTERN, type PiiCrypto } from './pii-crypto';

/**
 * Encryption at rest of the stored application (`case_application.payload`, 4情報 of every person) and of the
 * certificate PDFs (`certificate_issuance.pdf`, a 転出証明書 carries the 個人番号): issue 13 item 7. Both columns are
 * written through `PiiCrypto.encrypt` and read through `decrypt` by their column type, so every reader keeps working
 * on the clear value. The cipher belongs to the ORM instance (two towns in one process have two keys):
 * `attachPiiCipher(orm, pii)` right after opening; a write without it fails loudly instead of storing clear text.
 * Rows written before this existed are read as they are and encrypted by `encryptClearRows`.
 */
const CIPHERS = new WeakMap<object, PiiCrypto>();

export function attachPiiCipher(orm: MikroORM, pii: PiiCrypto): void {
  CIPHERS.set(orm.config, pii);
}

const cipherOf = (platform: Platform | undefined): PiiCrypto => {
  const pii = platform && CIPHERS.get(platform.getConfig());
  if (!pii) throw new Error('encrypted column: no PII cipher attached to this ORM (attachPiiCipher)');
  return pii;
};

const ENC = 'enc';
type Stored = string | Record<string, unknown> | null;

/** JSON encrypted as `{"enc":"v2:…"}` (still valid JSON for the column's type). */
export class EncryptedJsonType extends Type<Record<string, unknown> | null, string | null> {
  override convertToDatabaseValue(value: Record<string, unknown> | null, platform: Platform): string | null {
    if (value === null || value === undefined) return null;
    if (isEncrypted(value)) return JSON.stringify(value);
    return JSON.stringify({ [ENC]: cipherOf(platform).encrypt(JSON.stringify(value)) });
  }

  override convertToJSValue(value: Stored, platform: Platform): Record<string, unknown> | null {
    if (value === null || value === undefined) return null;
    const parsed = (typeof value === 'string' ? JSON.parse(value) : value) as Record<string, unknown>;
    if (!isEncrypted(parsed)) return parsed; // a row from before encryption at rest (encryptClearRows)
    return JSON.parse(cipherOf(platform).decrypt(parsed[ENC] as string)) as Record<string, unknown>;
  }

  /** Two ciphertexts of the same JSON differ (random IV): compare the clear values, so no spurious update. */
  override compareValues(a: string | null, b: string | null): boolean {
    if (a === b) return true;
    if (a === null || b === null || !this.platform) return false;
    return (
      JSON.stringify(this.convertToJSValue(a, this.platform)) ===
      JSON.stringify(this.convertToJSValue(b, this.platform))
    );
  }

  override getColumnType(): string {
    return 'json';
  }

  override ensureComparable(): boolean {
    return true;
  }
}

const isEncrypted = (v: unknown): v is Record<string, string> =>
  !!v &&
  typeof v === 'object' &&
  Object.keys(v).length === 1 &&
  typeof (v as Record<string, unknown>)[ENC] === 'string' &&
  CIPHERTEXT_PATTERN.test((v as Record<string, string>)[ENC] ?? '');

const PDF_MAGIC = Buffer.from('%PDF');

/** A PDF stored as the UTF-8 bytes of `PiiCrypto.encrypt(base64 of the PDF)`; a clear PDF (old row) is read as is. */
export class EncryptedBlobType extends Type<Buffer | null, Buffer | null> {
  override convertToDatabaseValue(value: Buffer | null, platform: Platform): Buffer | null {
    if (value === null || value === undefined) return null;
    const buf = Buffer.from(value);
    if (!buf.subarray(0, 4).equals(PDF_MAGIC)) return buf; // already encrypted
    return Buffer.from(cipherOf(platform).encrypt(buf.toString('base64')), 'utf8');
  }

  override convertToJSValue(value: Buffer | null, platform: Platform): Buffer | null {
    if (value === null || value === undefined) return null;
    const buf = Buffer.from(value);
    if (buf.subarray(0, 4).equals(PDF_MAGIC)) return buf;
    return Buffer.from(cipherOf(platform).decrypt(buf.toString('utf8')), 'base64');
  }

  override compareValues(a: Buffer | null, b: Buffer | null): boolean {
    if (a === b) return true;
    if (!a || !b || !this.platform) return false;
    return (
      Buffer.from(a).equals(Buffer.from(b)) ||
      !!this.convertToJSValue(a, this.platform)?.equals(this.convertToJSValue(b, this.platform)!)
    );
  }

  override getColumnType(): string {
    return 'blob';
  }

  override ensureComparable(): boolean {
    return true;
  }
}

/**
 * A case's stored application (`case_application`: its procedure and clear payload), read as a row in the caller's
 * transaction and decrypted once through its column type, without an entity: a managed CaseApplication costs an
 * encryption for its snapshot and, at every flush of its unit of work, one more encryption and two decryptions to
 * compare (random IV); the 転入's commit flushes four times (issue 15, MikroORM CPU per 転入). Undefined when none.
 */
export async function readStoredApplication(
  em: EntityManager,
  caseId: string,
): Promise<{ procedure: string; payload: Record<string, unknown> } | undefined> {
  const [row] = (await em
    .getConnection()
    .execute(
      'select `procedure`, payload from case_application where case_id = ?',
      [caseId],
      'all',
      em.getTransactionContext(),
    )) as Array<{ procedure: string; payload: Stored }>;
  if (!row) return undefined;
  return { procedure: row.procedure, payload: JSON_COLUMN.convertToJSValue(row.payload, em.getPlatform()) ?? {} };
}

const JSON_COLUMN = new EncryptedJsonType();

/**
 * The data migration of encryption at rest: every application and certificate PDF still stored in clear is
 * rewritten encrypted (idempotent; run at start after the schema migrations, when the key is known).
 */
export async function encryptClearRows(orm: MikroORM): Promise<{ applications: number; certificates: number }> {
  const pii = cipherOf(orm.em.getPlatform());
  const conn = orm.em.getConnection();
  let applications = 0;
  for (const row of (await conn.execute('select case_id, payload from case_application')) as Array<{
    case_id: string;
    payload: Stored;
  }>) {
    const parsed = typeof row.payload === 'string' ? JSON.parse(row.payload) : row.payload;
    if (parsed === null || isEncrypted(parsed)) continue;
    const enc = JSON.stringify({ [ENC]: pii.encrypt(JSON.stringify(parsed)) });
    await conn.execute('update case_application set payload = ? where case_id = ?', [enc, row.case_id]);
    applications++;
  }
  let certificates = 0;
  for (const row of (await conn.execute(
    `select certificate_id from certificate_issuance where hex(substr(pdf, 1, 4)) = '25504446'`,
  )) as Array<{ certificate_id: string }>) {
    const [cert] = (await conn.execute('select pdf from certificate_issuance where certificate_id = ?', [
      row.certificate_id,
    ])) as Array<{ pdf: Buffer }>;
    const enc = Buffer.from(pii.encrypt(Buffer.from(cert!.pdf).toString('base64')), 'utf8');
    await conn.execute('update certificate_issuance set pdf = ? where certificate_id = ?', [enc, row.certificate_id]);
    certificates++;
  }
  return { applications, certificates };
}

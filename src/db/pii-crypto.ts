import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createHmac,
  createSecretKey,
  randomBytes,
  type KeyObject,
} from 'node:crypto';

/**
 * Encryption at rest for the 個人番号 (and other 特定個人情報 blobs such as outbox payloads):
 * AES-256-GCM with a random 96-bit IV, stored as 'v2:<keyId>:<iv>:<tag>:<ciphertext>' (base64url; the key ID is the
 * key's fingerprint, `keyFingerprint`), and an HMAC-SHA256 blind index so that an exact-match lookup never needs the
 * clear value in the database. Keys rotate: the current key encrypts, retired keys still decrypt what they wrote
 * until `npm run keys:reencrypt` has rewritten it (scripts/keys/reencrypt.ts). 'v1:<iv>:<tag>:<ciphertext>' (before
 * key IDs) is still read, with any key of the ring (the GCM tag tells which one fits).
 */
export interface PiiCrypto {
  encrypt(plain: string): string;
  decrypt(stored: string): string;
  blindIndex(plain: string): string;
  /** The ID of the key `encrypt` uses; a stored value whose `keyIdOf` differs is due for re-encryption. */
  readonly currentKeyId: string;
}

export interface PiiKeyOptions {
  /** Retired encryption keys, still accepted for decryption (rotation). */
  retired?: Buffer[];
}

const b64 = (b: Buffer) => b.toString('base64url');

/** A key's public ID: the first 12 hex digits of its SHA-256 (reveals nothing usable about the key). */
export const keyFingerprint = (key: Buffer): string => createHash('sha256').update(key).digest('hex').slice(0, 12);

/** Matches a value written by `encrypt` (either format). */
export const CIPHERTEXT_PATTERN = /^(v1:[\w-]+:[\w-]+:[\w-]*|v2:[0-9a-f]{12}:[\w-]+:[\w-]+:[\w-]*)$/;

/** The key ID a stored value was written with ('v1' values: undefined, they carry none). */
export const keyIdOf = (stored: string): string | undefined =>
  stored.startsWith('v2:') ? stored.split(':')[1] : undefined;

export function createPiiCrypto(encryptionKey: Buffer, indexKey: Buffer, opts: PiiKeyOptions = {}): PiiCrypto {
  if (encryptionKey.length !== 32 || indexKey.length !== 32) throw new Error('PII keys must be 32 bytes each');
  if (encryptionKey.equals(indexKey)) throw new Error('PII encryption key and blind-index key must differ');
  // key objects made once: a raw Buffer key is turned into one on every cipher / HMAC (a third of a bulk load's CPU)
  const ring = new Map<string, KeyObject>();
  for (const k of [encryptionKey, ...(opts.retired ?? [])]) {
    if (k.length !== 32) throw new Error('PII keys must be 32 bytes each');
    if (k.equals(indexKey)) throw new Error('PII encryption key and blind-index key must differ');
    if (!ring.has(keyFingerprint(k))) ring.set(keyFingerprint(k), createSecretKey(k));
  }
  const currentKeyId = keyFingerprint(encryptionKey);
  const currentKey = ring.get(currentKeyId)!;
  const indexKeyObject = createSecretKey(indexKey);
  const open = (key: KeyObject, iv: string, tag: string, ct: string) => {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(ct, 'base64url')), decipher.final()]).toString('utf8');
  };
  return {
    currentKeyId,
    encrypt(plain) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', currentKey, iv);
      const ct = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return `v2:${currentKeyId}:${b64(iv)}:${b64(cipher.getAuthTag())}:${b64(ct)}`;
    },
    decrypt(stored) {
      const parts = stored.split(':');
      if (parts[0] === 'v2' && parts.length === 5) {
        const key = ring.get(parts[1]!);
        if (!key) throw new Error(`ciphertext of unknown key ${parts[1]}`);
        return open(key, parts[2]!, parts[3]!, parts[4]!);
      }
      const [v, iv, tag, ct] = parts;
      if (v !== 'v1' || !iv || !tag || ct === undefined || parts.length !== 4)
        throw new Error('unsupported ciphertext format');
      for (const key of ring.values()) {
        try {
          return open(key, iv, tag, ct);
        } catch {
          // another key of the ring
        }
      }
      throw new Error('ciphertext of no key of the ring');
    },
    blindIndex(plain) {
      return createHmac('sha256', indexKeyObject).update(plain, 'utf8').digest('hex');
    },
  };
}

/** The PiiCrypto of a configuration's key block (current key, retired keys, index key). */
export const piiCryptoFor = (keys: { piiEncryption: string; piiIndex: string; retiredPiiEncryption?: string[] }) =>
  createPiiCrypto(Buffer.from(keys.piiEncryption, 'base64'), Buffer.from(keys.piiIndex, 'base64'), {
    retired: (keys.retiredPiiEncryption ?? []).map((k) => Buffer.from(k, 'base64')),
  });

/** Masked display of a 個人番号 for roles that may not see it (domain.md §8.5). */
export const maskIndividualNumber = (n: string | undefined): string => (n ? '************' : '');

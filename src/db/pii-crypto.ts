import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';

/**
 * Encryption at rest for the 個人番号 (and other 特定個人情報 blobs such as outbox payloads):
 * AES-256-GCM with a random 96-bit IV, stored as 'v1:<iv>:<tag>:<ciphertext>' (base64url), and an HMAC-SHA256
 * blind index so that an exact-match lookup never needs the clear value in the database.
 */
export interface PiiCrypto {
  encrypt(plain: string): string;
  decrypt(stored: string): string;
  blindIndex(plain: string): string;
}

const b64 = (b: Buffer) => b.toString('base64url');

export function createPiiCrypto(encryptionKey: Buffer, indexKey: Buffer): PiiCrypto {
  if (encryptionKey.length !== 32 || indexKey.length !== 32) throw new Error('PII keys must be 32 bytes each');
  if (encryptionKey.equals(indexKey)) throw new Error('PII encryption key and blind-index key must differ');
  return {
    encrypt(plain) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', encryptionKey, iv);
      const ct = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return `v1:${b64(iv)}:${b64(cipher.getAuthTag())}:${b64(ct)}`;
    },
    decrypt(stored) {
      const [v, iv, tag, ct] = stored.split(':');
      if (v !== 'v1' || !iv || !tag || ct === undefined) throw new Error('unsupported ciphertext format');
      const decipher = createDecipheriv('aes-256-gcm', encryptionKey, Buffer.from(iv, 'base64url'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(ct, 'base64url')), decipher.final()]).toString('utf8');
    },
    blindIndex(plain) {
      return createHmac('sha256', indexKey).update(plain, 'utf8').digest('hex');
    },
  };
}

/** Masked display of a 個人番号 for roles that may not see it (domain.md §8.5). */
export const maskIndividualNumber = (n: string | undefined): string => (n ? '************' : '');

import { attachPiiCipher } from '../../src/db/encrypted-columns';
import type { PiiCrypto } from '../../src/db/pii-crypto';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, type AppConfig } from '../../src/config';
import { openRegistryDb } from '../../src/db/orm';
import { piiCryptoFor } from '../../src/db/pii-crypto';

/** A config with fresh keys and the given overrides (no files, no env). */
export function testConfig(overrides: Partial<AppConfig> = {}): AppConfig {
  const k = () => randomBytes(32).toString('base64');
  return loadConfig(
    { STAFF_SECOND_FACTOR: 'demo-password' }, // the demo login; test/security runs WebAuthn
    {
      dataDir: mkdtempSync(join(tmpdir(), 'juki-test-')),
      keys: { piiEncryption: k(), piiIndex: k(), payloadCodec: k(), actorSigning: k() },
      taskQueue: `test-${randomBytes(4).toString('hex')}`,
      metrics: { workerHost: '127.0.0.1', workerPort: 0 }, // never a fixed port in tests
      ...overrides,
    },
  );
}

export const piiOf = (c: AppConfig) => piiCryptoFor(c.keys);

/** A migrated registry DB: a fresh SQLite file by default; with `pii`, its encrypted columns use that key. */
export async function openTestDb(databaseUrl?: string, pii?: PiiCrypto) {
  const orm = await openRegistryDb(
    databaseUrl ?? `sqlite:${join(mkdtempSync(join(tmpdir(), 'juki-db-')), 'registry.sqlite')}`,
  );
  if (pii) attachPiiCipher(orm, pii);
  return orm;
}

import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { METADATA_ENCODING_KEY } from '@temporalio/common';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig, tokenHash } from '../../src/config';
import { CaseApplication, Resident } from '../../src/db/entities';
import type { Orm } from '../../src/db/orm';
import { CIPHERTEXT_PATTERN, createPiiCrypto, keyIdOf } from '../../src/db/pii-crypto';
import { attachPiiCipher } from '../../src/db/encrypted-columns';
import { reencryptAll } from '../../src/db/reencrypt';
import { loadDemoTown } from '../../src/db/seed/load-demo';
import { AesGcmPayloadCodec } from '../../src/temporal/payload-codec';
import { openTestDb } from '../support/harness';

const key = () => randomBytes(32).toString('base64');

/** A complete production environment (every secret from the "secret store"). */
const productionEnv = (dataDir: string): Record<string, string> => ({
  NODE_ENV: 'production',
  JUKI_DATA_DIR: dataDir,
  DATABASE_URL: 'mysql://juki_app:x@db:3306/juki',
  MIGRATION_DATABASE_URL: 'mysql://juki_migrate:y@db:3306/juki',
  TEMPORAL_ADDRESS: 'temporal:7233',
  MUNICIPALITY_CODE: '141500',
  CS_URL: 'https://cs.example.lg.jp',
  CS_TOKEN: randomBytes(24).toString('base64url'),
  CS_INBOUND_CREDENTIALS: `131016=${tokenHash('a-token-of-chiyoda-0123456789')}`,
  JLIS_URL: 'https://jlis.example.lg.jp',
  JLIS_TOKEN: randomBytes(24).toString('base64url'),
  JLIS_INBOUND_TOKEN: randomBytes(24).toString('base64url'),
  PORTAL_URL: 'https://portal.example.lg.jp',
  PORTAL_TOKEN: randomBytes(24).toString('base64url'),
  PORTAL_KEY_ID: 'mynaportal-2026',
  PORTAL_KEY: key(),
  ACTOR_SIGNING_KEY: key(),
  PORTAL_TRUST_ANCHORS: '/etc/juki/jlis-ca.pem',
  PII_ENCRYPTION_KEY: key(),
  PII_INDEX_KEY: key(),
  PAYLOAD_CODEC_KEY: key(),
});

// issue 13 item 3: production never runs on development defaults or generated keys
describe('production mode refuses development defaults', () => {
  it('refuses to start on the defaults, naming every missing variable, and writes no secrets file', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'juki-prod-'));
    let message = '';
    try {
      loadConfig({ NODE_ENV: 'production', JUKI_DATA_DIR: dataDir });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toContain('production mode (NODE_ENV=production) refuses to start');
    for (const name of Object.keys(productionEnv(dataDir)).filter((n) => n !== 'NODE_ENV' && n !== 'JUKI_DATA_DIR'))
      expect(message, name).toContain(name);
    expect(existsSync(join(dataDir, 'secrets.json'))).toBe(false);
  });

  it('refuses the built-in development values and the any-sender credential, naming them (never the values)', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'juki-prod-'));
    const env = {
      ...productionEnv(dataDir),
      CS_TOKEN: 'dev-cs-token-0123456789',
      PORTAL_KEY: 'ZGV2LXBvcnRhbC1obWFjLWtleS0wMTIzNDU2Nzg5YWJjZGVm',
      CS_INBOUND_CREDENTIALS: `*=${tokenHash('dev-cs-inbound-token-0123456789')}`,
    };
    expect(() => loadConfig(env)).toThrow(/development values: CS_TOKEN, PORTAL_KEY/);
    expect(() => loadConfig(env)).toThrow(/any-sender credential/);
    expect(() => loadConfig(env)).not.toThrow(/dev-cs-token/);
    // the same user for the application and the migrations is refused (audit_log must stay insert-only)
    expect(() =>
      loadConfig({ ...productionEnv(dataDir), MIGRATION_DATABASE_URL: productionEnv(dataDir).DATABASE_URL }),
    ).toThrow(/MIGRATION_DATABASE_URL must name another DB user/);
    expect(existsSync(join(dataDir, 'secrets.json'))).toBe(false);
  });

  it('starts with everything from the environment, per-sender credentials and retired keys', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'juki-prod-'));
    const old = key();
    const cfg = loadConfig({ ...productionEnv(dataDir), PII_ENCRYPTION_RETIRED_KEYS: old });
    expect(cfg.production).toBe(true);
    expect(cfg.keys.retiredPiiEncryption).toEqual([old]);
    expect(Object.keys(cfg.csInboundCredentials)).toEqual(['131016']);
    expect(existsSync(join(dataDir, 'secrets.json'))).toBe(false);
  });
});

describe('keys carry IDs and rotate', () => {
  let orm: Orm | undefined;
  afterEach(async () => orm?.close(true));

  it('keys:reencrypt rewrites every value of key 1 with key 2 (also inside JSON) and the blind indexes; key 1 can go', async () => {
    const [k1, i1, k2, i2] = [0, 1, 2, 3].map(() => randomBytes(32));
    const pii1 = createPiiCrypto(k1!, i1!);
    orm = await openTestDb(undefined, pii1);
    await loadDemoTown(orm, pii1, { households: 3 });
    const em = orm.em.fork();
    const withNumber = await em.find(Resident, { individualNumberEnc: { $ne: null } });
    expect(withNumber.length).toBeGreaterThan(2);
    const number = pii1.decrypt(withNumber[0]!.individualNumberEnc!);
    em.persist(
      em.create(CaseApplication, {
        caseId: 'MI-TEST-1',
        procedure: 'move-in',
        idempotencyKey: 'k-1',
        payloadHash: 'x'.repeat(64),
        payload: { movers: [{ individualNumberEnc: pii1.encrypt('123456789018'), familyName: '試験' }] },
        createdAt: new Date(),
      }),
    );
    await em.flush();
    expect(keyIdOf(withNumber[0]!.individualNumberEnc!)).toBe(pii1.currentKeyId);

    // rotate: key 2 current (index key too), key 1 retired; then the command
    const rotating = createPiiCrypto(k2!, i2!, { retired: [k1!] });
    const report = await reencryptAll(orm, rotating);
    expect(report.unreadable).toEqual([]);
    expect(report.reencrypted).toBeGreaterThan(withNumber.length);
    expect(report.reindexed).toBe(withNumber.length);

    // key 1 removed: everything reads with key 2 alone, nothing of key 1 is left, the blind index finds the person
    const pii2 = createPiiCrypto(k2!, i2!);
    const after = orm.em.fork();
    for (const r of await after.find(Resident, { individualNumberEnc: { $ne: null } })) {
      expect(keyIdOf(r.individualNumberEnc!)).toBe(pii2.currentKeyId);
      expect(pii2.decrypt(r.individualNumberEnc!)).toMatch(/^[0-9]{12}$/);
    }
    attachPiiCipher(orm, pii2); // the application itself is encrypted at rest (issue 13 item 7)
    const app = await after.findOneOrFail(CaseApplication, { caseId: 'MI-TEST-1' });
    const enc = (app.payload as any).movers[0].individualNumberEnc as string;
    expect(pii2.decrypt(enc)).toBe('123456789018');
    expect((app.payload as any).movers[0].familyName).toBe('試験');
    expect(await after.count(Resident, { individualNumberIndex: pii2.blindIndex(number) })).toBe(1);
    expect(() => pii1.decrypt(enc)).toThrow();
    // a second run has nothing left to do
    expect(await reencryptAll(orm, pii2)).toMatchObject({ reencrypted: 0, reindexed: 0, unreadable: [] });
    expect(CIPHERTEXT_PATTERN.test(enc)).toBe(true);
  });

  it('the payload codec names its key; a retired key still decodes what it wrote, an unknown one is refused', async () => {
    const [k1, k2] = [randomBytes(32), randomBytes(32)];
    const payload = { metadata: { [METADATA_ENCODING_KEY]: Buffer.from('json/plain') }, data: Buffer.from('"CASE-1"') };
    const [encoded] = await new AesGcmPayloadCodec(k1).encode([payload]);
    const [decoded] = await new AesGcmPayloadCodec(k2, [k1]).decode([encoded!]);
    expect(Buffer.from(decoded!.data!).toString()).toBe('"CASE-1"');
    await expect(new AesGcmPayloadCodec(k2).decode([encoded!])).rejects.toThrow(/unknown key/);
  });
});

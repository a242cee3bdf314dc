import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createSecretKey,
  randomBytes,
  type KeyObject,
} from 'node:crypto';
import { METADATA_ENCODING_KEY, type Payload, type PayloadCodec } from '@temporalio/common';
import { temporal } from '@temporalio/proto';

const ENCODING = 'binary/encrypted';
const KEY_ID = 'encryption-key-id';

/**
 * Encrypts every payload Temporal stores (inputs, results, update args, failures' messages, stack traces and
 * details — see failure-converter.cjs) with AES-256-GCM. The second layer of architecture principle 1: workflows
 * already carry IDs only; this makes sure that even a mistake would not put readable data into the Temporal database
 * or Web UI. It is also the first gate of the worker (issue 13 item 1): a payload it did not encrypt — a start,
 * signal or update from a client without the key — is refused on decode, never passed through. Every payload names
 * its key (`encryption-key-id`, the key's fingerprint); retired keys (PAYLOAD_CODEC_RETIRED_KEYS) still decode the
 * histories they wrote, so the codec key can rotate while cases stay open for months.
 */
export class AesGcmPayloadCodec implements PayloadCodec {
  private readonly keyId: string;
  // KeyObjects made once: a cipher from a raw Buffer key costs about three times as much (issue 15 item 4)
  private readonly ring = new Map<string, KeyObject>();
  private readonly key: KeyObject;

  constructor(key: Buffer, retired: Buffer[] = []) {
    for (const k of [key, ...retired]) {
      if (k.length !== 32) throw new Error('payload codec key must be 32 bytes');
      const id = createHash('sha256').update(k).digest('hex').slice(0, 12);
      if (!this.ring.has(id)) this.ring.set(id, createSecretKey(k));
    }
    this.keyId = createHash('sha256').update(key).digest('hex').slice(0, 12);
    this.key = this.ring.get(this.keyId)!;
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((p) => {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', this.key, iv);
      const plain = temporal.api.common.v1.Payload.encode(p).finish();
      const data = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
      return { metadata: { [METADATA_ENCODING_KEY]: Buffer.from(ENCODING), [KEY_ID]: Buffer.from(this.keyId) }, data };
    });
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((p) => {
      const encoding = Buffer.from(p.metadata?.[METADATA_ENCODING_KEY] ?? []).toString();
      if (encoding !== ENCODING)
        throw new PayloadRefusedError(`payload refused: encoding "${encoding.slice(0, 40)}" is not ${ENCODING}`);
      const keyId = Buffer.from(p.metadata?.[KEY_ID] ?? []).toString();
      const key = this.ring.get(keyId);
      if (!key) throw new PayloadRefusedError(`payload refused: encrypted with unknown key ${keyId.slice(0, 40)}`);
      const data = Buffer.from(p.data ?? []);
      const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, 12));
      decipher.setAuthTag(data.subarray(data.length - 16));
      let plain: Buffer;
      try {
        plain = Buffer.concat([decipher.update(data.subarray(12, data.length - 16)), decipher.final()]);
      } catch {
        throw new PayloadRefusedError('payload refused: authentication tag does not match');
      }
      return temporal.api.common.v1.Payload.decode(plain);
    });
  }
}

/** A payload this system did not encrypt (no or another encoding, an unknown key, a broken tag). */
export class PayloadRefusedError extends Error {
  override readonly name = 'PayloadRefusedError';
}

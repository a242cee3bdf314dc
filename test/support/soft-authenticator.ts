import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { isoCBOR } from '@simplewebauthn/server/helpers';

const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest();
const b64url = (b: Buffer | Uint8Array) => Buffer.from(b).toString('base64url');
const u32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
};

/**
 * A software platform authenticator for API-level tests (the browser tests use Chromium's CDP virtual authenticator):
 * real P-256 keys, real authenticator data and ECDSA signatures, `none` attestation, user verification flagged.
 * It answers exactly what a browser would send to the server as JSON.
 */
export class SoftAuthenticator {
  private readonly creds: Array<{ id: Buffer; rpId: string; userHandle: Buffer; key: KeyObject; counter: number }> = [];
  constructor(readonly origin: string) {}

  create(options: { challenge: string; rp: { id?: string }; user: { id: string } }) {
    const rpId = options.rp.id!;
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const jwk = publicKey.export({ format: 'jwk' });
    const cose = isoCBOR.encode(
      new Map<number, number | Uint8Array>([
        [1, 2],
        [3, -7],
        [-1, 1],
        [-2, Buffer.from(jwk.x!, 'base64url')],
        [-3, Buffer.from(jwk.y!, 'base64url')],
      ]),
    );
    const id = randomBytes(32);
    const len = Buffer.alloc(2);
    len.writeUInt16BE(id.length);
    const authData = Buffer.concat([sha256(rpId), Buffer.from([0x45]), u32(0), Buffer.alloc(16), len, id, cose]);
    this.creds.push({ id, rpId, userHandle: Buffer.from(options.user.id, 'base64url'), key: privateKey, counter: 0 });
    const clientData = JSON.stringify({ type: 'webauthn.create', challenge: options.challenge, origin: this.origin });
    const attestationObject = isoCBOR.encode(
      new Map<string, unknown>([
        ['fmt', 'none'],
        ['attStmt', new Map()],
        ['authData', authData],
      ]) as never,
    );
    return {
      id: b64url(id),
      rawId: b64url(id),
      type: 'public-key',
      authenticatorAttachment: 'platform',
      clientExtensionResults: {},
      response: {
        clientDataJSON: b64url(Buffer.from(clientData)),
        attestationObject: b64url(attestationObject),
        transports: ['internal'],
      },
    };
  }

  /** An assertion by the credential the options allow, else the first (or the given) one for the options' RP ID. */
  get(options: { challenge: string; rpId?: string; allowCredentials?: Array<{ id: string }> }, credentialIndex = 0) {
    const allowed = options.allowCredentials?.map((a) => a.id);
    const c = this.creds.filter((x) => x.rpId === options.rpId && (!allowed || allowed.includes(b64url(x.id))))[
      allowed ? 0 : credentialIndex
    ];
    if (!c) throw new Error('no credential for this RP');
    c.counter += 1;
    const authData = Buffer.concat([sha256(c.rpId), Buffer.from([0x05]), u32(c.counter)]);
    const clientData = Buffer.from(
      JSON.stringify({ type: 'webauthn.get', challenge: options.challenge, origin: this.origin }),
    );
    const signature = sign('sha256', Buffer.concat([authData, sha256(clientData)]), c.key);
    return {
      id: b64url(c.id),
      rawId: b64url(c.id),
      type: 'public-key',
      authenticatorAttachment: 'platform',
      clientExtensionResults: {},
      response: {
        clientDataJSON: b64url(clientData),
        authenticatorData: b64url(authData),
        signature: b64url(signature),
        userHandle: b64url(c.userHandle),
      },
    };
  }
}

import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { beforeAll, describe, expect, it } from 'vitest';
import { PortalSignatureFailure, verifySignedApplication } from '../../src/domain/portal-signature';
import { randomSerial, signContent } from '../../src/partners/sim/test-pki';

x509.cryptoProvider.set(webcrypto as any);
const ALG = {
  name: 'RSASSA-PKCS1-v1_5',
  hash: 'SHA-256',
  publicExponent: new Uint8Array([1, 0, 1]),
  modulusLength: 2048,
};
type Keys = webcrypto.CryptoKeyPair;
const keys = async () => (await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify'])) as Keys;
const DAY = 86_400_000;
const CA_USAGE = x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign;
const SIGNING = x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.nonRepudiation;

interface Issued {
  cert: x509.X509Certificate;
  keys: Keys;
  name: string;
}

/** One certificate; `extra` adds extensions (e.g. an unknown critical one). */
async function issue(o: {
  name: string;
  issuer?: Issued;
  ca: boolean;
  pathLen?: number;
  usage?: number;
  eku?: string[];
  extra?: x509.Extension[];
  k?: Keys;
}): Promise<Issued> {
  const k = o.k ?? (await keys());
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerial(),
    subject: o.name,
    issuer: o.issuer?.name ?? o.name,
    notBefore: new Date(Date.now() - DAY),
    notAfter: new Date(Date.now() + 30 * DAY),
    publicKey: k.publicKey as any,
    signingKey: (o.issuer?.keys ?? k).privateKey as any,
    signingAlgorithm: ALG,
    extensions: [
      new x509.BasicConstraintsExtension(o.ca, o.pathLen, true),
      new x509.KeyUsagesExtension(o.usage ?? (o.ca ? CA_USAGE : SIGNING), true),
      ...(o.eku ? [new x509.ExtendedKeyUsageExtension(o.eku, false)] : []),
      await x509.SubjectKeyIdentifierExtension.create(k.publicKey as any),
      ...(o.issuer ? [await x509.AuthorityKeyIdentifierExtension.create(o.issuer.keys.publicKey as any)] : []),
      ...(o.extra ?? []),
    ],
  });
  return { cert, keys: k, name: o.name };
}

const content = JSON.stringify({ applicationDate: '2026-12-07', movers: [] });
const UNKNOWN_CRITICAL = new x509.Extension('1.3.6.1.4.1.99999.1', true, new Uint8Array([0x05, 0x00]));

/** Verifies content signed by `signer` through `intermediates` to `root`. */
async function verify(root: Issued, intermediates: Issued[], signer: Issued) {
  return verifySignedApplication(
    {
      content,
      signature: await signContent(content, signer.keys.privateKey),
      signerCertificate: signer.cert.toString('pem'),
    },
    {
      anchors: [root.cert.toString('pem')],
      intermediates: intermediates.map((i) => i.cert.toString('pem')),
      revokedSerials: [],
      at: new Date(),
    },
  );
}

// issue 13 item 9: the X.509 path checks of the portal intake (pathLen, keyUsage/EKU, unknown critical extensions)
describe('portal signature: X.509 path constraints', () => {
  let root: Issued;
  let inter: Issued;
  let signerKeys: Keys;
  beforeAll(async () => {
    root = await issue({ name: 'CN=Test Root', ca: true });
    inter = await issue({ name: 'CN=Test Intermediate', issuer: root, ca: true });
    signerKeys = await keys();
  }, 60_000);
  const signer = (o: Partial<Parameters<typeof issue>[0]> = {}, issuer = inter) =>
    issue({ name: 'CN=TEST SIGNER', issuer, ca: false, k: signerKeys, ...o });

  it('a sound path is accepted (control)', async () => {
    expect((await verify(root, [inter], await signer())).ok).toBe(true);
  });

  it("refuses a path longer than the root's pathLenConstraint", async () => {
    const strictRoot = await issue({ name: 'CN=Strict Root', ca: true, pathLen: 0 });
    const under = await issue({ name: 'CN=Under Strict', issuer: strictRoot, ca: true });
    expect(await verify(strictRoot, [under], await signer({}, under))).toMatchObject({
      ok: false,
      reason: PortalSignatureFailure.PATH_LENGTH_EXCEEDED,
    });
  });

  it('refuses an intermediate below an intermediate whose pathLenConstraint is 0', async () => {
    const leafCa = await issue({ name: 'CN=Leaf CA', issuer: root, ca: true, pathLen: 0 });
    const below = await issue({ name: 'CN=Below Leaf CA', issuer: leafCa, ca: true });
    expect(await verify(root, [leafCa, below], await signer({}, below))).toMatchObject({
      ok: false,
      reason: PortalSignatureFailure.PATH_LENGTH_EXCEEDED,
    });
  });

  it('refuses a signer whose keyUsage does not allow signing', async () => {
    const r = await verify(root, [inter], await signer({ usage: x509.KeyUsageFlags.keyEncipherment }));
    expect(r).toMatchObject({ ok: false, reason: PortalSignatureFailure.KEY_USAGE_NOT_PERMITTED });
    if (!r.ok) expect(r.message).toMatch(/[\u3040-\u30ff\u4e00-\u9fff]/);
  });

  it('refuses a signer whose extKeyUsage is for TLS only, accepts one for document signing', async () => {
    expect(
      await verify(root, [inter], await signer({ eku: ['1.3.6.1.5.5.7.3.1', '1.3.6.1.5.5.7.3.2'] })),
    ).toMatchObject({
      ok: false,
      reason: PortalSignatureFailure.KEY_USAGE_NOT_PERMITTED,
    });
    expect((await verify(root, [inter], await signer({ eku: ['1.3.6.1.5.5.7.3.4'] }))).ok).toBe(true);
  });

  it('refuses an unknown critical extension in the signer or an intermediate; a non-critical one is ignored', async () => {
    expect(await verify(root, [inter], await signer({ extra: [UNKNOWN_CRITICAL] }))).toMatchObject({
      ok: false,
      reason: PortalSignatureFailure.UNKNOWN_CRITICAL_EXTENSION,
    });
    const oddCa = await issue({ name: 'CN=Odd CA', issuer: root, ca: true, extra: [UNKNOWN_CRITICAL] });
    expect(await verify(root, [oddCa], await signer({}, oddCa))).toMatchObject({
      ok: false,
      reason: PortalSignatureFailure.UNKNOWN_CRITICAL_EXTENSION,
    });
    const benign = new x509.Extension('1.3.6.1.4.1.99999.1', false, new Uint8Array([0x05, 0x00]));
    expect((await verify(root, [inter], await signer({ extra: [benign] }))).ok).toBe(true);
  });
});

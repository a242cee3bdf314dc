import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import { id_ce_subjectAltName } from '@peculiar/asn1-x509';
import * as x509 from '@peculiar/x509';
import * as asn1js from 'asn1js';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  JPKI_IDENTITY_OIDS,
  PortalSignatureFailure,
  signerIdentityOf,
  verifySignedApplication,
  type SignerIdentity,
} from '../../src/domain/portal-signature';
import {
  getTestCa,
  issueSignerCertificate,
  randomSerial,
  signContent,
  type TestCa,
  type TestSigner,
} from '../../src/partners/sim/test-pki';

// Fictional person; 髙 and 𠮷 (outside the BMP) exercise the UTF-8 encoding.
const identity: SignerIdentity = {
  name: '髙橋　𠮷子',
  birthDate: '1980-02-29',
  sex: '2',
  address: '東京都さくら市桜ケ丘二丁目3番14号　さくらハイツ203号室',
};

let ca: TestCa;
beforeAll(async () => {
  ca = await getTestCa();
}, 60_000);

const trust = () => ({ ...ca.trust, at: new Date() });
const verify = async (signer: TestSigner, content = '{"applicationId":"MP-20260101-0001"}') =>
  verifySignedApplication(
    { content, signature: await signContent(content, signer.privateKey), signerCertificate: signer.certificate },
    trust(),
  );

type Bytes = Uint8Array<ArrayBuffer>;
/** DER TLV with a short or long length (the SubjectAltName is built by hand so that broken values can be made). */
const tlv = (tag: number, body: Bytes): Bytes => {
  const n = body.length;
  const len = n < 0x80 ? [n] : n < 0x100 ? [0x81, n] : [0x82, n >> 8, n & 0xff];
  return new Uint8Array([tag, ...len, ...body]);
};
const concat = (parts: Bytes[]): Bytes => new Uint8Array(parts.flatMap((p) => [...p]));
/** GeneralName otherName: [0] { type-id OID, [0] EXPLICIT value }. */
const other = (oid: string, value: Bytes): Bytes =>
  tlv(0xa0, concat([new Uint8Array(new asn1js.ObjectIdentifier({ value: oid }).toBER()), tlv(0xa0, value)]));
const dnsName = (name: string): Bytes => tlv(0x82, new TextEncoder().encode(name));
const utf8 = (value: string): Bytes => tlv(0x0c, new TextEncoder().encode(value));
const fourInfo = (over: Partial<Record<keyof SignerIdentity, Bytes>> = {}): Bytes[] =>
  (Object.keys(JPKI_IDENTITY_OIDS) as Array<keyof SignerIdentity>).map((f) =>
    other(JPKI_IDENTITY_OIDS[f], over[f] ?? utf8(identity[f])),
  );

let subjectKeys: Promise<webcrypto.CryptoKeyPair> | undefined;
/** A certificate from the trusted intermediate whose SubjectAltName holds exactly `names` (for malformed profiles). */
const withSan = async (names: Bytes[]): Promise<string> => {
  const issuer = ca.issuers.intermediate;
  const keys = await (subjectKeys ??= webcrypto.subtle.generateKey(
    { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256', publicExponent: new Uint8Array([1, 0, 1]), modulusLength: 2048 },
    true,
    ['sign', 'verify'],
  ) as Promise<webcrypto.CryptoKeyPair>);
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerial(),
    subject: 'CN=TEST SIGNER MALFORMED, O=Test J-LIS, C=JP',
    issuer: issuer.name,
    notBefore: new Date(Date.now() - 86_400_000),
    notAfter: new Date(Date.now() + 86_400_000),
    publicKey: keys.publicKey as any,
    signingKey: issuer.keys.privateKey as any,
    signingAlgorithm: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
    extensions: [new x509.Extension(id_ce_subjectAltName, false, tlv(0x30, concat(names)))],
  });
  return cert.toString('pem');
};

describe('signerIdentityOf', () => {
  it('round-trips the 基本4情報 with Japanese text, and keeps the name out of the subject', async () => {
    const signer = await issueSignerCertificate(ca, { identity, validity: 'valid', issuer: 'intermediate' });
    expect(signerIdentityOf(signer.certificate)).toEqual(identity);
    const cert = new x509.X509Certificate(signer.certificate);
    expect(cert.subject).toBe(
      `CN=TEST SIGNER ${signer.serialNumber}, OU=Test Signing Certificates, O=Test J-LIS, C=JP`,
    );
    expect(cert.subject).not.toContain('髙橋');
    expect(signer.serialNumber).toMatch(/^[4-7][0-9A-F]{31}$/);
    // control: the hand-built profile of the malformed cases below decodes too when it is well formed
    expect(signerIdentityOf(await withSan(fourInfo()))).toEqual(identity);
    expect(signerIdentityOf(await withSan([dnsName('example.jp'), ...fourInfo().reverse()]))).toEqual(identity);
  });

  it('is undefined for a certificate without the extension, and for garbage', () => {
    for (const pem of [
      ca.valid.certificate,
      ca.root,
      '',
      'not a certificate',
      '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n',
    ]) {
      expect(signerIdentityOf(pem)).toBeUndefined();
    }
  });

  it('is undefined for a SubjectAltName that is not the complete, well-formed profile', async () => {
    const oid = JPKI_IDENTITY_OIDS;
    const malformed: Bytes[][] = [
      [dnsName('example.jp')],
      fourInfo().slice(1), // no 氏名
      [...fourInfo(), other(oid.name, utf8('別人　太郎'))], // 氏名 twice
      fourInfo({ name: tlv(0x13, new TextEncoder().encode('TARO')) }), // PrintableString, not a UTF8String
      fourInfo({ name: new Uint8Array([0x0c, 0x05, 0x41]) }), // truncated DER
      fourInfo({ address: concat([utf8('住所'), new Uint8Array([0x00])]) }), // trailing byte
      fourInfo({ sex: utf8('3') }),
      fourInfo({ birthDate: utf8('1980-02-30') }),
      fourInfo({ birthDate: utf8('19800229') }),
      fourInfo({ name: utf8('  ') }),
      fourInfo({ address: utf8('東京都\n改行') }),
    ];
    for (const names of malformed) expect(signerIdentityOf(await withSan(names))).toBeUndefined();
  });
});

describe('issueSignerCertificate', () => {
  it('issues valid certificates that verify, with a fresh key each time', async () => {
    const a = await issueSignerCertificate(ca, { identity, validity: 'valid', issuer: 'intermediate' });
    const b = await issueSignerCertificate(ca, { identity });
    expect(a.serialNumber).not.toBe(b.serialNumber);
    for (const signer of [a, b]) {
      expect(await verify(signer)).toEqual({
        ok: true,
        signer: {
          serialNumber: signer.serialNumber,
          subject: expect.stringContaining('CN=TEST SIGNER'),
          notAfter: expect.any(String),
        },
      });
    }
    // a's key does not sign for b's certificate
    const content = '{"x":1}';
    const crossed = { content, signature: await signContent(content, a.privateKey), signerCertificate: b.certificate };
    expect(verifySignedApplication(crossed, trust())).toMatchObject({
      ok: false,
      reason: PortalSignatureFailure.BAD_SIGNATURE,
    });
  });

  it('gives each bad kind its specific failure', async () => {
    const cases: Array<[Parameters<typeof issueSignerCertificate>[1], PortalSignatureFailure]> = [
      [{ identity, validity: 'expired', issuer: 'intermediate' }, PortalSignatureFailure.CERTIFICATE_EXPIRED],
      [{ identity, validity: 'notYetValid', issuer: 'intermediate' }, PortalSignatureFailure.CERTIFICATE_NOT_YET_VALID],
      [{ identity, validity: 'valid', issuer: 'revokedIntermediate' }, PortalSignatureFailure.CERTIFICATE_REVOKED],
      [{ identity, validity: 'valid', issuer: 'untrusted' }, PortalSignatureFailure.UNTRUSTED_CHAIN],
    ];
    for (const [opts, reason] of cases) {
      const signer = await issueSignerCertificate(ca, opts);
      expect(signerIdentityOf(signer.certificate)).toEqual(identity);
      expect(await verify(signer)).toMatchObject({ ok: false, reason });
    }
  });

  it('revokes a serial on the shared revocation list', async () => {
    const signer = await issueSignerCertificate(ca, { identity });
    expect((await verify(signer)).ok).toBe(true);
    ca.revoke(signer.serialNumber.toLowerCase());
    ca.revoke(signer.serialNumber);
    expect(ca.revokedSerials.filter((s) => s === signer.serialNumber)).toHaveLength(1);
    expect(ca.trust.revokedSerials).toBe(ca.revokedSerials);
    expect(await verify(signer)).toMatchObject({ ok: false, reason: PortalSignatureFailure.CERTIFICATE_REVOKED });
  });
});

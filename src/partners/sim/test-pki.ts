/**
 * A generated test PKI standing in for the J-LIS CA (domain.md §4.4): root → intermediate → signer certificates,
 * plus the bad cases the intake must refuse. Generated once per process with @peculiar/x509 and WebCrypto
 * (RSA keygen is the slow part) and shared by the unit tests and the portal simulator (portal-simulator.ts).
 *
 * `issueSignerCertificate` issues a fresh key and 署名用電子証明書 for a given person: the 基本4情報 go into the
 * SubjectAltName as JPKI otherName entries (JPKI_IDENTITY_OIDS in portal-signature.ts; the exact J-LIS profile is to
 * be confirmed, domain.md §9.2), never into the subject, whose CN is serial-like. The CA keeps a revocation list
 * (`revokedSerials`, `revoke`) that `trust.revokedSerials` shares. TEST MATERIAL ONLY: the CA private keys are exposed.
 */
// @peculiar/x509 uses tsyringe, which needs the Reflect metadata polyfill loaded first (reflect-metadata is
// already installed through @mikro-orm/core, which requires it too).
import 'reflect-metadata';
import { randomBytes, webcrypto } from 'node:crypto';
import { AsnConvert } from '@peculiar/asn1-schema';
import { GeneralName, OtherName, SubjectAlternativeName, id_ce_subjectAltName } from '@peculiar/asn1-x509';
import * as x509 from '@peculiar/x509';
import * as asn1js from 'asn1js';
import { JPKI_IDENTITY_OIDS, normaliseSerial, type SignerIdentity } from '../../domain/portal-signature';

type Key = webcrypto.CryptoKey;
type KeyPair = webcrypto.CryptoKeyPair;

const subtle = webcrypto.subtle;
x509.cryptoProvider.set(webcrypto as any); // node:crypto webcrypto === globalThis.crypto; DOM types are not in lib

export const RSA_BITS = 2048;
const RSA_ALG = {
  name: 'RSASSA-PKCS1-v1_5',
  hash: 'SHA-256',
  publicExponent: new Uint8Array([1, 0, 1]),
  modulusLength: RSA_BITS,
};
const DAY = 86_400_000;

export interface TestSigner {
  /** PEM certificate. */
  certificate: string;
  privateKey: Key;
  /** Upper-case hex serial, as node:crypto reports it. */
  serialNumber: string;
}

export interface TestCa {
  /** The instant the material was generated; every validity window is relative to it. */
  generatedAt: Date;
  root: string;
  intermediate: string;
  /** A second intermediate under the trusted root; its serial is in `revokedIntermediateSerial`. */
  revokedIntermediate: string;
  /** Self-signed CA with the same name as the trusted root but another key: an impostor. */
  untrustedRoot: string;
  valid: TestSigner;
  expired: TestSigner;
  notYetValid: TestSigner;
  revoked: TestSigner;
  /** Valid signer whose issuing intermediate is revoked. */
  underRevokedIntermediate: TestSigner;
  /** Signer issued by the untrusted root (no key identifiers, so only the signature tells them apart). */
  untrusted: TestSigner;
  /** A key unrelated to any certificate ("signed by another key"). */
  otherKey: Key;
  revokedSerial: string;
  revokedIntermediateSerial: string;
  /**
   * Revoked serials (normalised hex): the fixed `revoked` signer and revoked intermediate, plus every `revoke()`.
   * The same array as `trust.revokedSerials`, so it always shows the current list.
   */
  revokedSerials: string[];
  /** Puts a serial on the revocation list (idempotent). */
  revoke(serial: string): void;
  /** The issuing CAs for issueSignerCertificate, private keys included (test material). */
  issuers: Record<SignerIssuer, { name: string; keys: KeyPair }>;
  /** Trust configuration for verifySignedApplication (without `at`). */
  trust: { anchors: string[]; intermediates: string[]; revokedSerials: string[] };
}

export type SignerValidity = 'valid' | 'expired' | 'notYetValid';
/** `intermediate`: trusted; `revokedIntermediate`: under the trusted root but revoked; `untrusted`: the impostor root. */
export type SignerIssuer = 'intermediate' | 'revokedIntermediate' | 'untrusted';

const ROOT_NAME = 'CN=Test JPKI Root CA, O=Test J-LIS, C=JP';
const CA_USAGE = x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign;
const SIGNER_USAGE = x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.nonRepudiation;

const rsaKeys = async (): Promise<KeyPair> => (await subtle.generateKey(RSA_ALG, true, ['sign', 'verify'])) as KeyPair;

interface IssueParams {
  serialNumber: string;
  subject: string;
  keys: KeyPair;
  issuer: { name: string; keys: KeyPair; certificate?: x509.X509Certificate };
  notBefore: Date;
  notAfter: Date;
  ca: boolean;
  keyIdentifiers?: boolean;
  extensions?: x509.Extension[];
}

const issue = async (p: IssueParams): Promise<x509.X509Certificate> => {
  const extensions: x509.Extension[] = [
    new x509.BasicConstraintsExtension(p.ca, undefined, true),
    new x509.KeyUsagesExtension(p.ca ? CA_USAGE : SIGNER_USAGE, true),
  ];
  if (p.keyIdentifiers !== false) {
    extensions.push(await x509.SubjectKeyIdentifierExtension.create(p.keys.publicKey as any));
    extensions.push(await x509.AuthorityKeyIdentifierExtension.create(p.issuer.keys.publicKey as any));
  }
  extensions.push(...(p.extensions ?? []));
  return x509.X509CertificateGenerator.create({
    serialNumber: p.serialNumber,
    subject: p.subject,
    issuer: p.issuer.name,
    notBefore: p.notBefore,
    notAfter: p.notAfter,
    publicKey: p.keys.publicKey as any,
    signingKey: p.issuer.keys.privateKey as any,
    signingAlgorithm: RSA_ALG,
    extensions,
  });
};

const signerName = (label: string): string =>
  `CN=TEST SIGNER ${label}, OU=Test Signing Certificates, O=Test J-LIS, C=JP`;

const generate = async (): Promise<TestCa> => {
  const now = Date.now();
  const at = (days: number): Date => new Date(now + days * DAY);
  const [
    rootKeys,
    interKeys,
    revokedInterKeys,
    untrustedRootKeys,
    validKeys,
    expiredKeys,
    futureKeys,
    revokedKeys,
    underRevokedKeys,
    untrustedKeys,
    other,
  ] = await Promise.all(Array.from({ length: 11 }, rsaKeys));
  const ca = (name: string, keys: KeyPair) => ({ name, keys: keys! });

  const root = await issue({
    serialNumber: '1001',
    subject: ROOT_NAME,
    keys: rootKeys!,
    issuer: ca(ROOT_NAME, rootKeys!),
    notBefore: at(-3650),
    notAfter: at(3650),
    ca: true,
  });
  const interName = 'CN=Test JPKI Signing CA, O=Test J-LIS, C=JP';
  const intermediate = await issue({
    serialNumber: '2001',
    subject: interName,
    keys: interKeys!,
    issuer: ca(ROOT_NAME, rootKeys!),
    notBefore: at(-1000),
    notAfter: at(1000),
    ca: true,
  });
  const revokedInterName = 'CN=Test JPKI Signing CA 2, O=Test J-LIS, C=JP';
  const revokedIntermediate = await issue({
    serialNumber: '2002',
    subject: revokedInterName,
    keys: revokedInterKeys!,
    issuer: ca(ROOT_NAME, rootKeys!),
    notBefore: at(-1000),
    notAfter: at(1000),
    ca: true,
  });
  const untrustedRoot = await issue({
    serialNumber: '1001',
    subject: ROOT_NAME,
    keys: untrustedRootKeys!,
    issuer: ca(ROOT_NAME, untrustedRootKeys!),
    notBefore: at(-3650),
    notAfter: at(3650),
    ca: true,
    keyIdentifiers: false,
  });

  const signer = async (
    label: string,
    serialNumber: string,
    keys: KeyPair,
    issuer: { name: string; keys: KeyPair },
    from: number,
    to: number,
    keyIdentifiers = true,
  ): Promise<TestSigner> => {
    const cert = await issue({
      serialNumber,
      subject: signerName(label),
      keys,
      issuer,
      notBefore: at(from),
      notAfter: at(to),
      ca: false,
      keyIdentifiers,
    });
    return { certificate: cert.toString('pem'), privateKey: keys.privateKey, serialNumber: serialNumber.toUpperCase() };
  };
  const inter = ca(interName, interKeys!);
  const [valid, expired, notYetValid, revoked, underRevokedIntermediate, untrusted] = await Promise.all([
    signer('VALID', '3001', validKeys!, inter, -30, 365),
    signer('EXPIRED', '3002', expiredKeys!, inter, -400, -35),
    signer('NOT YET VALID', '3003', futureKeys!, inter, 30, 400),
    signer('REVOKED', '3004', revokedKeys!, inter, -30, 365),
    signer('UNDER REVOKED CA', '3005', underRevokedKeys!, ca(revokedInterName, revokedInterKeys!), -30, 365),
    // Same issuer name as the real intermediate chain's root, other key, no key identifiers: only the signature differs.
    signer('UNTRUSTED', '3001', untrustedKeys!, ca(ROOT_NAME, untrustedRootKeys!), -30, 365, false),
  ]);

  const pem = (c: x509.X509Certificate): string => c.toString('pem');
  return withRevocation({
    generatedAt: new Date(now),
    root: pem(root),
    intermediate: pem(intermediate),
    revokedIntermediate: pem(revokedIntermediate),
    untrustedRoot: pem(untrustedRoot),
    valid,
    expired,
    notYetValid,
    revoked,
    underRevokedIntermediate,
    untrusted,
    otherKey: other!.privateKey,
    revokedSerial: revoked.serialNumber,
    revokedIntermediateSerial: '2002',
    revokedSerials: [revoked.serialNumber, '2002'],
    issuers: {
      intermediate: inter,
      revokedIntermediate: ca(revokedInterName, revokedInterKeys!),
      untrusted: ca(ROOT_NAME, untrustedRootKeys!),
    },
  });
};

type TestCaFields = Omit<TestCa, 'revoke' | 'trust'>;

/** Adds `revoke` and `trust`, both sharing the `revokedSerials` array. */
const withRevocation = (f: TestCaFields): TestCa => ({
  ...f,
  revoke: (serial) => {
    const normalised = normaliseSerial(serial);
    if (!f.revokedSerials.includes(normalised)) f.revokedSerials.push(normalised);
  },
  trust: {
    anchors: [f.root],
    intermediates: [f.intermediate, f.revokedIntermediate],
    revokedSerials: f.revokedSerials,
  },
});

const SIGNERS = ['valid', 'expired', 'notYetValid', 'revoked', 'underRevokedIntermediate', 'untrusted'] as const;
const b64 = (buf: ArrayBuffer): string => Buffer.from(buf).toString('base64');
const exportPrivate = async (k: Key): Promise<string> => b64(await subtle.exportKey('pkcs8', k));
const importPrivate = (s: string): Promise<Key> =>
  subtle.importKey('pkcs8', Buffer.from(s, 'base64'), RSA_ALG, true, ['sign']);

/** The whole test PKI as JSON, private keys included (the portal simulator keeps it across restarts). */
export interface TestCaDump {
  generatedAt: string;
  certificates: Pick<TestCa, 'root' | 'intermediate' | 'revokedIntermediate' | 'untrustedRoot'>;
  signers: Record<(typeof SIGNERS)[number], { certificate: string; privateKey: string; serialNumber: string }>;
  otherKey: string;
  issuers: Record<SignerIssuer, { name: string; publicKey: string; privateKey: string }>;
  revokedSerials: string[];
}

export async function exportTestCa(ca: TestCa): Promise<TestCaDump> {
  const signers = {} as TestCaDump['signers'];
  for (const k of SIGNERS) signers[k] = { ...ca[k], privateKey: await exportPrivate(ca[k].privateKey) };
  const issuers = {} as TestCaDump['issuers'];
  for (const [k, v] of Object.entries(ca.issuers) as Array<[SignerIssuer, TestCa['issuers'][SignerIssuer]]>)
    issuers[k] = {
      name: v.name,
      publicKey: b64(await subtle.exportKey('spki', v.keys.publicKey)),
      privateKey: await exportPrivate(v.keys.privateKey),
    };
  const { root, intermediate, revokedIntermediate, untrustedRoot } = ca;
  return {
    generatedAt: ca.generatedAt.toISOString(),
    certificates: { root, intermediate, revokedIntermediate, untrustedRoot },
    signers,
    otherKey: await exportPrivate(ca.otherKey),
    issuers,
    revokedSerials: [...ca.revokedSerials],
  };
}

export async function importTestCa(d: TestCaDump): Promise<TestCa> {
  const signer = async (k: (typeof SIGNERS)[number]): Promise<TestSigner> => ({
    ...d.signers[k],
    privateKey: await importPrivate(d.signers[k].privateKey),
  });
  const issuer = async (k: SignerIssuer) => ({
    name: d.issuers[k].name,
    keys: {
      publicKey: await subtle.importKey('spki', Buffer.from(d.issuers[k].publicKey, 'base64'), RSA_ALG, true, [
        'verify',
      ]),
      privateKey: await importPrivate(d.issuers[k].privateKey),
    },
  });
  return withRevocation({
    generatedAt: new Date(d.generatedAt),
    ...d.certificates,
    valid: await signer('valid'),
    expired: await signer('expired'),
    notYetValid: await signer('notYetValid'),
    revoked: await signer('revoked'),
    underRevokedIntermediate: await signer('underRevokedIntermediate'),
    untrusted: await signer('untrusted'),
    otherKey: await importPrivate(d.otherKey),
    revokedSerial: d.signers.revoked.serialNumber,
    revokedIntermediateSerial: '2002',
    revokedSerials: [...d.revokedSerials],
    issuers: {
      intermediate: await issuer('intermediate'),
      revokedIntermediate: await issuer('revokedIntermediate'),
      untrusted: await issuer('untrusted'),
    },
  });
}

let cached: Promise<TestCa> | undefined;

/** The process-wide test PKI (generated on first use, ~11 RSA-2048 keys). */
export const getTestCa = (): Promise<TestCa> => (cached ??= generate());

/** Signs the UTF-8 bytes of `content` with RSA PKCS#1 v1.5 / SHA-256; returns base64. */
export async function signContent(content: string, signerPrivateKey: Key): Promise<string> {
  const signature = await subtle.sign(
    { name: 'RSASSA-PKCS1-v1_5' },
    signerPrivateKey,
    new TextEncoder().encode(content),
  );
  return Buffer.from(signature).toString('base64');
}

/** A random positive 128-bit serial (upper-case hex, no leading zero), as CAs assign them. */
export const randomSerial = (): string => {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0]! & 0x3f) | 0x40;
  return bytes.toString('hex').toUpperCase();
};

/** SubjectAltName with the 基本4情報 as otherName entries, each a UTF8String (JPKI_IDENTITY_OIDS). */
const identityExtension = (identity: SignerIdentity): x509.Extension => {
  const fields = Object.keys(JPKI_IDENTITY_OIDS) as Array<keyof typeof JPKI_IDENTITY_OIDS>;
  const names = fields.map(
    (field) =>
      new GeneralName({
        otherName: new OtherName({
          typeId: JPKI_IDENTITY_OIDS[field],
          value: new asn1js.Utf8String({ value: identity[field] }).toBER(),
        }),
      }),
  );
  return new x509.Extension(id_ce_subjectAltName, false, AsnConvert.serialize(new SubjectAlternativeName(names)));
};

const VALIDITY_DAYS: Record<SignerValidity, [from: number, to: number]> = {
  valid: [-30, 365],
  expired: [-400, -35],
  notYetValid: [30, 400],
};

export interface IssueSignerOptions {
  identity: SignerIdentity;
  /** Default 'valid'. Windows in days from `now`: valid −30…+365, expired −400…−35, notYetValid +30…+400. */
  validity?: SignerValidity;
  /** Default 'intermediate' (the trusted chain). */
  issuer?: SignerIssuer;
  /** Default: a random 128-bit serial. */
  serialNumber?: string;
  /** Default: the current time. */
  now?: Date;
}

/** A fresh RSA-2048 key and 署名用電子証明書 carrying `identity` (subject CN = `TEST SIGNER <serial>`). */
export async function issueSignerCertificate(ca: TestCa, opts: IssueSignerOptions): Promise<TestSigner> {
  const serialNumber = (opts.serialNumber ?? randomSerial()).toUpperCase();
  const [from, to] = VALIDITY_DAYS[opts.validity ?? 'valid'];
  const now = (opts.now ?? new Date()).getTime();
  const issuer = ca.issuers[opts.issuer ?? 'intermediate'];
  const keys = await rsaKeys();
  const cert = await issue({
    serialNumber,
    subject: signerName(serialNumber),
    keys,
    issuer,
    notBefore: new Date(now + from * DAY),
    notAfter: new Date(now + to * DAY),
    ca: false,
    keyIdentifiers: opts.issuer !== 'untrusted', // like the fixed `untrusted` signer: only the signature tells it apart
    extensions: [identityExtension(opts.identity)],
  });
  return { certificate: cert.toString('pem'), privateKey: keys.privateKey, serialNumber };
}

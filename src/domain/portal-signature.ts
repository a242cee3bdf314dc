/**
 * Verification of an online 転出届 signed with the applicant's 署名用電子証明書 (domain.md §4.4 step 2, I-1).
 *
 * Checks, in order:
 * 1. the signer certificate parses (MALFORMED_CERTIFICATE);
 * 2. it chains, by signature (not by name only), through the configured intermediates to a configured trust anchor
 *    (UNTRUSTED_CHAIN); a CA certificate cannot be the signer;
 * 3. the signer and every intermediate are within their validity period at `trust.at`
 *    (CERTIFICATE_NOT_YET_VALID, CERTIFICATE_EXPIRED) and not on the revocation list (CERTIFICATE_REVOKED);
 * 4. the path's constraints (issue 13 item 9): no CA has more intermediates below it than its pathLenConstraint
 *    (PATH_LENGTH_EXCEEDED); the signer's keyUsage, when present, allows signing (digitalSignature or
 *    nonRepudiation) and its extKeyUsage, when present, allows document signing (any, emailProtection or
 *    documentSigning), a CA's keyUsage allows keyCertSign (KEY_USAGE_NOT_PERMITTED); no certificate of the path
 *    carries a critical extension this check does not process (UNKNOWN_CRITICAL_EXTENSION, RFC 5280 §4.2);
 * 5. the signature over the exact content bytes verifies with the signer's public key (BAD_SIGNATURE):
 *    RSA PKCS#1 v1.5 with SHA-256 (JPKI), or ECDSA P-256 with SHA-256 (DER-encoded signature).
 *
 * Messages are fixed Japanese texts: they never contain content values, serial numbers or subject names.
 * Trust anchors are trusted as configured (their own validity is not checked, as in RFC 5280 §6.1).
 *
 * `signerIdentityOf` reads the 基本4情報 that the 署名用電子証明書 carries (see JPKI_IDENTITY_OIDS), so that the intake
 * can compare the signer with the applicant named in the content.
 */
import { X509Certificate, verify as cryptoVerify, type KeyObject } from 'node:crypto';
import { AsnConvert } from '@peculiar/asn1-schema';
import {
  BasicConstraints,
  Certificate,
  ExtendedKeyUsage,
  KeyUsage,
  KeyUsageFlags,
  SubjectAlternativeName,
  id_ce_basicConstraints,
  id_ce_extKeyUsage,
  id_ce_keyUsage,
  id_ce_subjectAltName,
} from '@peculiar/asn1-x509';
import * as asn1js from 'asn1js';
import { isIsoDate } from './dates';

export const PortalSignatureFailure = {
  MALFORMED_CERTIFICATE: 'MALFORMED_CERTIFICATE',
  UNTRUSTED_CHAIN: 'UNTRUSTED_CHAIN',
  CERTIFICATE_NOT_YET_VALID: 'CERTIFICATE_NOT_YET_VALID',
  CERTIFICATE_EXPIRED: 'CERTIFICATE_EXPIRED',
  CERTIFICATE_REVOKED: 'CERTIFICATE_REVOKED',
  PATH_LENGTH_EXCEEDED: 'PATH_LENGTH_EXCEEDED',
  KEY_USAGE_NOT_PERMITTED: 'KEY_USAGE_NOT_PERMITTED',
  UNKNOWN_CRITICAL_EXTENSION: 'UNKNOWN_CRITICAL_EXTENSION',
  BAD_SIGNATURE: 'BAD_SIGNATURE',
} as const;
export type PortalSignatureFailure = (typeof PortalSignatureFailure)[keyof typeof PortalSignatureFailure];

const MESSAGES: Record<PortalSignatureFailure, string> = {
  MALFORMED_CERTIFICATE: '署名用電子証明書を読み取れません。',
  UNTRUSTED_CHAIN: '署名用電子証明書が信頼された認証局から発行されたものであることを確認できません。',
  CERTIFICATE_NOT_YET_VALID: '署名用電子証明書（または中間認証局の証明書）の有効期間が開始していません。',
  CERTIFICATE_EXPIRED: '署名用電子証明書（または中間認証局の証明書）の有効期間が満了しています。',
  CERTIFICATE_REVOKED: '署名用電子証明書（または中間認証局の証明書）は失効しています。',
  PATH_LENGTH_EXCEEDED: '証明書の経路が認証局の定める階層の制限を超えています。',
  KEY_USAGE_NOT_PERMITTED: '証明書の鍵の用途が電子署名（または認証局の証明書の発行）を許していません。',
  UNKNOWN_CRITICAL_EXTENSION: '証明書に処理できない重要な拡張が含まれています。',
  BAD_SIGNATURE: '電子署名の検証に失敗しました（申請内容が改ざんされたか、証明書と異なる鍵で署名されています）。',
};

/** Longest accepted path: signer + intermediates (the anchor is not counted). */
const MAX_PATH_LENGTH = 6;
const MIN_RSA_BITS = 2048;

export interface SignedApplicationInput {
  /** The exact signed bytes: UTF-8 JSON text as received (do not re-serialise). */
  content: string;
  /** Base64 signature value. */
  signature: string;
  /** The signer's certificate, PEM. */
  signerCertificate: string;
}

export interface PortalTrustConfig {
  /** PEM CA certificates trusted as anchors (J-LIS CA in production, a generated test CA in tests). */
  anchors: string[];
  /** PEM intermediate CA certificates available for path building. */
  intermediates?: string[];
  /** Revoked certificate serial numbers, hex (case, separators and leading zeros are ignored). */
  revokedSerials: string[];
  /** The instant at which validity is judged (normally the reception time of the application). */
  at: Date;
}

export type SignatureVerification =
  | { ok: true; signer: { serialNumber: string; subject: string; notAfter: string } }
  | { ok: false; reason: PortalSignatureFailure; message: string };

const fail = (reason: PortalSignatureFailure): SignatureVerification => ({
  ok: false,
  reason,
  message: MESSAGES[reason],
});

export const normaliseSerial = (serial: string): string => {
  const hex = serial.replace(/[\s:]/g, '').toUpperCase().replace(/^0+/, '');
  return hex === '' ? '0' : hex;
};

/** Parses configured CA certificates; a broken configuration is a deployment error, not a rejection. */
const parseConfigured = (pems: string[], what: string): X509Certificate[] =>
  pems.map((pem, i) => {
    try {
      return new X509Certificate(pem);
    } catch {
      throw new Error(`portal trust configuration: ${what}[${i}] is not a valid certificate`);
    }
  });

const issuedBy = (child: X509Certificate, issuer: X509Certificate): boolean => {
  if (!issuer.ca || !child.checkIssued(issuer)) return false; // "child was potentially issued by issuer" (names, key ids)
  try {
    return child.verify(issuer.publicKey);
  } catch {
    return false;
  }
};

/** Depth-first path building. Returns [signer, ...intermediates] when the last one is signed by an anchor. */
const buildPath = (
  path: X509Certificate[],
  anchors: X509Certificate[],
  intermediates: X509Certificate[],
): X509Certificate[] | undefined => {
  const current = path[path.length - 1]!;
  if (anchors.some((anchor) => issuedBy(current, anchor))) return path;
  if (path.length >= MAX_PATH_LENGTH) return undefined;
  for (const candidate of intermediates) {
    if (path.some((c) => c.fingerprint256 === candidate.fingerprint256)) continue;
    if (!issuedBy(current, candidate)) continue;
    const found = buildPath([...path, candidate], anchors, intermediates);
    if (found) return found;
  }
  return undefined;
};

const supportedKey = (key: KeyObject): boolean => {
  const details = key.asymmetricKeyDetails;
  if (key.asymmetricKeyType === 'rsa') return (details?.modulusLength ?? 0) >= MIN_RSA_BITS;
  if (key.asymmetricKeyType === 'ec') return details?.namedCurve === 'prime256v1';
  return false;
};

const decodeBase64 = (value: string): Buffer | undefined => {
  const compact = value.replace(/\s/g, '');
  if (compact === '' || compact.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(compact)) return undefined;
  return Buffer.from(compact, 'base64');
};

const verifyContent = (input: SignedApplicationInput, key: KeyObject): boolean => {
  if (!supportedKey(key)) return false;
  const signature = decodeBase64(input.signature);
  if (!signature) return false;
  try {
    // RSA keys: PKCS#1 v1.5 padding (the default); EC keys: DER-encoded ECDSA signature (the default).
    return cryptoVerify('sha256', Buffer.from(input.content, 'utf8'), key, signature);
  } catch {
    return false;
  }
};

/** Extensions this verification processes; any other one marked critical refuses the path. */
const PROCESSED_EXTENSIONS = new Set([
  id_ce_basicConstraints,
  id_ce_keyUsage,
  id_ce_extKeyUsage,
  id_ce_subjectAltName,
  '2.5.29.14', // subjectKeyIdentifier
  '2.5.29.35', // authorityKeyIdentifier
]);
/** extKeyUsage values that allow signing a document: anyExtendedKeyUsage, emailProtection, documentSigning. */
const SIGNING_EKUS = new Set(['2.5.29.37.0', '1.3.6.1.5.5.7.3.4', '1.3.6.1.5.5.7.3.36']);

interface ParsedExtensions {
  unknownCritical: boolean;
  pathLen?: number;
  keyUsage?: number;
  extKeyUsage?: string[];
}

const extensionsOf = (cert: X509Certificate): ParsedExtensions => {
  const parsed = AsnConvert.parse(cert.raw, Certificate);
  const out: ParsedExtensions = { unknownCritical: false };
  for (const ext of parsed.tbsCertificate.extensions ?? []) {
    const value = ext.extnValue.buffer;
    if (ext.extnID === id_ce_basicConstraints) {
      const bc = AsnConvert.parse(value, BasicConstraints);
      if (bc.pathLenConstraint !== undefined) out.pathLen = bc.pathLenConstraint;
    } else if (ext.extnID === id_ce_keyUsage) out.keyUsage = AsnConvert.parse(value, KeyUsage).toNumber();
    else if (ext.extnID === id_ce_extKeyUsage) out.extKeyUsage = [...AsnConvert.parse(value, ExtendedKeyUsage)];
    else if (ext.critical && !PROCESSED_EXTENSIONS.has(ext.extnID)) out.unknownCritical = true;
  }
  return out;
};

/** The constraints of a built path [signer, ...intermediates] under `anchor` (step 4 above). */
const pathConstraintFailure = (
  path: X509Certificate[],
  anchor: X509Certificate,
): PortalSignatureFailure | undefined => {
  let exts: ParsedExtensions[];
  try {
    exts = path.map(extensionsOf);
  } catch {
    return PortalSignatureFailure.MALFORMED_CERTIFICATE;
  }
  if (exts.some((e) => e.unknownCritical)) return PortalSignatureFailure.UNKNOWN_CRITICAL_EXTENSION;
  const signer = exts[0]!;
  const signing = KeyUsageFlags.digitalSignature | KeyUsageFlags.nonRepudiation;
  if (signer.keyUsage !== undefined && (signer.keyUsage & signing) === 0)
    return PortalSignatureFailure.KEY_USAGE_NOT_PERMITTED;
  if (signer.extKeyUsage && !signer.extKeyUsage.some((u) => SIGNING_EKUS.has(u)))
    return PortalSignatureFailure.KEY_USAGE_NOT_PERMITTED;
  // each CA (the intermediates, then the anchor): the intermediates below it must not exceed its pathLenConstraint
  let anchorExt: ParsedExtensions;
  try {
    anchorExt = extensionsOf(anchor);
  } catch {
    return PortalSignatureFailure.UNTRUSTED_CHAIN;
  }
  const cas = [...exts.slice(1), anchorExt];
  for (const [i, ca] of cas.entries()) {
    if (ca.keyUsage !== undefined && (ca.keyUsage & KeyUsageFlags.keyCertSign) === 0)
      return PortalSignatureFailure.KEY_USAGE_NOT_PERMITTED;
    if (ca.pathLen !== undefined && i > ca.pathLen) return PortalSignatureFailure.PATH_LENGTH_EXCEEDED;
  }
  return undefined;
};

export function verifySignedApplication(
  input: SignedApplicationInput,
  trust: PortalTrustConfig,
): SignatureVerification {
  const anchors = parseConfigured(trust.anchors, 'anchors');
  const intermediates = parseConfigured(trust.intermediates ?? [], 'intermediates');
  const revoked = new Set(trust.revokedSerials.map(normaliseSerial));
  const at = trust.at.getTime();

  let signer: X509Certificate;
  try {
    signer = new X509Certificate(input.signerCertificate);
  } catch {
    return fail(PortalSignatureFailure.MALFORMED_CERTIFICATE);
  }

  if (signer.ca) return fail(PortalSignatureFailure.UNTRUSTED_CHAIN);
  const path = buildPath([signer], anchors, intermediates);
  if (!path) return fail(PortalSignatureFailure.UNTRUSTED_CHAIN);

  for (const cert of path) {
    if (at < new Date(cert.validFrom).getTime()) return fail(PortalSignatureFailure.CERTIFICATE_NOT_YET_VALID);
    if (at > new Date(cert.validTo).getTime()) return fail(PortalSignatureFailure.CERTIFICATE_EXPIRED);
    if (revoked.has(normaliseSerial(cert.serialNumber))) return fail(PortalSignatureFailure.CERTIFICATE_REVOKED);
  }
  const anchor = anchors.find((a) => issuedBy(path[path.length - 1]!, a))!;
  const constraint = pathConstraintFailure(path, anchor);
  if (constraint) return fail(constraint);

  if (!verifyContent(input, signer.publicKey)) return fail(PortalSignatureFailure.BAD_SIGNATURE);

  return {
    ok: true,
    signer: {
      serialNumber: normaliseSerial(signer.serialNumber),
      subject: signer.subject,
      notAfter: new Date(signer.validTo).toISOString(),
    },
  };
}

/**
 * The signer's 基本4情報 as the 署名用電子証明書 carries them: otherName entries of the SubjectAltName, each an ASN.1
 * UTF8String, under the JPKI OIDs below. The exact J-LIS certificate profile (OIDs, string types, the birth-date
 * format, 性別 values, 代替文字 for characters outside the certificate's character set) is still to be confirmed
 * (domain.md §9.2); the test PKI (src/partners/sim/test-pki.ts) issues certificates in this profile.
 */
export const JPKI_IDENTITY_OIDS = {
  name: '1.2.392.200149.8.5.5.1', // 氏名
  sex: '1.2.392.200149.8.5.5.3', // 性別
  birthDate: '1.2.392.200149.8.5.5.4', // 生年月日
  address: '1.2.392.200149.8.5.5.5', // 住所
} as const;

export interface SignerIdentity {
  name: string;
  /** 'YYYY-MM-DD'. */
  birthDate: string;
  /** '1' male, '2' female (as in the registry). */
  sex: '1' | '2';
  address: string;
}

const MAX_IDENTITY_TEXT = 400;
const oidField = new Map<string, keyof SignerIdentity>(
  Object.entries(JPKI_IDENTITY_OIDS).map(([field, oid]) => [oid, field as keyof SignerIdentity]),
);

/** The text of a DER UTF8String that fills `der` exactly; undefined for anything else. */
const utf8StringOf = (der: ArrayBuffer): string | undefined => {
  const parsed = asn1js.fromBER(der);
  if (parsed.offset === -1 || parsed.offset !== der.byteLength || !(parsed.result instanceof asn1js.Utf8String))
    return undefined;
  return parsed.result.valueBlock.value;
};

const wellFormed = (v: Partial<Record<keyof SignerIdentity, string>>): v is SignerIdentity =>
  [v.name, v.address].every(
    (t) => t !== undefined && t.trim() !== '' && t.length <= MAX_IDENTITY_TEXT && !/[\u0000-\u001f\u007f]/.test(t),
  ) &&
  v.birthDate !== undefined &&
  isIsoDate(v.birthDate) &&
  (v.sex === '1' || v.sex === '2');

/**
 * The 基本4情報 in the signer certificate (PEM), or undefined when the certificate does not parse, has no
 * SubjectAltName, lacks one of the four entries, repeats one, or holds a value that is not a well-formed UTF8String
 * of the expected shape. Does not verify anything: call it on a certificate that verifySignedApplication accepted.
 */
export function signerIdentityOf(pem: string): SignerIdentity | undefined {
  try {
    const cert = AsnConvert.parse(new X509Certificate(pem).raw, Certificate);
    const sans = (cert.tbsCertificate.extensions ?? []).filter((e) => e.extnID === id_ce_subjectAltName);
    if (sans.length !== 1) return undefined;
    const names = AsnConvert.parse(sans[0]!.extnValue.buffer, SubjectAlternativeName);
    const found: Partial<Record<keyof SignerIdentity, string>> = {};
    for (const general of names) {
      const field = general.otherName && oidField.get(general.otherName.typeId);
      if (!field) continue;
      if (found[field] !== undefined) return undefined;
      const text = utf8StringOf(general.otherName!.value);
      if (text === undefined) return undefined;
      found[field] = text;
    }
    return wellFormed(found)
      ? { name: found.name, birthDate: found.birthDate, sex: found.sex, address: found.address }
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The test scenarios of the マイナポータル simulator (portal-simulator.ts): how each one builds the signed online
 * 転出届 (OnlineMoveOutEnvelope) and how it shapes the HTTP request that carries it to the municipality's intake.
 * Every bad case is made with real cryptography (other keys, other CAs, real validity windows, altered bytes,
 * wrong HMAC keys), never with a flag the intake could read.
 *
 *  scenario             certificate (fresh RSA-2048 key each time)          signature / request
 *  valid                applicant's 4情報, trusted intermediate, valid        correct
 *  tampered             as valid                                              correct, then signedContent altered
 *                                                                             (destination address) before sending
 *  otherKey             as valid                                              made with a key unrelated to the cert
 *  expired              as valid, validity ended 35 days ago                  correct
 *  notYetValid          as valid, validity starts in 30 days                  correct
 *  revoked              as valid, serial on the revocation list               correct
 *  revokedIntermediate  issued by the revoked intermediate CA                 correct
 *  untrusted            issued by an impostor root with the trusted name      correct
 *  wrongSigner          valid cert of another (fictional) person              correct, content names the applicant
 *  replay               as valid                                              the same signed request sent twice
 *  staleRequest         as valid                                              request timestamp 10 minutes old
 *  badRequestSignature  as valid                                              HMAC with a wrong key
 *  oversized            as valid                                              body padded (JSON whitespace) > 64 KiB
 */
import { randomBytes } from 'node:crypto';
import type { OnlineMoveOutContent, OnlineMoveOutEnvelope } from '../procedures/online-move-out/schema';
import { ONLINE_MOVE_OUT_MAX_BYTES } from '../procedures/online-move-out/schema';
import type { SignerIdentity } from '../domain/portal-signature';
import { issueSignerCertificate, signContent, type IssueSignerOptions, type TestCa } from './sim/test-pki';

export const PortalScenario = {
  VALID: 'valid',
  TAMPERED: 'tampered',
  OTHER_KEY: 'otherKey',
  EXPIRED: 'expired',
  NOT_YET_VALID: 'notYetValid',
  REVOKED: 'revoked',
  REVOKED_INTERMEDIATE: 'revokedIntermediate',
  UNTRUSTED: 'untrusted',
  WRONG_SIGNER: 'wrongSigner',
  REPLAY: 'replay',
  STALE_REQUEST: 'staleRequest',
  BAD_REQUEST_SIGNATURE: 'badRequestSignature',
  OVERSIZED: 'oversized',
} as const;
export type PortalScenario = (typeof PortalScenario)[keyof typeof PortalScenario];

/** Separates family and given name in the certificate's 氏名, as in the registry (U+3000 IDEOGRAPHIC SPACE). */
export const NAME_SEPARATOR = '\u3000';

/**
 * The identity a valid 署名用電子証明書 of the applicant carries: 氏名 = familyName + U+3000 + givenName, 生年月日,
 * 性別, and 住所 = the content's current address (the signer lives there when filing a 転出).
 */
export const applicantIdentity = (content: OnlineMoveOutContent): SignerIdentity => ({
  name: `${content.applicant.familyName}${NAME_SEPARATOR}${content.applicant.givenName}`,
  birthDate: content.applicant.birthDate,
  sex: content.applicant.sex,
  address: content.currentAddress,
});

/** The signer of `wrongSigner`: a fixed fictional person who is in no registry (架空県 does not exist). */
export const FICTIONAL_OTHER_SIGNER: SignerIdentity = {
  name: `試験${NAME_SEPARATOR}別人`,
  birthDate: '1970-01-01',
  sex: '1',
  address: '架空県見本市試験町一丁目1番1号',
};

/** Used by `tampered` as the altered destination (or the other one when the content already names it). */
const TAMPERED_DESTINATIONS = ['北海道札幌市中央区北一条西二丁目1番地', '沖縄県那覇市泉崎一丁目1番1号'] as const;

export interface ScenarioContext {
  ca: TestCa;
  now: Date;
  /** A serial that is on the CA's revocation list (for `revoked`). */
  revokedSerial: () => string;
}

const certificateFor = (
  scenario: PortalScenario,
  content: OnlineMoveOutContent,
  ctx: ScenarioContext,
): IssueSignerOptions => {
  const base: IssueSignerOptions = {
    identity: applicantIdentity(content),
    validity: 'valid',
    issuer: 'intermediate',
    now: ctx.now,
  };
  switch (scenario) {
    case PortalScenario.EXPIRED:
      return { ...base, validity: 'expired' };
    case PortalScenario.NOT_YET_VALID:
      return { ...base, validity: 'notYetValid' };
    case PortalScenario.REVOKED:
      return { ...base, serialNumber: ctx.revokedSerial() };
    case PortalScenario.REVOKED_INTERMEDIATE:
      return { ...base, issuer: 'revokedIntermediate' };
    case PortalScenario.UNTRUSTED:
      return { ...base, issuer: 'untrusted' };
    case PortalScenario.WRONG_SIGNER:
      return { ...base, identity: FICTIONAL_OTHER_SIGNER };
    default:
      return base;
  }
};

const tamper = (content: OnlineMoveOutContent): string => {
  const [first, second] = TAMPERED_DESTINATIONS;
  const address = content.destination.address === first ? second : first;
  return JSON.stringify({ ...content, destination: { ...content.destination, address } });
};

/** The envelope of `scenario`: a fresh certificate, the content signed (or mis-signed) as the scenario says. */
export async function buildEnvelope(
  scenario: PortalScenario,
  applicationId: string,
  content: OnlineMoveOutContent,
  ctx: ScenarioContext,
): Promise<OnlineMoveOutEnvelope> {
  const signer = await issueSignerCertificate(ctx.ca, certificateFor(scenario, content, ctx));
  const signedContent = JSON.stringify(content);
  const key = scenario === PortalScenario.OTHER_KEY ? ctx.ca.otherKey : signer.privateKey;
  const signature = await signContent(signedContent, key);
  return {
    applicationId,
    signedContent: scenario === PortalScenario.TAMPERED ? tamper(content) : signedContent,
    signature,
    signerCertificate: signer.certificate,
  };
}

/** How the HTTP request of a scenario differs from a correct one. */
export interface RequestShape {
  /** Send the identical request (headers and body) this many times. */
  times: 1 | 2;
  /** Added to the request timestamp (negative = in the past). */
  timestampOffsetMs: number;
  /** Sign the request with a random key instead of the registered one. */
  wrongKey: boolean;
  /** Pad the JSON body with whitespace to this many bytes. */
  padToBytes?: number;
}

export const STALE_REQUEST_MS = 10 * 60_000;
/** `oversized` bodies are this much beyond the 64 KiB limit of the intake. */
const OVERSIZE_EXTRA_BYTES = 1024;

export const requestShape = (scenario: PortalScenario): RequestShape => ({
  times: scenario === PortalScenario.REPLAY ? 2 : 1,
  timestampOffsetMs: scenario === PortalScenario.STALE_REQUEST ? -STALE_REQUEST_MS : 0,
  wrongKey: scenario === PortalScenario.BAD_REQUEST_SIGNATURE,
  ...(scenario === PortalScenario.OVERSIZED ? { padToBytes: ONLINE_MOVE_OUT_MAX_BYTES + OVERSIZE_EXTRA_BYTES } : {}),
});

/** The body bytes of the request: the envelope's JSON, padded with insignificant whitespace when asked. */
export const requestBody = (envelope: OnlineMoveOutEnvelope, shape: RequestShape): string => {
  const json = JSON.stringify(envelope);
  const missing = (shape.padToBytes ?? 0) - Buffer.byteLength(json, 'utf8');
  return missing > 0 ? `${json.slice(0, -1)}${' '.repeat(missing)}}` : json;
};

/** A key for `badRequestSignature`: random, so it matches no registered key. */
export const wrongRequestKey = (): Buffer => randomBytes(32);

import type { JSONSchemaType } from 'ajv';
import { isoDateSchema, text } from '../../domain/application-parts';
import type { StoredMoveOutApplication } from '../move-out/schema';
import type { RuleOutcome } from './rules';

/**
 * Online 転出届 from マイナポータル (domain.md §4.4, I-1). The portal sends an envelope: its application ID, the exact
 * signed content (JSON text), the signature and the signer's 署名用電子証明書. The content carries the movers, the new
 * address, the dates and a contact — never a 個人番号 (`004_528b050b7c0b5747.txt` L7943–7944; the schema refuses one).
 */
export interface OnlineMoveOutEnvelope {
  applicationId: string; // the portal's ID: the idempotency key of the case
  signedContent: string; // UTF-8 JSON text of OnlineMoveOutContent, exactly as signed
  signature: string; // base64
  signerCertificate: string; // PEM
}

export const ONLINE_MOVE_OUT_MAX_BYTES = 64 * 1024;

export const OnlineMoveOutEnvelopeSchema: JSONSchemaType<OnlineMoveOutEnvelope> = {
  type: 'object',
  additionalProperties: false,
  required: ['applicationId', 'signedContent', 'signature', 'signerCertificate'],
  properties: {
    applicationId: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9_-]{7,63}$' },
    signedContent: { type: 'string', minLength: 2, maxLength: 32 * 1024 },
    signature: { type: 'string', pattern: '^[A-Za-z0-9+/]+={0,2}$', maxLength: 2048 },
    signerCertificate: { type: 'string', pattern: '^-----BEGIN CERTIFICATE-----', maxLength: 8192 },
  },
};

export interface OnlineMover {
  familyName: string;
  givenName: string;
  birthDate: string;
  sex: '1' | '2';
}

export interface OnlineMoveOutContent {
  applicationDate: string;
  applicant: OnlineMover & { isMover: boolean };
  currentAddress: string;
  movers: OnlineMover[];
  destination: { address: string; municipalityCode?: string; abroad?: boolean };
  plannedMoveOutDate: string;
  plannedVisitDate?: string; // 来庁予定日: forwarded to the destination, not used by the origin
  contactPhone: string;
}

const mover = {
  type: 'object',
  additionalProperties: false,
  required: ['familyName', 'givenName', 'birthDate', 'sex'],
  properties: {
    familyName: text(50),
    givenName: text(50),
    birthDate: isoDateSchema,
    sex: { type: 'string', enum: ['1', '2'] },
  },
} as const;

export const OnlineMoveOutContentSchema: JSONSchemaType<OnlineMoveOutContent> = {
  type: 'object',
  additionalProperties: false,
  required: [
    'applicationDate',
    'applicant',
    'currentAddress',
    'movers',
    'destination',
    'plannedMoveOutDate',
    'contactPhone',
  ],
  properties: {
    applicationDate: isoDateSchema,
    applicant: {
      ...mover,
      required: [...mover.required, 'isMover'],
      properties: { ...mover.properties, isMover: { type: 'boolean' } },
    },
    currentAddress: text(200),
    movers: { type: 'array', minItems: 1, maxItems: 12, items: mover },
    destination: {
      type: 'object',
      additionalProperties: false,
      required: ['address'],
      properties: {
        address: text(200),
        municipalityCode: { type: 'string', format: 'municipality-code', nullable: true },
        abroad: { type: 'boolean', nullable: true },
      },
    },
    plannedMoveOutDate: isoDateSchema,
    plannedVisitDate: { ...isoDateSchema, nullable: true },
    contactPhone: { type: 'string', pattern: '^[0-9+][0-9-]{6,19}$' },
  },
};

/** The online application as stored (仮登録): the counter 転出 shape the commit uses, plus what came from the portal. */
export type StoredOnlineMoveOutApplication = StoredMoveOutApplication & {
  online: {
    applicationId: string;
    applicationDate: string;
    applicant: OnlineMover & { isMover: boolean };
    currentAddress: string;
    movers: OnlineMover[];
    contactPhone: string;
    signerSerial: string;
    signerNotAfter: string;
    verifiedAt: string;
    findings: RuleOutcome[];
    /** The envelope exactly as received (domain.md §4.4 step 1: store the raw payload and the signature). */
    envelope: OnlineMoveOutEnvelope;
  };
};

/**
 * Notices from the municipality to マイナポータル about an online 転出届 (domain.md §2.2 I-2, §4.4 step 4), each
 * TypeScript type next to its ajv schema under the same name. The real 申請管理 notice format is not public
 * (domain.md §9.2), so this is our own JSON contract, built from the shared partner pieces (partner-contract.ts).
 *
 * No personal data, ever: the portal's application ID identifies the case, the municipality code the sender.
 * `reasons` carry rule identifiers and fixed texts (e.g. the intake's rejection reasons), never values from the
 * application. `additionalProperties: false` at every level, so a stray field is a 400 and is never accepted.
 */
import type { SchemaObject } from 'ajv';
import { OnlineMoveOutEnvelopeSchema } from '../procedures/online-move-out/schema';
import {
  CommonErrorCode,
  PartnerErrorBodySchema,
  idempotencyKeySchema as idempotencyKey,
  municipalityCodeSchema as municipalityCode,
  textSchema as text,
  type PartnerErrorBody,
} from './partner-contract';

export const PortalNoticeKind = {
  /** 受付: the application was received and a case opened. */
  RECEIVED: 'RECEIVED',
  /** 完了: the 転出 was registered (completion notice). */
  COMPLETED: 'COMPLETED',
  /** 却下: refused, with the reasons. */
  REJECTED: 'REJECTED',
  /** 取消: the resident's cancellation was carried out. */
  CANCELLED: 'CANCELLED',
} as const;
export type PortalNoticeKind = (typeof PortalNoticeKind)[keyof typeof PortalNoticeKind];

export interface PortalNoticeReason {
  /** Rule identifier, e.g. 'SIGNER_UNDER_15' or 'CERTIFICATE_REVOKED'. */
  rule: string;
  /** Fixed explanatory text for the resident; never a value from the application. */
  message: string;
}

export interface PortalNotice {
  /** Sent as the Idempotency-Key header too: a resend gets the original ack. */
  idempotencyKey: string;
  /** The portal's application ID (OnlineMoveOutEnvelope.applicationId). */
  applicationId: string;
  /** The sending municipality (6 digits with the check digit). */
  municipalityCode: string;
  kind: PortalNoticeKind;
  reasons?: PortalNoticeReason[];
  /** ISO instant of the event. */
  at: string;
}

export const PortalNoticeReasonSchema: SchemaObject = {
  type: 'object',
  additionalProperties: false,
  required: ['rule', 'message'],
  properties: {
    rule: { type: 'string', pattern: '^[A-Za-z][A-Za-z0-9_.:-]{0,63}$' },
    message: text(500),
  } satisfies Record<keyof PortalNoticeReason, SchemaObject>,
};

export const PortalNoticeSchema: SchemaObject = {
  type: 'object',
  additionalProperties: false,
  required: ['idempotencyKey', 'applicationId', 'municipalityCode', 'kind', 'at'],
  properties: {
    idempotencyKey,
    applicationId: OnlineMoveOutEnvelopeSchema.properties.applicationId,
    municipalityCode,
    kind: { type: 'string', enum: Object.values(PortalNoticeKind) },
    reasons: { type: 'array', minItems: 1, maxItems: 50, items: PortalNoticeReasonSchema },
    at: { type: 'string', format: 'date-time' },
  } satisfies Record<keyof PortalNotice, SchemaObject>,
};

/** Acknowledgement of an accepted notice. A resend with the same Idempotency-Key gets the same ID, duplicate=true. */
export interface PortalAck {
  /** Assigned by the portal. */
  noticeId: string;
  duplicate: boolean;
}

export const PortalAckSchema: SchemaObject = {
  type: 'object',
  additionalProperties: false,
  required: ['noticeId', 'duplicate'],
  properties: {
    noticeId: { type: 'string', pattern: '^[A-Za-z0-9._:-]{1,128}$' },
    duplicate: { type: 'boolean' },
  } satisfies Record<keyof PortalAck, SchemaObject>,
};

/** Error codes of the contract (4xx bodies; 503 uses PORTAL_UNAVAILABLE). */
export const PortalErrorCode = {
  ...CommonErrorCode,
  PORTAL_UNAVAILABLE: 'PORTAL_UNAVAILABLE',
} as const;
export type PortalErrorCode = (typeof PortalErrorCode)[keyof typeof PortalErrorCode];

/** Error body of every non-2xx answer (the shared partner shape). `message` and `errors` never echo the request. */
export type PortalErrorBody = PartnerErrorBody;
export const PortalErrorBodySchema = PartnerErrorBodySchema;

import { EntitySchema } from '@mikro-orm/core';

/**
 * A nonce of a signed portal request, kept until its timestamp leaves the accepted window (replay protection shared
 * by every API replica: the primary key refuses a second use).
 */
export class PortalNonce {
  id!: string; // `${keyId}\n${nonce}`
  expiresAt!: Date;
}

export const PortalNonceSchema = new EntitySchema<PortalNonce>({
  class: PortalNonce,
  tableName: 'portal_nonce',
  properties: {
    id: { type: 'string', length: 200, primary: true },
    expiresAt: { type: 'datetime' },
  },
  indexes: [{ properties: ['expiresAt'] }],
});

/**
 * The record kept of a refused online application (domain.md §4.4: failures are rejected with a reason): what was
 * refused and why, nothing else — no content, no signature, no personal data. `signerSerial` is the certificate
 * serial, which identifies the applicant only at intake (domain.md §2.3 item 5) and is kept for the portal's
 * inquiries.
 */
export class PortalRejection {
  id!: number;
  applicationId!: string;
  stage!: 'request' | 'schema' | 'signature' | 'eligibility';
  reasons!: Array<{ rule: string; message: string }>;
  signerSerial?: string;
  receivedAt: Date = new Date();
}

export const PortalRejectionSchema = new EntitySchema<PortalRejection>({
  class: PortalRejection,
  tableName: 'portal_rejection',
  properties: {
    id: { type: 'integer', primary: true, autoincrement: true },
    applicationId: { type: 'string', length: 64 },
    stage: { type: 'string', length: 20 },
    reasons: { type: 'json' },
    signerSerial: { type: 'string', length: 64, nullable: true },
    receivedAt: { type: 'datetime' },
  },
  indexes: [{ properties: ['applicationId'] }, { properties: ['receivedAt'] }],
});

/**
 * The digest of every signed application accepted (SHA-256 of the signed content and the signature): the same signed
 * application under another application ID is refused (SIGNATURE_REPLAYED), also after a cancellation (issue 13 item 9).
 */
export class PortalSignedApplication {
  digest!: string;
  applicationId!: string;
  receivedAt: Date = new Date();
}

export const PortalSignedApplicationSchema = new EntitySchema<PortalSignedApplication>({
  class: PortalSignedApplication,
  tableName: 'portal_signed_application',
  properties: {
    digest: { type: 'string', length: 64, primary: true },
    applicationId: { type: 'string', length: 64 },
    receivedAt: { type: 'datetime' },
  },
});

/** Schema parts shared by the counter applications (転入, 転出, 特例転入): one definition each. */

export const text = (maxLength: number) => ({ type: 'string', minLength: 1, maxLength, pattern: '\\S' }) as const;
export const isoDateSchema = { type: 'string', format: 'iso-date' } as const;
/** A 生年月日, possibly partly unknown ('00' for the unknown parts, domain.md §3.1; `BirthDate` in domain/dates.ts). */
export const birthDateSchema = { type: 'string', format: 'birth-date' } as const;

export interface AddressInput {
  address: string;
  addressSupplement?: string;
  postalCode?: string;
  addressCode?: string;
}
export const AddressInputSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['address'],
  properties: {
    address: text(200),
    addressSupplement: { ...text(100), nullable: true },
    postalCode: { type: 'string', pattern: '^[0-9]{3}-[0-9]{4}$', nullable: true },
    addressCode: { type: 'string', pattern: '^[0-9]{1,20}$', nullable: true },
  },
} as const;

export type HouseholdPlacement = { mode: 'new' } | { mode: 'join'; householdNumber: string };
export const HouseholdPlacementSchema = {
  type: 'object',
  required: ['mode'],
  oneOf: [
    {
      type: 'object',
      additionalProperties: false,
      required: ['mode'],
      properties: { mode: { type: 'string', const: 'new' } },
    },
    {
      type: 'object',
      additionalProperties: false,
      required: ['mode', 'householdNumber'],
      properties: {
        mode: { type: 'string', const: 'join' },
        householdNumber: { type: 'string', pattern: '^[0-9]{7}$' },
      },
    },
  ],
} as const;

/** Who filed the notification at the counter (本人, 同一世帯の方, 代理人 with a 委任状). */
export interface NotifierInput {
  kind: 'self' | 'householdMember' | 'proxy';
  powerOfAttorney?: boolean;
}
export const NotifierInputSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['kind'],
  properties: {
    kind: { type: 'string', enum: ['self', 'householdMember', 'proxy'] },
    powerOfAttorney: { type: 'boolean', nullable: true },
  },
} as const;

export interface IdentityDocumentInput {
  type: 'myNumberCard' | 'driversLicence' | 'passport' | 'residenceCard' | 'other';
  checkedBy?: string;
}
export const IdentityDocumentInputSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['type'],
  properties: {
    type: { type: 'string', enum: ['myNumberCard', 'driversLicence', 'passport', 'residenceCard', 'other'] },
    checkedBy: { type: 'string', maxLength: 64, nullable: true },
  },
} as const;

export interface CertificateRequestInput {
  includeHouseholdHead?: boolean;
  includeDomicile?: boolean;
  includeResidentRecordCode?: boolean;
  includeIndividualNumber?: boolean;
}
export const CertificateRequestInputSchema = {
  type: 'object',
  additionalProperties: false,
  nullable: true,
  required: [],
  properties: {
    includeHouseholdHead: { type: 'boolean', nullable: true },
    includeDomicile: { type: 'boolean', nullable: true },
    includeResidentRecordCode: { type: 'boolean', nullable: true },
    includeIndividualNumber: { type: 'boolean', nullable: true },
  },
} as const;

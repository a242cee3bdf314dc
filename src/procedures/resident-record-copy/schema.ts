import type { JSONSchemaType } from 'ajv';
import { IdentityDocumentInputSchema, type IdentityDocumentInput } from '../../domain/application-parts';

/**
 * 住民票の写し requested at the counter, outside any procedure (domain.md §5.2): the persons by 宛名番号 (one
 * household), the requested items (omitted unless requested) and who asks. The 個人番号 is printed only at the
 * request of the 本人 or, where the city allows it, of a member of the same household — never for a 代理人 or another
 * third party (law: 住基法第12条第5項).
 */
export type CopyRequester = 'self' | 'householdMember' | 'proxy';
/** 'removedRecord': a 除票の写し (one 除票 person, 個人票; domain spec §5.2); default: a 住民票の写し. */
export type CopyKind = 'residentRecord' | 'removedRecord';

export interface ResidentRecordCopyRequest {
  kind?: CopyKind;
  addresseeNumbers: string[];
  options: {
    includeHouseholdHead?: boolean;
    includeDomicile?: boolean;
    includeResidentRecordCode?: boolean;
    includeIndividualNumber?: boolean;
  };
  requester: { relation: CopyRequester; powerOfAttorney?: boolean };
  identityDocument: IdentityDocumentInput;
}

const flag = { type: 'boolean', nullable: true } as const;

export const ResidentRecordCopyRequestSchema: JSONSchemaType<ResidentRecordCopyRequest> = {
  type: 'object',
  additionalProperties: false,
  required: ['addresseeNumbers', 'options', 'requester', 'identityDocument'],
  properties: {
    kind: { type: 'string', enum: ['residentRecord', 'removedRecord'], nullable: true },
    addresseeNumbers: {
      type: 'array',
      minItems: 1,
      maxItems: 12,
      uniqueItems: true,
      items: { type: 'string', pattern: '^[0-9]{7}$' },
    },
    options: {
      type: 'object',
      additionalProperties: false,
      required: [],
      properties: {
        includeHouseholdHead: flag,
        includeDomicile: flag,
        includeResidentRecordCode: flag,
        includeIndividualNumber: flag,
      },
    },
    requester: {
      type: 'object',
      additionalProperties: false,
      required: ['relation'],
      properties: { relation: { type: 'string', enum: ['self', 'householdMember', 'proxy'] }, powerOfAttorney: flag },
    },
    identityDocument: IdentityDocumentInputSchema,
  },
};

/** The items printed on a 住民票の写し besides the required ones (domain.md §5.2: omitted unless requested). */
export type CopyOptions = {
  includeHouseholdHead: boolean;
  includeDomicile: boolean;
  includeResidentRecordCode: boolean;
  includeIndividualNumber: boolean;
};

/** Input of the counter issuance workflow: IDs and flags only (the workflow carries no personal data). */
export interface CounterCopyInput {
  /** The form's request ID (a UUID): becomes the certificate ID, so a retried activity or a double submit issues one copy. */
  requestId: string;
  /** Absent in workflows started before the 除票の写し existed: a 住民票の写し. */
  kind?: CopyKind;
  addresseeNumbers: string[];
  options: CopyOptions;
  requester: CopyRequester;
  operatorId: string;
  terminalId?: string;
}

import type { JSONSchemaType } from 'ajv';

/**
 * 特例転入届 at the counter (domain.md §4.2): the resident presents the 個人番号カード; the clerk enters what the card
 * shows (card reading itself is out of scope) for each mover. The rest of the record comes from the held
 * 転出証明書情報; if it has not arrived, a 送信依頼 goes to the 転出地.
 */
export interface SpecialMoveInPerson {
  residentRecordCode: string; // recorded on the card
  familyName: string;
  givenName: string;
  birthDate: string;
  sex: '1' | '2';
  relationshipToHead: string;
}

export interface SpecialMoveInApplication {
  persons: SpecialMoveInPerson[];
  originMunicipalityCode: string; // 転出地 (for the 送信依頼 and the 転入通知)
  address: { address: string; addressSupplement?: string; postalCode?: string; addressCode?: string };
  moveInDate: string;
  notificationDate?: string;
  household: { mode: 'new' } | { mode: 'join'; householdNumber: string };
  notifier: { kind: 'self' | 'householdMember' };
  certificateRequest?: { includeHouseholdHead?: boolean; includeDomicile?: boolean; includeResidentRecordCode?: boolean; includeIndividualNumber?: boolean };
}

const text = (maxLength: number) => ({ type: 'string', minLength: 1, maxLength, pattern: '\\S' }) as const;
const date = { type: 'string', format: 'iso-date' } as const;

export const SpecialMoveInApplicationSchema: JSONSchemaType<SpecialMoveInApplication> = {
  type: 'object',
  additionalProperties: false,
  required: ['persons', 'originMunicipalityCode', 'address', 'moveInDate', 'household', 'notifier'],
  properties: {
    persons: {
      type: 'array', minItems: 1, maxItems: 12,
      items: {
        type: 'object', additionalProperties: false,
        required: ['residentRecordCode', 'familyName', 'givenName', 'birthDate', 'sex', 'relationshipToHead'],
        properties: {
          residentRecordCode: { type: 'string', pattern: '^[0-9]{11}$' },
          familyName: text(50), givenName: text(50), birthDate: date, sex: { type: 'string', enum: ['1', '2'] }, relationshipToHead: text(40),
        },
      },
    },
    originMunicipalityCode: { type: 'string', format: 'municipality-code' },
    address: {
      type: 'object', additionalProperties: false, required: ['address'],
      properties: {
        address: text(200), addressSupplement: { ...text(100), nullable: true },
        postalCode: { type: 'string', pattern: '^[0-9]{3}-[0-9]{4}$', nullable: true }, addressCode: { type: 'string', pattern: '^[0-9]{1,20}$', nullable: true },
      },
    },
    moveInDate: date,
    notificationDate: { ...date, nullable: true },
    household: {
      type: 'object', required: ['mode'],
      oneOf: [
        { type: 'object', additionalProperties: false, required: ['mode'], properties: { mode: { type: 'string', const: 'new' } } },
        { type: 'object', additionalProperties: false, required: ['mode', 'householdNumber'], properties: { mode: { type: 'string', const: 'join' }, householdNumber: { type: 'string', pattern: '^[0-9]{7}$' } } },
      ],
    } as unknown as JSONSchemaType<SpecialMoveInApplication['household']>,
    notifier: { type: 'object', additionalProperties: false, required: ['kind'], properties: { kind: { type: 'string', enum: ['self', 'householdMember'] } } },
    certificateRequest: {
      type: 'object', additionalProperties: false, nullable: true, required: [],
      properties: {
        includeHouseholdHead: { type: 'boolean', nullable: true }, includeDomicile: { type: 'boolean', nullable: true },
        includeResidentRecordCode: { type: 'boolean', nullable: true }, includeIndividualNumber: { type: 'boolean', nullable: true },
      },
    },
  },
};

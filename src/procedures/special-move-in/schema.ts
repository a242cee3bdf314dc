import type { JSONSchemaType } from 'ajv';
import {
  AddressInputSchema,
  CertificateRequestInputSchema,
  HouseholdPlacementSchema,
  birthDateSchema,
  isoDateSchema,
  text,
  type AddressInput,
  type CertificateRequestInput,
  type HouseholdPlacement,
} from '../../domain/application-parts';

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
  /**
   * This person presents their own 個人番号カード (domain spec §4.2 step 6.3, §4.8 item 6): only they get the card
   * 継続利用. A household member without a card of their own files with the card holder and gets none.
   */
  cardPresented?: boolean;
}

export interface SpecialMoveInApplication {
  persons: SpecialMoveInPerson[];
  originMunicipalityCode: string; // 転出地 (for the 送信依頼 and the 転入通知)
  address: AddressInput;
  moveInDate: string;
  notificationDate?: string;
  household: HouseholdPlacement;
  notifier: { kind: 'self' | 'householdMember' };
  certificateRequest?: CertificateRequestInput;
}

const date = isoDateSchema;

export const SpecialMoveInApplicationSchema: JSONSchemaType<SpecialMoveInApplication> = {
  type: 'object',
  additionalProperties: false,
  required: ['persons', 'originMunicipalityCode', 'address', 'moveInDate', 'household', 'notifier'],
  properties: {
    persons: {
      type: 'array',
      minItems: 1,
      maxItems: 12,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['residentRecordCode', 'familyName', 'givenName', 'birthDate', 'sex', 'relationshipToHead'],
        properties: {
          residentRecordCode: { type: 'string', pattern: '^[0-9]{11}$' },
          familyName: text(50),
          givenName: text(50),
          birthDate: birthDateSchema,
          sex: { type: 'string', enum: ['1', '2'] },
          relationshipToHead: text(40),
          cardPresented: { type: 'boolean', nullable: true },
        },
      },
    },
    originMunicipalityCode: { type: 'string', format: 'municipality-code' },
    address: AddressInputSchema,
    moveInDate: date,
    notificationDate: { ...date, nullable: true },
    household: HouseholdPlacementSchema as unknown as JSONSchemaType<SpecialMoveInApplication['household']>,
    notifier: {
      type: 'object',
      additionalProperties: false,
      required: ['kind'],
      properties: { kind: { type: 'string', enum: ['self', 'householdMember'] } },
    },
    certificateRequest: CertificateRequestInputSchema,
  },
};

export type StoredSpecialMoveInApplication = SpecialMoveInApplication & { notificationDate: string };

/**
 * Who presents their own card, in person order. The intake stores the flag for every person (absent = no card); an
 * application stored before the flag existed has it on nobody and keeps the behaviour it was filed under (every
 * person).
 */
export const specialMoveInCardHolders = (app: Pick<SpecialMoveInApplication, 'persons'>): boolean[] =>
  app.persons.some((p) => p.cardPresented !== undefined)
    ? app.persons.map((p) => p.cardPresented === true)
    : app.persons.map(() => true);

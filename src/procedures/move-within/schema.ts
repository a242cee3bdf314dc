import type { JSONSchemaType } from 'ajv';
import {
  AddressInputSchema,
  CertificateRequestInputSchema,
  IdentityDocumentInputSchema,
  text,
  type AddressInput,
  type CertificateRequestInput,
  type IdentityDocumentInput,
  NotifierInput,
  NotifierInputSchema,
} from '../../domain/application-parts';
import { HouseholdHeadChoiceSchema, type HouseholdHeadChange, type HouseholdHeadChoice } from '../move-out/schema';

/**
 * 転居届 (domain spec §4.9; law: 住基法第23条). The movers are named by 宛名番号 (picked from the household of the person
 * the form was started from) with their 4情報 as written on the form; `cardPresented` = the person presented a
 * 個人番号カード (its face gets the new address: the card-face endorsement). `relationshipToHead` is the mover's 続柄 in
 * the household at the new address (household mode `new` / `join`).
 */
export interface MoveWithinMover {
  addresseeNumber: string;
  familyName: string;
  givenName: string;
  birthDate: string;
  sex: '1' | '2';
  cardPresented?: boolean;
  relationshipToHead?: string;
}

/**
 * Who moves: `whole` = the whole household (it keeps its 世帯番号 and 世帯主); `new` = the chosen members form a new
 * household at the new address with `newHeadAddresseeNumber` as 世帯主; `join` = they join the household
 * `householdNumber` that lives at the new address.
 */
export interface MoveWithinHousehold {
  mode: 'whole' | 'new' | 'join';
  householdNumber?: string;
  newHeadAddresseeNumber?: string;
}

export interface MoveWithinApplication {
  movers: MoveWithinMover[];
  newAddress: AddressInput;
  moveDate: string; // 転居日 (異動日): today or earlier
  notificationDate?: string; // 届出日, default today (JST)
  household: MoveWithinHousehold;
  /**
   * The 世帯主 moves and two or more members stay: the new 世帯主 of the remaining household and the others' 続柄
   * (domain spec §3.2); recorded as its own 異動 (世帯主変更). Without it such a 転居 is refused.
   */
  remainingHouseholdHead?: HouseholdHeadChoice;
  notifier: NotifierInput;
  identityDocument: IdentityDocumentInput;
  certificateRequest?: CertificateRequestInput;
}

const addressee = { type: 'string', pattern: '^[0-9]{7}$' } as const;

export const MoveWithinApplicationSchema: JSONSchemaType<MoveWithinApplication> = {
  type: 'object',
  additionalProperties: false,
  required: ['movers', 'newAddress', 'moveDate', 'household', 'notifier', 'identityDocument'],
  properties: {
    movers: {
      type: 'array',
      minItems: 1,
      maxItems: 12,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['addresseeNumber', 'familyName', 'givenName', 'birthDate', 'sex'],
        properties: {
          addresseeNumber: addressee,
          familyName: text(50),
          givenName: text(50),
          birthDate: { type: 'string', format: 'birth-date' },
          sex: { type: 'string', enum: ['1', '2'] },
          cardPresented: { type: 'boolean', nullable: true },
          relationshipToHead: { ...text(40), nullable: true },
        },
      },
    },
    newAddress: AddressInputSchema as unknown as JSONSchemaType<AddressInput>,
    moveDate: { type: 'string', format: 'iso-date' },
    notificationDate: { type: 'string', format: 'iso-date', nullable: true },
    household: {
      type: 'object',
      additionalProperties: false,
      required: ['mode'],
      properties: {
        mode: { type: 'string', enum: ['whole', 'new', 'join'] },
        householdNumber: { ...addressee, nullable: true },
        newHeadAddresseeNumber: { ...addressee, nullable: true },
      },
    },
    remainingHouseholdHead: { ...HouseholdHeadChoiceSchema, nullable: true },
    notifier: NotifierInputSchema,
    identityDocument: IdentityDocumentInputSchema,
    certificateRequest: CertificateRequestInputSchema,
  },
};

/** The application as stored (仮登録): 届出日 resolved, the household and the decisions of the rules recorded. */
export type StoredMoveWithinApplication = MoveWithinApplication & {
  notificationDate: string;
  /** The movers' household before the 転居. */
  householdNumber: string;
  /** 届出日 > 転居日 + 14: a finding at 決裁 (届出期間経過), not a refusal. */
  late: boolean;
  /** The 世帯主 moves and members stay: the remaining household's new 世帯主 and 続柄 (its own ordered 異動). */
  headChange?: HouseholdHeadChange;
  /** One member stays: made 世帯主 ex officio, with a 世帯主変更通知書 (domain spec §3.2, §5.2). */
  headChangeExOfficio?: boolean;
};

export const MoveWithinFlag = {
  /** 届出期間経過: filed later than 転居日 + 14 days (law: 住基法第23条). */
  LATE_MOVE_WITHIN_FILING: 'LATE_MOVE_WITHIN_FILING',
  /** The 世帯主 moves and one member stays: that member becomes 世帯主 ex officio. */
  HEAD_CHANGE_EX_OFFICIO: 'MOVE_WITHIN_HEAD_CHANGE_EX_OFFICIO',
  /** The 世帯主 moves and the form names the remaining household's new 世帯主: a separate 世帯主変更. */
  HEAD_CHANGE_ON_FILING: 'MOVE_WITHIN_HEAD_CHANGE',
} as const;

import type { JSONSchemaType } from 'ajv';
import {
  IdentityDocumentInputSchema,
  text,
  type IdentityDocumentInput,
  NotifierInput,
  NotifierInputSchema,
} from '../../domain/application-parts';

/**
 * 転出届 at the counter (domain.md §4.3). Movers are named by 宛名番号 (picked by the clerk from a search) and
 * their 4情報 as written on the form; both must match the current record. The destination may be only a
 * municipality name; its code routes the 転出証明書情報 on the special path.
 */
export interface MoveOutMover {
  addresseeNumber: string;
  familyName: string;
  givenName: string;
  birthDate: string;
  sex: '1' | '2';
}

export interface MoveOutApplication {
  movers: MoveOutMover[];
  destination: { address: string; municipalityCode?: string; abroad?: boolean };
  plannedMoveOutDate: string; // 転出予定年月日 (= 異動日; may be after the 届出日)
  notificationDate?: string; // 届出日, default today (JST)
  path: 'paper' | 'special'; // special = 特例転入を利用した転出 (card holder, domestic)
  cardHolderPresent?: boolean; // the mover or the 世帯主 presents a 個人番号カード
  notifier: NotifierInput;
  identityDocument: IdentityDocumentInput;
  /**
   * 世帯主変更 when the 世帯主 moves out and two or more members stay (domain.md §3.2; standard spec 4.0.4): the clerk
   * names the new 世帯主 among the staying members and gives every other staying member's 続柄 to the new 世帯主. With
   * one member staying, that member becomes 世帯主 ex officio and nothing needs to be chosen.
   */
  householdHeadChange?: HouseholdHeadChoice;
}

export interface HouseholdHeadChoice {
  newHeadAddresseeNumber: string;
  relationships: Array<{ addresseeNumber: string; relationshipToHead: string }>;
}

export const HouseholdHeadChoiceSchema: JSONSchemaType<HouseholdHeadChoice> = {
  type: 'object',
  additionalProperties: false,
  required: ['newHeadAddresseeNumber', 'relationships'],
  properties: {
    newHeadAddresseeNumber: { type: 'string', pattern: '^[0-9]{7}$' },
    relationships: {
      type: 'array',
      maxItems: 12,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['addresseeNumber', 'relationshipToHead'],
        properties: {
          addresseeNumber: { type: 'string', pattern: '^[0-9]{7}$' },
          relationshipToHead: text(40),
        },
      },
    },
  },
};

export const MoveOutApplicationSchema: JSONSchemaType<MoveOutApplication> = {
  type: 'object',
  additionalProperties: false,
  required: ['movers', 'destination', 'plannedMoveOutDate', 'path', 'notifier', 'identityDocument'],
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
          addresseeNumber: { type: 'string', pattern: '^[0-9]{7}$' },
          familyName: text(50),
          givenName: text(50),
          birthDate: { type: 'string', format: 'birth-date' },
          sex: { type: 'string', enum: ['1', '2'] },
        },
      },
    },
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
    plannedMoveOutDate: { type: 'string', format: 'iso-date' },
    notificationDate: { type: 'string', format: 'iso-date', nullable: true },
    path: { type: 'string', enum: ['paper', 'special'] },
    cardHolderPresent: { type: 'boolean', nullable: true },
    notifier: NotifierInputSchema,
    identityDocument: IdentityDocumentInputSchema,
    householdHeadChange: { ...HouseholdHeadChoiceSchema, nullable: true },
  },
};

/**
 * The 世帯主変更 decided at intake (or at 審査 of an online 転出), applied at the commit of the 転出: the staying
 * members with their new 続柄 (the new 世帯主's is 世帯主).
 */
export interface HouseholdHeadChange {
  previousHeadAddresseeNumber: string;
  newHeadAddresseeNumber: string;
  relationships: Array<{ addresseeNumber: string; relationshipToHead: string }>;
}

/** The application as stored (仮登録): 届出日 resolved, the household and the late-filing decision recorded. */
export type StoredMoveOutApplication = MoveOutApplication & {
  notificationDate: string;
  householdNumber: string;
  /** 届出日 > 異動日 + 14: recorded ex officio, the filing kept as the 申出 (domain.md §4.3 step 1). */
  late: boolean;
  /** The 世帯主 moves out and members stay: who becomes 世帯主 and the new 続柄 (domain.md §3.2). */
  headChange?: HouseholdHeadChange;
  /** 来庁予定日 announced through マイナポータル: forwarded to the destination in the 転出証明書情報. */
  plannedVisitDate?: string;
};

export const MoveOutFlag = {
  LATE_EX_OFFICIO: 'LATE_EX_OFFICIO',
  HEAD_CHANGE_EX_OFFICIO: 'HEAD_CHANGE_EX_OFFICIO',
} as const;

/** How far ahead a 転出予定日 may lie (a 転出届 is filed shortly before moving; configurable later). */
export const MAX_DAYS_AHEAD = 90;

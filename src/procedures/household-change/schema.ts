import type { JSONSchemaType } from 'ajv';
import {
  CertificateRequestInputSchema,
  IdentityDocumentInputSchema,
  isoDateSchema,
  text,
  type CertificateRequestInput,
  type IdentityDocumentInput,
  NotifierInput,
  NotifierInputSchema,
} from '../../domain/application-parts';
import { ChangeReason } from '../../domain/change-reason';

/**
 * The four kinds of 世帯変更 (standard spec 4.1.4; domain spec §3.3 異動事由 世帯主変更 / 世帯分離 / 世帯合併 / 世帯変更):
 * - headChange (世帯主変更): a new 世帯主 within the household; every member's 続柄 re-stated relative to them;
 * - separation (世帯分離): chosen members leave to a new household at the same address, one of them its 世帯主;
 * - merge (世帯合併): a whole household joins another at the same address (続柄 relative to the receiving 世帯主);
 * - composition (世帯構成変更): some members move to another household at the same address.
 */
export const HOUSEHOLD_CHANGE_KINDS = ['headChange', 'separation', 'merge', 'composition'] as const;
export type HouseholdChangeKind = (typeof HOUSEHOLD_CHANGE_KINDS)[number];

export const HOUSEHOLD_CHANGE_KIND_LABEL: Record<HouseholdChangeKind, string> = {
  headChange: '世帯主変更',
  separation: '世帯分離',
  merge: '世帯合併',
  composition: '世帯構成変更',
};

/** The 異動事由 each kind records (src/domain/change-reason.ts). */
export const HOUSEHOLD_CHANGE_REASON: Record<HouseholdChangeKind, ChangeReason> = {
  headChange: ChangeReason.HOUSEHOLD_HEAD_CHANGE,
  separation: ChangeReason.HOUSEHOLD_SEPARATION,
  merge: ChangeReason.HOUSEHOLD_MERGE,
  composition: ChangeReason.HOUSEHOLD_CHANGE,
};

/** A person whose record the 世帯変更 changes, with the 続柄 after it (世帯主 for the new 世帯主). */
export interface HouseholdChangePerson {
  addresseeNumber: string;
  relationshipToHead: string;
}

/**
 * 世帯変更届 as entered at the counter. `persons` lists every person whose record changes with the new 続柄: for a
 * 世帯主変更 every member of the household; for a 世帯分離 the members who leave (one of them 世帯主); for a 世帯合併
 * every member of the household that joins; for a 世帯構成変更 the members who move. 宛名番号 only: the 4情報 are read
 * from the registry. Stored as the case's 仮登録; never sent to Temporal.
 */
export interface HouseholdChangeApplication {
  kind: HouseholdChangeKind;
  /** The household the persons are in now. */
  householdNumber: string;
  /** merge / composition: the household they join. */
  targetHouseholdNumber?: string;
  persons: HouseholdChangePerson[];
  /** 異動日: today or earlier. */
  changeDate: string;
  notificationDate?: string; // 届出日; defaults to today (JST)
  notifier: NotifierInput;
  identityDocument: IdentityDocumentInput;
  certificateRequest?: CertificateRequestInput;
}

const householdNumber = { type: 'string', pattern: '^[0-9]{7}$' } as const;

export const HouseholdChangeApplicationSchema: JSONSchemaType<HouseholdChangeApplication> = {
  type: 'object',
  additionalProperties: false,
  required: ['kind', 'householdNumber', 'persons', 'changeDate', 'notifier', 'identityDocument'],
  properties: {
    kind: { type: 'string', enum: HOUSEHOLD_CHANGE_KINDS },
    householdNumber,
    targetHouseholdNumber: { ...householdNumber, nullable: true },
    persons: {
      type: 'array',
      minItems: 1,
      maxItems: 20,
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
    changeDate: isoDateSchema,
    notificationDate: { ...isoDateSchema, nullable: true },
    notifier: NotifierInputSchema,
    identityDocument: IdentityDocumentInputSchema,
    certificateRequest: CertificateRequestInputSchema,
  },
};

/** The application as stored (仮登録): 届出日 resolved, the 世帯主 before the change and the new 世帯主 named. */
export type StoredHouseholdChangeApplication = Omit<HouseholdChangeApplication, 'notificationDate'> & {
  notificationDate: string;
  /** The 世帯主 of the household the persons end up in (new or receiving), after the change. */
  newHeadAddresseeNumber: string;
};

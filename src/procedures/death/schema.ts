import type { JSONSchemaType } from 'ajv';
import { birthDateSchema, isoDateSchema, text } from '../../domain/application-parts';
import { HouseholdHeadChoiceSchema, type HouseholdHeadChange, type HouseholdHeadChoice } from '../move-out/schema';

/**
 * 死亡 as entered at the counter from the 死亡届 the 戸籍 side accepted (standard spec 4.2.2): the deceased (picked
 * from the search: 宛名番号 only), the 死亡年月日 — the registry's date type, parts may be unknown ('00', domain spec
 * §3.1) — and time if known, the 死亡地, the 届出 as the 戸籍 side received it (date, 届出人), and when the deceased was
 * the 世帯主 of two or more remaining members, the new 世帯主 and everyone's 続柄 (one remaining member becomes
 * 世帯主 ex officio). Stored as the case's 仮登録; never sent to Temporal.
 */
export interface DeathApplication {
  addresseeNumber: string;
  /** YYYY-MM-DD, '00' for unknown parts (2026-12-00, 2026-00-00, 0000-00-00). */
  deathDate: string;
  /** HH:MM (JST) when known. */
  deathTime?: string;
  deathPlace: string;
  familyRegisterNotice: {
    /** The day the 戸籍 side received the 死亡届. */
    receivedDate: string;
    notifierName: string;
    /** 届出人の資格 (親族, 同居者, 家主, …). */
    notifierCapacity?: string;
  };
  householdHeadChange?: HouseholdHeadChoice;
}

export const DeathApplicationSchema: JSONSchemaType<DeathApplication> = {
  type: 'object',
  additionalProperties: false,
  required: ['addresseeNumber', 'deathDate', 'deathPlace', 'familyRegisterNotice'],
  properties: {
    addresseeNumber: { type: 'string', pattern: '^[0-9]{7}$' },
    deathDate: birthDateSchema,
    deathTime: { type: 'string', pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$', nullable: true },
    deathPlace: text(200),
    familyRegisterNotice: {
      type: 'object',
      additionalProperties: false,
      required: ['receivedDate', 'notifierName'],
      properties: {
        receivedDate: isoDateSchema,
        notifierName: text(100),
        notifierCapacity: { ...text(40), nullable: true },
      },
    },
    householdHeadChange: { ...HouseholdHeadChoiceSchema, nullable: true },
  },
};

/** Findings of the 死亡 intake (case flags, shown to the approver). */
export const DeathFlag = {
  /** The deceased is a subject of another open case: not cancelled automatically (the approver decides). */
  OPEN_CASE_OF_DECEASED: 'OPEN_CASE_OF_DECEASED',
  /** The deceased was the 世帯主 and one member remains: made 世帯主 ex officio, 世帯主変更通知書. */
  HEAD_CHANGE_EX_OFFICIO: 'HEAD_CHANGE_EX_OFFICIO',
} as const;

/** The application as stored (仮登録): the household, the 世帯主変更 decided, the open cases found. */
export type StoredDeathApplication = DeathApplication & {
  /** 通知日: the day the 戸籍 side received the 死亡届. */
  notificationDate: string;
  householdNumber: string;
  headChange?: HouseholdHeadChange;
  /** false: the new 世帯主 was named with the notification (two or more remain); true: set ex officio. */
  headChangeExOfficio?: boolean;
  /** Case IDs of the deceased's other open cases (a finding). */
  openCases: string[];
};

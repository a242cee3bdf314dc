import { EncryptedJsonType } from '../encrypted-columns';
import { EntitySchema } from '@mikro-orm/core';
import type { CaseAction } from '../../domain/case-status';

/**
 * The case projection (architecture principle 6): one row per case, written only through the workflows' status
 * helper and the failure-recording interceptor. Work queues and dashboards read this table, never histories.
 * Holds no personal data: subjects are referenced by 宛名番号.
 */
export class CaseRecord {
  caseId!: string;
  /** The procedure code (its definition in src/procedures/<name>/definition.ts). */
  procedure!: string;
  /** A status of the case frame (domain/case-status.ts) or of the procedure's definition. */
  status!: string;
  workflowId!: string;
  enteredBy!: string;
  terminalId?: string;
  assignedTo?: string;
  /** The person whose input the approver confirms (four-eyes): the clerk who entered it, or who reviewed it. */
  makerId?: string;
  /** The role the case waits for ('clerk' | 'approver'), or none when no person has to act. */
  awaitingRole?: string;
  escalated = false;
  /** 来庁予定日 of a held 転出証明書情報 (destination side, for "expected visitors today"). */
  plannedVisitDate?: string;
  /** Last projection revision written by the workflow's status helper (late writes are ignored). */
  revision = 0;
  decidedBy?: string;
  subjectAddresseeNumbers?: string[];
  flags?: string[]; // e.g. LATE_FILING, RE_MOVE_IN, RE_MOVE_IN_ALERT
  needsAttention = false;
  attentionReason?: string;
  failingStep?: string;
  attempt?: number;
  lastError?: string;
  nextRetryAt?: Date;
  dueAt?: Date;
  createdAt: Date = new Date();
  updatedAt: Date = new Date();
  completedAt?: Date;
}

export const CaseRecordSchema = new EntitySchema<CaseRecord>({
  class: CaseRecord,
  tableName: 'case_record',
  properties: {
    caseId: { type: 'string', length: 64, primary: true },
    procedure: { type: 'string', length: 40 },
    status: { type: 'string', length: 40 },
    workflowId: { type: 'string', length: 128 },
    enteredBy: { type: 'string', length: 64 },
    terminalId: { type: 'string', length: 64, nullable: true },
    assignedTo: { type: 'string', length: 64, nullable: true },
    makerId: { type: 'string', length: 64, nullable: true },
    awaitingRole: { type: 'string', length: 20, nullable: true },
    escalated: { type: 'boolean', default: false },
    plannedVisitDate: { type: 'string', length: 10, nullable: true },
    revision: { type: 'integer', default: 0 },
    decidedBy: { type: 'string', length: 64, nullable: true },
    subjectAddresseeNumbers: { type: 'json', nullable: true },
    flags: { type: 'json', nullable: true },
    needsAttention: { type: 'boolean' },
    attentionReason: { type: 'string', length: 64, nullable: true },
    failingStep: { type: 'string', length: 64, nullable: true },
    attempt: { type: 'integer', nullable: true },
    lastError: { type: 'string', length: 500, nullable: true },
    nextRetryAt: { type: 'datetime', nullable: true },
    dueAt: { type: 'datetime', nullable: true },
    createdAt: { type: 'datetime' },
    updatedAt: { type: 'datetime' },
    completedAt: { type: 'datetime', nullable: true },
  },
  indexes: [
    { properties: ['status', 'procedure'] },
    { properties: ['needsAttention'] },
    { properties: ['createdAt'] },
    { properties: ['awaitingRole', 'assignedTo'] },
    { properties: ['plannedVisitDate'] },
  ],
});

/**
 * The application as entered (仮登録). Personal data stays here, in the registry DB, never in workflow payloads;
 * the 個人番号 inside is encrypted. `idempotencyKey` makes a repeated intake return the same case.
 */
export class CaseApplication {
  caseId!: string;
  procedure!: string;
  idempotencyKey!: string;
  payloadHash!: string;
  payload!: Record<string, unknown>;
  createdAt: Date = new Date();
}

export const CaseApplicationSchema = new EntitySchema<CaseApplication>({
  class: CaseApplication,
  tableName: 'case_application',
  properties: {
    caseId: { type: 'string', length: 64, primary: true },
    procedure: { type: 'string', length: 40 },
    idempotencyKey: { type: 'string', length: 128, unique: true },
    payloadHash: { type: 'string', length: 64 },
    // encrypted at rest (src/db/encrypted-columns.ts)
    payload: { type: EncryptedJsonType, columnType: 'json' },
    createdAt: { type: 'datetime' },
  },
});

/**
 * An earlier version of a case's application, kept when the entering clerk corrects a returned case (訂正して再提出):
 * `case_application` holds the current one (what the activities read), each correction first copies the one it
 * replaces here (version 1 = the intake). Encrypted at rest like case_application.
 */
export class CaseApplicationVersion {
  id!: number;
  caseId!: string;
  version!: number;
  payload!: Record<string, unknown>;
  /** Who replaced it, and when. */
  replacedBy!: string;
  replacedAt: Date = new Date();
}

export const CaseApplicationVersionSchema = new EntitySchema<CaseApplicationVersion>({
  class: CaseApplicationVersion,
  tableName: 'case_application_version',
  properties: {
    id: { type: 'integer', primary: true, autoincrement: true },
    caseId: { type: 'string', length: 64 },
    version: { type: 'integer' },
    // encrypted at rest (src/db/encrypted-columns.ts)
    payload: { type: EncryptedJsonType, columnType: 'json' },
    replacedBy: { type: 'string', length: 64 },
    replacedAt: { type: 'datetime' },
  },
  uniques: [{ properties: ['caseId', 'version'] }],
});

/** Append-only log of what happened to a case and who did it (no personal data in `detail`). */
export class CaseActionLog {
  id!: number;
  caseId!: string;
  action!: CaseAction;
  actorId!: string;
  terminalId?: string;
  detail?: Record<string, unknown>;
  at: Date = new Date();
  /** The activity execution that wrote a human step (workflow run + activity ID): a retry writes no second row. */
  stepKey?: string;
}

export const CaseActionLogSchema = new EntitySchema<CaseActionLog>({
  class: CaseActionLog,
  tableName: 'case_action_log',
  properties: {
    id: { type: 'integer', primary: true, autoincrement: true },
    caseId: { type: 'string', length: 64 },
    action: { type: 'string', length: 40 },
    actorId: { type: 'string', length: 64 },
    terminalId: { type: 'string', length: 64, nullable: true },
    detail: { type: 'json', nullable: true },
    at: { type: 'datetime' },
    stepKey: { type: 'string', length: 200, nullable: true, unique: true },
  },
  indexes: [{ properties: ['caseId'] }],
});

/**
 * A text a clerk typed for a human step (差戻し / 却下 / 取消 / escalation / reassignment / retry reason), stored here
 * and referenced by its ID in the Temporal update, so that no free text (which may name a person) reaches the
 * workflow history (README "Security": trusted workflow inputs). The text is encrypted at rest (PiiCrypto).
 */
export class CaseNote {
  id!: string;
  caseId!: string;
  kind!: string;
  text!: string;
  authorId!: string;
  createdAt: Date = new Date();
}

export const CaseNoteSchema = new EntitySchema<CaseNote>({
  class: CaseNote,
  tableName: 'case_note',
  properties: {
    id: { type: 'string', length: 36, primary: true },
    caseId: { type: 'string', length: 64 },
    kind: { type: 'string', length: 40 },
    text: { type: 'text' },
    authorId: { type: 'string', length: 64 },
    createdAt: { type: 'datetime' },
  },
  indexes: [{ properties: ['caseId'] }],
});

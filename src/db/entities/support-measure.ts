import { EntitySchema } from '@mikro-orm/core';
import type {
  MeasureKind,
  MeasureLevel,
  MeasureState,
  PendingAction,
  ProvisionalReason,
} from '../../domain/support-measures';

/** A change waiting for a second user's confirmation (four-eyes, domain.md §8.3). No personal data. */
export interface PendingMeasureChange {
  action: PendingAction;
  by: string;
  at: string; // ISO time
  reason?: string;
}

/**
 * The 支援措置 / 抑止 register (domain.md §8.6): the persons by 宛名番号 (the 支援対象者 first, then the persons who asked
 * for protection with them), the processes and level, the period, the state and the pending change. The applicant
 * and the 加害者 (name, birth date, sex, address) are personal data: only in `personalEnc` (AES-GCM JSON), and every
 * read of it is audited.
 */
export class SupportMeasure {
  measureId!: string;
  kind!: MeasureKind;
  state!: MeasureState;
  provisionalReason?: ProvisionalReason;
  targetAddresseeNumber!: string;
  addresseeNumbers!: string[];
  processes!: string[];
  level!: MeasureLevel;
  startDate!: string;
  endDate?: string;
  personalEnc?: string;
  pending?: PendingMeasureChange;
  enteredBy!: string;
  confirmedBy?: string;
  releasedUntil?: Date;
  releasedBy?: string;
  createdAt: Date = new Date();
  updatedAt: Date = new Date();
}

export const SupportMeasureSchema = new EntitySchema<SupportMeasure>({
  class: SupportMeasure,
  tableName: 'support_measure',
  properties: {
    measureId: { type: 'string', length: 36, primary: true },
    kind: { type: 'string', length: 12 },
    state: { type: 'string', length: 12 },
    provisionalReason: { type: 'string', length: 12, nullable: true },
    targetAddresseeNumber: { type: 'string', length: 16 },
    addresseeNumbers: { type: 'json' },
    processes: { type: 'json' },
    level: { type: 'string', length: 8 },
    startDate: { type: 'string', length: 10 },
    endDate: { type: 'string', length: 10, nullable: true },
    personalEnc: { type: 'text', nullable: true, lazy: true },
    pending: { type: 'json', nullable: true },
    enteredBy: { type: 'string', length: 64 },
    confirmedBy: { type: 'string', length: 64, nullable: true },
    releasedUntil: { type: 'datetime', nullable: true },
    releasedBy: { type: 'string', length: 64, nullable: true },
    createdAt: { type: 'datetime' },
    updatedAt: { type: 'datetime' },
  },
  indexes: [{ properties: ['targetAddresseeNumber'] }, { properties: ['state'] }],
});

/** The history of every change of a measure (insert-only). `detail` holds dates and codes, never personal data. */
export class SupportMeasureEvent {
  id!: number;
  measureId!: string;
  at: Date = new Date();
  actorId!: string;
  action!: string;
  state!: MeasureState;
  detail?: Record<string, unknown>;
}

export const SupportMeasureEventSchema = new EntitySchema<SupportMeasureEvent>({
  class: SupportMeasureEvent,
  tableName: 'support_measure_event',
  properties: {
    id: { type: 'integer', primary: true, autoincrement: true },
    measureId: { type: 'string', length: 36 },
    at: { type: 'datetime' },
    actorId: { type: 'string', length: 64 },
    action: { type: 'string', length: 20 },
    state: { type: 'string', length: 12 },
    detail: { type: 'json', nullable: true },
  },
  indexes: [{ properties: ['measureId'] }],
});

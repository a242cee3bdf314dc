/**
 * 住民票コード supplied by the CS (domain.md §4.7 step 1, standard spec 4.3): the municipality asks for a batch of
 * unused codes and keeps them in its pool (src/db/resident-code-pool.ts). Our JSON contract (the real one is the CS
 * specification's), with the simulator's side: codes of 10 random digits and the check digit of domain.md §7.2
 * (provisional formula), never handed out twice by one simulator; a resend with the same key returns the same batch.
 *
 *  POST /cs/v1/resident-code-batches  ResidentCodeBatchRequest → 201 ResidentCodeBatch | 200 (duplicate) | 400 | 503
 */
import { randomInt } from 'node:crypto';
import type { SchemaObject } from 'ajv';
import { mod11CheckDigit } from '../domain/check-digits';
import { idempotencyKeySchema, municipalityCodeSchema, residentRecordCodeSchema } from './partner-contract';
import { IdempotentInbox, type InboxDump, type SimOutcome } from './sim/idempotency';

export interface ResidentCodeBatchRequest {
  municipalityCode: string;
  idempotencyKey: string;
  count: number;
}

export const ResidentCodeBatchRequestSchema: SchemaObject = {
  type: 'object',
  additionalProperties: false,
  required: ['municipalityCode', 'idempotencyKey', 'count'],
  properties: {
    municipalityCode: municipalityCodeSchema,
    idempotencyKey: idempotencyKeySchema,
    count: { type: 'integer', minimum: 1, maximum: 10000 },
  } satisfies Record<keyof ResidentCodeBatchRequest, SchemaObject>,
};

export interface ResidentCodeBatch {
  batchId: string;
  codes: string[];
  receivedAt: string;
  duplicate: boolean;
}

export const ResidentCodeBatchSchema: SchemaObject = {
  type: 'object',
  additionalProperties: false,
  required: ['batchId', 'codes', 'receivedAt', 'duplicate'],
  properties: {
    batchId: { type: 'string', pattern: '^[A-Za-z0-9._:-]{1,64}$' },
    codes: { type: 'array', maxItems: 10000, items: residentRecordCodeSchema },
    receivedAt: { type: 'string', format: 'date-time' },
    duplicate: { type: 'boolean' },
  } satisfies Record<keyof ResidentCodeBatch, SchemaObject>,
};

/** A 住民票コード with the (provisional) check digit of domain.md §7.2. */
export const residentCodeWithCheckDigit = (body10: string): string => body10 + String(mod11CheckDigit(body10));

/** The simulator's code allocation. */
export class ResidentCodeIssuer {
  readonly batches = new IdempotentInbox<ResidentCodeBatchRequest, ResidentCodeBatch>();
  private readonly issued = new Set<string>();
  private seq = 0;

  constructor(private readonly now: () => Date) {}

  accept(r: ResidentCodeBatchRequest): SimOutcome<ResidentCodeBatch> {
    const dup = this.batches.replay(r.idempotencyKey, r);
    if (dup) return dup;
    const codes: string[] = [];
    while (codes.length < r.count) {
      const code = residentCodeWithCheckDigit(String(randomInt(0, 10 ** 10)).padStart(10, '0'));
      if (this.issued.has(code)) continue;
      this.issued.add(code);
      codes.push(code);
    }
    const batch = { batchId: `RCB-${++this.seq}`, codes, receivedAt: this.now().toISOString(), duplicate: false };
    return this.batches.store(r.idempotencyKey, r, batch);
  }

  dump(): ResidentCodeIssuerDump {
    return { batches: this.batches.dump(), issued: [...this.issued], seq: this.seq };
  }

  load(d: ResidentCodeIssuerDump): void {
    this.batches.load(d.batches);
    this.issued.clear();
    for (const c of d.issued) this.issued.add(c);
    this.seq = d.seq;
  }
}

export interface ResidentCodeIssuerDump {
  batches: InboxDump<ResidentCodeBatchRequest, ResidentCodeBatch>;
  issued: string[];
  seq: number;
}

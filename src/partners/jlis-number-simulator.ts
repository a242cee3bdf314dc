/**
 * The 個人番号 generation side of the J-LIS simulator (domain.md §4.7 step 3.2; I-9) and its 送付先情報 receipt
 * (I-10), mounted by card-agency-simulator.ts. A generation request is acknowledged at once; the number — 11 random
 * digits and the check digit of domain.md §7.1, never handed out twice — is answered ASYNCHRONOUSLY to the city's
 * registered inbound endpoint (`POST {inboundUrl}/individual-numbers`, bearer token), retried until it is accepted.
 *
 * Admin (same token as the messages):
 *   POST /jlis/v1/_admin/routes {municipalityCode, inboundUrl, token}   where answers for a city go
 *   POST /jlis/v1/_admin/answer-faults AnswerFaultsRequest               what happens to the next answers
 *   GET  /jlis/v1/_admin/received?kind=individual-number-requests|delivery-address-info|answers
 * Answer faults (each counts down per answer): `noAnswerNext` (the answer is never sent), `duplicateNext` (sent
 * twice, the same answer ID), `wrongCodeNext` (sent for another 住民票コード; the right answer follows), and
 * `delayMs` before every answer. The request endpoints share the simulator's message faults (fail next N, delay,
 * outage). Logs carry no values from messages.
 */
import { randomInt, randomUUID } from 'node:crypto';
import type { SchemaObject } from 'ajv';
import type express from 'express';
import { compileSchema } from '../domain/ajv';
import { mod11CheckDigit } from '../domain/check-digits';
import type { CardAgencyAck } from './card-agency-messages';
import type {
  DeliveryAddressInfoMessage,
  IndividualNumberAnswerMessage,
  IndividualNumberRequestMessage,
} from './jlis-number-messages';
import { IdempotentInbox, type InboxDump, type Received, type SimOutcome } from './sim/idempotency';
import { sendInvalid, type SimLog } from './sim/server';

export interface AnswerFaultsRequest {
  noAnswerNext?: number;
  duplicateNext?: number;
  wrongCodeNext?: number;
  delayMs?: number;
  clear?: boolean;
}

const count: SchemaObject = { type: 'integer', minimum: 0, maximum: 1000 };
export const AnswerFaultsRequestSchema: SchemaObject = {
  type: 'object',
  additionalProperties: false,
  properties: {
    noAnswerNext: count,
    duplicateNext: count,
    wrongCodeNext: count,
    delayMs: { type: 'integer', minimum: 0, maximum: 600_000 },
    clear: { type: 'boolean' },
  } satisfies Record<keyof AnswerFaultsRequest, SchemaObject>,
};

export interface JlisRoute {
  municipalityCode: string;
  inboundUrl: string;
  token: string;
}
export const JlisRouteSchema: SchemaObject = {
  type: 'object',
  additionalProperties: false,
  required: ['municipalityCode', 'inboundUrl', 'token'],
  properties: {
    municipalityCode: { type: 'string', pattern: '^[0-9]{6}$' },
    inboundUrl: { type: 'string', pattern: '^https?://' },
    token: { type: 'string', minLength: 16, maxLength: 256 },
  } satisfies Record<keyof JlisRoute, SchemaObject>,
};

/** A number with a valid check digit (domain.md §7.1) that this instance has not handed out before. */
export const allocateIndividualNumber = (taken: Set<string>): string => {
  for (;;) {
    const body = String(randomInt(1, 10 ** 11)).padStart(11, '0');
    const n = body + String(mod11CheckDigit(body));
    if (!taken.has(n)) {
      taken.add(n);
      return n;
    }
  }
};

const otherCode = (code: string): string => {
  const body = String((Number(code.slice(0, 10)) + 1) % 10 ** 10).padStart(10, '0');
  return body + String(mod11CheckDigit(body));
};

export class JlisNumberState {
  readonly requests = new IdempotentInbox<IndividualNumberRequestMessage, CardAgencyAck>();
  readonly deliveryAddresses = new IdempotentInbox<DeliveryAddressInfoMessage, CardAgencyAck>();
  /** Answers as sent (or dropped), with the HTTP status the city answered. */
  readonly answers: Array<{ answer: IndividualNumberAnswerMessage; fault?: string; status?: number }> = [];
  readonly routes = new Map<string, JlisRoute>();
  private readonly numbers = new Set<string>();
  private faults = { noAnswerNext: 0, duplicateNext: 0, wrongCodeNext: 0, delayMs: 0 };
  private pending = new Set<Promise<void>>();
  /** Called when an answer's delivery state changed outside a request (the simulator saves its snapshot). */
  onChange: () => void = () => undefined;

  constructor(
    private readonly now: () => Date,
    private readonly log: SimLog,
  ) {}

  setFaults(f: AnswerFaultsRequest) {
    if (f.clear) this.faults = { noAnswerNext: 0, duplicateNext: 0, wrongCodeNext: 0, delayMs: 0 };
    for (const k of ['noAnswerNext', 'duplicateNext', 'wrongCodeNext', 'delayMs'] as const)
      if (f[k] !== undefined) this.faults[k] = f[k];
    return { ...this.faults };
  }

  reset(): void {
    this.requests.clear();
    this.deliveryAddresses.clear();
    this.answers.length = 0;
    this.setFaults({ clear: true });
  }

  acceptRequest(r: IndividualNumberRequestMessage, ack: () => CardAgencyAck): SimOutcome<CardAgencyAck> {
    const dup = this.requests.replay(r.idempotencyKey, r);
    if (dup) return dup;
    const stored = this.requests.store(r.idempotencyKey, r, ack());
    const answer: IndividualNumberAnswerMessage = {
      answerId: `JLIS-ANS-${randomUUID()}`,
      municipalityCode: r.municipalityCode,
      requestKey: r.idempotencyKey,
      residentRecordCode: r.residentRecordCode,
      individualNumber: allocateIndividualNumber(this.numbers),
      generatedAt: this.now().toISOString(),
    };
    const p = this.answer(answer).finally(() => this.pending.delete(p));
    this.pending.add(p);
    return stored;
  }

  acceptDeliveryAddress(m: DeliveryAddressInfoMessage, ack: () => CardAgencyAck): SimOutcome<CardAgencyAck> {
    return (
      this.deliveryAddresses.replay(m.idempotencyKey, m) ?? this.deliveryAddresses.store(m.idempotencyKey, m, ack())
    );
  }

  /** Waits for the answers under way (tests, shutdown). */
  async settled(): Promise<void> {
    while (this.pending.size) await Promise.all([...this.pending]);
  }

  private async answer(a: IndividualNumberAnswerMessage): Promise<void> {
    const f = this.faults;
    if (f.delayMs) await new Promise((r) => setTimeout(r, f.delayMs).unref());
    if (f.noAnswerNext > 0) {
      f.noAnswerNext--;
      this.answers.push({ answer: a, fault: 'noAnswer' });
      return;
    }
    if (f.wrongCodeNext > 0) {
      f.wrongCodeNext--;
      await this.deliver(
        { ...a, answerId: `JLIS-ANS-${randomUUID()}`, residentRecordCode: otherCode(a.residentRecordCode) },
        'wrongCode',
      );
    }
    await this.deliver(a);
    if (f.duplicateNext > 0) {
      f.duplicateNext--;
      await this.deliver(a, 'duplicate');
    }
  }

  /** POSTs one answer to the city, retried (up to ~1 minute) until the city answers 2xx or refuses it (4xx). */
  private async deliver(a: IndividualNumberAnswerMessage, fault?: string): Promise<void> {
    const record = { answer: a, fault, status: undefined as number | undefined };
    this.answers.push(record);
    await this.send(record);
  }

  private async send(record: { answer: IndividualNumberAnswerMessage; status?: number }): Promise<void> {
    const a = record.answer;
    const route = this.routes.get(a.municipalityCode);
    if (!route) return this.log(`answer ${a.answerId}: no route`);
    for (let attempt = 0; attempt < 120; attempt++) {
      try {
        const res = await fetch(`${route.inboundUrl.replace(/\/$/, '')}/individual-numbers`, {
          method: 'POST',
          headers: { authorization: `Bearer ${route.token}`, 'content-type': 'application/json' },
          body: JSON.stringify(a),
        });
        record.status = res.status;
        this.log(`answer ${a.answerId} → ${res.status}`);
        this.onChange();
        if (res.status < 500) return;
      } catch {
        this.log(`answer ${a.answerId} → network error`);
      }
      await new Promise((r) => setTimeout(r, 500).unref());
    }
  }

  /** Everything it remembers, as JSON (sim/state-file.ts); answer faults are not remembered. */
  dump(): JlisNumberDump {
    return {
      requests: this.requests.dump(),
      deliveryAddresses: this.deliveryAddresses.dump(),
      answers: this.answers,
      routes: [...this.routes],
      numbers: [...this.numbers],
    };
  }

  /** Replaces its memory with a dump, then sends again the answers the city has not taken yet. */
  load(d: JlisNumberDump): void {
    this.requests.load(d.requests);
    this.deliveryAddresses.load(d.deliveryAddresses);
    this.answers.length = 0;
    this.answers.push(...d.answers);
    this.routes.clear();
    for (const [k, v] of d.routes) this.routes.set(k, v);
    this.numbers.clear();
    for (const n of d.numbers) this.numbers.add(n);
    for (const record of this.answers)
      if (record.fault !== 'noAnswer' && (record.status === undefined || record.status >= 500)) {
        const p = this.send(record).finally(() => this.pending.delete(p));
        this.pending.add(p);
      }
  }
}

export interface JlisNumberDump {
  requests: InboxDump<IndividualNumberRequestMessage, CardAgencyAck>;
  deliveryAddresses: InboxDump<DeliveryAddressInfoMessage, CardAgencyAck>;
  answers: Array<{ answer: IndividualNumberAnswerMessage; fault?: string; status?: number }>;
  routes: Array<[string, JlisRoute]>;
  numbers: string[];
}

export type JlisReceived = Received<IndividualNumberRequestMessage, CardAgencyAck>;

const validateFaults = compileSchema<AnswerFaultsRequest>(AnswerFaultsRequestSchema);
const validateRoute = compileSchema<JlisRoute>(JlisRouteSchema);

/** The admin routes of the generation side. */
export function mountJlisNumberAdmin(app: express.Express, prefix: string, state: JlisNumberState): void {
  app.post(`${prefix}/_admin/routes`, (req, res) => {
    const v = validateRoute(req.body);
    if (!v.ok) return sendInvalid(res, v.errors);
    state.routes.set(v.value.municipalityCode, v.value);
    res.status(204).end();
  });
  app.post(`${prefix}/_admin/answer-faults`, (req, res) => {
    const v = validateFaults(req.body);
    if (!v.ok) return sendInvalid(res, v.errors);
    res.json(state.setFaults(v.value));
  });
}

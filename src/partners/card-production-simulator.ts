/**
 * The card production side of the J-LIS simulator (domain spec §4.8 steps 2 and 5), mounted by
 * card-agency-simulator.ts: J-LIS makes a card for a 住民票コード and reports it to the city's inbound endpoint
 * (`POST {inboundUrl}/cards-produced`, bearer token) after a delay; its call centre suspends a card
 * (`POST {inboundUrl}/card-suspensions`). Both are sent ASYNCHRONOUSLY, like the 個人番号 answers
 * (jlis-number-simulator.ts), to the route the city registered at `_admin/routes`, retried until the city answers.
 *
 * Admin (same token as the messages):
 *   POST /jlis/v1/_admin/produce-card CardProductionOrder → 202 { cardId, messageId }
 *   POST /jlis/v1/_admin/suspend-card CardSuspensionOrder → 202 { messageId }
 *   POST /jlis/v1/_admin/report-faults ReportFaultsRequest → the faults now
 *   GET  /jlis/v1/_admin/received?kind=card-reports → every report as sent, with the city's HTTP status
 * Report faults (each counts down per report): `noReportNext` (never sent), `duplicateNext` (sent twice, the same
 * message ID), `resendAsNewNext` (sent again under a new message ID: the same card twice), `delayMs` before every
 * report (besides the order's own `delayMs`). Logs carry IDs and statuses only.
 */
import { randomInt, randomUUID } from 'node:crypto';
import type { SchemaObject } from 'ajv';
import type express from 'express';
import { compileSchema } from '../domain/ajv';
import { jstDate } from '../domain/dates';
import type { CardProducedMessage, CardSuspensionMessage } from './card-agency-messages';
import type { JlisRoute } from './jlis-number-simulator';
import { sendInvalid, type SimLog } from './sim/server';

export interface CardProductionOrder {
  municipalityCode: string;
  residentRecordCode: string;
  hasSigningCert?: boolean;
  /** Default: today (Japan time). */
  producedOn?: string;
  /** Wait this long before the report (the card travels to the office). Default 0. */
  delayMs?: number;
  /** Default: a fresh card management number. */
  cardId?: string;
}

export interface CardSuspensionOrder {
  municipalityCode: string;
  cardId: string;
  eventDate?: string;
  delayMs?: number;
}

export interface ReportFaultsRequest {
  noReportNext?: number;
  duplicateNext?: number;
  resendAsNewNext?: number;
  delayMs?: number;
  clear?: boolean;
}

const delay: SchemaObject = { type: 'integer', minimum: 0, maximum: 600_000 };
const count: SchemaObject = { type: 'integer', minimum: 0, maximum: 1000 };
const date: SchemaObject = { type: 'string', pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' };
const municipalityCode: SchemaObject = { type: 'string', pattern: '^[0-9]{6}$' };
const cardId: SchemaObject = { type: 'string', pattern: '^[A-Z0-9]{8,32}$' };

export const CardProductionOrderSchema: SchemaObject = {
  type: 'object',
  additionalProperties: false,
  required: ['municipalityCode', 'residentRecordCode'],
  properties: {
    municipalityCode,
    residentRecordCode: { type: 'string', pattern: '^[0-9]{11}$' },
    hasSigningCert: { type: 'boolean' },
    producedOn: date,
    delayMs: delay,
    cardId,
  } satisfies Record<keyof CardProductionOrder, SchemaObject>,
};

export const CardSuspensionOrderSchema: SchemaObject = {
  type: 'object',
  additionalProperties: false,
  required: ['municipalityCode', 'cardId'],
  properties: { municipalityCode, cardId, eventDate: date, delayMs: delay } satisfies Record<
    keyof CardSuspensionOrder,
    SchemaObject
  >,
};

export const ReportFaultsRequestSchema: SchemaObject = {
  type: 'object',
  additionalProperties: false,
  properties: {
    noReportNext: count,
    duplicateNext: count,
    resendAsNewNext: count,
    delayMs: delay,
    clear: { type: 'boolean' },
  } satisfies Record<keyof ReportFaultsRequest, SchemaObject>,
};

export type CardReport =
  | { kind: 'cards-produced'; message: CardProducedMessage }
  | { kind: 'card-suspensions'; message: CardSuspensionMessage };

/** A 16-character card management number (the real format is not public). */
export const newCardId = (): string =>
  `C${Array.from({ length: 15 }, () => '0123456789ABCDEFGHJKLMNPQRSTUVWXYZ'[randomInt(34)]).join('')}`;

export class CardProductionState {
  /** Reports as sent (or dropped), with the city's HTTP status. */
  readonly reports: Array<{ report: CardReport; fault?: string; status?: number }> = [];
  private faults = { noReportNext: 0, duplicateNext: 0, resendAsNewNext: 0, delayMs: 0 };
  private pending = new Set<Promise<void>>();
  /** Called when a report's delivery state changed outside a request (the simulator saves its snapshot). */
  onChange: () => void = () => undefined;

  constructor(
    private readonly now: () => Date,
    private readonly routes: ReadonlyMap<string, JlisRoute>,
    private readonly log: SimLog,
  ) {}

  setFaults(f: ReportFaultsRequest) {
    if (f.clear) this.faults = { noReportNext: 0, duplicateNext: 0, resendAsNewNext: 0, delayMs: 0 };
    for (const k of ['noReportNext', 'duplicateNext', 'resendAsNewNext', 'delayMs'] as const)
      if (f[k] !== undefined) this.faults[k] = f[k];
    return { ...this.faults };
  }

  reset(): void {
    this.reports.length = 0;
    this.setFaults({ clear: true });
  }

  produce(o: CardProductionOrder): { cardId: string; messageId: string } {
    const message: CardProducedMessage = {
      messageId: `JLIS-CARD-${randomUUID()}`,
      municipalityCode: o.municipalityCode,
      cardId: o.cardId ?? newCardId(),
      residentRecordCode: o.residentRecordCode,
      producedOn: o.producedOn ?? jstDate(this.now()),
      hasSigningCert: o.hasSigningCert ?? true,
    };
    this.track(this.report({ kind: 'cards-produced', message }, o.delayMs ?? 0));
    return { cardId: message.cardId, messageId: message.messageId };
  }

  suspend(o: CardSuspensionOrder): { messageId: string } {
    const message: CardSuspensionMessage = {
      messageId: `JLIS-SUSP-${randomUUID()}`,
      municipalityCode: o.municipalityCode,
      cardId: o.cardId,
      eventDate: o.eventDate ?? jstDate(this.now()),
    };
    this.track(this.report({ kind: 'card-suspensions', message }, o.delayMs ?? 0));
    return { messageId: message.messageId };
  }

  /** Waits for the reports under way (tests, shutdown). */
  async settled(): Promise<void> {
    while (this.pending.size) await Promise.all([...this.pending]);
  }

  private track(p: Promise<void>): void {
    const tracked = p.finally(() => this.pending.delete(tracked));
    this.pending.add(tracked);
  }

  private async report(r: CardReport, delayMs: number): Promise<void> {
    const f = this.faults;
    const wait = delayMs + f.delayMs;
    if (wait) await new Promise((res) => setTimeout(res, wait).unref());
    if (f.noReportNext > 0) {
      f.noReportNext--;
      this.reports.push({ report: r, fault: 'noReport' });
      return;
    }
    await this.deliver(r);
    if (f.duplicateNext > 0) {
      f.duplicateNext--;
      await this.deliver(r, 'duplicate');
    }
    if (f.resendAsNewNext > 0) {
      f.resendAsNewNext--;
      const again = { ...r, message: { ...r.message, messageId: `${r.message.messageId}-R` } } as CardReport;
      await this.deliver(again, 'resendAsNew');
    }
  }

  /** POSTs one report to the city, retried (up to ~1 minute) until the city answers 2xx or refuses it (4xx). */
  private async deliver(r: CardReport, fault?: string): Promise<void> {
    const record = { report: r, fault, status: undefined as number | undefined };
    this.reports.push(record);
    this.onChange();
    await this.send(record);
  }

  private async send(record: { report: CardReport; status?: number }): Promise<void> {
    const r = record.report;
    const route = this.routes.get(r.message.municipalityCode);
    if (!route) return this.log(`${r.kind} ${r.message.messageId}: no route`);
    for (let attempt = 0; attempt < 120; attempt++) {
      try {
        const res = await fetch(`${route.inboundUrl.replace(/\/$/, '')}/${r.kind}`, {
          method: 'POST',
          headers: { authorization: `Bearer ${route.token}`, 'content-type': 'application/json' },
          body: JSON.stringify(r.message),
        });
        record.status = res.status;
        this.log(`${r.kind} ${r.message.messageId} → ${res.status}`);
        this.onChange();
        if (res.status < 500) return;
      } catch {
        this.log(`${r.kind} ${r.message.messageId} → network error`);
      }
      await new Promise((res) => setTimeout(res, 500).unref());
    }
  }

  /** The reports as JSON (sim/state-file.ts); report faults are not remembered. */
  dump(): CardProductionDump {
    return { reports: this.reports };
  }

  /** Replaces the reports with a dump, then sends again the ones the city has not taken yet. */
  load(d: CardProductionDump): void {
    this.reports.length = 0;
    this.reports.push(...d.reports);
    for (const record of this.reports)
      if (record.fault !== 'noReport' && (record.status === undefined || record.status >= 500))
        this.track(this.send(record));
  }
}

export interface CardProductionDump {
  reports: Array<{ report: CardReport; fault?: string; status?: number }>;
}

const validateOrder = compileSchema<CardProductionOrder>(CardProductionOrderSchema);
const validateSuspension = compileSchema<CardSuspensionOrder>(CardSuspensionOrderSchema);
const validateFaults = compileSchema<ReportFaultsRequest>(ReportFaultsRequestSchema);

/** The admin routes of the production side. */
export function mountCardProductionAdmin(app: express.Express, prefix: string, state: CardProductionState): void {
  app.post(`${prefix}/_admin/produce-card`, (req, res) => {
    const v = validateOrder(req.body);
    if (!v.ok) return sendInvalid(res, v.errors);
    res.status(202).json(state.produce(v.value));
  });
  app.post(`${prefix}/_admin/suspend-card`, (req, res) => {
    const v = validateSuspension(req.body);
    if (!v.ok) return sendInvalid(res, v.errors);
    res.status(202).json(state.suspend(v.value));
  });
  app.post(`${prefix}/_admin/report-faults`, (req, res) => {
    const v = validateFaults(req.body);
    if (!v.ok) return sendInvalid(res, v.errors);
    res.json(state.setFaults(v.value));
  });
}

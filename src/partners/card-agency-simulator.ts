/**
 * J-LIS 個人番号カード管理システム simulator: a real HTTP server that speaks the CardAgencyHttpClient contract
 * (card-agency-messages.ts). State is per instance, in memory or kept on disk across restarts with `stateDir`
 * (sim/state-file.ts). Auth, faults, the Idempotency-Key check, admin routes,
 * error bodies and listening are the ones the CS simulator uses (sim/server.ts, sim/idempotency.ts, sim/faults.ts).
 *
 * Message endpoints (bearer token; faults apply here only; Idempotency-Key header required, equal to the body's):
 *   POST /jlis/v1/continued-use  ContinuedUseRequest → 201 ack | 200 ack (duplicate) | 400 | 401 | 409 | 422 | 503
 *   POST /jlis/v1/card-events    CardEvent           → same
 *   POST /jlis/v1/individual-number-requests, POST /jlis/v1/delivery-address-info → jlis-number-simulator.ts (the
 *   number is answered asynchronously to the city's /jlis-inbound; routes and answer faults under _admin)
 *   Card production reports and 一時停止 calls to the city: card-production-simulator.ts (_admin/produce-card,
 *   _admin/suspend-card, _admin/report-faults; received?kind=card-reports)
 * Admin endpoints (same token):
 *   GET  /jlis/v1/_admin/received?kind=continued-use|card-events|card-reports|… → { kind, count, items }
 *   GET  /jlis/v1/_admin/faults · POST /jlis/v1/_admin/faults (FaultsRequest) → FaultsView
 *   POST /jlis/v1/_admin/reset → 204 (clears requests, keys, sequence numbers, faults)
 * GET /jlis/v1/health → { status: 'ok' } (no token).
 *
 * Rules, after the resend check (a resend of an accepted message is always its original ack, even past a deadline):
 *  - 継続利用: "today" (Japan time, injectable clock) later than 転入届 + 90 days (domain.md §4.8 step 6, §10.2:
 *    転入届 2025-04-17 → last day 2025-07-16) → 422 CONTINUED_USE_DEADLINE_PASSED; notificationDate before moveInDate
 *    or later than today → 422 INVALID_MESSAGE naming the field.
 *  - card events: 更新順番号 per (municipality, 住民票コード) must strictly increase → 409 SEQUENCE_OUT_OF_ORDER;
 *    eventDate later than today → 422 INVALID_MESSAGE naming the field.
 * No message, error or log line contains a value from a request: logs get method, path, status and request ID / code.
 */
import { randomUUID } from 'node:crypto';
import type { SchemaObject } from 'ajv';
import type express from 'express';
import { compileSchema, type FieldError } from '../domain/ajv';
import { jstDate } from '../domain/dates';
import { DEFAULT_MOVE_RULES, continuedUseLastDay } from '../domain/move-deadlines';
import {
  CardAgencyErrorCode,
  CardEventSchema,
  ContinuedUseRequestSchema,
  type CardAgencyAck,
  type CardEvent,
  type ContinuedUseRequest,
} from './card-agency-messages';
import {
  DeliveryAddressInfoMessageSchema,
  IndividualNumberRequestMessageSchema,
  type DeliveryAddressInfoMessage,
  type IndividualNumberRequestMessage,
} from './jlis-number-messages';
import { CardProductionState, mountCardProductionAdmin, type CardProductionDump } from './card-production-simulator';
import { JlisNumberState, mountJlisNumberAdmin, type JlisNumberDump } from './jlis-number-simulator';
import { SimFaults } from './sim/faults';
import {
  IdempotentInbox,
  SequenceTracker,
  refuse,
  type InboxDump,
  type Received,
  type SimOutcome,
} from './sim/idempotency';
import { keepStateOnDisk } from './sim/state-file';
import {
  createPartnerApp,
  finishPartnerApp,
  listen,
  messageRoute,
  mountAdminRoutes,
  type MessageRouteOptions,
  type SimLog,
} from './sim/server';

export const CardAgencyMessageKind = {
  CONTINUED_USE: 'continued-use',
  CARD_EVENTS: 'card-events',
  INDIVIDUAL_NUMBER_REQUESTS: 'individual-number-requests',
  DELIVERY_ADDRESS_INFO: 'delivery-address-info',
  ANSWERS: 'answers',
  CARD_REPORTS: 'card-reports',
} as const;
export type CardAgencyMessageKind = (typeof CardAgencyMessageKind)[keyof typeof CardAgencyMessageKind];

/** { requestId, receivedAt, idempotencyKey, body }. */
export type ReceivedRequest<T> = Received<T, CardAgencyAck>;
export type CardAgencyOutcome = SimOutcome<CardAgencyAck>;

export interface CardAgencySimulatorOptions {
  token: string;
  /** Clock (tests): "today" for the rules is its Japan-time date. */
  now?: () => Date;
  /** 継続利用 period in days after the 転入届 (default 90, domain.md §9.3: configurable). */
  continuedUseDays?: number;
  /** One line per answered message call: method, path, status, request ID or error code. Default: silent. */
  log?: SimLog;
  /** Keep the state in `{stateDir}/jlis-simulator.json` across restarts (sim/state-file.ts); default: in memory. */
  stateDir?: string;
}

const notAfterToday = (
  field: string,
): { status: 422; error: { code: string; message: string; errors: FieldError[] } } => {
  const message = `${field} must not be later than today (Japan time)`;
  return {
    status: 422,
    error: { code: CardAgencyErrorCode.INVALID_MESSAGE, message, errors: [{ field, rule: 'notAfterToday', message }] },
  };
};

/** In-memory state of one simulator instance. Inputs are already schema-validated. */
export class CardAgencySimulatorState {
  private readonly inbox = {
    'continued-use': new IdempotentInbox<ContinuedUseRequest, CardAgencyAck>(),
    'card-events': new IdempotentInbox<CardEvent, CardAgencyAck>(),
  };
  readonly received: {
    'continued-use': Array<ReceivedRequest<ContinuedUseRequest>>;
    'card-events': Array<ReceivedRequest<CardEvent>>;
  } = {
    'continued-use': this.inbox['continued-use'].items,
    'card-events': this.inbox['card-events'].items,
  };
  /** Last accepted card-event sequence number by `${municipalityCode}:${residentRecordCode}`. */
  readonly sequences = new SequenceTracker();
  readonly faults: SimFaults;
  /** 個人番号 generation and 送付先情報 (jlis-number-simulator.ts). */
  readonly numbers: JlisNumberState;
  /** Card production reports and 一時停止 calls to the city (card-production-simulator.ts). */
  readonly production: CardProductionState;
  private readonly continuedUseDays: number;

  constructor(
    opts: { continuedUseDays?: number; log?: SimLog } = {},
    private readonly now: () => Date = () => new Date(),
  ) {
    this.continuedUseDays = opts.continuedUseDays ?? DEFAULT_MOVE_RULES.continuedUseDays;
    this.faults = new SimFaults(now);
    this.numbers = new JlisNumberState(now, opts.log ?? (() => undefined));
    this.production = new CardProductionState(now, this.numbers.routes, opts.log ?? (() => undefined));
  }

  receivedOf(kind: CardAgencyMessageKind): readonly unknown[] {
    if (kind === 'individual-number-requests') return this.numbers.requests.items;
    if (kind === 'delivery-address-info') return this.numbers.deliveryAddresses.items;
    if (kind === 'answers') return this.numbers.answers;
    if (kind === 'card-reports') return this.production.reports;
    return this.received[kind];
  }

  acceptNumberRequest(r: IndividualNumberRequestMessage): CardAgencyOutcome {
    return this.numbers.acceptRequest(r, () => this.ack());
  }

  acceptDeliveryAddress(m: DeliveryAddressInfoMessage): CardAgencyOutcome {
    return this.numbers.acceptDeliveryAddress(m, () => this.ack());
  }

  /** What J-LIS remembers, as JSON (sim/state-file.ts): requests, keys, sequence numbers, numbers, answers, reports. */
  snapshot(): unknown {
    return {
      continuedUse: this.inbox['continued-use'].dump(),
      cardEvents: this.inbox['card-events'].dump(),
      sequences: this.sequences.dump(),
      numbers: this.numbers.dump(),
      production: this.production.dump(),
    };
  }

  restore(snapshot: unknown): void {
    const s = snapshot as {
      continuedUse: InboxDump<ContinuedUseRequest, CardAgencyAck>;
      cardEvents: InboxDump<CardEvent, CardAgencyAck>;
      sequences: Array<[string, number]>;
      numbers: JlisNumberDump;
      production: CardProductionDump;
    };
    this.inbox['continued-use'].load(s.continuedUse);
    this.inbox['card-events'].load(s.cardEvents);
    this.sequences.load(s.sequences);
    this.numbers.load(s.numbers);
    this.production.load(s.production);
  }

  reset(): void {
    this.numbers.reset();
    this.production.reset();
    this.inbox['continued-use'].clear();
    this.inbox['card-events'].clear();
    this.sequences.clear();
    this.faults.clear();
  }

  acceptContinuedUse(r: ContinuedUseRequest): CardAgencyOutcome {
    const inbox = this.inbox['continued-use'];
    const dup = inbox.replay(r.idempotencyKey, r);
    if (dup) return dup;
    const today = jstDate(this.now());
    if (r.notificationDate < r.moveInDate) {
      const message = '/notificationDate must not be before /moveInDate';
      return {
        status: 422,
        error: {
          code: CardAgencyErrorCode.INVALID_MESSAGE,
          message,
          errors: [{ field: '/notificationDate', rule: 'notBeforeMoveInDate', message }],
        },
      };
    }
    if (r.notificationDate > today) return notAfterToday('/notificationDate');
    const lastDay = continuedUseLastDay(r.notificationDate, {
      ...DEFAULT_MOVE_RULES,
      continuedUseDays: this.continuedUseDays,
    });
    if (today > lastDay)
      return refuse(
        422,
        CardAgencyErrorCode.CONTINUED_USE_DEADLINE_PASSED,
        `the continued-use period of ${this.continuedUseDays} days after the move-in notification has ended`,
      );
    return inbox.store(r.idempotencyKey, r, this.ack());
  }

  acceptCardEvent(e: CardEvent): CardAgencyOutcome {
    const inbox = this.inbox['card-events'];
    const dup = inbox.replay(e.idempotencyKey, e);
    if (dup) return dup;
    const stream = `${e.municipalityCode}:${e.residentRecordCode}`;
    const outOfOrder = this.sequences.check(stream, e.sequenceNumber);
    if (outOfOrder) return outOfOrder;
    if (e.eventDate > jstDate(this.now())) return notAfterToday('/eventDate');
    const accepted = inbox.store(e.idempotencyKey, e, this.ack());
    this.sequences.commit(stream, e.sequenceNumber);
    return accepted;
  }

  private ack(): CardAgencyAck {
    return { requestId: `JLIS-${randomUUID()}`, receivedAt: this.now().toISOString(), duplicate: false };
  }
}

export interface CardAgencyReceivedQuery {
  kind: CardAgencyMessageKind;
}
export const CardAgencyReceivedQuerySchema: SchemaObject = {
  type: 'object',
  additionalProperties: false,
  required: ['kind'],
  properties: {
    kind: { type: 'string', enum: Object.values(CardAgencyMessageKind) },
  } satisfies Record<keyof CardAgencyReceivedQuery, SchemaObject>,
};

const PREFIX = '/jlis/v1';
const validateContinuedUse = compileSchema<ContinuedUseRequest>(ContinuedUseRequestSchema);
const validateCardEvent = compileSchema<CardEvent>(CardEventSchema);
const validateNumberRequest = compileSchema<IndividualNumberRequestMessage>(IndividualNumberRequestMessageSchema);
const validateDeliveryAddress = compileSchema<DeliveryAddressInfoMessage>(DeliveryAddressInfoMessageSchema);
const validateReceivedQuery = compileSchema<CardAgencyReceivedQuery>(CardAgencyReceivedQuerySchema);

export function createCardAgencySimulator(opts: CardAgencySimulatorOptions): {
  app: express.Express;
  state: CardAgencySimulatorState;
} {
  const log = opts.log ?? (() => undefined);
  const state = new CardAgencySimulatorState({ continuedUseDays: opts.continuedUseDays, log }, opts.now);
  const app = createPartnerApp(PREFIX, opts.token);
  const saved = keepStateOnDisk(app, state, opts.stateDir, 'jlis-simulator', log);
  if (saved) state.numbers.onChange = state.production.onChange = saved;

  const route: MessageRouteOptions<CardAgencyAck> = {
    faults: state.faults,
    unavailable: {
      code: CardAgencyErrorCode.JLIS_UNAVAILABLE,
      message: 'the card management system is temporarily unavailable',
    },
    ackId: (ack) => ack.requestId,
    log,
  };
  app.post(
    `${PREFIX}/continued-use`,
    messageRoute(route, validateContinuedUse, (r) => state.acceptContinuedUse(r)),
  );
  app.post(
    `${PREFIX}/card-events`,
    messageRoute(route, validateCardEvent, (e) => state.acceptCardEvent(e)),
  );

  app.post(
    `${PREFIX}/individual-number-requests`,
    messageRoute(route, validateNumberRequest, (r) => state.acceptNumberRequest(r)),
  );
  app.post(
    `${PREFIX}/delivery-address-info`,
    messageRoute(route, validateDeliveryAddress, (m) => state.acceptDeliveryAddress(m)),
  );
  mountJlisNumberAdmin(app, PREFIX, state.numbers);
  mountCardProductionAdmin(app, PREFIX, state.production);

  mountAdminRoutes(app, PREFIX, {
    faults: state.faults,
    receivedQuery: validateReceivedQuery,
    received: (kind) => state.receivedOf(kind),
    reset: () => state.reset(),
  });
  finishPartnerApp(app, log);
  return { app, state };
}

export interface RunningCardAgencySimulator {
  url: string;
  state: CardAgencySimulatorState;
  close(): Promise<void>;
}

/** Starts the simulator on `host` (default 127.0.0.1) and `port` (default 0 = a free port). */
export async function startCardAgencySimulator(
  opts: CardAgencySimulatorOptions & { port?: number; host?: string },
): Promise<RunningCardAgencySimulator> {
  const { app, state } = createCardAgencySimulator(opts);
  const server = await listen(app, opts);
  return { url: server.url, state, close: () => server.close() };
}

/**
 * CS simulator: a real HTTP server that speaks the CsHttpClient contract (cs-messages.ts, cs-move-messages.ts) and
 * simulates the 市町村CS plus the 都道府県サーバ checks (cs-simulator-state.ts), and the CS network between towns: it
 * routes inter-municipality messages to the addressed town's inbound API. State is per instance, in memory or kept
 * on disk across restarts with `stateDir` (sim/state-file.ts: messages, keys, prefecture view, codes, routes, queues). Auth,
 * faults, the Idempotency-Key check, admin routes, error bodies and listening are shared with the other simulators
 * (sim/server.ts); the store-and-forward queues are sim/forwarder.ts.
 *
 * Message endpoints (bearer token; faults apply here only):
 *   POST /cs/v1/identity-updates       IdentityUpdate          → 201 ack | 200 ack (duplicate) | 400 | 401 | 409 | 422 | 503
 *   POST /cs/v1/move-in-notices        MoveInNotice            → same; forwarded (転入通知, no 特定個人情報)
 *   POST /cs/v1/move-out-certificates  MoveOutCertificateInfo  → same; forwarded (転出証明書情報, carries the 個人番号)
 *   POST /cs/v1/certificate-requests   CertificateInfoRequest  → same; forwarded (送信依頼, no 特定個人情報)
 *   POST /cs/v1/move-out-certificate-withdrawals  MoveOutCertificateWithdrawal → same; forwarded (転出証明書情報の取消)
 *   POST /cs/v1/address-annex-notices  AddressAnnexNotice      → same; forwarded to the 本籍地 (附票記載事項通知)
 *   The Idempotency-Key header is required and must equal body.idempotencyKey. Forwarded kinds: fromMunicipalityCode
 *   = toMunicipalityCode → 422 INVALID_MESSAGE; a sender this CS does not serve → 422 MUNICIPALITY_NOT_SERVED.
 * Forwarding (after the message is stored; a duplicate is not forwarded again):
 *   POST {route.inboundUrl}/{move-in-notices|move-out-certificates|certificate-requests|move-out-certificate-withdrawals|
 *   address-annex-notices} with
 *   `Authorization: Bearer <the sending town's senderToken, else the route token>`, `Idempotency-Key: <message key>`, `content-type: application/json`, body =
 *   the message. 2xx → delivered; network error / timeout / 5xx / 408 / 425 / 429 → retried with backoff
 *   (options.forwarding) until 2xx; any other status → rejected (not retried); no route → undeliverable until one is
 *   registered. One queue per destination: a town receives its messages in the order the CS accepted them.
 * Admin endpoints (same token):
 *   GET  /cs/v1/_admin/received?kind=<kind> → { kind, count, items: ReceivedView[] } (routed kinds: `forward`:
 *        { status: 'pending'|'delivered'|'rejected'|'undeliverable', attempts, lastStatus })
 *   POST /cs/v1/_admin/routes { municipalityCode, inboundUrl, token, senderToken? } → 201 new | 200 replaced, route without token
 *   GET  /cs/v1/_admin/routes → { count, items: [{ municipalityCode, inboundUrl, registeredAt }] } (never tokens)
 *   GET  /cs/v1/_admin/faults · POST /cs/v1/_admin/faults (FaultsRequest) → FaultsView
 *   POST /cs/v1/_admin/reset → 204 (clears messages, keys, prefecture state, faults, routes and forwarding queues)
 *   POST /cs/v1/_admin/registered { residentRecordCodes: string[] } → { registered: n }
 * GET /cs/v1/health → { status: 'ok' } (no token: it reveals nothing).
 *
 * Never logs message bodies (they carry 個人番号) or tokens: the optional logger gets method, path, status and message
 * ID, and per forwarding attempt the path, destination, message ID and status.
 */
import type { SchemaObject } from 'ajv';
import type express from 'express';
import { compileSchema } from '../domain/ajv';
import {
  AddressAnnexNoticeSchema,
  CsErrorCode,
  IdentityUpdateSchema,
  MoveInNoticeSchema,
  type AddressAnnexNotice,
  type CsAck,
  type IdentityUpdate,
  type MoveInNotice,
} from './cs-messages';
import {
  CertificateInfoRequestSchema,
  MoveOutCertificateInfoSchema,
  MoveOutCertificateWithdrawalSchema,
  type CertificateInfoRequest,
  type MoveOutCertificateInfo,
  type MoveOutCertificateWithdrawal,
} from './cs-move-messages';
import { CsMessageKind, CsSimulatorState } from './cs-simulator-state';
import { municipalityCodeSchema } from './partner-contract';
import type { ForwarderOptions } from './sim/forwarder';
import {
  ResidentCodeBatchRequestSchema,
  type ResidentCodeBatch,
  type ResidentCodeBatchRequest,
} from './cs-resident-codes';
import {
  createPartnerApp,
  finishPartnerApp,
  listen,
  messageRoute,
  mountAdminRoutes,
  sendInvalid,
  type MessageRouteOptions,
  type SimLog,
} from './sim/server';
import { keepStateOnDisk } from './sim/state-file';

export interface CsSimulatorOptions {
  token: string;
  /** Municipality codes this CS serves; when given, messages from other senders are refused (422). */
  municipalities?: string[];
  /** Clock (tests). */
  now?: () => Date;
  /** One line per answered message call (method, path, status, message ID) and per forwarding attempt. Default: silent. */
  log?: SimLog;
  /** Retry timing of the forwarding to the towns: backoff 200 ms doubling to 5 s, 10 s per attempt by default. */
  forwarding?: ForwarderOptions;
  /** Keep the state in `{stateDir}/cs-simulator.json` across restarts (sim/state-file.ts); default: in memory. */
  stateDir?: string;
}

/** Body of POST /cs/v1/_admin/routes: where the CS delivers the messages addressed to `municipalityCode`. */
export interface CsRoute {
  municipalityCode: string;
  /** Base URL of the town's inbound API (http or https, no credentials, query or fragment). */
  inboundUrl: string;
  /** Bearer token the town's inbound API accepts (used when the sender has no senderToken). */
  token: string;
  /**
   * The town's own credential: the CS presents it to the other towns when it delivers this town's messages, so each
   * town authenticates the sender (their CS_INBOUND_CREDENTIALS hold its SHA-256).
   */
  senderToken?: string;
}
export const CsRouteSchema: SchemaObject = {
  type: 'object',
  additionalProperties: false,
  required: ['municipalityCode', 'inboundUrl', 'token'],
  properties: {
    municipalityCode: municipalityCodeSchema,
    inboundUrl: { type: 'string', maxLength: 2000, format: 'uri', pattern: '^https?://[^/?#@\\s]+(/[^?#\\s]*)?$' },
    token: { type: 'string', minLength: 1, maxLength: 512, pattern: '^[A-Za-z0-9._~+/-]+=*$' },
    senderToken: { type: 'string', minLength: 16, maxLength: 512, pattern: '^[A-Za-z0-9._~+/-]+=*$' },
  } satisfies Record<keyof CsRoute, SchemaObject>,
};

/** One line of GET /cs/v1/_admin/routes (the token is never shown). */
export interface CsRouteView {
  municipalityCode: string;
  inboundUrl: string;
  registeredAt: string;
}

export interface CsRegisteredSeed {
  residentRecordCodes: string[];
}
export const CsRegisteredSeedSchema: SchemaObject = {
  type: 'object',
  additionalProperties: false,
  required: ['residentRecordCodes'],
  properties: {
    residentRecordCodes: { type: 'array', maxItems: 1_000_000, items: { type: 'string', pattern: '^[0-9]{11}$' } },
  } satisfies Record<keyof CsRegisteredSeed, SchemaObject>,
};

export interface CsReceivedQuery {
  kind: CsMessageKind;
}
export const CsReceivedQuerySchema: SchemaObject = {
  type: 'object',
  additionalProperties: false,
  required: ['kind'],
  properties: { kind: { type: 'string', enum: Object.values(CsMessageKind) } } satisfies Record<
    keyof CsReceivedQuery,
    SchemaObject
  >,
};

const PREFIX = '/cs/v1';
const validateCodeBatch = compileSchema<ResidentCodeBatchRequest>(ResidentCodeBatchRequestSchema);
const validateIdentityUpdate = compileSchema<IdentityUpdate>(IdentityUpdateSchema);
const validateMoveInNotice = compileSchema<MoveInNotice>(MoveInNoticeSchema);
const validateMoveOutCertificateInfo = compileSchema<MoveOutCertificateInfo>(MoveOutCertificateInfoSchema);
const validateCertificateInfoRequest = compileSchema<CertificateInfoRequest>(CertificateInfoRequestSchema);
const validateWithdrawal = compileSchema<MoveOutCertificateWithdrawal>(MoveOutCertificateWithdrawalSchema);
const validateAddressAnnexNotice = compileSchema<AddressAnnexNotice>(AddressAnnexNoticeSchema);
const validateRoute = compileSchema<CsRoute>(CsRouteSchema);
const validateSeed = compileSchema<CsRegisteredSeed>(CsRegisteredSeedSchema);
const validateReceivedQuery = compileSchema<CsReceivedQuery>(CsReceivedQuerySchema);

export function createCsSimulator(opts: CsSimulatorOptions): { app: express.Express; state: CsSimulatorState } {
  const log = opts.log ?? (() => undefined);
  const state = new CsSimulatorState(
    { municipalities: opts.municipalities, forwarding: opts.forwarding, log },
    opts.now,
  );
  const app = createPartnerApp(PREFIX, opts.token);
  const saved = keepStateOnDisk(app, state, opts.stateDir, 'cs-simulator', log);
  if (saved) state.forwarding.onChange = saved;

  const route: MessageRouteOptions<CsAck> = {
    faults: state.faults,
    unavailable: { code: CsErrorCode.CS_UNAVAILABLE, message: 'the CS is temporarily unavailable' },
    ackId: (ack) => ack.messageId,
    log,
  };
  app.post(
    `${PREFIX}/identity-updates`,
    messageRoute(route, validateIdentityUpdate, (u) => state.acceptIdentityUpdate(u)),
  );
  app.post(
    `${PREFIX}/move-in-notices`,
    messageRoute(route, validateMoveInNotice, (n) => state.acceptMoveInNotice(n)),
  );
  app.post(
    `${PREFIX}/move-out-certificates`,
    messageRoute(route, validateMoveOutCertificateInfo, (m) => state.acceptMoveOutCertificateInfo(m)),
  );
  app.post(
    `${PREFIX}/certificate-requests`,
    messageRoute(route, validateCertificateInfoRequest, (m) => state.acceptCertificateInfoRequest(m)),
  );
  app.post(
    `${PREFIX}/move-out-certificate-withdrawals`,
    messageRoute(route, validateWithdrawal, (m) => state.acceptCertificateWithdrawal(m)),
  );
  app.post(
    `${PREFIX}/address-annex-notices`,
    messageRoute(route, validateAddressAnnexNotice, (n) => state.acceptAddressAnnexNotice(n)),
  );

  app.post(
    `${PREFIX}/resident-code-batches`,
    messageRoute<ResidentCodeBatchRequest, ResidentCodeBatch>(
      { ...route, ackId: (b) => b.batchId },
      validateCodeBatch,
      (r) => state.residentCodes.accept(r),
    ),
  );

  mountAdminRoutes(app, PREFIX, {
    faults: state.faults,
    receivedQuery: validateReceivedQuery,
    received: (kind) => state.receivedView(kind),
    reset: () => state.reset(),
  });
  const routeViews = (): CsRouteView[] =>
    state.forwarding
      .routes()
      .map((r) => ({ municipalityCode: r.destination, inboundUrl: r.baseUrl, registeredAt: r.registeredAt }));
  app.get(`${PREFIX}/_admin/routes`, (_req, res) => {
    const items = routeViews();
    res.json({ count: items.length, items });
  });
  app.post(`${PREFIX}/_admin/routes`, (req, res) => {
    const v = validateRoute(req.body);
    if (!v.ok) return sendInvalid(res, v.errors);
    const { municipalityCode, inboundUrl, token, senderToken } = v.value;
    const isNew = state.registerRoute(municipalityCode, inboundUrl, token, senderToken);
    res.status(isNew ? 201 : 200).json(routeViews().find((r) => r.municipalityCode === v.value.municipalityCode));
  });
  app.post(`${PREFIX}/_admin/registered`, (req, res) => {
    const v = validateSeed(req.body);
    if (!v.ok) return sendInvalid(res, v.errors);
    state.seedRegistered(v.value.residentRecordCodes);
    res.json({ registered: v.value.residentRecordCodes.length });
  });

  finishPartnerApp(app, log);
  return { app, state };
}

export interface RunningCsSimulator {
  url: string;
  state: CsSimulatorState;
  close(): Promise<void>;
}

/**
 * Starts the simulator on `host` (default 127.0.0.1) and `port` (default 0 = a free port). `close()` stops the
 * forwarding (timers, requests in flight) and then the server. With createCsSimulator, call `state.close()` yourself.
 */
export async function startCsSimulator(
  opts: CsSimulatorOptions & { port?: number; host?: string },
): Promise<RunningCsSimulator> {
  const { app, state } = createCsSimulator(opts);
  const server = await listen(app, opts).catch((err: unknown) => {
    state.close();
    throw err;
  });
  return {
    url: server.url,
    state,
    close: () => {
      state.close();
      return server.close();
    },
  };
}

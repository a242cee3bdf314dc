/**
 * CS simulator: a real HTTP server that speaks the CsHttpClient contract (cs-messages.ts) and simulates the 市町村CS
 * plus the 都道府県サーバ checks (cs-simulator-state.ts). State is in memory, per instance.
 *
 * Message endpoints (bearer token; faults apply here only):
 *   POST /cs/v1/identity-updates   IdentityUpdate  → 201 ack | 200 ack (duplicate) | 400 | 401 | 409 | 422 | 503
 *   POST /cs/v1/move-in-notices    MoveInNotice    → same
 *   The Idempotency-Key header is required and must equal body.idempotencyKey.
 * Admin endpoints (same token):
 *   GET  /cs/v1/_admin/received?kind=identity-updates|move-in-notices → { kind, count, items: ReceivedMessage[] }
 *   GET  /cs/v1/_admin/faults · POST /cs/v1/_admin/faults (CsFaultsRequest) → CsFaultsView
 *   POST /cs/v1/_admin/reset → 204 (clears messages, keys, prefecture state, faults)
 *   POST /cs/v1/_admin/registered { residentRecordCodes: string[] } → { registered: n }
 * GET /cs/v1/health → { status: 'ok' } (no token: it reveals nothing).
 *
 * Never logs message bodies (they carry 個人番号): the optional logger gets method, path, status and message ID.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SchemaObject } from 'ajv';
import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { compileSchema, type FieldError, type Validator } from '../domain/ajv';
import {
  CsErrorCode,
  IdentityUpdateSchema,
  MoveInNoticeSchema,
  type CsErrorBody,
  type IdentityUpdate,
  type MoveInNotice,
} from './cs-messages';
import { CsFaultsRequestSchema, type CsFaultsRequest } from './cs-simulator-faults';
import { CsMessageKind, CsSimulatorState, type CsOutcome } from './cs-simulator-state';

export interface CsSimulatorOptions {
  token: string;
  /** Municipality codes this CS serves; when given, messages from other senders are refused (422). */
  municipalities?: string[];
  /** Clock (tests). */
  now?: () => Date;
  /** One line per answered message call: method, path, status, message ID. Default: silent. */
  log?: (line: string) => void;
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
  properties: { kind: { type: 'string', enum: Object.values(CsMessageKind) } } satisfies Record<keyof CsReceivedQuery, SchemaObject>,
};

const validateIdentityUpdate = compileSchema<IdentityUpdate>(IdentityUpdateSchema);
const validateMoveInNotice = compileSchema<MoveInNotice>(MoveInNoticeSchema);
const validateFaults = compileSchema<CsFaultsRequest>(CsFaultsRequestSchema);
const validateSeed = compileSchema<CsRegisteredSeed>(CsRegisteredSeedSchema);
const validateReceivedQuery = compileSchema<CsReceivedQuery>(CsReceivedQuerySchema);

const sendError = (res: Response, status: number, code: string, message: string, errors?: FieldError[]): void => {
  const body: CsErrorBody = errors ? { code, message, errors } : { code, message };
  res.status(status).json(body);
};

const invalid = (res: Response, errors: FieldError[]): void =>
  sendError(res, 400, CsErrorCode.INVALID_MESSAGE, 'the message does not match the contract', errors);

const sleep = (ms: number): Promise<void> =>
  new Promise((resolve) => {
    setTimeout(resolve, ms).unref();
  });

const digest = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();

export function createCsSimulator(opts: CsSimulatorOptions): { app: express.Express; state: CsSimulatorState } {
  const state = new CsSimulatorState({ municipalities: opts.municipalities }, opts.now);
  const log = opts.log ?? (() => undefined);
  const expected = digest(`Bearer ${opts.token}`);
  const app = express();
  app.disable('x-powered-by');

  app.get('/cs/v1/health', (_req, res) => {
    res.json({ status: 'ok' });
  });

  app.use('/cs/v1', (req, res, next) => {
    if (timingSafeEqual(digest(req.get('authorization') ?? ''), expected)) return next();
    res.set('WWW-Authenticate', 'Bearer');
    sendError(res, 401, CsErrorCode.UNAUTHORIZED, 'missing or invalid bearer token');
  });
  app.use('/cs/v1', express.json({ limit: '256kb' }));

  const messageRoute =
    <T extends { idempotencyKey: string }>(validate: Validator<T>, accept: (m: T) => CsOutcome): RequestHandler =>
    async (req, res) => {
      const fault = state.faults.take();
      if (fault.delayMs > 0) await sleep(fault.delayMs);
      if (fault.fail) {
        if (fault.retryAfterSec !== undefined) res.set('Retry-After', String(fault.retryAfterSec));
        sendError(res, 503, CsErrorCode.CS_UNAVAILABLE, 'the CS is temporarily unavailable');
        return log(`${req.method} ${req.path} 503`);
      }
      const v = validate(req.body);
      if (!v.ok) return invalid(res, v.errors);
      const header = req.get('idempotency-key');
      if (header !== v.value.idempotencyKey) {
        const rule = header === undefined ? 'required' : 'const';
        const message = `header Idempotency-Key ${header === undefined ? 'is required' : 'must equal /idempotencyKey'}`;
        return invalid(res, [{ field: 'header:Idempotency-Key', rule, message }]);
      }
      const out = accept(v.value);
      if ('ack' in out) {
        res.status(out.status).json(out.ack);
        log(`${req.method} ${req.path} ${out.status} ${out.ack.messageId}${out.ack.duplicate ? ' duplicate' : ''}`);
      } else {
        sendError(res, out.status, out.error.code, out.error.message);
        log(`${req.method} ${req.path} ${out.status} ${out.error.code}`);
      }
    };

  app.post('/cs/v1/identity-updates', messageRoute(validateIdentityUpdate, (u) => state.acceptIdentityUpdate(u)));
  app.post('/cs/v1/move-in-notices', messageRoute(validateMoveInNotice, (n) => state.acceptMoveInNotice(n)));

  app.get('/cs/v1/_admin/received', (req, res) => {
    const q = validateReceivedQuery({ ...req.query });
    if (!q.ok) return invalid(res, q.errors);
    const items = state.received[q.value.kind];
    res.json({ kind: q.value.kind, count: items.length, items });
  });

  app.get('/cs/v1/_admin/faults', (_req, res) => {
    res.json(state.faults.view());
  });

  app.post('/cs/v1/_admin/faults', (req, res) => {
    const v = validateFaults(req.body);
    if (!v.ok) return invalid(res, v.errors);
    const problem = state.faults.apply(v.value);
    if (problem) return invalid(res, [{ field: '/outage/until', rule: 'window', message: problem }]);
    res.json(state.faults.view());
  });

  app.post('/cs/v1/_admin/reset', (_req, res) => {
    state.reset();
    res.status(204).end();
  });

  app.post('/cs/v1/_admin/registered', (req, res) => {
    const v = validateSeed(req.body);
    if (!v.ok) return invalid(res, v.errors);
    state.seedRegistered(v.value.residentRecordCodes);
    res.json({ registered: v.value.residentRecordCodes.length });
  });

  app.use((_req: Request, res: Response) => {
    sendError(res, 404, CsErrorCode.NOT_FOUND, 'no such endpoint');
  });

  // Body-parser errors carry fragments of the body in their message: answer with a fixed text, never err.message.
  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const e = err as { type?: unknown; status?: unknown };
    if (e.type === 'entity.too.large') return sendError(res, 413, CsErrorCode.INVALID_MESSAGE, 'the message is too large');
    if (typeof e.status === 'number' && e.status >= 400 && e.status < 500)
      return sendError(res, 400, CsErrorCode.INVALID_MESSAGE, 'the request body is not valid JSON');
    log('internal error');
    sendError(res, 500, 'INTERNAL_ERROR', 'internal error');
  });

  return { app, state };
}

export interface RunningCsSimulator {
  url: string;
  state: CsSimulatorState;
  close(): Promise<void>;
}

/** Starts the simulator on `host` (default 127.0.0.1) and `port` (default 0 = a free port). */
export async function startCsSimulator(
  opts: CsSimulatorOptions & { port?: number; host?: string },
): Promise<RunningCsSimulator> {
  const { app, state } = createCsSimulator(opts);
  const server = createServer(app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const addr = server.address() as AddressInfo;
  const wildcard = addr.address === '0.0.0.0' || addr.address === '::';
  const host = wildcard ? '127.0.0.1' : addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  return {
    url: `http://${host}:${addr.port}`,
    state,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}

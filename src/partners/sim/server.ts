/**
 * The HTTP side shared by the partner simulators (cs-simulator.ts, card-agency-simulator.ts): one express app per
 * instance under a prefix such as `/cs/v1` or `/jlis/v1`, with
 *   GET  {prefix}/health                      → { status: 'ok' } (no token: it reveals nothing)
 *   everything else under {prefix}            → bearer token (401 UNAUTHORIZED), JSON bodies up to 256 kB
 *   message routes (messageRoute)             → faults, schema (400), Idempotency-Key header = body key (400),
 *                                               then the simulator's rules (SimOutcome)
 *   GET  {prefix}/_admin/received?kind=…      → { kind, count, items }
 *   GET  {prefix}/_admin/faults · POST (FaultsRequest) → FaultsView
 *   POST {prefix}/_admin/reset                → 204
 *   unknown path → 404 NOT_FOUND; malformed JSON → 400 INVALID_MESSAGE; too large → 413; anything else → 500
 * Every error body has the shared shape (partner-contract.ts) and never echoes request values. The optional logger
 * gets method, path, status and ack ID or error code, never a body.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { compileSchema, type FieldError, type Validator } from '../../domain/ajv';
import { CommonErrorCode, type PartnerErrorBody } from '../partner-contract';
import { FaultsRequestSchema, type FaultsRequest, type SimFaults } from './faults';
import type { SimOutcome } from './idempotency';

export type SimLog = (line: string) => void;

const validateFaults = compileSchema<FaultsRequest>(FaultsRequestSchema);

export const sendError = (
  res: Response,
  status: number,
  code: string,
  message: string,
  errors?: FieldError[],
): void => {
  const body: PartnerErrorBody = errors ? { code, message, errors } : { code, message };
  res.status(status).json(body);
};

/** 400 INVALID_MESSAGE naming the offending fields. */
export const sendInvalid = (res: Response, errors: FieldError[]): void =>
  sendError(res, 400, CommonErrorCode.INVALID_MESSAGE, 'the message does not match the contract', errors);

const sleep = (ms: number): Promise<void> =>
  new Promise((resolve) => {
    setTimeout(resolve, ms).unref();
  });

const digest = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();

/** A new app: health without a token, then bearer auth and the JSON body parser for everything under `prefix`. */
export function createPartnerApp(prefix: string, token: string): express.Express {
  const expected = digest(`Bearer ${token}`);
  const app = express();
  app.disable('x-powered-by');
  app.get(`${prefix}/health`, (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.use(prefix, (req, res, next) => {
    if (timingSafeEqual(digest(req.get('authorization') ?? ''), expected)) return next();
    res.set('WWW-Authenticate', 'Bearer');
    sendError(res, 401, CommonErrorCode.UNAUTHORIZED, 'missing or invalid bearer token');
  });
  app.use(prefix, express.json({ limit: '256kb' }));
  return app;
}

export interface MessageRouteOptions<A> {
  faults: SimFaults;
  /** 503 body, e.g. CS_UNAVAILABLE / 'the CS is temporarily unavailable'. */
  unavailable: { code: string; message: string };
  /** The ack's ID for the log line. */
  ackId: (ack: A) => string;
  log: SimLog;
}

/** A message endpoint: fault → schema → Idempotency-Key header → `accept` (the simulator's rules). */
export const messageRoute =
  <T extends { idempotencyKey: string }, A extends { duplicate: boolean }>(
    opts: MessageRouteOptions<A>,
    validate: Validator<T>,
    accept: (m: T) => SimOutcome<A>,
  ): RequestHandler =>
  async (req, res) => {
    const fault = opts.faults.take();
    if (fault.delayMs > 0) await sleep(fault.delayMs);
    if (fault.fail) {
      if (fault.retryAfterSec !== undefined) res.set('Retry-After', String(fault.retryAfterSec));
      sendError(res, 503, opts.unavailable.code, opts.unavailable.message);
      return opts.log(`${req.method} ${req.path} 503`);
    }
    const v = validate(req.body);
    if (!v.ok) return sendInvalid(res, v.errors);
    const header = req.get('idempotency-key');
    if (header !== v.value.idempotencyKey) {
      const rule = header === undefined ? 'required' : 'const';
      const message = `header Idempotency-Key ${header === undefined ? 'is required' : 'must equal /idempotencyKey'}`;
      return sendInvalid(res, [{ field: 'header:Idempotency-Key', rule, message }]);
    }
    const out = accept(v.value);
    if ('ack' in out) {
      res.status(out.status).json(out.ack);
      opts.log(
        `${req.method} ${req.path} ${out.status} ${opts.ackId(out.ack)}${out.ack.duplicate ? ' duplicate' : ''}`,
      );
    } else {
      sendError(res, out.status, out.error.code, out.error.message, out.error.errors);
      opts.log(`${req.method} ${req.path} ${out.status} ${out.error.code}`);
    }
  };

export interface AdminRoutesOptions<K extends string> {
  faults: SimFaults;
  /** Validates the query of `_admin/received` ({ kind }). */
  receivedQuery: Validator<{ kind: K }>;
  received: (kind: K) => readonly unknown[];
  reset: () => void;
}

/** `_admin/received`, `_admin/faults` (GET, POST) and `_admin/reset` under `prefix`. */
export function mountAdminRoutes<K extends string>(
  app: express.Express,
  prefix: string,
  opts: AdminRoutesOptions<K>,
): void {
  app.get(`${prefix}/_admin/received`, (req, res) => {
    const q = opts.receivedQuery({ ...req.query });
    if (!q.ok) return sendInvalid(res, q.errors);
    const items = opts.received(q.value.kind);
    res.json({ kind: q.value.kind, count: items.length, items });
  });
  app.get(`${prefix}/_admin/faults`, (_req, res) => {
    res.json(opts.faults.view());
  });
  app.post(`${prefix}/_admin/faults`, (req, res) => {
    const v = validateFaults(req.body);
    if (!v.ok) return sendInvalid(res, v.errors);
    const problem = opts.faults.apply(v.value);
    if (problem) return sendInvalid(res, [{ field: '/outage/until', rule: 'window', message: problem }]);
    res.json(opts.faults.view());
  });
  app.post(`${prefix}/_admin/reset`, (_req, res) => {
    opts.reset();
    res.status(204).end();
  });
}

/** The 404 and error handlers; mount last. */
export function finishPartnerApp(app: express.Express, log: SimLog): void {
  app.use((_req: Request, res: Response) => {
    sendError(res, 404, CommonErrorCode.NOT_FOUND, 'no such endpoint');
  });
  // Body-parser errors carry fragments of the body in their message: answer with a fixed text, never err.message.
  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const e = err as { type?: unknown; status?: unknown };
    if (e.type === 'entity.too.large')
      return sendError(res, 413, CommonErrorCode.INVALID_MESSAGE, 'the message is too large');
    if (typeof e.status === 'number' && e.status >= 400 && e.status < 500)
      return sendError(res, 400, CommonErrorCode.INVALID_MESSAGE, 'the request body is not valid JSON');
    log('internal error');
    sendError(res, 500, 'INTERNAL_ERROR', 'internal error');
  });
}

export interface ListeningServer {
  url: string;
  close(): Promise<void>;
}

/** Listens on `host` (default 127.0.0.1) and `port` (default 0 = a free port); the URL names the bound port. */
export async function listen(
  app: express.Express,
  opts: { port?: number; host?: string } = {},
): Promise<ListeningServer> {
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
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}

/** Port from an environment variable (undefined → `fallback`; 0 = a free port). Throws a message naming the variable. */
export const portFromEnv = (name: string, fallback: number): number => {
  const port = Number(process.env[name] ?? String(fallback));
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`${name} must be a port number`);
  return port;
};

/** Closes the simulator on SIGINT / SIGTERM and exits (0 after a clean close). */
export const exitOnSignals = (close: () => Promise<void>): void => {
  const stop = (): void => {
    close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
};

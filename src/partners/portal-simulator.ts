/**
 * マイナポータル simulator: a real HTTP server playing the national portal for the online 転出 (domain.md §2.2 I-1,
 * I-2, §4.4). It submits signed applications to a municipality's intake (contract: portal-simulator-intake.ts) in
 * the good and bad variants of portal-simulator-scenarios.ts, with certificates from its own test PKI
 * (sim/test-pki.ts), and receives the municipality's notices (contract: portal-messages.ts). State is per instance
 * (portal-simulator-state.ts), in memory or kept on disk across restarts with `stateDir` (sim/state-file.ts). Auth, faults, the Idempotency-Key check, admin routes, error bodies and
 * listening are shared with the CS and J-LIS simulators (sim/server.ts).
 *
 * Message endpoint (bearer token; faults apply here only; Idempotency-Key header required, equal to the body's):
 *   POST /portal-sim/v1/notices  PortalNotice → 201 { noticeId, duplicate: false } | 200 (same noticeId, duplicate:
 *        true) | 400 | 401 | 409 IDEMPOTENCY_KEY_REUSED | 503 PORTAL_UNAVAILABLE
 * Admin endpoints (same token):
 *   GET  /portal-sim/v1/_admin/trust → { anchors, intermediates, revokedSerials } (PEMs, hex serials)
 *   POST /portal-sim/v1/_admin/municipalities { municipalityCode, intakeBaseUrl, keyId, key (base64, ≥ 32 bytes) }
 *        → 201 new | 200 replaced, the registration without the key; GET → { count, items } (never keys)
 *   POST /portal-sim/v1/_admin/applications { municipalityCode, scenario, applicationId?, content }
 *        → 200 { applicationId, scenario, sent: { status, body }, replay?: { status, body } } | 400 | 422
 *        MUNICIPALITY_NOT_REGISTERED | 502 MUNICIPALITY_UNREACHABLE
 *   POST /portal-sim/v1/_admin/applications/{applicationId}/resend → 200 { status, body } | 404 UNKNOWN_APPLICATION |
 *        502 MUNICIPALITY_UNREACHABLE (the same body again in a newly signed request, as after a lost answer)
 *   POST /portal-sim/v1/_admin/applications/{applicationId}/cancel → 200 { status, body } | 404 UNKNOWN_APPLICATION
 *   GET  /portal-sim/v1/_admin/received?kind=notices → { kind, count, items: [{ noticeId, idempotencyKey, body }] }
 *   GET  /portal-sim/v1/_admin/faults · POST (FaultsRequest) → FaultsView
 *   POST /portal-sim/v1/_admin/reset → 204 (notices, keys, faults, applications, municipalities; the PKI stays)
 * GET /portal-sim/v1/health → { status: 'ok' } (no token).
 *
 * Logs method, path, status and IDs only: never a body, a key, a token or personal data.
 */
import type { SchemaObject } from 'ajv';
import type express from 'express';
import type { Request, Response } from 'express';
import { compileSchema } from '../domain/ajv';
import { OnlineMoveOutEnvelopeSchema } from '../procedures/online-move-out/schema';
import { PortalErrorCode, PortalNoticeSchema, type PortalAck, type PortalNotice } from './portal-messages';
import { PortalSimulatorError, type IntakeAnswer, type PortalMunicipality } from './portal-simulator-intake';
import {
  PortalSimulatorState,
  type PortalApplicationRequest,
  type PortalSubmission,
  type PortalTrust,
  type ReceivedNotice,
} from './portal-simulator-state';
import {
  createPartnerApp,
  finishPartnerApp,
  listen,
  messageRoute,
  mountAdminRoutes,
  sendError,
  sendInvalid,
  type SimLog,
} from './sim/server';
import { exportTestCa, getTestCa, importTestCa, type TestCa, type TestCaDump } from './sim/test-pki';
import { SimStateFile, keepStateOnDisk } from './sim/state-file';

export { PortalScenario } from './portal-simulator-scenarios';
export type { IntakeAnswer, PortalMunicipality } from './portal-simulator-intake';
export type {
  PortalApplicationRequest,
  PortalMunicipalityView,
  PortalSubmission,
  PortalTrust,
  ReceivedNotice,
} from './portal-simulator-state';

export const PORTAL_SIM_PREFIX = '/portal-sim/v1';

export interface PortalSimulatorOptions {
  token: string;
  /** Clock (tests): request timestamps, certificate validity windows, application IDs. */
  now?: () => Date;
  /** One line per answered call and per submission: method, path, status, IDs. Default: silent. */
  log?: SimLog;
  /**
   * Keep the state (`portal-simulator.json`) and the test PKI (`portal-simulator-pki.json`, so the trust anchors stay
   * the same) in this directory across restarts (sim/state-file.ts); default: in memory.
   */
  stateDir?: string;
}

export const PortalReceivedKind = { NOTICES: 'notices' } as const;
export type PortalReceivedKind = (typeof PortalReceivedKind)[keyof typeof PortalReceivedKind];
export interface PortalReceivedQuery {
  kind: PortalReceivedKind;
}
export const PortalReceivedQuerySchema: SchemaObject = {
  type: 'object',
  additionalProperties: false,
  required: ['kind'],
  properties: { kind: { type: 'string', enum: Object.values(PortalReceivedKind) } } satisfies Record<
    keyof PortalReceivedQuery,
    SchemaObject
  >,
};

const validateNotice = compileSchema<PortalNotice>(PortalNoticeSchema);
const validateReceivedQuery = compileSchema<PortalReceivedQuery>(PortalReceivedQuerySchema);
const APPLICATION_ID = new RegExp(OnlineMoveOutEnvelopeSchema.properties.applicationId.pattern);

/** Runs an admin action and answers its result, or the simulator's refusal as a partner error body. */
const adminRoute =
  <R>(log: SimLog, action: (req: Request) => Promise<{ status: number; body: R }> | { status: number; body: R }) =>
  async (req: Request, res: Response): Promise<void> => {
    try {
      const out = await action(req);
      res.status(out.status).json(out.body);
      log(`${req.method} ${req.path} ${out.status}`);
    } catch (err) {
      if (!(err instanceof PortalSimulatorError)) throw err;
      sendError(res, err.status, err.code, err.message, err.errors);
      log(`${req.method} ${req.path} ${err.status} ${err.code}`);
    }
  };

export function createPortalSimulator(opts: PortalSimulatorOptions & { ca: TestCa }): {
  app: express.Express;
  state: PortalSimulatorState;
} {
  const log = opts.log ?? (() => undefined);
  const state = new PortalSimulatorState(opts.ca, opts.now, log);
  const app = createPartnerApp(PORTAL_SIM_PREFIX, opts.token);
  keepStateOnDisk(app, state, opts.stateDir, 'portal-simulator', log);
  const p = PORTAL_SIM_PREFIX;

  const unavailable = { code: PortalErrorCode.PORTAL_UNAVAILABLE, message: 'the portal is temporarily unavailable' };
  const route = { faults: state.faults, unavailable, ackId: (ack: PortalAck) => ack.noticeId, log };
  app.post(
    `${p}/notices`,
    messageRoute(route, validateNotice, (n) => state.acceptNotice(n)),
  );

  mountAdminRoutes(app, p, {
    faults: state.faults,
    receivedQuery: validateReceivedQuery,
    received: () => state.received(),
    reset: () => state.reset(),
  });
  app.get(`${p}/_admin/trust`, (_req, res) => {
    res.json(state.trust());
  });
  app.get(`${p}/_admin/municipalities`, (_req, res) => {
    const items = state.municipalityViews();
    res.json({ count: items.length, items });
  });
  app.post(
    `${p}/_admin/municipalities`,
    adminRoute(log, (req) => {
      const isNew = state.registerMunicipalityRequest(req.body);
      const code = (req.body as { municipalityCode: string }).municipalityCode;
      return { status: isNew ? 201 : 200, body: state.municipalityViews().find((m) => m.municipalityCode === code) };
    }),
  );
  app.post(
    `${p}/_admin/applications`,
    adminRoute(log, async (req) => ({ status: 200, body: await state.submit(req.body) })),
  );
  for (const action of ['resend', 'cancel'] as const)
    app.post(`${p}/_admin/applications/:applicationId/${action}`, async (req, res) => {
      const id = String(req.params.applicationId);
      const message = 'path:applicationId does not match the required pattern';
      if (!APPLICATION_ID.test(id))
        return sendInvalid(res, [{ field: 'path:applicationId', rule: 'pattern', message }]);
      await adminRoute(log, async () => ({ status: 200, body: await state[action](id) }))(req, res);
    });

  finishPartnerApp(app, log);
  return { app, state };
}

export interface RunningPortalSimulator {
  url: string;
  /** Trust configuration for the municipality's verifySignedApplication (add `at`). */
  trust(): PortalTrust;
  /** Where and how to submit to a municipality (replaces an earlier registration of the same code). */
  registerMunicipality(m: PortalMunicipality): void;
  /** Builds, signs and submits an application in the given scenario; throws PortalSimulatorError on refusal. */
  submit(req: PortalApplicationRequest): Promise<PortalSubmission>;
  /** Sends an application this simulator submitted again (same body, new request signature). */
  resend(applicationId: string): Promise<IntakeAnswer>;
  /** Sends the signed cancellation of an application this simulator submitted. */
  cancel(applicationId: string): Promise<IntakeAnswer>;
  /** Notices received, in arrival order. */
  received(): readonly ReceivedNotice[];
  state: PortalSimulatorState;
  close(): Promise<void>;
}

/** The PKI kept in the state directory (made and written on the first start), else the process-wide one. */
async function testCaFor(stateDir: string | undefined): Promise<TestCa> {
  if (!stateDir) return getTestCa();
  const file = new SimStateFile(stateDir, 'portal-simulator-pki');
  const saved = file.load() as TestCaDump | undefined;
  if (saved) return importTestCa(saved);
  const ca = await getTestCa();
  file.save(await exportTestCa(ca));
  return ca;
}

/** Starts the simulator on `host` (default 127.0.0.1) and `port` (default 0 = a free port); generates the test PKI first. */
export async function startPortalSimulator(
  opts: PortalSimulatorOptions & { port?: number; host?: string },
): Promise<RunningPortalSimulator> {
  const { app, state } = createPortalSimulator({ ...opts, ca: await testCaFor(opts.stateDir) });
  const server = await listen(app, opts);
  return {
    url: server.url,
    trust: () => state.trust(),
    registerMunicipality: (m) => {
      state.registerMunicipality(m);
    },
    submit: (req) => state.submit(req),
    resend: (id) => state.resend(id),
    cancel: (id) => state.cancel(id),
    received: () => state.received(),
    state,
    close: () => server.close(),
  };
}

import express, { type NextFunction, type Request, type Response } from 'express';
import { logger } from '../observability/log';
import { keyBytes } from '../config';
import type { ApiDeps } from './api-deps';
import { adminRouter } from './admin-router';
import { authenticate, login, logout, staffOf } from './auth';
import { casesRouter } from './cases-router';
import { certificatesRouter } from './certificates-router';
import { csInboundRouter } from './cs-inbound-router';
import { jlisInboundRouter } from './jlis-inbound-router';
import { ApiError } from './errors';
import { openApiDocument } from './openapi';
import { createApiServices } from './services';
import { installerEnrolmentRouter, staffAuthRouter } from './staff-auth-router';
import { referenceRouter } from './reference-router';
import { metricsRouter, requestIdOf, requestLog } from './request-log';
import { supportMeasuresRouter } from './support-measures-router';
import { loginOptions } from './webauthn';
import { webRouter } from './web/web-router';
import { cardService, cardsRouter } from '../procedures/card-issuance/service';

export type { ApiDeps } from './api-deps';

const errorLog = logger('api');

/** The HTTP API (architecture: src/api). JSON only; every route but health, OpenAPI and login needs a session. */
export function createApiApp(deps: ApiDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  // production: the session cookie is `Secure` whatever the request looked like (auth.ts `secureCookie`)
  app.locals.secureCookies = deps.config.production;
  app.use(requestLog); // X-Request-Id and one access log line per request (README "Operations: Logs")
  app.use(metricsRouter(deps)); // GET /metrics for Prometheus, outside the staff login (token or loopback)
  app.use((_req, res, next) => {
    // every answer — JSON, PDFs, pages, partner endpoints, errors — is no-store, typed (nosniff) and HTTPS-only (HSTS)
    res.set({
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
      'Strict-Transport-Security': 'max-age=63072000; includeSubDomains',
    });
    next();
  });
  const services = createApiServices(deps);
  const mounts = deps.procedures.modules.flatMap((m) => m.mounts ?? []);
  // partners' requests verified over their raw bytes (the portal's signature) come before the JSON parser
  for (const m of mounts.filter((x) => x.rawBody)) app.use(m.path, m.router(deps));
  // the CS's deliveries: the sender's credential is checked before the body is parsed (cs-inbound-router.ts)
  app.use('/cs-inbound/v1', csInboundRouter(deps));
  app.use('/jlis-inbound/v1', jlisInboundRouter(deps));
  app.use(express.json({ limit: '64kb' }));
  for (const m of mounts.filter((x) => !x.rawBody)) app.use(m.path, m.router(deps));

  app.get('/api/health', async (_req, res) => {
    const checks: Record<string, boolean> = {};
    // a query, not isConnected(): a process that has not queried yet (no migrations at start) is not connected yet
    checks.database = await deps.orm.em
      .fork()
      .getConnection()
      .execute('select 1')
      .then(
        () => true,
        () => false,
      );
    checks.temporal = await deps.temporal.connection.workflowService.getSystemInfo({}).then(
      () => true,
      () => false,
    );
    const ok = Object.values(checks).every(Boolean);
    res.status(ok ? 200 : 503).json({ status: ok ? 'ok' : 'degraded', checks });
  });
  const openapi = openApiDocument(deps.procedures);
  app.get('/api/openapi.json', (_req, res) => res.json(openapi));

  app.post('/api/auth/webauthn/options', async (req, res) => {
    const b = (req.body ?? {}) as Record<string, unknown>;
    const id = (v: unknown) => (typeof v === 'string' && v.length > 0 && v.length <= 64 ? v : undefined);
    const secret = keyBytes(deps.config.keys.piiIndex);
    res.json(
      await loginOptions(deps.orm, deps.config.staffAuth, secret, {
        userId: id(b.userId),
        terminalId: id(b.terminalId),
      }),
    );
  });
  app.post('/api/auth/login', async (req, res) => res.json(await login(deps, req.body, req.ip)));
  app.use('/api/auth/enrolment', installerEnrolmentRouter(deps));
  app.use('/api', authenticate(deps.orm));
  app.post('/api/auth/logout', async (req, res) => {
    await logout(deps.orm, staffOf(res), res.locals.token as string);
    res.status(204).end();
  });
  app.get('/api/me', (_req, res) => res.json(staffOf(res)));
  app.post('/api/auth/password', async (req, res) => {
    await services.staffAdmin.changeOwnPassword(staffOf(res), res.locals.token as string, req.body);
    res.status(204).end();
  });
  app.use('/api/admin', adminRouter(services.staffAdmin));
  app.use('/api/cases', casesRouter(services, deps.procedures));
  app.use('/api/certificates', certificatesRouter(services));
  app.use('/api/support-measures', supportMeasuresRouter(services.supportMeasures));
  app.use('/api/staff-auth', staffAuthRouter(services.staffAuth));
  app.use('/api/cards', cardsRouter(cardService(deps)));
  app.use('/api/reference', referenceRouter(deps.orm));

  app.use(webRouter({ ...deps, services }));
  app.use('/api', (_req, _res, next) => next(new ApiError(404, 'NOT_FOUND', 'そのような API はありません')));
  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    if (err instanceof ApiError) return void res.status(err.status).json(err.toBody());
    const e = err as { type?: string; status?: number };
    if (e.type === 'entity.parse.failed')
      return void res.status(400).json({ error: 'MALFORMED_JSON', message: 'JSON の形式が正しくありません' });
    if (e.type === 'entity.too.large')
      return void res.status(413).json({ error: 'PAYLOAD_TOO_LARGE', message: '送信データが大きすぎます' });
    // internal error messages may quote data (e.g. a DB constraint with a value): log the error class only
    errorLog.error({ reqId: requestIdOf(res), method: req.method, err }, 'unexpected error');
    res.status(500).json({ error: 'INTERNAL', message: 'システムエラーが発生しました' });
  });
  return app;
}

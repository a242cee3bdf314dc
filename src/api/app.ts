import type { MikroORM } from '@mikro-orm/core';
import type { Client } from '@temporalio/client';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { AppConfig } from '../config';
import type { PiiCrypto } from '../db/pii-crypto';
import { authenticate, login, logout, staffOf } from './auth';
import { casesRouter } from './cases-router';
import { certificatesRouter } from './certificates-router';
import { csInboundRouter } from './cs-inbound-router';
import { ApiError } from './errors';
import { openApiDocument } from './openapi';
import { portalRouter } from './portal-router';
import type { PortalTrustSource } from './portal-trust';
import { webRouter } from './web/web-router';

export interface ApiDeps {
  orm: MikroORM;
  pii: PiiCrypto;
  temporal: Client;
  config: AppConfig;
  /** Trust anchors, intermediates and revocation list for the マイナポータル signatures (file-based in production). */
  portalTrust: PortalTrustSource;
}

/** The HTTP API (architecture: src/api). JSON only; every route but health, OpenAPI and login needs a session. */
export function createApiApp(deps: ApiDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.use((_req, res, next) => {
    res.set('Cache-Control', 'no-store');
    next();
  });
  // the portal's requests are verified over their raw bytes: mounted before the JSON parser
  app.use('/portal/v1', portalRouter(deps));
  app.use(express.json({ limit: '64kb' }));

  app.get('/api/health', async (_req, res) => {
    const checks: Record<string, boolean> = {};
    checks.database = await deps.orm.em
      .fork()
      .getConnection()
      .isConnected()
      .catch(() => false);
    checks.temporal = await deps.temporal.connection.workflowService.getSystemInfo({}).then(
      () => true,
      () => false,
    );
    const ok = Object.values(checks).every(Boolean);
    res.status(ok ? 200 : 503).json({ status: ok ? 'ok' : 'degraded', checks });
  });
  app.get('/api/openapi.json', (_req, res) => res.json(openApiDocument));

  app.use('/cs-inbound/v1', csInboundRouter(deps));
  app.post('/api/auth/login', async (req, res) => res.json(await login(deps.orm, req.body, req.ip)));
  app.use('/api', authenticate(deps.orm));
  app.post('/api/auth/logout', async (req, res) => {
    await logout(deps.orm, staffOf(res), res.locals.token as string);
    res.status(204).end();
  });
  app.get('/api/me', (_req, res) => res.json(staffOf(res)));
  app.use('/api/cases', casesRouter(deps));
  app.use('/api/certificates', certificatesRouter(deps.orm, deps.temporal, deps.config.taskQueue, deps.config));

  app.use(webRouter(deps));
  app.use('/api', (_req, _res, next) => next(new ApiError(404, 'NOT_FOUND', 'そのような API はありません')));
  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    if (err instanceof ApiError) return void res.status(err.status).json(err.toBody());
    const e = err as { type?: string; status?: number };
    if (e.type === 'entity.parse.failed')
      return void res.status(400).json({ error: 'MALFORMED_JSON', message: 'JSON の形式が正しくありません' });
    if (e.type === 'entity.too.large')
      return void res.status(413).json({ error: 'PAYLOAD_TOO_LARGE', message: '送信データが大きすぎます' });
    // internal error messages may quote data (e.g. a DB constraint with a value): log the error class only
    console.error('[api] unexpected error:', err instanceof Error ? err.name : typeof err);
    res.status(500).json({ error: 'INTERNAL', message: 'システムエラーが発生しました' });
  });
  return app;
}

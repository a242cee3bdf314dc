import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { Router } from 'express';
import { Registry } from 'prom-client';
import type { ApiDeps } from './api-deps';
import { logger } from '../observability/log';
import { metricsAllowed, metricsText, registerRegistryCollectors, registry } from '../observability/metrics';

const access = logger('access');
const REQUEST_ID = /^[A-Za-z0-9._:-]{8,128}$/;

/** The request's ID (X-Request-Id, from the caller or made here) and its logger; set by `requestLog`. */
export const requestIdOf = (res: Response): string => (res.locals.requestId as string | undefined) ?? '-';
export const requestLogger = (res: Response) => access.child({ reqId: requestIdOf(res) });

/**
 * A request ID per HTTP request (the caller's X-Request-Id when it is a plain token, else a new UUID; returned in
 * the answer) and one access log line when the answer is sent: method, the route pattern (`/api/cases/:caseId`,
 * never the raw URL or its query string, which may carry a 宛名番号 or a search term), status, duration, the staff
 * member's user ID, the case ID when the route names one.
 */
export function requestLog(req: Request, res: Response, next: NextFunction): void {
  const given = req.get('x-request-id');
  const reqId = given && REQUEST_ID.test(given) ? given : randomUUID();
  res.locals.requestId = reqId;
  res.set('X-Request-Id', reqId);
  const started = process.hrtime.bigint();
  res.on('finish', () => {
    const route = req.route ? `${req.baseUrl}${String((req.route as { path: unknown }).path)}` : '(unmatched)';
    const caseId = typeof req.params?.caseId === 'string' ? req.params.caseId : undefined;
    const staff = res.locals.staff as { userId?: string } | undefined;
    access.info(
      {
        reqId,
        method: req.method,
        route,
        status: res.statusCode,
        durationMs: Number((process.hrtime.bigint() - started) / 1000n) / 1000,
        ...(staff?.userId ? { userId: staff.userId } : {}),
        ...(caseId && /^[A-Za-z0-9_-]{1,64}$/.test(caseId) ? { caseId } : {}),
      },
      'request',
    );
  });
  next();
}

/**
 * GET /metrics (Prometheus text) outside the staff login: this process's metrics and the registry's state from the
 * DB (src/observability/metrics.ts). Only for a scraper with METRICS_TOKEN, or from loopback without one.
 */
export function metricsRouter(deps: Pick<ApiDeps, 'orm' | 'config' | 'procedures'>): Router {
  const own = new Registry();
  registerRegistryCollectors(
    deps.orm,
    {
      groupOf: (procedure, status) => deps.procedures.statusSpec(procedure, status)?.group,
      residentCodePoolThreshold: deps.config.residentCodePool.threshold,
      partnerDownAfterFailures: deps.config.partnerDownAfterFailures,
    },
    own,
  );
  const router = Router();
  router.get('/metrics', async (req, res) => {
    if (
      !metricsAllowed(
        deps.config.metrics,
        req.get('authorization'),
        req.socket.remoteAddress,
        req.get('x-forwarded-for') !== undefined,
      )
    )
      return void res.status(401).type('text/plain').send('unauthorized\n');
    res.type(registry.contentType).send(await metricsText(registry, await own.metrics()));
  });
  return router;
}

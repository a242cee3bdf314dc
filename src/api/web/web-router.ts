import { join } from 'node:path';
import express, { Router, type NextFunction, type Request, type Response } from 'express';
import { can } from '../../domain/roles';
import { ApiError } from '../errors';
import { html } from './html';
import { page } from './layout';
import { installActionRoutes } from './pages/action-routes';
import { installAdminRoutes } from './pages/admin-page';
import { installPasswordRoutes } from './pages/password-page';
import { installAuditRoutes } from './pages/audit-page';
import { installCaseRoutes } from './pages/case-page';
import { installLoginRoutes } from './pages/login-page';
import { installQueueRoutes } from './pages/queues-page';
import { installResidentRoutes } from './pages/resident-page';
import { installSearchRoutes } from './pages/search-page';
import { installSupervisorRoutes } from './pages/supervisor-page';
import { installStaffAuthRoutes } from './pages/staff-auth-page';
import { installSupportMeasureRoutes } from './pages/support-measures-page';
import { installDashboardRoutes } from './pages/dashboard-page';
import { installIntakeRoutes } from './intake/intake-routes';
import { caseLabels } from './components';
import { webSession } from './web-auth';
import type { WebDeps } from './web-deps';
import { WebError, webOf } from './web-context';
import { logger } from '../../observability/log';
import { requestIdOf } from '../request-log';

const webLog = logger('web');

export type { WebDeps } from './web-deps';

const STATIC_DIR = join(__dirname, 'static');
const FONT_DIR = join(__dirname, '..', '..', '..', 'templates', 'fonts');

/** Pages are never cached and never framed; scripts and styles come only from /static (no inline code). */
const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'; object-src 'none'";

function securityHeaders(_req: Request, res: Response, next: NextFunction) {
  res.set({
    'Content-Security-Policy': CSP,
    'X-Frame-Options': 'DENY',
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cache-Control': 'no-store',
  });
  next();
}

/**
 * The server-rendered web UI (issue #5), served by the API process next to /api. Skips /api, /cs-inbound and /portal.
 * Static assets (CSS, JS, the shipped IPAex fonts) may be cached; pages are `no-store`.
 */
export function webRouter(deps: WebDeps): Router {
  const labels = caseLabels(deps.procedures);
  const r = Router();
  r.use((req, _res, next) =>
    req.path.startsWith('/api/') || req.path.startsWith('/cs-inbound/') || req.path.startsWith('/portal/')
      ? next('router')
      : next(),
  );
  const assets = { maxAge: '1h', index: false as const, fallthrough: false };
  r.use('/static/fonts', express.static(FONT_DIR, { ...assets, maxAge: '7d' }));
  r.use('/static', express.static(STATIC_DIR, assets));
  r.use(securityHeaders);
  r.use(express.urlencoded({ extended: false, limit: '32kb', parameterLimit: 400 }));
  const session = webSession(deps.orm, labels);
  const municipalityName = deps.config.municipalityName;

  r.get('/', session, (_req, res) => {
    const { roles } = webOf(res).staff;
    if (can.superviseCases(roles)) return res.redirect(303, '/supervisor');
    if (can.readCases(roles)) return res.redirect(303, '/queues');
    if (can.administerStaffAuth(roles)) return res.redirect(303, '/staff-auth');
    res.type('html').send(
      page({
        title: 'ようこそ',
        ctx: webOf(res),
        municipalityName,
        body: html`<p>この職員の権限で利用できる案件管理の画面はありません。権限の変更は情報セキュリティ管理者が行います。</p>`,
      }),
    );
  });
  installLoginRoutes(r, { orm: deps.orm, municipalityName, config: deps.config }, session);
  installQueueRoutes(r, { orm: deps.orm, pii: deps.pii, municipalityName, procedures: deps.procedures }, session);
  installCaseRoutes(r, deps, session);
  installSearchRoutes(r, { orm: deps.orm, pii: deps.pii, municipalityName, procedures: deps.procedures }, session);
  installResidentRoutes(r, { ...deps, municipalityName }, session);
  installSupervisorRoutes(
    r,
    {
      orm: deps.orm,
      municipalityName,
      residentCodePoolThreshold: deps.config.residentCodePool.threshold,
      cardReminderLeadDays: deps.config.deadlines.cardReminderLeadDays,
      partnerDownAfterFailures: deps.config.partnerDownAfterFailures,
      temporalUi: (id) =>
        `${deps.config.temporalUiUrl}/namespaces/${deps.config.temporalNamespace}/workflows/${encodeURIComponent(id)}`,
    },
    session,
  );
  installDashboardRoutes(
    r,
    {
      orm: deps.orm,
      municipalityName,
      procedures: deps.procedures,
      residentCodePoolThreshold: deps.config.residentCodePool.threshold,
      partnerDownAfterFailures: deps.config.partnerDownAfterFailures,
    },
    session,
  );
  installIntakeRoutes(r, deps, session);
  installSupportMeasureRoutes(r, { orm: deps.orm, municipalityName, services: deps.services }, session);
  installAuditRoutes(r, { orm: deps.orm, municipalityName }, session);
  installStaffAuthRoutes(r, { orm: deps.orm, municipalityName, services: deps.services }, session);
  installAdminRoutes(r, { orm: deps.orm, municipalityName, services: deps.services }, session);
  installPasswordRoutes(r, { orm: deps.orm, municipalityName, services: deps.services }, session);
  for (const m of deps.procedures.modules) m.installWeb?.(r, deps, session);
  installActionRoutes(r, deps.services, session);

  r.use((_req, _res, next) => next(new WebError(404, 'ページが見つかりません。')));
  r.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const known = err instanceof WebError || err instanceof ApiError;
    const httpStatus = (err as { status?: number }).status;
    const status = known ? err.status : httpStatus && httpStatus >= 400 && httpStatus < 500 ? httpStatus : 500;
    const text = known
      ? err.message
      : status === 413
        ? '送信データが大きすぎます。'
        : status === 404
          ? 'ページが見つかりません。'
          : status < 500
            ? '要求を処理できませんでした。'
            : 'システムエラーが発生しました。';
    if (status === 500) webLog.error({ reqId: requestIdOf(res), err }, 'unexpected error');
    const ctx = res.locals.web as ReturnType<typeof webOf> | undefined;
    const body = html`<p class="error-code">${status}${known ? ` ${err.code}` : ''}</p><p><a href="/">最初の画面へ戻る</a></p>`;
    res
      .status(status)
      .type('html')
      .send(
        page({
          title: status === 403 ? '権限がありません' : status === 404 ? '見つかりません' : 'エラー',
          ctx,
          body,
          municipalityName,
          notice: { kind: 'error', text },
        }),
      );
  });
  return r;
}

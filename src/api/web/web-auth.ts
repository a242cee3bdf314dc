import type { MikroORM } from '@mikro-orm/core';
import type { NextFunction, Request, Response } from 'express';
import type { Role } from '../../domain/roles';
import { auditDenied } from '../authorize';
import {
  cookieHeader,
  secureCookie,
  CSRF_FIELD,
  CSRF_HEADER,
  csrfTokenFor,
  denyCsrf,
  isStateChanging,
  isBackground,
  resolveSession,
  sameSecret,
  SESSION_COOKIE,
  sessionCookieToken,
} from '../auth';
import type { CaseLabels } from './components';
import { WebError, webOf, type WebContext } from './web-context';

export const clearSessionCookie = (req: Request) =>
  cookieHeader(SESSION_COOKIE, '', { secure: secureCookie(req), maxAgeSec: 0 });

/**
 * Pages need the session cookie: none → the login page; an idle or expired session → the login page with a notice.
 * A state-changing form must carry the session's CSRF token (hidden field or header); otherwise 403, audited.
 */
export function webSession(orm: MikroORM, labels: CaseLabels) {
  return async (req: Request, res: Response, next: NextFunction) => {
    const token = sessionCookieToken(req);
    const session = await resolveSession(orm, token, req.ip, new Date(), !isBackground(req));
    if (!session.ok || !token) {
      if (session.ok === false && session.reason === 'expired') res.append('Set-Cookie', clearSessionCookie(req));
      return void res.redirect(
        303,
        session.ok === false && session.reason === 'expired' ? '/login?expired=1' : '/login',
      );
    }
    const csrf = csrfTokenFor(token);
    if (isStateChanging(req)) {
      const given = (req.body as Record<string, unknown> | undefined)?.[CSRF_FIELD];
      if (!sameSecret(typeof given === 'string' ? given : req.get(CSRF_HEADER), csrf))
        await denyCsrf(orm, session.staff, req);
    }
    res.locals.staff = session.staff;
    res.locals.mustChangePassword = session.mustChangePassword;
    // a one-time password (new user, reset): nothing but the password change and logout until it is changed
    if (session.mustChangePassword && req.path !== '/password' && req.path !== '/logout')
      return void res.redirect(303, '/password');
    res.locals.web = {
      staff: session.staff,
      token,
      csrf,
      labels,
      now: new Date(),
      path: req.path,
    } satisfies WebContext;
    next();
  };
}

/** Role gate for a screen: a refusal is a 403 page and an audit row. */
export function requireWebRole(orm: MikroORM, allowed: (roles: readonly Role[]) => boolean, fn: string) {
  return async (_req: Request, res: Response, next: NextFunction) => {
    const { staff } = webOf(res);
    if (allowed(staff.roles)) return next();
    await auditDenied(orm, staff, fn);
    throw new WebError(403, 'この画面を利用する権限がありません。', 'FORBIDDEN');
  };
}

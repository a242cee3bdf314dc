import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/core';
import type { NextFunction, Request, Response } from 'express';
import { compileSchema } from '../domain/ajv';
import type { Role } from '../domain/roles';
import { audit } from '../db/audit-writer';
import { AuditAction, StaffSession, StaffUser, Terminal } from '../db/entities';
import { auditDenied } from './authorize';
import { ApiError } from './errors';
import { verifyPassword } from '../domain/passwords';

/** The authenticated staff member of a request (res.locals.staff). */
export interface StaffContext {
  userId: string;
  displayName: string;
  roles: Role[];
  terminalId: string;
  ip?: string;
}

export const SESSION_IDLE_MS = 30 * 60_000; // idle screens lock (domain.md §8.1)
export const SESSION_MAX_MS = 10 * 3600_000;
const MAX_FAILED_LOGINS = 5;
const LOCK_MS = 15 * 60_000;

const tokenHash = (token: string) => createHash('sha256').update(token).digest('hex');

export interface LoginRequest {
  userId: string;
  password: string;
  terminalId: string;
}
export const LoginRequestSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['userId', 'password', 'terminalId'],
  properties: {
    userId: { type: 'string', minLength: 1, maxLength: 64 },
    password: { type: 'string', minLength: 1, maxLength: 200 },
    terminalId: { type: 'string', minLength: 1, maxLength: 64 },
  },
} as const;
const validateLogin = compileSchema<LoginRequest>(LoginRequestSchema);

/** Individual IDs, lockout after repeated failures, registered terminals only (domain.md §8.1). */
export async function login(orm: MikroORM, body: unknown, ip: string | undefined, now = new Date()) {
  const v = validateLogin(body);
  if (!v.ok) throw new ApiError(400, 'VALIDATION_FAILED', '入力内容に誤りがあります', v.errors);
  const { userId, password, terminalId } = v.value;
  const em = orm.em.fork();
  const user = await em.findOne(StaffUser, { userId });
  const terminal = await em.findOne(Terminal, { terminalId, active: true });
  const fail = async (reason: string) => {
    if (user) {
      user.failedLogins += 1;
      if (user.failedLogins >= MAX_FAILED_LOGINS) user.lockedUntil = new Date(now.getTime() + LOCK_MS);
    }
    audit(em, {
      actorId: userId,
      actorRoles: [],
      terminalId,
      ip,
      action: AuditAction.LOGIN_FAILED,
      function: 'POST /api/auth/login',
      outcome: 'denied',
      detail: { reason },
    });
    await em.flush();
    return new ApiError(401, 'LOGIN_FAILED', 'ユーザーID、パスワードまたは端末が正しくありません');
  };
  if (!user || !user.active || (user.validUntil && user.validUntil < now)) throw await fail('unknown or inactive user');
  if (user.lockedUntil && user.lockedUntil > now) throw await fail('locked');
  if (!terminal) throw await fail('unregistered terminal');
  if (!(await verifyPassword(password, user.passwordHash))) throw await fail('bad password');
  const token = randomBytes(32).toString('base64url');
  user.failedLogins = 0;
  user.lockedUntil = undefined;
  const expiresAt = new Date(now.getTime() + SESSION_MAX_MS);
  em.persist(
    em.create(StaffSession, {
      tokenHash: tokenHash(token),
      userId,
      terminalId,
      ip,
      createdAt: now,
      lastSeenAt: now,
      expiresAt,
    }),
  );
  audit(em, {
    actorId: userId,
    actorRoles: user.roles,
    terminalId,
    ip,
    action: AuditAction.LOGIN,
    function: 'POST /api/auth/login',
  });
  await em.flush();
  return {
    token,
    expiresAt: expiresAt.toISOString(),
    user: { userId, displayName: user.displayName, roles: user.roles, terminalId },
  };
}

export async function logout(orm: MikroORM, staff: StaffContext, token: string) {
  const em = orm.em.fork();
  const s = await em.findOne(StaffSession, { tokenHash: tokenHash(token) });
  if (s) s.revokedAt = new Date();
  audit(em, {
    actorId: staff.userId,
    actorRoles: staff.roles,
    terminalId: staff.terminalId,
    ip: staff.ip,
    action: AuditAction.LOGOUT,
    function: 'POST /api/auth/logout',
  });
  await em.flush();
}

export const bearerToken = (req: Request): string | undefined =>
  /^Bearer\s+(\S+)$/i.exec(req.get('authorization') ?? '')?.[1];

/** The browser session: the same staff_session token as the bearer, in an HttpOnly SameSite=Strict cookie. */
export const SESSION_COOKIE = 'juki_session';
export const CSRF_HEADER = 'x-csrf-token';
export const CSRF_FIELD = '_csrf';

export function parseCookies(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (header ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i < 1) continue;
    const k = part.slice(0, i).trim();
    try {
      out[k] = decodeURIComponent(part.slice(i + 1).trim());
    } catch {
      // a malformed cookie is ignored
    }
  }
  return out;
}

export const sessionCookieToken = (req: Request): string | undefined =>
  parseCookies(req.get('cookie'))[SESSION_COOKIE] || undefined;

/** Set-Cookie value; `Secure` when the request came over HTTPS (a TLS-terminating proxy on loopback counts). */
export const cookieHeader = (
  name: string,
  value: string,
  opts: { secure: boolean; maxAgeSec?: number; path?: string },
): string =>
  [
    `${name}=${encodeURIComponent(value)}`,
    `Path=${opts.path ?? '/'}`,
    'HttpOnly',
    'SameSite=Strict',
    ...(opts.secure ? ['Secure'] : []),
    ...(opts.maxAgeSec !== undefined ? [`Max-Age=${opts.maxAgeSec}`] : []),
  ].join('; ');

/** The CSRF token of a session: derived from the (secret, HttpOnly) session token, so a cross-site page cannot know it. */
export const csrfTokenFor = (sessionToken: string): string =>
  createHmac('sha256', sessionToken).update('juki-csrf-v1').digest('base64url');

export const sameSecret = (a: string | undefined, b: string): boolean => {
  if (typeof a !== 'string' || a.length !== b.length) return false;
  return timingSafeEqual(Buffer.from(a), Buffer.from(b));
};

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
export const isStateChanging = (req: Request): boolean => STATE_CHANGING.has(req.method);

export type SessionLookup = { ok: true; staff: StaffContext } | { ok: false; reason: 'missing' | 'expired' };

/** Resolves a session token to its staff member; refreshes the idle timer (at most once a minute). */
export async function resolveSession(
  orm: MikroORM,
  token: string | undefined,
  ip: string | undefined,
  now = new Date(),
): Promise<SessionLookup> {
  if (!token) return { ok: false, reason: 'missing' };
  const em = orm.em.fork();
  const s = await em.findOne(StaffSession, { tokenHash: tokenHash(token) });
  if (!s) return { ok: false, reason: 'missing' };
  if (s.revokedAt || s.expiresAt < now || now.getTime() - s.lastSeenAt.getTime() > SESSION_IDLE_MS)
    return { ok: false, reason: 'expired' };
  const user = await em.findOne(StaffUser, { userId: s.userId, active: true });
  if (!user) return { ok: false, reason: 'missing' };
  if (now.getTime() - s.lastSeenAt.getTime() > 60_000) {
    s.lastSeenAt = now;
    await em.flush();
  }
  return {
    ok: true,
    staff: { userId: user.userId, displayName: user.displayName, roles: user.roles, terminalId: s.terminalId, ip },
  };
}

/** A refused CSRF check: 403 and an audit row (domain.md §8.4: refused attempts are recorded). */
export async function denyCsrf(orm: MikroORM, staff: StaffContext, req: Request): Promise<never> {
  await auditDenied(orm, staff, `${req.method} ${req.baseUrl}${req.path}`.slice(0, 128), {
    detail: { reason: 'CSRF' },
  });
  throw new ApiError(403, 'CSRF_FAILED', '画面の有効期限が切れたか、不正な送信です。画面を開き直してください');
}

/**
 * Every API call is made by an authenticated staff user: a bearer token, or the browser's session cookie. A
 * state-changing call authenticated by the cookie must carry the session's CSRF token in X-CSRF-Token.
 */
export function authenticate(orm: MikroORM) {
  return async (req: Request, res: Response, next: NextFunction) => {
    const bearer = bearerToken(req);
    const token = bearer ?? sessionCookieToken(req);
    if (!token) throw new ApiError(401, 'UNAUTHENTICATED', 'ログインが必要です');
    const session = await resolveSession(orm, token, req.ip);
    if (!session.ok) {
      if (session.reason === 'expired')
        throw new ApiError(401, 'SESSION_EXPIRED', 'セッションの有効期限が切れました。再度ログインしてください');
      throw new ApiError(401, 'UNAUTHENTICATED', 'ログインが必要です');
    }
    res.locals.staff = session.staff;
    res.locals.token = token;
    if (!bearer && isStateChanging(req) && !sameSecret(req.get(CSRF_HEADER), csrfTokenFor(token)))
      await denyCsrf(orm, session.staff, req);
    next();
  };
}

export const staffOf = (res: Response): StaffContext => res.locals.staff as StaffContext;

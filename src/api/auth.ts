import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { EntityManager, MikroORM } from '@mikro-orm/core';
import type { NextFunction, Request, Response } from 'express';
import { compileSchema } from '../domain/ajv';
import type { Role } from '../domain/roles';
import { actorFields, audit } from '../db/audit-writer';
import type { AppConfig, StaffAuthConfig } from '../config';
import { AuditAction, LoginAttempt, StaffSession, StaffUser, Terminal } from '../db/entities';
import { auditDenied } from './authorize';
import { ApiError } from './errors';
import { hashPassword, needsRehash, verifyAgainstDummy, verifyPassword } from '../domain/passwords';
import { verifyLoginAssertion } from './webauthn';

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

const tokenHash = (token: string) => createHash('sha256').update(token).digest('hex');

export interface LoginRequest {
  userId: string;
  password: string;
  terminalId: string;
  /** The WebAuthn second factor: the challenge from `POST /api/auth/webauthn/options` and the authenticator's answer. */
  challengeId?: string;
  assertion?: Record<string, unknown>;
}
export const LoginRequestSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['userId', 'password', 'terminalId'],
  properties: {
    userId: { type: 'string', minLength: 1, maxLength: 64 },
    password: { type: 'string', minLength: 1, maxLength: 200 },
    terminalId: { type: 'string', minLength: 1, maxLength: 64 },
    challengeId: { type: 'string', minLength: 1, maxLength: 64 },
    assertion: { type: 'object', maxProperties: 10 },
  },
} as const;
const validateLogin = compileSchema<LoginRequest>(LoginRequestSchema);

export interface LoginDeps {
  orm: MikroORM;
  config: Pick<AppConfig, 'staffAuth'>;
}

const LOGIN_FAILED_MESSAGE = 'ユーザーID、パスワード、端末または生体認証が正しくありません';

/**
 * Individual IDs, registered terminals, password + WebAuthn (domain.md §8.1; seed 000 L2709), throttled in the
 * database: every attempt is a `login_attempt` row (an INSERT, so 40 parallel guesses are 40 rows), a user is locked
 * for a fixed window once the failures since the later of its last login and its last lock reach the threshold (a
 * locked user is not re-locked by further attempts), and an address with too many failures in the window is refused.
 * Unknown users and terminals take the same path and the same password hashing as known ones, and get the same answer.
 */
export async function login(deps: LoginDeps, body: unknown, ip: string | undefined, now = new Date()) {
  const v = validateLogin(body);
  if (!v.ok) throw new ApiError(400, 'VALIDATION_FAILED', '入力内容に誤りがあります', v.errors);
  const { orm } = deps;
  const cfg = deps.config.staffAuth;
  const { userId, password, terminalId } = v.value;
  const lockMs = cfg.lockMinutes * 60_000;
  const em = orm.em.fork();
  const user = await em.findOne(StaffUser, { userId });
  const terminal = await em.findOne(Terminal, { terminalId, active: true });
  const addressFailures = ip
    ? await em.count(LoginAttempt, { ip, outcome: 'failed', at: { $gt: new Date(now.getTime() - lockMs) } })
    : 0;
  // the hash runs for every attempt, whoever asks: the answer's timing does not say which user IDs exist
  const passwordOk = user ? await verifyPassword(password, user.passwordHash) : await verifyAgainstDummy(password);

  const record = (outcome: LoginAttempt['outcome']) =>
    em.insert(LoginAttempt, { at: now, userId, ip, outcome } as LoginAttempt);
  const fail = async (reason: string, counts: boolean) => {
    await record(counts ? 'failed' : 'refused');
    if (counts && user) await lockIfOverThreshold(em, user, cfg, now);
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
    return new ApiError(401, 'LOGIN_FAILED', LOGIN_FAILED_MESSAGE);
  };
  if (addressFailures >= cfg.maxFailedPerAddress) throw await fail('address throttled', false);
  if (!user || !user.active || (user.validUntil && user.validUntil < now) || (user.validFrom && user.validFrom > now))
    throw await fail('unknown or inactive user', true);
  if (user.lockedUntil && user.lockedUntil > now) throw await fail('locked', false);
  if (!terminal) throw await fail('unregistered terminal', true);
  if (!passwordOk) throw await fail('bad password', true);
  if (cfg.secondFactor === 'webauthn' && !(await verifyLoginAssertion(orm, cfg, { ...v.value }, now)))
    throw await fail('second factor', true);

  const token = randomBytes(32).toString('base64url');
  await record('ok');
  user.failedLogins = 0;
  user.lastLoginAt = now;
  // hashes made with older parameters are renewed now that the password is known (transparent re-hash)
  if (needsRehash(user.passwordHash)) user.passwordHash = await hashPassword(password);
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
    detail: { secondFactor: cfg.secondFactor },
  });
  await em.flush();
  return {
    token,
    expiresAt: expiresAt.toISOString(),
    user: { userId, displayName: user.displayName, roles: user.roles, terminalId },
    /** A one-time password is in use: only the password change (`POST /api/auth/password`) is open until it is done. */
    mustChangePassword: user.mustChangePassword,
  };
}

/**
 * Locks the user for a fixed window once its counted failures reach the threshold. Failures count from the later of
 * the last login and the end of the last lock; the lock is set only when none is running (a compare-and-set), so
 * further attempts during the lock neither extend nor renew it.
 */
export async function lockIfOverThreshold(em: EntityManager, user: StaffUser, cfg: StaffAuthConfig, now: Date) {
  const since = Math.max(
    now.getTime() - cfg.lockMinutes * 60_000,
    user.lastLoginAt?.getTime() ?? 0,
    user.lockedUntil?.getTime() ?? 0,
  );
  const failures = await em.count(LoginAttempt, {
    userId: user.userId,
    outcome: 'failed',
    at: { $gte: new Date(since) },
  });
  if (failures < cfg.maxFailedLogins) return;
  await em.nativeUpdate(
    StaffUser,
    { userId: user.userId, $or: [{ lockedUntil: null }, { lockedUntil: { $lte: now } }] },
    { lockedUntil: new Date(now.getTime() + cfg.lockMinutes * 60_000), failedLogins: failures },
  );
}

export async function logout(orm: MikroORM, staff: StaffContext, token: string) {
  const em = orm.em.fork();
  const s = await em.findOne(StaffSession, { tokenHash: tokenHash(token) });
  if (s) s.revokedAt = new Date();
  audit(em, {
    ...actorFields(staff),
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

/**
 * Whether a cookie gets `Secure`: always in production (`app.locals.secureCookies`), else when the request came over
 * HTTPS (a TLS-terminating proxy on loopback counts).
 */
export const secureCookie = (req: Request): boolean => req.secure || req.app.locals.secureCookies === true;

/** Set-Cookie value (HttpOnly, SameSite=Strict; `secure` from `secureCookie`). */
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

export type SessionLookup =
  { ok: true; staff: StaffContext; mustChangePassword: boolean } | { ok: false; reason: 'missing' | 'expired' };

/**
 * A background refresh of a screen (src/api/web/static/app.js: the live parts, the bulk results): it must not keep an
 * idle session alive (domain.md §8.1), so it marks itself with this header and does not refresh the idle timer.
 */
export const BACKGROUND_HEADER = 'x-background-refresh';
export const isBackground = (req: Request): boolean => req.get(BACKGROUND_HEADER) === '1';

/**
 * Resolves a session token to its staff member; refreshes the idle timer (at most once a minute) unless the request
 * is a background refresh (`touch: false`).
 */
export async function resolveSession(
  orm: MikroORM,
  token: string | undefined,
  ip: string | undefined,
  now = new Date(),
  touch = true,
): Promise<SessionLookup> {
  if (!token) return { ok: false, reason: 'missing' };
  const em = orm.em.fork();
  // one statement per request (issue 15): the session with its user and terminal, each only while active; read on
  // every request (no cache), so a revocation, deactivation or lock ends the session at the next request
  const [found] = (await em.getConnection().execute(
    `select s.token_hash, s.user_id, s.terminal_id, s.ip, s.created_at, s.last_seen_at, s.expires_at, s.revoked_at,
       u.user_id as u_user_id, u.display_name as u_display_name, u.roles as u_roles,
       u.valid_from as u_valid_from, u.valid_until as u_valid_until, u.locked_until as u_locked_until,
       u.must_change_password as u_must_change_password, t.terminal_id as t_terminal_id
     from staff_session s
       left join staff_user u on u.user_id = s.user_id and u.active = ?
       left join terminal t on t.terminal_id = s.terminal_id and t.active = ?
     where s.token_hash = ?`,
    [true, true, tokenHash(token)],
  )) as Array<Record<string, unknown>>;
  if (!found) return { ok: false, reason: 'missing' };
  const s = em.map(StaffSession, found);
  if (s.revokedAt || s.expiresAt < now || now.getTime() - s.lastSeenAt.getTime() > SESSION_IDLE_MS)
    return { ok: false, reason: 'expired' };
  // re-checked on every request: the user still valid (active, not locked, within validity) and the terminal still
  // registered — a revocation ends the session at once
  const user = found.u_user_id
    ? (em.map(StaffUser, {
        user_id: found.u_user_id,
        display_name: found.u_display_name,
        roles: found.u_roles,
        valid_from: found.u_valid_from,
        valid_until: found.u_valid_until,
        locked_until: found.u_locked_until,
        must_change_password: found.u_must_change_password,
      } as never) as StaffUser)
    : undefined;
  if (
    !user ||
    !found.t_terminal_id ||
    (user.validUntil && user.validUntil < now) ||
    (user.validFrom && user.validFrom > now) ||
    (user.lockedUntil && user.lockedUntil > now)
  )
    return { ok: false, reason: 'expired' };
  if (touch && now.getTime() - s.lastSeenAt.getTime() > 60_000)
    await em.nativeUpdate(StaffSession, { tokenHash: s.tokenHash }, { lastSeenAt: now });
  return {
    ok: true,
    staff: { userId: user.userId, displayName: user.displayName, roles: user.roles, terminalId: s.terminalId, ip },
    mustChangePassword: Boolean(user.mustChangePassword),
  };
}

/** A refused CSRF check: 403 and an audit row (domain.md §8.4: refused attempts are recorded). */
export async function denyCsrf(orm: MikroORM, staff: StaffContext, req: Request): Promise<never> {
  await auditDenied(orm, staff, `${req.method} ${req.baseUrl}${req.path}`.slice(0, 128), {
    detail: { reason: 'CSRF' },
  });
  throw new ApiError(403, 'CSRF_FAILED', '画面の有効期限が切れたか、不正な送信です。画面を開き直してください');
}

/** The API routes a user with a one-time password may call. */
const PASSWORD_CHANGE_OPEN = new Set(['POST /api/auth/password', 'POST /api/auth/logout', 'GET /api/me']);

/**
 * Every API call is made by an authenticated staff user: a bearer token, or the browser's session cookie. A
 * state-changing call authenticated by the cookie must carry the session's CSRF token in X-CSRF-Token.
 */
export function authenticate(orm: MikroORM) {
  return async (req: Request, res: Response, next: NextFunction) => {
    const bearer = bearerToken(req);
    const token = bearer ?? sessionCookieToken(req);
    if (!token) throw new ApiError(401, 'UNAUTHENTICATED', 'ログインが必要です');
    const session = await resolveSession(orm, token, req.ip, new Date(), !isBackground(req));
    if (!session.ok) {
      if (session.reason === 'expired')
        throw new ApiError(401, 'SESSION_EXPIRED', 'セッションの有効期限が切れました。再度ログインしてください');
      throw new ApiError(401, 'UNAUTHENTICATED', 'ログインが必要です');
    }
    res.locals.staff = session.staff;
    res.locals.token = token;
    if (!bearer && isStateChanging(req) && !sameSecret(req.get(CSRF_HEADER), csrfTokenFor(token)))
      await denyCsrf(orm, session.staff, req);
    // a one-time password (new user, reset) opens only the password change, who-am-I and logout
    if (session.mustChangePassword && !PASSWORD_CHANGE_OPEN.has(`${req.method} ${req.baseUrl}${req.path}`))
      throw new ApiError(
        403,
        'PASSWORD_CHANGE_REQUIRED',
        '初期パスワードのままです。先にパスワードを変更してください（POST /api/auth/password）',
      );
    next();
  };
}

export const staffOf = (res: Response): StaffContext => res.locals.staff as StaffContext;

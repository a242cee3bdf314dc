import { createHash, randomBytes, scrypt as scryptCb, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import type { MikroORM } from '@mikro-orm/core';
import type { NextFunction, Request, Response } from 'express';
import { compileSchema } from '../domain/ajv';
import type { Role } from '../domain/roles';
import { audit } from '../db/audit-writer';
import { AuditAction, StaffSession, StaffUser, Terminal } from '../db/entities';
import { ApiError } from './errors';

const scrypt = promisify(scryptCb) as (pw: string, salt: Buffer, len: number) => Promise<Buffer>;

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

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  return `scrypt$${salt.toString('base64')}$${(await scrypt(password, salt, 32)).toString('base64')}`;
}

async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [kind, salt, hash] = stored.split('$');
  if (kind !== 'scrypt' || !salt || !hash) return false;
  const actual = await scrypt(password, Buffer.from(salt, 'base64'), 32);
  return timingSafeEqual(actual, Buffer.from(hash, 'base64'));
}

const tokenHash = (token: string) => createHash('sha256').update(token).digest('hex');

export interface LoginRequest { userId: string; password: string; terminalId: string }
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
    audit(em, { actorId: userId, actorRoles: [], terminalId, ip, action: AuditAction.LOGIN_FAILED, function: 'POST /api/auth/login', outcome: 'denied', detail: { reason } });
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
  em.persist(em.create(StaffSession, { tokenHash: tokenHash(token), userId, terminalId, ip, createdAt: now, lastSeenAt: now, expiresAt }));
  audit(em, { actorId: userId, actorRoles: user.roles, terminalId, ip, action: AuditAction.LOGIN, function: 'POST /api/auth/login' });
  await em.flush();
  return { token, expiresAt: expiresAt.toISOString(), user: { userId, displayName: user.displayName, roles: user.roles, terminalId } };
}

export async function logout(orm: MikroORM, staff: StaffContext, token: string) {
  const em = orm.em.fork();
  const s = await em.findOne(StaffSession, { tokenHash: tokenHash(token) });
  if (s) s.revokedAt = new Date();
  audit(em, { actorId: staff.userId, actorRoles: staff.roles, terminalId: staff.terminalId, ip: staff.ip, action: AuditAction.LOGOUT, function: 'POST /api/auth/logout' });
  await em.flush();
}

export const bearerToken = (req: Request): string | undefined => /^Bearer\s+(\S+)$/i.exec(req.get('authorization') ?? '')?.[1];

/** Every API call is made by an authenticated staff user (bearer token of a live, non-idle session). */
export function authenticate(orm: MikroORM) {
  return async (req: Request, res: Response, next: NextFunction) => {
    const token = bearerToken(req);
    if (!token) throw new ApiError(401, 'UNAUTHENTICATED', 'ログインが必要です');
    const em = orm.em.fork();
    const now = new Date();
    const s = await em.findOne(StaffSession, { tokenHash: tokenHash(token) });
    if (!s || s.revokedAt || s.expiresAt < now || now.getTime() - s.lastSeenAt.getTime() > SESSION_IDLE_MS) {
      throw new ApiError(401, 'SESSION_EXPIRED', 'セッションの有効期限が切れました。再度ログインしてください');
    }
    const user = await em.findOne(StaffUser, { userId: s.userId, active: true });
    if (!user) throw new ApiError(401, 'UNAUTHENTICATED', 'ログインが必要です');
    if (now.getTime() - s.lastSeenAt.getTime() > 60_000) {
      s.lastSeenAt = now;
      await em.flush();
    }
    res.locals.staff = { userId: user.userId, displayName: user.displayName, roles: user.roles, terminalId: s.terminalId, ip: req.ip } satisfies StaffContext;
    res.locals.token = token;
    next();
  };
}

export const staffOf = (res: Response): StaffContext => res.locals.staff as StaffContext;

/** Role gate: a refusal is a 403 and is audited (domain.md §8.4: refused attempts are recorded). */
export function requireRole(orm: MikroORM, allowed: (roles: readonly Role[]) => boolean, fn: string) {
  return async (req: Request, res: Response, next: NextFunction) => {
    const staff = staffOf(res);
    if (allowed(staff.roles)) return next();
    const em = orm.em.fork();
    audit(em, { actorId: staff.userId, actorRoles: staff.roles, terminalId: staff.terminalId, ip: staff.ip, action: AuditAction.DENIED, function: fn, outcome: 'denied' });
    await em.flush();
    throw new ApiError(403, 'FORBIDDEN', 'この操作を行う権限がありません');
  };
}

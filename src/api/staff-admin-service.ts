import { createHash, randomUUID } from 'node:crypto';
import type { EntityManager, MikroORM } from '@mikro-orm/core';
import type { StaffAuthConfig } from '../config';
import { actorFields, audit } from '../db/audit-writer';
import {
  AuditAction,
  LoginAttempt,
  PasswordReset,
  StaffCredential,
  StaffSession,
  StaffUser,
  Terminal,
} from '../db/entities';
import { compileSchema, CustomFormat, type FieldError, type ValidationResult } from '../domain/ajv';
import { jstStartOfDay, addDays, jstDate } from '../domain/dates';
import {
  hashPassword,
  oneTimePassword,
  passwordProblems,
  PASSWORD_MAX_LENGTH,
  verifyPassword,
} from '../domain/passwords';
import { can, type Role } from '../domain/roles';
import {
  adminChangeRefusal,
  GRANTABLE_ROLES,
  staffUserState,
  validityProblem,
  type AdminChange,
} from '../domain/staff-admin';
import { lockIfOverThreshold, type StaffContext } from './auth';
import { authorize } from './authorize';
import { ApiError } from './errors';

const USER_ID = { type: 'string', pattern: '^[A-Za-z0-9._-]{1,64}$' } as const;
const ROLES = {
  type: 'array',
  minItems: 1,
  maxItems: GRANTABLE_ROLES.length,
  uniqueItems: true,
  items: { type: 'string', enum: [...GRANTABLE_ROLES] },
} as const;
const DAY = { type: 'string', format: CustomFormat.ISO_DATE } as const;

export interface CreateUserRequest {
  userId: string;
  displayName: string;
  roles: Role[];
  validFrom?: string;
  validUntil?: string;
}
export const CreateUserSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['userId', 'displayName', 'roles'],
  properties: {
    userId: USER_ID,
    displayName: { type: 'string', minLength: 1, maxLength: 100, pattern: '\\S' },
    roles: ROLES,
    validFrom: DAY,
    validUntil: DAY,
  },
} as const;
export const RolesSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['roles'],
  properties: { roles: ROLES },
} as const;
export const ValiditySchema = {
  type: 'object',
  additionalProperties: false,
  properties: { validFrom: DAY, validUntil: DAY },
} as const;
export interface PasswordChangeRequest {
  currentPassword: string;
  newPassword: string;
  newPasswordConfirm: string;
}
export const PasswordChangeSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['currentPassword', 'newPassword', 'newPasswordConfirm'],
  properties: {
    currentPassword: { type: 'string', minLength: 1, maxLength: PASSWORD_MAX_LENGTH },
    newPassword: { type: 'string', minLength: 1, maxLength: 400 },
    newPasswordConfirm: { type: 'string', minLength: 1, maxLength: 400 },
  },
} as const;

const validateCreate = compileSchema<CreateUserRequest>(CreateUserSchema);
const validateRoles = compileSchema<{ roles: Role[] }>(RolesSchema);
const validateValidity = compileSchema<{ validFrom?: string; validUntil?: string }>(ValiditySchema);
const validatePasswordChange = compileSchema<PasswordChangeRequest>(PasswordChangeSchema);

function valid<T>(v: ValidationResult<T>): T {
  if (!v.ok) throw new ApiError(400, 'VALIDATION_FAILED', '入力内容に誤りがあります', v.errors);
  return v.value;
}

/** Validity days → instants: from 00:00 JST of the first day to 00:00 JST of the day after the last. */
const fromDay = (d: string | undefined) => (d ? jstStartOfDay(d) : undefined);
const untilDay = (d: string | undefined) => (d ? jstStartOfDay(addDays(d, 1)) : undefined);
/** …and back, for the screen and the API. */
export const validityDays = (u: Pick<StaffUser, 'validFrom' | 'validUntil'>) => ({
  validFrom: u.validFrom ? jstDate(u.validFrom) : undefined,
  validUntil: u.validUntil ? jstDate(u.validUntil.getTime() - 1) : undefined,
});

const SELF_CHANGE_MESSAGE = '自分自身の権限・有効期間・ロックは変更できません（別の情報セキュリティ管理者が行います）';
const FOUR_EYES_MESSAGE = 'パスワード再設定は、申請した管理者とも対象の職員とも別の情報セキュリティ管理者が承認します';

const tokenHash = (token: string) => createHash('sha256').update(token).digest('hex');

/** Ends every session of a user except `keepToken`'s; returns how many ended. */
async function endSessions(em: EntityManager, userId: string, now: Date, keepToken?: string): Promise<number> {
  return em.nativeUpdate(
    StaffSession,
    { userId, revokedAt: null, ...(keepToken ? { tokenHash: { $ne: tokenHash(keepToken) } } : {}) },
    { revokedAt: now },
  );
}

export type StaffAdminService = ReturnType<typeof staffAdminService>;

/**
 * Staff users managed by the security administrator (issue 14 item 7; domain spec §8.1, §8.2): list, create with a
 * one-time password, roles, validity, lock / unlock, password reset by two administrators; and everyone's own
 * password change. Used by /api/admin, /api/auth/password and the screens under /admin and /password. Every change is
 * an audit row (認証管理, hash chain); a refused role is a 403 with an audit row; nobody changes their own rights.
 */
export function staffAdminService(deps: { orm: MikroORM; config: { staffAuth: StaffAuthConfig } }) {
  const { orm } = deps;
  const gate = (staff: StaffContext, fn: string) => authorize(orm, staff, can.administerStaffAuth, fn);
  const record = (
    em: EntityManager,
    staff: StaffContext,
    fn: string,
    detail: Record<string, unknown>,
    denied = false,
  ) =>
    audit(em, {
      ...actorFields(staff),
      ip: staff.ip,
      action: AuditAction.AUTH_ADMIN,
      function: fn,
      ...(denied ? { outcome: 'denied' as const } : {}),
      detail,
    });
  const refuse = async (staff: StaffContext, fn: string, change: AdminChange, userId: string, code: string) => {
    const em = orm.em.fork();
    record(em, staff, fn, { userId, step: change, refused: code }, true);
    await em.flush();
    throw new ApiError(403, code, code === 'FOUR_EYES' ? FOUR_EYES_MESSAGE : SELF_CHANGE_MESSAGE);
  };
  const userOf = async (em: EntityManager, userId: string) => {
    const u = await em.findOne(StaffUser, { userId });
    if (!u) throw new ApiError(404, 'NOT_FOUND', 'その職員は登録されていません');
    return u;
  };
  /** A change of one user by an administrator: gate, self-change rule, the change, audit row — one transaction. */
  const change = async (
    staff: StaffContext,
    fn: string,
    kind: AdminChange,
    userId: string,
    apply: (u: StaffUser, em: EntityManager, now: Date) => Promise<Record<string, unknown>> | Record<string, unknown>,
  ) => {
    await gate(staff, fn);
    const refusal = adminChangeRefusal(kind, { actorId: staff.userId, targetUserId: userId });
    if (refusal) await refuse(staff, fn, kind, userId, refusal);
    const em = orm.em.fork();
    const u = await userOf(em, userId);
    const now = new Date();
    const detail = await apply(u, em, now);
    record(em, staff, fn, { userId, step: kind, ...detail });
    await em.flush();
    return view(u, now);
  };
  const view = (u: StaffUser, now = new Date()) => ({
    userId: u.userId,
    displayName: u.displayName,
    roles: u.roles,
    ...validityDays(u),
    state: staffUserState(u, now),
    lockedUntil: u.lockedUntil && u.lockedUntil > now ? u.lockedUntil.toISOString() : undefined,
    mustChangePassword: u.mustChangePassword,
    lastLoginAt: u.lastLoginAt?.toISOString(),
    createdAt: u.createdAt.toISOString(),
  });

  return {
    async list(staff: StaffContext, fn = 'GET /api/admin/users') {
      await gate(staff, fn);
      const now = new Date();
      const rows = await orm.em.fork().find(StaffUser, {}, { orderBy: { userId: 'asc' } });
      return rows.map((u) => view(u, now));
    },

    /** One user with the automatic lock's evidence (failed logins since the last login) and the credential bindings. */
    async get(staff: StaffContext, userId: string, fn = 'GET /api/admin/users/:userId') {
      await gate(staff, fn);
      const em = orm.em.fork();
      const u = await userOf(em, userId);
      const now = new Date();
      const since = u.lastLoginAt ?? new Date(0);
      const failedLogins = await em.count(LoginAttempt, { userId, outcome: 'failed', at: { $gt: since } });
      const lastFailed = await em.findOne(
        LoginAttempt,
        { userId, outcome: 'failed' },
        { orderBy: { at: 'desc' }, fields: ['at'] },
      );
      const credentials = await em.find(
        StaffCredential,
        { userId, revokedAt: null },
        { orderBy: { createdAt: 'asc' } },
      );
      const resets = await em.find(PasswordReset, { userId, state: 'PENDING' });
      return {
        ...view(u, now),
        failedLoginsSinceLastLogin: failedLogins,
        lastFailedLoginAt: lastFailed?.at.toISOString(),
        credentials: credentials.map((c) => ({ terminalId: c.terminalId, createdAt: c.createdAt.toISOString() })),
        pendingResets: resets.map((r) => ({ resetId: r.id, requestedBy: r.requestedBy, requestedAt: r.requestedAt })),
      };
    },

    /** A new user with a one-time password, returned once (to be handed over), which must be changed at first login. */
    async create(staff: StaffContext, body: unknown, fn = 'POST /api/admin/users') {
      await gate(staff, fn);
      const b = valid(validateCreate(body));
      const problem = validityProblem(b.validFrom, b.validUntil);
      if (problem)
        throw new ApiError(400, 'VALIDATION_FAILED', problem, [
          { field: '/validUntil', rule: 'afterValidFrom', message: problem },
        ]);
      const em = orm.em.fork();
      if (await em.findOne(StaffUser, { userId: b.userId }))
        throw new ApiError(409, 'USER_EXISTS', 'そのユーザーIDは登録済みです（ユーザーIDは再利用できません）');
      const initialPassword = oneTimePassword();
      const now = new Date();
      em.persist(
        em.create(StaffUser, {
          userId: b.userId,
          displayName: b.displayName,
          roles: b.roles,
          passwordHash: await hashPassword(initialPassword),
          active: true,
          failedLogins: 0,
          validFrom: fromDay(b.validFrom),
          validUntil: untilDay(b.validUntil),
          mustChangePassword: true,
          createdAt: now,
        }),
      );
      record(em, staff, fn, {
        userId: b.userId,
        step: 'create',
        roles: b.roles,
        validFrom: b.validFrom,
        validUntil: b.validUntil,
      });
      await em.flush();
      return { userId: b.userId, initialPassword, mustChangePassword: true };
    },

    async setRoles(staff: StaffContext, userId: string, body: unknown, fn = 'POST /api/admin/users/:userId/roles') {
      await gate(staff, fn);
      const { roles } = valid(validateRoles(body));
      return change(staff, fn, 'roles', userId, (u) => {
        const before = u.roles;
        u.roles = roles;
        return { before, after: roles };
      });
    },

    async setValidity(
      staff: StaffContext,
      userId: string,
      body: unknown,
      fn = 'POST /api/admin/users/:userId/validity',
    ) {
      await gate(staff, fn);
      const b = valid(validateValidity(body));
      const problem = validityProblem(b.validFrom, b.validUntil);
      if (problem)
        throw new ApiError(400, 'VALIDATION_FAILED', problem, [
          { field: '/validUntil', rule: 'afterValidFrom', message: problem },
        ]);
      return change(staff, fn, 'validity', userId, (u) => {
        u.validFrom = fromDay(b.validFrom) ?? (null as unknown as undefined);
        u.validUntil = untilDay(b.validUntil) ?? (null as unknown as undefined);
        return { validFrom: b.validFrom ?? null, validUntil: b.validUntil ?? null };
      });
    },

    /** Locked by an administrator until unlocked: the login is refused and the user's sessions end now. */
    async lock(staff: StaffContext, userId: string, fn = 'POST /api/admin/users/:userId/lock') {
      return change(staff, fn, 'lock', userId, async (u, em, now) => {
        u.active = false;
        return { sessionsEnded: await endSessions(em, u.userId, now) };
      });
    },

    /**
     * Ends an administrator's lock and a running automatic one. The automatic lock ends "now" (not erased), so the
     * failures before it no longer count (auth.ts `lockIfOverThreshold` counts from the end of the last lock).
     */
    async unlock(staff: StaffContext, userId: string, fn = 'POST /api/admin/users/:userId/unlock') {
      return change(staff, fn, 'unlock', userId, (u, _em, now) => {
        const wasAutomatic = Boolean(u.lockedUntil && u.lockedUntil > now);
        u.active = true;
        if (wasAutomatic) u.lockedUntil = now;
        u.failedLogins = 0;
        return { automaticLockEnded: wasAutomatic };
      });
    },

    async pendingResets(staff: StaffContext, fn = 'GET /api/admin/password-resets') {
      await gate(staff, fn);
      const rows = await orm.em.fork().find(PasswordReset, { state: 'PENDING' }, { orderBy: { requestedAt: 'asc' } });
      return rows.map((r) => ({
        resetId: r.id,
        userId: r.userId,
        requestedBy: r.requestedBy,
        requestedAt: r.requestedAt.toISOString(),
      }));
    },

    async requestReset(staff: StaffContext, userId: string, fn = 'POST /api/admin/users/:userId/password-resets') {
      await gate(staff, fn);
      const em = orm.em.fork();
      await userOf(em, userId);
      if (await em.findOne(PasswordReset, { userId, state: 'PENDING' }))
        throw new ApiError(409, 'RESET_PENDING', 'この職員のパスワード再設定はすでに申請されています（承認待ち）');
      const row = em.create(PasswordReset, {
        id: randomUUID(),
        userId,
        requestedBy: staff.userId,
        requestedAt: new Date(),
        state: 'PENDING',
      });
      em.persist(row);
      record(em, staff, fn, { userId, resetId: row.id, step: 'reset-request' });
      await em.flush();
      return { resetId: row.id, userId, state: row.state };
    },

    /**
     * The second administrator approves: a new one-time password (returned once, to hand over), to be changed at the
     * next login; the user's sessions end. Neither the administrator who asked nor the user may approve.
     */
    async approveReset(staff: StaffContext, resetId: string, fn = 'POST /api/admin/password-resets/:resetId/approve') {
      await gate(staff, fn);
      const em = orm.em.fork();
      const row = await em.findOne(PasswordReset, { id: resetId });
      if (!row) throw new ApiError(404, 'NOT_FOUND', 'そのパスワード再設定の申請はありません');
      if (row.state !== 'PENDING') throw new ApiError(409, 'NOT_PENDING', 'この申請は処理済みです');
      const refusal = adminChangeRefusal('reset-approve', {
        actorId: staff.userId,
        targetUserId: row.userId,
        requestedBy: row.requestedBy,
      });
      if (refusal) await refuse(staff, fn, 'reset-approve', row.userId, refusal);
      const initialPassword = oneTimePassword();
      const passwordHash = await hashPassword(initialPassword);
      const now = new Date();
      let sessionsEnded = 0;
      await em.transactional(async (tx) => {
        const done = await tx.nativeUpdate(
          PasswordReset,
          { id: row.id, state: 'PENDING' },
          { state: 'DONE', approvedBy: staff.userId, approvedAt: now },
        );
        if (done !== 1) throw new ApiError(409, 'NOT_PENDING', 'この申請は処理済みです');
        await tx.nativeUpdate(StaffUser, { userId: row.userId }, { passwordHash, mustChangePassword: true });
        sessionsEnded = await endSessions(tx, row.userId, now);
        record(tx, staff, fn, {
          userId: row.userId,
          resetId: row.id,
          requestedBy: row.requestedBy,
          step: 'reset-approve',
          sessionsEnded,
        });
      });
      return { resetId: row.id, userId: row.userId, state: 'DONE' as const, initialPassword, mustChangePassword: true };
    },

    /**
     * Everyone's own password change: the current password, the new one twice, the policy (passwords.ts); the user's
     * other sessions end. A wrong current password counts as a failed login (so it cannot be guessed here instead).
     */
    async changeOwnPassword(staff: StaffContext, token: string, body: unknown, fn = 'POST /api/auth/password') {
      const b = valid(validatePasswordChange(body));
      const em = orm.em.fork();
      const u = await userOf(em, staff.userId);
      const now = new Date();
      if (!(await verifyPassword(b.currentPassword, u.passwordHash))) {
        await em.insert(LoginAttempt, { at: now, userId: u.userId, ip: staff.ip, outcome: 'failed' } as LoginAttempt);
        await lockIfOverThreshold(em, u, deps.config.staffAuth, now);
        record(em, staff, fn, { userId: u.userId, step: 'password-change', refused: 'CURRENT_PASSWORD' }, true);
        await em.flush();
        throw new ApiError(400, 'VALIDATION_FAILED', '現在のパスワードが正しくありません', [
          { field: '/currentPassword', rule: 'current', message: '現在のパスワードが正しくありません' },
        ]);
      }
      const errors: FieldError[] = passwordProblems(b.newPassword, {
        userId: u.userId,
        current: b.currentPassword,
      }).map((message) => ({ field: '/newPassword', rule: 'policy', message }));
      if (b.newPasswordConfirm !== b.newPassword)
        errors.push({ field: '/newPasswordConfirm', rule: 'match', message: '確認用のパスワードが一致しません' });
      if (errors.length) throw new ApiError(400, 'VALIDATION_FAILED', errors[0]!.message, errors);
      u.passwordHash = await hashPassword(b.newPassword);
      u.mustChangePassword = false;
      const sessionsEnded = await endSessions(em, u.userId, now, token);
      record(em, staff, fn, { userId: u.userId, step: 'password-change', sessionsEnded });
      await em.flush();
      return { userId: u.userId, sessionsEnded };
    },

    /** Terminals with the users whose authenticator is bound to each (the 端末・生体認証 screen registers / retires). */
    async terminals(staff: StaffContext, fn = 'GET /api/admin/terminals') {
      await gate(staff, fn);
      const em = orm.em.fork();
      const terminals = await em.find(Terminal, {}, { orderBy: { terminalId: 'asc' } });
      const creds = await em.find(StaffCredential, { revokedAt: null });
      return terminals.map((t) => ({
        terminalId: t.terminalId,
        name: t.name,
        place: t.place,
        status: t.active ? ('REGISTERED' as const) : ('REVOKED' as const),
        enrolledUsers: creds.filter((c) => c.terminalId === t.terminalId).map((c) => c.userId),
      }));
    },
  };
}

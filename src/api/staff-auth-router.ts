import { randomUUID } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/core';
import { Router } from 'express';
import type { StaffAuthConfig } from '../config';
import { actorFields, audit } from '../db/audit-writer';
import { AuditAction, CredentialRecovery, StaffCredential, StaffUser, Terminal } from '../db/entities';
import { compileSchema, type ValidationResult } from '../domain/ajv';
import { can } from '../domain/roles';
import { staffOf, type StaffContext } from './auth';
import { authorize } from './authorize';
import { ApiError } from './errors';
import { completeEnrolment, enrolmentOptions, INSTALLER, installerEnrolmentOptions } from './webauthn';

const ID = { type: 'string', pattern: '^[A-Za-z0-9._-]{1,64}$' } as const;
const validateTerminal = compileSchema<{ terminalId: string; name: string; place: string; printerName: string }>({
  type: 'object',
  additionalProperties: false,
  required: ['terminalId', 'name', 'place', 'printerName'],
  properties: {
    terminalId: ID,
    name: { type: 'string', minLength: 1, maxLength: 64 },
    place: { type: 'string', minLength: 1, maxLength: 100 },
    printerName: { type: 'string', minLength: 1, maxLength: 64 },
  },
});
const validateUser = compileSchema<{ userId: string }>({
  type: 'object',
  additionalProperties: false,
  required: ['userId'],
  properties: { userId: ID },
});
const validateEnrolment = compileSchema<{ challengeId: string; response: Record<string, unknown> }>({
  type: 'object',
  additionalProperties: false,
  required: ['challengeId', 'response'],
  properties: { challengeId: { type: 'string', minLength: 1, maxLength: 64 }, response: { type: 'object' } },
});
const validateRecovery = compileSchema<{ userId: string; reason: string }>({
  type: 'object',
  additionalProperties: false,
  required: ['userId', 'reason'],
  properties: { userId: ID, reason: { type: 'string', minLength: 1, maxLength: 200 } },
});

function valid<T>(v: ValidationResult<T>): T {
  if (!v.ok) throw new ApiError(400, 'VALIDATION_FAILED', '入力内容に誤りがあります', v.errors);
  return v.value;
}

export type StaffAuthService = ReturnType<typeof staffAuthService>;

/**
 * The security administrator's work on staff authentication (seed 000 L2709), used by /api/staff-auth and the
 * 端末・生体認証 screen: registered terminals (register, revoke: sessions on a revoked terminal end at their next
 * request), WebAuthn enrolment of a user's platform authenticator on the administrator's own terminal, and recovery of
 * a lost authenticator by two administrators (four-eyes: the one who asks never approves). Every step is audited
 * (認証管理); a refused role is a 403 with an audit row.
 */
export function staffAuthService(deps: { orm: MikroORM; config: { staffAuth: StaffAuthConfig } }) {
  const { orm } = deps;
  const cfg = deps.config.staffAuth;
  const gate = (staff: StaffContext, fn: string) => authorize(orm, staff, can.administerStaffAuth, fn);
  const record = async (staff: StaffContext, fn: string, detail: Record<string, unknown>) => {
    const em = orm.em.fork();
    audit(em, {
      ...actorFields(staff),
      ip: staff.ip,
      action: AuditAction.AUTH_ADMIN,
      function: fn,
      detail,
    });
    await em.flush();
  };
  return {
    async terminals(staff: StaffContext, fn = 'GET /api/staff-auth/terminals') {
      await gate(staff, fn);
      const rows = await orm.em.fork().find(Terminal, {}, { orderBy: { terminalId: 'asc' } });
      return rows.map((t) => ({ ...t, status: t.active ? ('REGISTERED' as const) : ('REVOKED' as const) }));
    },

    async registerTerminal(staff: StaffContext, body: unknown, fn = 'POST /api/staff-auth/terminals') {
      await gate(staff, fn);
      const t = valid(validateTerminal(body));
      const em = orm.em.fork();
      if (await em.findOne(Terminal, { terminalId: t.terminalId }))
        throw new ApiError(409, 'TERMINAL_EXISTS', 'その端末IDは登録済みです');
      em.persist(em.create(Terminal, { ...t, active: true }));
      await em.flush();
      await record(staff, fn, { terminalId: t.terminalId, step: 'register' });
      return { terminalId: t.terminalId, status: 'REGISTERED' };
    },

    async revokeTerminal(
      staff: StaffContext,
      terminalId: string,
      fn = 'POST /api/staff-auth/terminals/:terminalId/revoke',
    ) {
      await gate(staff, fn);
      const em = orm.em.fork();
      const t = await em.findOne(Terminal, { terminalId });
      if (!t) throw new ApiError(404, 'NOT_FOUND', 'その端末は登録されていません');
      if (t.active) Object.assign(t, { active: false, revokedAt: new Date(), revokedBy: staff.userId });
      await em.flush();
      await record(staff, fn, { terminalId: t.terminalId, step: 'revoke' });
      return { terminalId: t.terminalId, status: 'REVOKED' };
    },

    // enrolment happens at the terminal the credential is bound to: the administrator's session terminal
    async enrolmentOptions(staff: StaffContext, body: unknown, fn = 'POST /api/staff-auth/credentials/options') {
      await gate(staff, fn);
      const { userId } = valid(validateUser(body));
      const o = await enrolmentOptions(orm, cfg, staff, userId);
      if (!o) throw new ApiError(404, 'NOT_FOUND', '利用者または端末が登録されていません');
      return o;
    },

    async enrol(staff: StaffContext, body: unknown, fn = 'POST /api/staff-auth/credentials') {
      await gate(staff, fn);
      const { challengeId, response } = valid(validateEnrolment(body));
      const cred = await completeEnrolment(orm, cfg, staff, challengeId, response);
      if (!cred)
        throw new ApiError(400, 'ENROLMENT_FAILED', '生体認証の登録を確認できませんでした。もう一度やり直してください');
      await record(staff, fn, { userId: cred.userId, terminalId: cred.terminalId, step: 'enrol' });
      return { userId: cred.userId, terminalId: cred.terminalId, createdAt: cred.createdAt };
    },

    async credentials(staff: StaffContext, query: unknown, fn = 'GET /api/staff-auth/credentials') {
      await gate(staff, fn);
      const { userId } = valid(validateUser(query));
      const rows = await orm.em.fork().find(StaffCredential, { userId }, { orderBy: { createdAt: 'asc' } });
      return rows.map((c) => ({
        terminalId: c.terminalId,
        createdAt: c.createdAt,
        enrolledBy: c.enrolledBy,
        revokedAt: c.revokedAt,
      }));
    },

    async pendingRecoveries(staff: StaffContext, fn = 'GET /staff-auth') {
      await gate(staff, fn);
      return orm.em.fork().find(CredentialRecovery, { state: 'PENDING' }, { orderBy: { requestedAt: 'asc' } });
    },

    async requestRecovery(staff: StaffContext, body: unknown, fn = 'POST /api/staff-auth/recoveries') {
      await gate(staff, fn);
      const { userId, reason } = valid(validateRecovery(body));
      const em = orm.em.fork();
      if (!(await em.findOne(StaffUser, { userId })))
        throw new ApiError(404, 'NOT_FOUND', '利用者が登録されていません');
      const row = em.create(CredentialRecovery, {
        id: randomUUID(),
        userId,
        reason,
        requestedBy: staff.userId,
        requestedAt: new Date(),
        state: 'PENDING',
      });
      em.persist(row);
      await em.flush();
      await record(staff, fn, { recoveryId: row.id, userId, step: 'request' });
      return { recoveryId: row.id, state: row.state };
    },

    async approveRecovery(staff: StaffContext, id: string, fn = 'POST /api/staff-auth/recoveries/:recoveryId/approve') {
      await gate(staff, fn);
      const em = orm.em.fork();
      const row = await em.findOne(CredentialRecovery, { id });
      if (!row) throw new ApiError(404, 'NOT_FOUND', 'その回復申請はありません');
      if (row.state !== 'PENDING') throw new ApiError(409, 'NOT_PENDING', 'この回復申請は処理済みです');
      if (row.requestedBy === staff.userId) {
        await record(staff, fn, { recoveryId: row.id, step: 'approve', refused: 'FOUR_EYES' });
        throw new ApiError(
          403,
          'FOUR_EYES',
          '申請した管理者本人は承認できません（別の情報セキュリティ管理者の承認が必要です）',
        );
      }
      const now = new Date();
      await em.transactional(async (tx) => {
        await tx.nativeUpdate(
          StaffCredential,
          { userId: row.userId, revokedAt: null },
          { revokedAt: now, revokedBy: staff.userId },
        );
        await tx.nativeUpdate(
          CredentialRecovery,
          { id: row.id, state: 'PENDING' },
          { state: 'DONE', approvedBy: staff.userId, approvedAt: now },
        );
      });
      await record(staff, fn, { recoveryId: row.id, userId: row.userId, step: 'approve' });
      return { recoveryId: row.id, state: 'DONE' };
    },
  };
}

/** /api/staff-auth: adapters over the service. */
export function staffAuthRouter(svc: StaffAuthService): Router {
  const r = Router();
  r.get('/terminals', async (_req, res) => res.json(await svc.terminals(staffOf(res))));
  r.post('/terminals', async (req, res) => res.status(201).json(await svc.registerTerminal(staffOf(res), req.body)));
  r.post('/terminals/:terminalId/revoke', async (req, res) =>
    res.json(await svc.revokeTerminal(staffOf(res), String(req.params.terminalId))),
  );
  r.post('/credentials/options', async (req, res) => res.json(await svc.enrolmentOptions(staffOf(res), req.body)));
  r.post('/credentials', async (req, res) => res.status(201).json(await svc.enrol(staffOf(res), req.body)));
  r.get('/credentials', async (req, res) =>
    res.json(await svc.credentials(staffOf(res), { userId: req.query.userId })),
  );
  r.post('/recoveries', async (req, res) => res.status(201).json(await svc.requestRecovery(staffOf(res), req.body)));
  r.post('/recoveries/:recoveryId/approve', async (req, res) =>
    res.json(await svc.approveRecovery(staffOf(res), String(req.params.recoveryId))),
  );
  return r;
}

/**
 * /api/auth/enrolment (no session): the first security administrator's enrolment with the one-time code the installer
 * printed on the server (`scripts/staff-auth-enrolment-code.ts`), at the terminal the code names. Audited as 認証管理.
 */
export function installerEnrolmentRouter(deps: { orm: MikroORM; config: { staffAuth: StaffAuthConfig } }): Router {
  const { orm } = deps;
  const cfg = deps.config.staffAuth;
  const r = Router();
  const invalid = () => new ApiError(404, 'ENROLMENT_CODE_INVALID', '登録コードが正しくないか、有効期限が切れています');
  const code = (body: unknown, key: string) => {
    const v = (body as Record<string, unknown> | undefined)?.[key];
    return typeof v === 'string' && /^[A-Za-z0-9_-]{24}$/.test(v) ? v : undefined;
  };
  r.post('/options', async (req, res) => {
    const c = code(req.body, 'code');
    const o = c ? await installerEnrolmentOptions(orm, cfg, c) : undefined;
    if (!o) throw invalid();
    res.json({ challengeId: o.challengeId, options: o.options });
  });
  r.post('/', async (req, res) => {
    const c = code(req.body, 'challengeId');
    const o = c ? await installerEnrolmentOptions(orm, cfg, c) : undefined;
    if (!o) throw invalid();
    const installer = { userId: INSTALLER, terminalId: o.terminalId };
    const cred = await completeEnrolment(orm, cfg, installer, c!, (req.body as Record<string, unknown>).response);
    if (!cred)
      throw new ApiError(400, 'ENROLMENT_FAILED', '生体認証の登録を確認できませんでした。もう一度やり直してください');
    const em = orm.em.fork();
    audit(em, {
      actorId: INSTALLER,
      actorRoles: [],
      terminalId: cred.terminalId,
      ip: req.ip,
      action: AuditAction.AUTH_ADMIN,
      function: 'POST /api/auth/enrolment',
      detail: { userId: cred.userId, terminalId: cred.terminalId, step: 'enrol' },
    });
    await em.flush();
    res.status(201).json({ userId: cred.userId, terminalId: cred.terminalId });
  });
  return r;
}

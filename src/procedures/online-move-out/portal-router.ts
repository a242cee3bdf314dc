import { UniqueConstraintViolationException } from '@mikro-orm/core';
import express, { Router, type NextFunction, type Request, type Response } from 'express';
import { keyBytes } from '../../config';
import { compileSchema } from '../../domain/ajv';
import { CaseStatus } from '../../domain/case-status';
import { isFinalStatus } from '../../domain/procedure-definition';
import { createPortalRequestVerifier, DEFAULT_MAX_SKEW_MS, PORTAL_HEADERS } from '../../domain/portal-request-auth';
import { audit } from '../../db/audit-writer';
import { AuditAction, CaseApplication, CaseRecord, PortalNonce } from '../../db/entities';
import { cancelCaseUpdate } from '../../workflows/work';
import type { ApiDeps } from '../../api/api-deps';
import { executeCaseUpdate } from '../../api/case-updates';
import { ApiError } from '../../api/errors';
import { onlineMoveOutDefinition } from './definition';
import { intakeOnlineMoveOut, PORTAL_ACTOR, portalIdempotencyKey } from './intake';
import { ONLINE_MOVE_OUT_MAX_BYTES } from './schema';

interface CancellationRequest {
  applicationId: string;
  requestedAt: string;
}
const validateCancellation = compileSchema<CancellationRequest>({
  type: 'object',
  additionalProperties: false,
  required: ['applicationId', 'requestedAt'],
  properties: {
    applicationId: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9_-]{7,63}$' },
    requestedAt: { type: 'string', format: 'date-time' },
  },
});

/**
 * The マイナポータル intake (domain.md §2.2 I-1, §8.1: system-to-system links authenticate; §2.3 item 3: the adapter
 * only pushes in). Every request is signed by the portal (HMAC over method, path, timestamp, nonce and the raw
 * body; portal-request-auth.ts); a stale or replayed request is refused — the nonce is remembered in this process
 * and in the registry DB (portal_nonce), so a replay to another API replica is refused too. Bodies are read raw, at
 * most 64 KiB, and parsed only after the signature checks out.
 *   POST /portal/v1/move-out-applications                           → 201 new | 200 the existing case | 400 | 401 | 409 | 413 | 422
 *   POST /portal/v1/move-out-applications/{applicationId}/cancellation → 202 | 400 | 401 | 404 | 409
 */
export function portalRouter(deps: ApiDeps): Router {
  const r = Router();
  const verifier = createPortalRequestVerifier({
    keys: { [deps.config.portalKeyId]: keyBytes(deps.config.portalKey) },
  });

  const authenticate = async (req: Request, _res: Response, next: NextFunction) => {
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const v = verifier.verify({ method: req.method, path: req.originalUrl, body, headers: req.headers });
    const em = deps.orm.em.fork();
    const deny = async (code: string, message: string) => {
      audit(em, {
        actorId: PORTAL_ACTOR.userId,
        actorRoles: PORTAL_ACTOR.roles,
        ip: req.ip,
        action: AuditAction.DENIED,
        function: `${req.method} ${req.path}`,
        outcome: 'denied',
        detail: { reason: code },
      });
      await em.flush();
      throw new ApiError(401, code, message);
    };
    if (!v.ok) return deny(v.reason, v.message);
    const ts = Date.parse(req.get(PORTAL_HEADERS.timestamp) ?? '');
    try {
      await em.nativeDelete(PortalNonce, { expiresAt: { $lt: new Date() } });
      await em.insert(PortalNonce, {
        id: `${v.keyId}\n${req.get(PORTAL_HEADERS.nonce)}`,
        expiresAt: new Date(ts + DEFAULT_MAX_SKEW_MS),
      });
    } catch (e) {
      if (e instanceof UniqueConstraintViolationException)
        return deny('REPLAYED_NONCE', '同じリクエストが既に受け付けられています（再送は拒否されます）');
      throw e;
    }
    next();
  };
  const json = (req: Request): unknown => {
    try {
      return JSON.parse((req.body as Buffer).toString('utf8')) as unknown;
    } catch {
      throw new ApiError(400, 'MALFORMED_JSON', 'JSON の形式が正しくありません');
    }
  };

  r.use(express.raw({ type: () => true, limit: ONLINE_MOVE_OUT_MAX_BYTES }));
  r.post('/move-out-applications', authenticate, async (req, res) => {
    const body = json(req);
    const result = await intakeOnlineMoveOut({ ...deps, now: () => new Date() }, body);
    res.status(result.created ? 201 : 200).json({
      applicationId: (body as { applicationId: string }).applicationId,
      caseId: result.caseId,
      status: 'RECEIVED',
      duplicate: !result.created,
    });
  });

  r.post('/move-out-applications/:applicationId/cancellation', authenticate, async (req, res) => {
    const v = validateCancellation(json(req));
    if (!v.ok) throw new ApiError(400, 'VALIDATION_FAILED', '取消の形式が正しくありません', v.errors);
    if (v.value.applicationId !== req.params.applicationId)
      throw new ApiError(400, 'VALIDATION_FAILED', '申請番号が一致しません', [
        { field: '/applicationId', rule: 'const', message: '/applicationId must equal the path' },
      ]);
    const em = deps.orm.em.fork();
    const app = await em.findOne(CaseApplication, { idempotencyKey: portalIdempotencyKey(v.value.applicationId) });
    const row = app && (await em.findOne(CaseRecord, { caseId: app.caseId }));
    if (!row) throw new ApiError(404, 'UNKNOWN_APPLICATION', 'この申請番号の申請はありません');
    if (row.status === CaseStatus.CANCELLED)
      return void res
        .status(200)
        .json({ applicationId: v.value.applicationId, caseId: row.caseId, status: 'CANCELLED' });
    if (isFinalStatus(onlineMoveOutDefinition, row.status))
      throw new ApiError(409, 'NOT_CANCELLABLE', 'この申請は既に処理が終了しているため取り消せません');
    await executeCaseUpdate(
      deps.temporal,
      row.workflowId,
      cancelCaseUpdate,
      [
        {
          actor: { userId: PORTAL_ACTOR.userId, roles: PORTAL_ACTOR.roles, terminalId: PORTAL_ACTOR.terminalId },
          reason: 'マイナポータルから申請の取消がありました',
        },
      ],
      `portal-cancel-${v.value.applicationId}`,
    );
    res.status(202).json({ applicationId: v.value.applicationId, caseId: row.caseId, status: 'CANCELLING' });
  });
  return r;
}

import { randomUUID } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/core';
import type { Client } from '@temporalio/client';
import { Router } from 'express';
import { certificateReissueWorkflowId } from '../workflows/workflow-ids';
import { can } from '../domain/roles';
import { audit } from '../db/audit-writer';
import { AuditAction, CertificateIssuance } from '../db/entities';
import { requireRole, staffOf } from './auth';
import { issueCounterCopy, type CounterCopyDeps } from './counter-certificate';
import { ApiError } from './errors';

/** Download of an issued certificate (the exact PDF recorded in the 交付履歴). Every download is audited. */
export function certificatesRouter(
  orm: MikroORM,
  temporal: Client,
  taskQueue: string,
  config?: CounterCopyDeps['config'],
): Router {
  const r = Router();

  /** 住民票の写し at the counter (outside a procedure): clerk role; 除票, third-party 個人番号 and 抑止 refused. */
  r.post(
    '/resident-record-copy',
    requireRole(orm, can.issueCertificate, 'POST /api/certificates/resident-record-copy'),
    async (req, res) => {
      const result = await issueCounterCopy(
        { orm, temporal, config: config ?? { taskQueue, householdMemberMayRequestIndividualNumber: true } },
        staffOf(res),
        req.body,
        req.get('x-request-id') ?? undefined,
      );
      res.status(201).json(result);
    },
  );
  r.get(
    '/:certificateId/pdf',
    requireRole(orm, can.issueCertificate, 'GET /api/certificates/:id/pdf'),
    async (req, res) => {
      const staff = staffOf(res);
      const em = orm.em.fork();
      const cert = await em.findOne(
        CertificateIssuance,
        { certificateId: String(req.params.certificateId) },
        { populate: ['pdf'] },
      );
      if (!cert) throw new ApiError(404, 'CERTIFICATE_NOT_FOUND', '証明書が見つかりません');
      audit(
        em,
        ...cert.targetAddresseeNumbers.map((a) => ({
          actorId: staff.userId,
          actorRoles: staff.roles,
          terminalId: staff.terminalId,
          ip: staff.ip,
          action: AuditAction.INQUIRY,
          function: 'GET /api/certificates/:id/pdf',
          caseId: cert.caseId,
          targetAddresseeNumber: a,
          individualNumberAccessed: Boolean(cert.printedItems.includeIndividualNumber),
          detail: { certificateId: cert.certificateId },
        })),
      );
      await em.flush();
      res
        .type('application/pdf')
        .set('Content-Disposition', `inline; filename="${cert.certificateId}.pdf"`)
        .set('Cache-Control', 'no-store')
        .send(cert.pdf);
    },
  );

  /** 再交付: a new copy with a new 発行番号 and the 「再交付」 mark. X-Request-Id makes a double submit issue one copy. */
  r.post(
    '/:certificateId/reissue',
    requireRole(orm, can.issueCertificate, 'POST /api/certificates/:id/reissue'),
    async (req, res) => {
      const staff = staffOf(res);
      const certificateId = String(req.params.certificateId);
      if (!(await orm.em.fork().count(CertificateIssuance, { certificateId })))
        throw new ApiError(404, 'CERTIFICATE_NOT_FOUND', '証明書が見つかりません');
      const result = (await temporal.workflow.execute('certificateReissueWorkflow', {
        workflowId: certificateReissueWorkflowId(certificateId, req.get('x-request-id') ?? randomUUID()),
        taskQueue,
        args: [{ certificateId, operatorId: staff.userId, terminalId: staff.terminalId }],
        workflowIdConflictPolicy: 'USE_EXISTING',
      })) as { certificateId: string; issueNumber: string };
      res.status(201).json({ ...result, href: `/api/certificates/${result.certificateId}/pdf` });
    },
  );
  return r;
}

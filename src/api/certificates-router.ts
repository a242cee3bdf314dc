import type { MikroORM } from '@mikro-orm/core';
import { Router } from 'express';
import { can } from '../domain/roles';
import { audit } from '../db/audit-writer';
import { AuditAction, CertificateIssuance } from '../db/entities';
import { requireRole, staffOf } from './auth';
import { ApiError } from './errors';

/** Download of an issued certificate (the exact PDF recorded in the 交付履歴). Every download is audited. */
export function certificatesRouter(orm: MikroORM): Router {
  const r = Router();
  r.get('/:certificateId/pdf', requireRole(orm, can.issueCertificate, 'GET /api/certificates/:id/pdf'), async (req, res) => {
    const staff = staffOf(res);
    const em = orm.em.fork();
    const cert = await em.findOne(CertificateIssuance, { certificateId: String(req.params.certificateId) }, { populate: ['pdf'] });
    if (!cert) throw new ApiError(404, 'CERTIFICATE_NOT_FOUND', '証明書が見つかりません');
    audit(em, ...cert.targetAddresseeNumbers.map((a) => ({
      actorId: staff.userId, actorRoles: staff.roles, terminalId: staff.terminalId, ip: staff.ip, action: AuditAction.INQUIRY,
      function: 'GET /api/certificates/:id/pdf', caseId: cert.caseId, targetAddresseeNumber: a,
      individualNumberAccessed: Boolean(cert.printedItems.includeIndividualNumber), detail: { certificateId: cert.certificateId },
    })));
    await em.flush();
    res.type('application/pdf').set('Content-Disposition', `inline; filename="${cert.certificateId}.pdf"`).set('Cache-Control', 'no-store').send(cert.pdf);
  });
  return r;
}

import { randomUUID } from 'node:crypto';
import { can } from '../domain/roles';
import { ISSUANCE_REFUSAL_MESSAGE } from '../domain/support-measures';
import { issuanceBlocked } from '../db/issuance-blocks';
import { actorFields, audit } from '../db/audit-writer';
import { AuditAction, CertificateIssuance } from '../db/entities';
import { certificateReissueWorkflow, certificateReissueWorkflowId } from '../workflows/certificate-reissue';
import { issueCounterCopy } from '../procedures/resident-record-copy/service';
import type { ApiDeps } from './api-deps';
import type { StaffContext } from './auth';
import { authorize } from './authorize';
import { caseService } from './case-service';
import type { IntakeResult } from './case-intake';
import { ApiError } from './errors';
import { staffAdminService } from './staff-admin-service';
import { staffAuthService } from './staff-auth-router';
import { supportMeasureService } from './support-measures-service';

/**
 * The operations of the API process, in-process: the JSON routers and the web UI call these, so validation, role
 * gates, workflow validators and the audit trail live in one place (no HTTP loopback from the UI to its own API).
 */
export function createApiServices(deps: ApiDeps) {
  const { orm } = deps;
  const cases = caseService(deps);

  return {
    cases,
    /** The 支援措置 / 抑止 register (domain.md §8.6). */
    supportMeasures: supportMeasureService(deps),
    staffAuth: staffAuthService(deps),
    /** Staff users (issue 14 item 7): the security administrator's screens and everyone's password change. */
    staffAdmin: staffAdminService(deps),

    /** 仮登録 of a counter notification: the procedure's intake (`path`: move-in, move-out, …) from the table. */
    async intake(staff: StaffContext, path: string, body: unknown, idempotencyKey?: string): Promise<IntakeResult> {
      const module = deps.procedures.cases.find((m) => m.intake?.path === path);
      if (!module?.intake) throw new ApiError(404, 'NOT_FOUND', 'そのような API はありません');
      await authorize(orm, staff, can.enterCase, `POST /api/cases/${path}`);
      return module.intake.run(deps, staff, body, idempotencyKey);
    },

    /** 住民票の写し at the counter (outside a procedure): clerk role; 除票, third-party 個人番号 and 抑止 refused. */
    async counterCopy(staff: StaffContext, body: unknown, requestId?: string) {
      await authorize(orm, staff, can.issueCertificate, 'POST /api/certificates/resident-record-copy');
      return issueCounterCopy(deps, staff, body, requestId);
    },

    /** The issued PDF exactly as recorded in the 交付履歴. Every download is audited. */
    async certificatePdf(staff: StaffContext, certificateId: string) {
      await authorize(orm, staff, can.issueCertificate, 'GET /api/certificates/:id/pdf');
      const em = orm.em.fork();
      const cert = await em.findOne(CertificateIssuance, { certificateId }, { populate: ['pdf'] });
      if (!cert) throw new ApiError(404, 'CERTIFICATE_NOT_FOUND', '証明書が見つかりません');
      audit(
        em,
        ...cert.targetAddresseeNumbers.map((a) => ({
          ...actorFields(staff),
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
      return cert;
    },

    /** 再交付: a new copy with a new 発行番号 and the 「再交付」 mark. The request ID makes a double submit issue one copy. */
    async reissue(staff: StaffContext, certificateId: string, requestId?: string) {
      await authorize(orm, staff, can.issueCertificate, 'POST /api/certificates/:id/reissue');
      const em = orm.em.fork();
      const cert = await em.findOne(
        CertificateIssuance,
        { certificateId },
        { fields: ['targetAddresseeNumbers', 'caseId'] },
      );
      if (!cert) throw new ApiError(404, 'CERTIFICATE_NOT_FOUND', '証明書が見つかりません');
      // 支援措置 / 抑止 (domain.md §8.6): a 再交付 is an issuance; refused (and audited) without a 一時解除
      const blocked = await issuanceBlocked(em, cert.targetAddresseeNumbers);
      if (blocked.size) {
        audit(
          em,
          ...[...blocked].map((a) => ({
            ...actorFields(staff),
            ip: staff.ip,
            action: AuditAction.DENIED,
            function: 'POST /api/certificates/:id/reissue',
            caseId: cert.caseId,
            targetAddresseeNumber: a,
            outcome: 'denied' as const,
            detail: { certificateId, rules: ['SUPPORT_MEASURE'], blocked: true },
          })),
        );
        await em.flush();
        throw new ApiError(403, 'ISSUANCE_BLOCKED', ISSUANCE_REFUSAL_MESSAGE);
      }
      const result = await deps.temporal.workflow.execute(certificateReissueWorkflow, {
        workflowId: certificateReissueWorkflowId(certificateId, requestId ?? randomUUID()),
        taskQueue: deps.config.taskQueue,
        args: [{ certificateId, operatorId: staff.userId, terminalId: staff.terminalId, timings: deps.config.timings }],
        workflowIdConflictPolicy: 'USE_EXISTING',
      });
      return { ...result, href: `/api/certificates/${result.certificateId}/pdf` };
    },
  };
}

export type ApiServices = ReturnType<typeof createApiServices>;

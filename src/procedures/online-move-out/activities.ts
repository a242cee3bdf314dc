import { ApplicationFailure } from '@temporalio/activity';
import { CaseAction } from '../../domain/case-status';
import { FailureType } from '../../domain/failures';
import { reasonOfAction } from '../../db/case-notes';
import { CaseActionLog, CaseApplication, PartnerCall, PartnerName } from '../../db/entities';
import type { StoredOnlineMoveOutApplication } from './schema';
import type { PortalNotice, PortalNoticeKind } from '../../partners/portal';
import { PartnerRejectedError, PartnerUnavailableError } from '../../partners/partner-errors';
import type { ActivityDeps } from '../../activities/deps';
import { observedPartnerCall } from '../../observability/metrics';

/**
 * The notice to マイナポータル about an online 転出 (domain.md §2.2 I-2, §4.4 step 4): completed, rejected with the
 * clerk's reason, or cancelled. Idempotent on (application, kind): a retry re-sends the same key and the portal
 * answers with the original ack. The reason text is read from the case log here, so it never travels through
 * Temporal. A refusal by the portal is permanent (PARTNER_REJECTED), a failure to reach it is retried.
 */
export function onlineMoveOutActivities(deps: ActivityDeps) {
  const now = deps.now ?? (() => new Date());
  return {
    async notifyPortal(input: { caseId: string; kind: PortalNoticeKind }): Promise<{ noticeId: string }> {
      const em = deps.orm.em.fork();
      const app = (await em.findOneOrFail(CaseApplication, { caseId: input.caseId }))
        .payload as unknown as StoredOnlineMoveOutApplication;
      const rejection =
        input.kind === 'REJECTED'
          ? await em.findOne(
              CaseActionLog,
              { caseId: input.caseId, action: CaseAction.REJECT },
              { orderBy: { id: 'desc' } },
            )
          : undefined;
      const reason = await reasonOfAction(em, deps.pii, input.caseId, rejection?.detail);
      const notice: PortalNotice = {
        idempotencyKey: `${deps.config.municipalityCode}-${app.online.applicationId}-${input.kind}`,
        applicationId: app.online.applicationId,
        municipalityCode: deps.config.municipalityCode,
        kind: input.kind,
        ...(reason ? { reasons: [{ rule: 'REVIEW_REJECTED', message: reason.slice(0, 500) }] } : {}),
        at: now().toISOString(),
      };
      const started = Date.now();
      const call = (ok: boolean, errorCode?: string, httpStatus?: number) =>
        em.persist(
          observedPartnerCall(
            em.create(PartnerCall, {
              partner: PartnerName.PORTAL,
              operation: `NOTICE_${input.kind}`,
              ok,
              errorCode,
              httpStatus,
              durationMs: Date.now() - started,
              caseId: input.caseId,
              at: now(),
            }),
          ),
        );
      try {
        const ack = await deps.portal.sendNotice(notice);
        call(true);
        em.persist(
          em.create(CaseActionLog, {
            caseId: input.caseId,
            action: CaseAction.PORTAL_NOTIFIED,
            actorId: 'system',
            detail: { kind: input.kind, noticeId: ack.noticeId, duplicate: ack.duplicate },
            at: now(),
          }),
        );
        await em.flush();
        return { noticeId: ack.noticeId };
      } catch (err) {
        if (err instanceof PartnerRejectedError) {
          call(false, err.code, err.httpStatus);
          await em.flush();
          throw ApplicationFailure.create({
            type: FailureType.PARTNER_REJECTED,
            message: `portal notice refused: ${err.code}`,
            nonRetryable: true,
          });
        }
        call(false, 'UNAVAILABLE', err instanceof PartnerUnavailableError ? err.httpStatus : undefined);
        await em.flush();
        throw err;
      }
    },
  };
}

export type OnlineMoveOutActivities = ReturnType<typeof onlineMoveOutActivities>;

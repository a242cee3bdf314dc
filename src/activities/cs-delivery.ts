import { ApplicationFailure } from '@temporalio/activity';
import { CaseAction } from '../domain/case-status';
import { FailureType } from '../domain/failures';
import { CaseActionLog, OutboxKind, OutboxMessage, OutboxStatus } from '../db/entities';
import type { CardAgencyAck } from '../partners/card-agency';
import type { ContinuedUseRequest } from '../partners/card-agency-messages';
import type { CsAck, IdentityUpdate, MoveInNotice } from '../partners/cs-gateway';
import type { CertificateInfoRequest, MoveOutCertificateInfo } from '../partners/cs-move-messages';
import { PartnerRejectedError } from '../partners/partner-errors';
import type { ActivityDeps } from './deps';

/** Which port sends which outbox kind. */
const send = (deps: ActivityDeps, kind: string, body: unknown): Promise<CsAck | CardAgencyAck> => {
  switch (kind) {
    case OutboxKind.IDENTITY_UPDATE: return deps.cs.sendIdentityUpdate(body as IdentityUpdate);
    case OutboxKind.MOVE_IN_NOTICE: return deps.cs.sendMoveInNotice(body as MoveInNotice);
    case OutboxKind.MOVE_OUT_CERTIFICATE_INFO: return deps.cs.sendMoveOutCertificateInfo(body as MoveOutCertificateInfo);
    case OutboxKind.CERTIFICATE_INFO_REQUEST: return deps.cs.sendCertificateInfoRequest(body as CertificateInfoRequest);
    case OutboxKind.CARD_CONTINUED_USE: return deps.cards.requestContinuedUse(body as ContinuedUseRequest);
    default: throw ApplicationFailure.nonRetryable(`unknown outbox kind ${kind}`);
  }
};

/**
 * Delivers the outbox messages of a case to the CS and J-LIS, in creation order, each with its idempotency key
 * (architecture principle 2). Earlier unsent messages of the same persons (from other cases) go first, so each
 * person's updates reach the CS in event order (domain.md §3.4). A transient failure throws (Temporal retries with
 * the same keys); a refusal marks the message and fails non-retryably for the error queue.
 */
export function deliverCsMessagesActivity(deps: ActivityDeps) {
  const now = deps.now ?? (() => new Date());
  return async function deliverCsMessages(input: { caseId: string }): Promise<{ sent: number }> {
    const em = deps.orm.em.fork();
    const own = await em.find(OutboxMessage, { caseId: input.caseId }, { orderBy: { id: 'asc' } });
    const codes = [...new Set(own.filter((m) => m.status !== OutboxStatus.SENT).map((m) => m.residentRecordCode))];
    const queue = codes.length
      ? await em.find(OutboxMessage, { residentRecordCode: { $in: codes }, status: { $ne: OutboxStatus.SENT } }, { orderBy: { id: 'asc' } })
      : [];
    let sent = 0;
    for (const m of queue) {
      m.attempts += 1;
      try {
        const ack = await send(deps, m.kind, JSON.parse(deps.pii.decrypt(m.payloadEnc)));
        const messageId = 'messageId' in ack ? ack.messageId : ack.requestId;
        Object.assign(m, { status: OutboxStatus.SENT, ackMessageId: messageId, sentAt: now(), lastError: undefined });
        em.persist(em.create(CaseActionLog, {
          caseId: m.caseId, action: CaseAction.CS_SENT, actorId: 'system', detail: { kind: m.kind, sequence: m.sequence, messageId, duplicate: ack.duplicate }, at: now(),
        }));
        await em.flush();
        sent++;
      } catch (err) {
        // the partner clients' error messages carry codes and statuses only, never personal data
        m.lastError = (err instanceof Error ? err.message : String(err)).slice(0, 500);
        if (err instanceof PartnerRejectedError) {
          m.status = OutboxStatus.REJECTED;
          em.persist(em.create(CaseActionLog, { caseId: m.caseId, action: CaseAction.CS_REJECTED, actorId: 'system', detail: { kind: m.kind, code: err.code }, at: now() }));
          await em.flush();
          throw ApplicationFailure.create({ type: FailureType.PARTNER_REJECTED, message: `${m.kind} refused: ${err.code}`, nonRetryable: true, details: [{ code: err.code }] });
        }
        await em.flush();
        throw err;
      }
    }
    return { sent };
  };
}

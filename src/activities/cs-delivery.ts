import { ApplicationFailure } from '@temporalio/activity';
import { CaseAction } from '../domain/case-status';
import { FailureType } from '../domain/failures';
import { CaseActionLog, OutboxKind, OutboxMessage, OutboxStatus } from '../db/entities';
import { CsRejectedError, type IdentityUpdate, type MoveInNotice } from '../partners/cs-gateway';
import type { ActivityDeps } from './deps';

/**
 * Delivers the outbox messages of a case to the CS, in creation order, each with its idempotency key
 * (architecture principle 2). Earlier unsent messages of the same persons (from other cases) go first, so each
 * person's updates reach the CS in event order (domain.md §3.4). A transient failure throws (Temporal retries with
 * the same keys); a CS rejection marks the message and fails non-retryably for the error queue.
 */
export function deliverCsMessagesActivity(deps: ActivityDeps) {
  const now = deps.now ?? (() => new Date());
  return async function deliverCsMessages(input: { caseId: string }): Promise<{ sent: number; alreadySent: number }> {
    const em = deps.orm.em.fork();
    const own = await em.find(OutboxMessage, { caseId: input.caseId }, { orderBy: { id: 'asc' } });
    const codes = [...new Set(own.filter((m) => m.status !== OutboxStatus.SENT).map((m) => m.residentRecordCode))];
    const queue = codes.length
      ? await em.find(OutboxMessage, { residentRecordCode: { $in: codes }, status: { $ne: OutboxStatus.SENT } }, { orderBy: { id: 'asc' } })
      : [];
    let sent = 0;
    for (const m of queue) {
      const body = JSON.parse(deps.pii.decrypt(m.payloadEnc)) as IdentityUpdate | MoveInNotice;
      m.attempts += 1;
      try {
        const ack = m.kind === OutboxKind.IDENTITY_UPDATE
          ? await deps.cs.sendIdentityUpdate(body as IdentityUpdate)
          : await deps.cs.sendMoveInNotice(body as MoveInNotice);
        Object.assign(m, { status: OutboxStatus.SENT, ackMessageId: ack.messageId, sentAt: now(), lastError: undefined });
        em.persist(em.create(CaseActionLog, {
          caseId: m.caseId, action: CaseAction.CS_SENT, actorId: 'system',
          detail: { kind: m.kind, sequence: m.sequence, messageId: ack.messageId, duplicate: ack.duplicate }, at: now(),
        }));
        await em.flush();
        sent++;
      } catch (err) {
        // error messages of the CS client carry codes and statuses only, never personal data
        m.lastError = (err instanceof Error ? err.message : String(err)).slice(0, 500);
        if (err instanceof CsRejectedError) {
          m.status = OutboxStatus.REJECTED;
          em.persist(em.create(CaseActionLog, { caseId: m.caseId, action: CaseAction.CS_REJECTED, actorId: 'system', detail: { kind: m.kind, code: err.code }, at: now() }));
          await em.flush();
          throw ApplicationFailure.create({ type: FailureType.CS_REJECTED, message: `CS rejected ${m.kind}: ${err.code}`, nonRetryable: true, details: [{ code: err.code }] });
        }
        await em.flush();
        throw err;
      }
    }
    return { sent, alreadySent: own.length - own.filter((m) => queue.includes(m)).length };
  };
}

import { raw } from '@mikro-orm/core';
import { ApplicationFailure, CancelledFailure, Context } from '@temporalio/activity';
import { CaseAction } from '../domain/case-status';
import { FailureType } from '../domain/failures';
import { CaseActionLog, OutboxKind, OutboxMessage, OutboxStatus, PartnerCall, PartnerName } from '../db/entities';
import type { CardAgencyAck } from '../partners/card-agency';
import { CardAgencyErrorCode, type ContinuedUseRequest } from '../partners/card-agency-messages';
import type { DeliveryAddressInfoMessage, IndividualNumberRequestMessage } from '../partners/jlis-number-messages';
import type { AddressAnnexNotice, CsAck, IdentityUpdate, MoveInNotice } from '../partners/cs-gateway';
import type {
  CertificateInfoRequest,
  MoveOutCertificateInfo,
  MoveOutCertificateWithdrawal,
} from '../partners/cs-move-messages';
import { PartnerRejectedError, PartnerUnavailableError } from '../partners/partner-errors';
import type { ActivityDeps } from './deps';
import { observedPartnerCall } from '../observability/metrics';

/** Which port sends which outbox kind. */
const send = (deps: ActivityDeps, kind: string, body: unknown): Promise<CsAck | CardAgencyAck> => {
  switch (kind) {
    case OutboxKind.IDENTITY_UPDATE:
      return deps.cs.sendIdentityUpdate(body as IdentityUpdate);
    case OutboxKind.MOVE_IN_NOTICE:
      return deps.cs.sendMoveInNotice(body as MoveInNotice);
    case OutboxKind.MOVE_OUT_CERTIFICATE_INFO:
      return deps.cs.sendMoveOutCertificateInfo(body as MoveOutCertificateInfo);
    case OutboxKind.CERTIFICATE_INFO_REQUEST:
      return deps.cs.sendCertificateInfoRequest(body as CertificateInfoRequest);
    case OutboxKind.MOVE_OUT_CERTIFICATE_WITHDRAWAL:
      return deps.cs.sendCertificateWithdrawal(body as MoveOutCertificateWithdrawal);
    case OutboxKind.ADDRESS_ANNEX_NOTICE:
      return deps.cs.sendAddressAnnexNotice(body as AddressAnnexNotice);
    case OutboxKind.CARD_CONTINUED_USE:
      return deps.cards.requestContinuedUse(body as ContinuedUseRequest);
    case OutboxKind.INDIVIDUAL_NUMBER_REQUEST:
      return deps.cards.requestIndividualNumber(body as IndividualNumberRequestMessage);
    case OutboxKind.DELIVERY_ADDRESS_INFO:
      return deps.cards.sendDeliveryAddressInfo(body as DeliveryAddressInfoMessage);
    default:
      throw ApplicationFailure.nonRetryable(`unknown outbox kind ${kind}`);
  }
};

const JLIS_KINDS: ReadonlySet<string> = new Set([
  OutboxKind.CARD_CONTINUED_USE,
  OutboxKind.INDIVIDUAL_NUMBER_REQUEST,
  OutboxKind.DELIVERY_ADDRESS_INFO,
]);
const partnerOf = (kind: string) => (JLIS_KINDS.has(kind) ? PartnerName.JLIS : PartnerName.CS);

/** J-LIS refused a 継続利用 request because the period after the 転入届 has ended (the card lapsed). */
const lapsedContinuedUse = (kind: string, code: string) =>
  kind === OutboxKind.CARD_CONTINUED_USE && code === CardAgencyErrorCode.CONTINUED_USE_DEADLINE_PASSED;

const errorCodeOf = (err: unknown): { code: string; httpStatus?: number } =>
  err instanceof PartnerRejectedError
    ? { code: err.code, httpStatus: err.httpStatus }
    : err instanceof PartnerUnavailableError
      ? { code: 'UNAVAILABLE', httpStatus: err.httpStatus }
      : { code: 'ERROR' };

/**
 * Delivers the outbox messages of a case to the CS and J-LIS, in creation order, each with its idempotency key
 * (architecture principle 2). Earlier unsent messages of the same persons (from other cases) go first, so each
 * person's updates reach the CS in event order (domain.md §3.4). A transient failure throws (Temporal retries with
 * the same keys); a refusal marks the message and fails non-retryably for the error queue. Each row is claimed
 * (PENDING → SENDING, compare-and-set) before the call, so a message cancelled by a compensation is never sent and
 * a message possibly in flight is compensated as sent (compensation.ts). Every call is recorded in partner_call (health); the activity heartbeats between
 * messages so that a cancellation (retry-now, case cancellation) stops it between two sends.
 */
export function deliverCsMessagesActivity(deps: ActivityDeps) {
  const now = deps.now ?? (() => new Date());
  return async function deliverCsMessages(input: { caseId: string }): Promise<{ sent: number }> {
    const em = deps.orm.em.fork();
    const unsent = { $in: [OutboxStatus.PENDING, OutboxStatus.SENDING, OutboxStatus.REJECTED] };
    // the unsent messages of the persons of this case's unsent messages, in order: one query (issue 15)
    const queue = await em.find(
      OutboxMessage,
      {
        status: unsent,
        [raw(
          (alias: string) =>
            `${alias}.resident_record_code in (select o.resident_record_code from outbox_message o` +
            ` where o.case_id = ? and o.status in (${unsent.$in.map(() => '?').join(', ')}))`,
          [input.caseId, ...unsent.$in],
        )]: [],
      },
      { orderBy: { id: 'asc' } },
    );
    let sent = 0;
    for (const m of queue) {
      Context.current().heartbeat({ sent });
      if (Context.current().cancellationSignal.aborted)
        throw new CancelledFailure('delivery cancelled between two messages');
      // claim the row (compare-and-set): a compensation may have cancelled it, another attempt may have sent it
      if (
        !(await em.nativeUpdate(
          OutboxMessage,
          { id: m.id, status: unsent },
          { status: OutboxStatus.SENDING, attempts: m.attempts + 1 },
        ))
      )
        continue;
      Object.assign(m, { status: OutboxStatus.SENDING, attempts: m.attempts + 1 }); // what the claim wrote
      const started = Date.now();
      const callRow = (ok: boolean, e?: { code: string; httpStatus?: number }) =>
        observedPartnerCall({
          partner: partnerOf(m.kind),
          operation: m.kind,
          ok,
          httpStatus: e?.httpStatus,
          errorCode: e?.code,
          durationMs: Date.now() - started,
          caseId: m.caseId,
          at: now(),
        });
      const call = (ok: boolean, e?: { code: string; httpStatus?: number }) =>
        em.persist(em.create(PartnerCall, callRow(ok, e)));
      try {
        const ack = await send(deps, m.kind, JSON.parse(deps.pii.decrypt(m.payloadEnc)));
        const messageId = 'messageId' in ack ? ack.messageId : ack.requestId;
        const sentAt = now();
        // the sent mark, the partner call and the log in one transaction, as statements: no unit of work to compute
        // (issue 15, MikroORM CPU per 転入); the loaded row is kept in step for a later flush of this delivery
        await deps.orm.em.fork().transactional(async (t) => {
          await t.nativeUpdate(
            OutboxMessage,
            { id: m.id },
            { status: OutboxStatus.SENT, attempts: m.attempts, ackMessageId: messageId, sentAt, lastError: null },
          );
          await t.insert(PartnerCall, callRow(true));
          await t.insert(CaseActionLog, {
            caseId: m.caseId,
            action: CaseAction.CS_SENT,
            actorId: 'system',
            detail: { kind: m.kind, sequence: m.sequence, messageId, duplicate: ack.duplicate },
            at: now(),
          });
        });
        Object.assign(m, { status: OutboxStatus.SENT, ackMessageId: messageId, sentAt, lastError: undefined });
        sent++;
      } catch (err) {
        // the partner clients' error messages carry codes and statuses only, never personal data
        m.lastError = (err instanceof Error ? err.message : String(err)).slice(0, 500);
        call(false, errorCodeOf(err));
        if (err instanceof PartnerRejectedError && lapsedContinuedUse(m.kind, err.code)) {
          // too late for the 継続利用: final, not an error to correct — the card is cancelled after the delivery
          // (settleContinuedUse, src/procedures/card-events/activities.ts) and the other messages go on
          m.status = OutboxStatus.CANCELLED;
          em.persist(
            em.create(CaseActionLog, {
              caseId: m.caseId,
              action: CaseAction.CS_REJECTED,
              actorId: 'system',
              detail: { kind: m.kind, code: err.code },
              at: now(),
            }),
          );
          await em.flush();
          continue;
        }
        if (err instanceof PartnerRejectedError) {
          m.status = OutboxStatus.REJECTED;
          em.persist(
            em.create(CaseActionLog, {
              caseId: m.caseId,
              action: CaseAction.CS_REJECTED,
              actorId: 'system',
              detail: { kind: m.kind, code: err.code },
              at: now(),
            }),
          );
          await em.flush();
          throw ApplicationFailure.create({
            type: FailureType.PARTNER_REJECTED,
            message: `${m.kind} refused: ${err.code}`,
            nonRetryable: true,
            details: [{ code: err.code }],
          });
        }
        // the partner answered "not now" (e.g. 503): certainly not accepted, so the row is unclaimed again; after a
        // timeout or a network error it stays SENDING (it may have been accepted; the resend is de-duplicated)
        if (err instanceof PartnerUnavailableError && err.httpStatus !== undefined) m.status = OutboxStatus.PENDING;
        await em.flush();
        throw err;
      }
    }
    return { sent };
  };
}

import { ApplicationFailure } from '@temporalio/activity';
import type { CardEventKind, CardEventOrigin, CardEventReason } from '../domain/card-status';
import { jstDate } from '../domain/dates';
import { FailureType } from '../domain/failures';
import { CardNotFoundError, CardTransitionError, recordCardEvent } from '../db/cards';
import { CardEventRecord, MyNumberCard, PartnerCall, PartnerName } from '../db/entities';
import type { CardEventType } from '../partners/card-agency-messages';
import { PartnerRejectedError, PartnerUnavailableError } from '../partners/partner-errors';
import type { ActivityDeps } from './deps';
import { observedPartnerCall } from '../observability/metrics';

/** Failure types of the card activities (non-retryable: the event is not allowed, or the card is unknown). */
export const CardFailureType = { CARD_STATE: 'CardState', UNKNOWN_CARD: 'UnknownCard' } as const;

export interface RecordCardEventActivityInput {
  cardId: string;
  kind: CardEventKind;
  /** Default: today (Japan time). */
  eventDate?: string;
  reason?: CardEventReason;
  origin: CardEventOrigin;
  recordedBy: string;
  terminalId?: string;
  /** Idempotency of the recording (a retried activity or workflow step writes once). */
  requestKey: string;
  caseId?: string;
}

/**
 * The card activities every procedure may use: record one card event (src/db/cards.ts, one transaction) and send the
 * unsent reported events of a person to J-LIS. Arguments and results are IDs and codes only.
 */
export function cardEventActivities(deps: ActivityDeps) {
  const now = deps.now ?? (() => new Date());
  return {
    /** Records a card event; an event the card's status does not allow fails non-retryably (CardState). */
    async recordCardEvent(input: RecordCardEventActivityInput): Promise<{ eventId: number }> {
      try {
        const eventId = await deps.orm.em.fork().transactional((em) =>
          recordCardEvent(em, {
            ...input,
            eventDate: input.eventDate ?? jstDate(now()),
            municipalityCode: deps.config.municipalityCode,
          }),
        );
        return { eventId };
      } catch (e) {
        if (e instanceof CardTransitionError)
          throw ApplicationFailure.nonRetryable(e.message, CardFailureType.CARD_STATE);
        if (e instanceof CardNotFoundError)
          throw ApplicationFailure.nonRetryable(e.message, CardFailureType.UNKNOWN_CARD);
        throw e;
      }
    },

    /**
     * Sends every unsent reported event of the card's person (all their cards) to J-LIS in 更新順番号 order through
     * `CardAgency.reportCardEvent`, each with its own idempotency key, and marks `sentAt` / `ackId`. Idempotent: a
     * retry resends only what has no ack (J-LIS answers a resend with the original ack). J-LIS unavailable → throws
     * (Temporal retries); a refusal → a non-retryable PartnerRejected failure naming the code.
     */
    async sendCardEvents(input: { cardId: string }): Promise<{ sent: number }> {
      const em = deps.orm.em.fork();
      const card = await em.findOne(MyNumberCard, { cardId: input.cardId });
      if (!card) throw ApplicationFailure.nonRetryable('unknown card', CardFailureType.UNKNOWN_CARD);
      const unsent = await em.find(
        CardEventRecord,
        { residentRecordCode: card.residentRecordCode, sequenceNumber: { $ne: null }, sentAt: null },
        { orderBy: { sequenceNumber: 'asc' } },
      );
      let sent = 0;
      for (const ev of unsent) {
        const started = Date.now();
        const call = (ok: boolean, e?: { code: string; httpStatus?: number }) =>
          em.persist(
            observedPartnerCall(
              em.create(PartnerCall, {
                partner: PartnerName.JLIS,
                operation: 'CARD_EVENT',
                ok,
                httpStatus: e?.httpStatus,
                errorCode: e?.code,
                durationMs: Date.now() - started,
                caseId: card.caseId,
                at: now(),
              }),
            ),
          );
        try {
          const ack = await deps.cards.reportCardEvent({
            municipalityCode: deps.config.municipalityCode,
            idempotencyKey: ev.idempotencyKey!,
            sequenceNumber: ev.sequenceNumber!,
            residentRecordCode: ev.residentRecordCode,
            event: ev.kind as CardEventType,
            eventDate: ev.eventDate,
            ...(ev.reason ? { reason: ev.reason } : {}),
          });
          Object.assign(ev, { sentAt: now(), ackId: ack.requestId });
          call(true);
          await em.flush();
          sent++;
        } catch (err) {
          if (err instanceof PartnerRejectedError) {
            call(false, { code: err.code, httpStatus: err.httpStatus });
            await em.flush();
            throw ApplicationFailure.create({
              type: FailureType.PARTNER_REJECTED,
              message: `card event ${ev.kind} refused by J-LIS: ${err.code}`,
              nonRetryable: true,
            });
          }
          call(false, {
            code: err instanceof PartnerUnavailableError ? 'UNAVAILABLE' : 'ERROR',
            httpStatus: err instanceof PartnerUnavailableError ? err.httpStatus : undefined,
          });
          await em.flush();
          throw err;
        }
      }
      return { sent };
    },
  };
}

export type CardEventActivities = ReturnType<typeof cardEventActivities>;

import { ApplicationFailure } from '@temporalio/activity';
import { cardExpiryDate, CardEventKind, CardEventOrigin } from '../../domain/card-status';
import { CaseAction } from '../../domain/case-status';
import { jstDate } from '../../domain/dates';
import { FailureType } from '../../domain/failures';
import { CardNotFoundError, CardTransitionError, recordCardEvent } from '../../db/cards';
import { CaseActionLog, CaseApplication, MyNumberCard, Resident } from '../../db/entities';
import { CardFailureType } from '../../activities/card-events';
import { certificateActivities } from '../../activities/certificates';
import type { ActivityDeps } from '../../activities/deps';
import type { StoredCardIssuance } from './schema';

const nonRetryable = (e: unknown): never => {
  if (e instanceof CardTransitionError) throw ApplicationFailure.nonRetryable(e.message, CardFailureType.CARD_STATE);
  if (e instanceof CardNotFoundError) throw ApplicationFailure.nonRetryable(e.message, CardFailureType.UNKNOWN_CARD);
  throw e;
};

/**
 * The activities of the card issuance case (workflow.ts). Idempotent: each step's card event has a request key
 * derived from the case, so a retry writes once. Arguments and results are IDs and outcomes only.
 */
export function cardIssuanceActivities(deps: ActivityDeps) {
  const now = deps.now ?? (() => new Date());
  const certificates = certificateActivities(deps);
  return {
    /**
     * The 交付通知書 PDF (`kind: 'notice'`; the card becomes NOTICE_SENT) or the reminder before the storage limit
     * (`'reminder'`), for the card's holder at their registry address (certificates.ts: 発行番号, 交付履歴, audit;
     * withheld under 支援措置 like any document). Idempotent per case and kind.
     */
    async issueCardNotice(input: {
      caseId: string;
      cardId: string;
      kind: 'notice' | 'reminder';
    }): Promise<{ issueNumber?: string }> {
      const today = jstDate(now());
      const issueInput = { caseId: input.caseId, operatorId: 'system' };
      const issued =
        input.kind === 'notice'
          ? await certificates.issueCardIssuanceNotice(issueInput)
          : await certificates.issueCardReminderNotice(issueInput);
      await deps.orm.em
        .fork()
        .transactional(async (em) => {
          const card = await em.findOne(MyNumberCard, { cardId: input.cardId });
          if (!card) throw new CardNotFoundError();
          if (!card.caseId) card.caseId = input.caseId;
          if (input.kind === 'notice')
            await recordCardEvent(em, {
              cardId: input.cardId,
              kind: CardEventKind.NOTICE_SENT,
              eventDate: today,
              origin: CardEventOrigin.SYSTEM,
              recordedBy: 'system',
              requestKey: `${input.caseId}:notice-sent`,
              caseId: input.caseId,
              card: { noticeSentOn: today },
              municipalityCode: deps.config.municipalityCode,
            });
          else if (!(await em.count(CaseActionLog, { caseId: input.caseId, action: CaseAction.CARD_REMINDER_SENT })))
            em.persist(
              em.create(CaseActionLog, {
                caseId: input.caseId,
                action: CaseAction.CARD_REMINDER_SENT,
                actorId: 'system',
                detail: { cardId: input.cardId },
                at: now(),
              }),
            );
          await em.flush();
        })
        .catch(nonRetryable);
      return { issueNumber: issued.issueNumber };
    },

    /**
     * 交付 after 決裁 (domain spec §4.8 step 3, item 7): the card ISSUED on the day of 決裁 with its expiry date (the
     * 10th birthday after issue, the 5th below `deadlines.cardValidityAgeBoundary`) and whether the 署名用電子証明書
     * was issued, as the handover recorded it; the 交付 event gets the person's next 更新順番号. Idempotent.
     */
    async handOverCard(input: {
      caseId: string;
      cardId: string;
      approvedBy: string;
      terminalId?: string;
    }): Promise<{ eventId: number; expiryDate: string }> {
      const today = jstDate(now());
      return deps.orm.em
        .fork()
        .transactional(async (em) => {
          const app = await em.findOneOrFail(CaseApplication, { caseId: input.caseId });
          const stored = app.payload as unknown as StoredCardIssuance;
          if (!stored.handover)
            throw ApplicationFailure.nonRetryable('no handover recorded', FailureType.CASE_DATA_MISSING);
          const card = await em.findOne(MyNumberCard, { cardId: input.cardId });
          if (!card) throw new CardNotFoundError();
          const holder = await em.findOneOrFail(Resident, { addresseeNumber: card.addresseeNumber });
          const issuedOn = card.issuedOn ?? today;
          const expiryDate = card.expiryDate ?? cardExpiryDate(holder.birthDate, issuedOn, deps.config.deadlines);
          const eventId = await recordCardEvent(em, {
            cardId: input.cardId,
            kind: CardEventKind.ISSUED,
            eventDate: issuedOn,
            origin: CardEventOrigin.COUNTER,
            recordedBy: input.approvedBy,
            actorRoles: ['approver'],
            terminalId: input.terminalId,
            requestKey: `${input.caseId}:issued`,
            caseId: input.caseId,
            card: { issuedOn, expiryDate, signingCertIssued: stored.handover.signingCert.issued },
            municipalityCode: deps.config.municipalityCode,
          });
          return { eventId, expiryDate };
        })
        .catch(nonRetryable);
    },
  };
}

export type CardIssuanceActivities = ReturnType<typeof cardIssuanceActivities>;

import type { EntityManager } from '@mikro-orm/core';
import { ApplicationFailure } from '@temporalio/activity';
import { CardEventKind, CardEventReason } from '../../domain/card-status';
import { CaseAction } from '../../domain/case-status';
import { jstDate } from '../../domain/dates';
import { FailureType } from '../../domain/failures';
import { continuedUseLastDay } from '../../domain/move-deadlines';
import { CardStatus } from '../../domain/registry-values';
import { CardTransitionError, recordCardEvent } from '../../db/cards';
import {
  CardEventRecord,
  CaseActionLog,
  CaseApplication,
  MyNumberCard,
  OutboxKind,
  OutboxMessage,
  OutboxStatus,
  Resident,
} from '../../db/entities';
import type { ContinuedUseRequest } from '../../partners/card-agency-messages';
import type { ActivityDeps } from '../../activities/deps';
import { enqueue } from '../../activities/outbox-writer';
import { specialMoveInCardHolders, type SpecialMoveInPerson } from '../special-move-in/schema';

/** The parts of a stored 転入 / 特例転入 application the card steps read. */
interface StoredMoveApplication {
  movers?: Array<{ cardPresented?: boolean; residentRecordCode?: string }>;
  persons?: SpecialMoveInPerson[];
  address: { address: string; addressSupplement?: string };
  moveInDate: string;
  notificationDate: string;
}

const LIVE: readonly string[] = [CardStatus.ISSUED, CardStatus.SUSPENDED, CardStatus.CONTINUED_USE_PENDING];

/** Who presented their own card, in the order of the application's movers / persons (= the committed order). */
const cardHoldersOf = (app: StoredMoveApplication): boolean[] =>
  app.movers ? app.movers.map((m) => m.cardPresented === true) : specialMoveInCardHolders({ persons: app.persons! });

async function loadApplication(em: EntityManager, caseId: string): Promise<StoredMoveApplication> {
  const row = await em.findOne(CaseApplication, { caseId });
  if (!row) throw ApplicationFailure.nonRetryable('case application not found', FailureType.CASE_DATA_MISSING);
  return row.payload as unknown as StoredMoveApplication;
}

/**
 * The person's card in use (ISSUED, SUSPENDED or CONTINUED_USE_PENDING), newest first; a card issued before this
 * system (no MyNumberCard row yet) gets one now from the resident's data: status ISSUED, production date unknown
 * (`0000-00-00`), card ID `PRE` + 宛名番号 (or 住民票コード) + a counter — it was presented at the counter.
 */
async function cardInUse(
  em: EntityManager,
  person: { addresseeNumber: string; residentRecordCode: string },
  caseId: string,
): Promise<MyNumberCard> {
  const where = person.addresseeNumber
    ? { addresseeNumber: person.addresseeNumber }
    : { residentRecordCode: person.residentRecordCode };
  const cards = await em.find(MyNumberCard, where, { orderBy: { producedOn: 'desc', createdAt: 'desc' } });
  const live = cards.find((c) => LIVE.includes(c.status));
  if (live) return live;
  const card = em.create(MyNumberCard, {
    cardId: `PRE${person.addresseeNumber || person.residentRecordCode}${cards.length + 1}`,
    addresseeNumber: person.addresseeNumber,
    residentRecordCode: person.residentRecordCode,
    status: CardStatus.ISSUED,
    producedOn: '0000-00-00',
    hasSigningCert: false,
    caseId,
    createdAt: new Date(),
    updatedAt: new Date(),
  } as MyNumberCard);
  em.persist(card);
  await em.flush();
  return card;
}

/**
 * The card steps of a 転入 / 特例転入 (domain spec §4.1 step 4.7, §4.2 step 6.3, §4.8 item 6), each one transaction,
 * idempotent on the recording keys, with IDs in and out. Only the persons who presented their own card take part.
 */
export function cardEventsProcedureActivities(deps: ActivityDeps) {
  const now = deps.now ?? (() => new Date());
  const municipalityCode = deps.config.municipalityCode;
  return {
    /**
     * After the 本登録: per card holder, the card (created if it predates this system) goes to
     * CONTINUED_USE_PENDING with the new address endorsed on the card face and the 署名用電子証明書 noted as lapsed
     * (re-issued at the counter, 公的個人認証法第12条), and the 継続利用 request is queued in the case's outbox. On a
     * `today` (the workflow's date) past the 転入届 + `deadlines.continuedUseDays` the 継続利用 can no longer be done:
     * the card is cancelled instead (廃止, CONTINUED_USE_LAPSED) and nothing is queued.
     */
    async queueContinuedUse(
      input: {
        caseId: string;
        addresseeNumbers: string[];
        today: string;
      },
      /** The case's stored application payload, when the caller has just read it (not part of the activity's input). */
      stored?: Record<string, unknown>,
    ): Promise<{ pending: string[]; lapsed: string[] }> {
      // the stored application does not change: read without a transaction (or not at all when the commit step passes
      // what it read), and open one only when a card holder moved in (issue 15: no begin / commit around a read alone)
      const app = stored
        ? (stored as unknown as StoredMoveApplication)
        : await loadApplication(deps.orm.em.fork(), input.caseId);
      if (!cardHoldersOf(app).some(Boolean)) return { pending: [], lapsed: [] };
      return deps.orm.em.fork().transactional(async (em) => {
        const lastDay = continuedUseLastDay(app.notificationDate, deps.config.deadlines);
        const late = input.today > lastDay;
        const result = { pending: [] as string[], lapsed: [] as string[] };
        const holders = cardHoldersOf(app);
        for (const [i, holder] of holders.entries()) {
          const addresseeNumber = input.addresseeNumbers[i];
          if (!holder || !addresseeNumber) continue;
          const resident = await em.findOneOrFail(Resident, { addresseeNumber });
          if (!resident.residentRecordCode) continue;
          const card = await cardInUse(
            em,
            { addresseeNumber, residentRecordCode: resident.residentRecordCode },
            input.caseId,
          );
          const requestKey = `continued-use:${input.caseId}:${addresseeNumber}:${late ? 'lapsed' : 'pending'}`;
          const done = await em.findOne(CardEventRecord, { requestKey });
          if (done) {
            result[late ? 'lapsed' : 'pending'].push(done.cardId);
            continue;
          }
          try {
            await recordCardEvent(em, {
              cardId: card.cardId,
              kind: late ? CardEventKind.CANCELLED : CardEventKind.CONTINUED_USE_PENDING,
              reason: late ? CardEventReason.CONTINUED_USE_LAPSED : undefined,
              eventDate: jstDate(now()),
              origin: 'SYSTEM',
              recordedBy: 'system',
              requestKey,
              caseId: input.caseId,
              municipalityCode,
              ...(late ? {} : { card: { signingCertIssued: false } }),
            });
          } catch (e) {
            if (!(e instanceof CardTransitionError)) throw e;
            // e.g. a card J-LIS suspended: no 継続利用 now; the clerk sees the card's status and the step in the log
            em.persist(
              em.create(CaseActionLog, {
                caseId: input.caseId,
                action: CaseAction.CARD_CONTINUED_USE,
                actorId: 'system',
                detail: { cardId: card.cardId, refused: e.code, status: e.status },
                at: now(),
              }),
            );
            continue;
          }
          if (late) {
            result.lapsed.push(card.cardId);
            continue;
          }
          const code = resident.residentRecordCode;
          await enqueue(em, deps, {
            caseId: input.caseId,
            kind: OutboxKind.CARD_CONTINUED_USE,
            residentRecordCode: code,
            keyPart: `cu-${code}`,
            build: (_s, idempotencyKey): ContinuedUseRequest => ({
              municipalityCode,
              idempotencyKey,
              residentRecordCode: code,
              newAddress: [app.address.address, app.address.addressSupplement].filter(Boolean).join('　'),
              moveInDate: app.moveInDate,
              notificationDate: app.notificationDate,
            }),
          });
          em.persist(
            em.create(CaseActionLog, {
              caseId: input.caseId,
              action: CaseAction.CARD_CONTINUED_USE,
              actorId: 'system',
              // 券面記載: the new address written on the card face; the 署名用電子証明書 lapsed with the 消除 at the
              // origin and is re-issued at the counter (domain spec §4.2 step 6.5, §4.8 item 6)
              detail: { cardId: card.cardId, addressEndorsed: true, signingCertificate: 'REISSUE_AT_COUNTER', lastDay },
              at: now(),
            }),
          );
          result.pending.push(card.cardId);
        }
        await em.flush();
        return result;
      });
    },

    /**
     * After the case's delivery: a 継続利用 request J-LIS acknowledged ends CONTINUED_USE_PENDING (→ ISSUED); one it
     * refused as too late (CONTINUED_USE_DEADLINE_PASSED, the outbox row cancelled by the delivery) cancels the card
     * (廃止, CONTINUED_USE_LAPSED). Returns the cancelled cards, whose 廃止 the workflow then sends.
     */
    async settleContinuedUse(input: { caseId: string }): Promise<{ issued: string[]; lapsed: string[] }> {
      return deps.orm.em.fork().transactional(async (em) => {
        const rows = await em.find(
          OutboxMessage,
          { caseId: input.caseId, kind: OutboxKind.CARD_CONTINUED_USE },
          { orderBy: { id: 'asc' } },
        );
        const result = { issued: [] as string[], lapsed: [] as string[] };
        for (const row of rows) {
          const ok = row.status === OutboxStatus.SENT;
          const refused = row.status === OutboxStatus.REJECTED || row.status === OutboxStatus.CANCELLED;
          if (!ok && !refused) continue;
          const card = await em.findOne(
            MyNumberCard,
            { residentRecordCode: row.residentRecordCode, status: CardStatus.CONTINUED_USE_PENDING },
            { orderBy: { producedOn: 'desc' } },
          );
          const requestKey = `continued-use:${input.caseId}:${row.residentRecordCode}:${ok ? 'done' : 'lapsed'}`;
          const seen = await em.findOne(CardEventRecord, { requestKey });
          if (seen) {
            result[ok ? 'issued' : 'lapsed'].push(seen.cardId);
            continue;
          }
          if (!card) continue;
          await recordCardEvent(em, {
            cardId: card.cardId,
            kind: ok ? CardEventKind.CONTINUED_USE : CardEventKind.CANCELLED,
            reason: ok ? undefined : CardEventReason.CONTINUED_USE_LAPSED,
            eventDate: jstDate(now()),
            origin: 'SYSTEM',
            recordedBy: 'system',
            requestKey,
            caseId: input.caseId,
            municipalityCode,
          });
          result[ok ? 'issued' : 'lapsed'].push(card.cardId);
        }
        return result;
      });
    },

    /**
     * A 特例転入 that missed min(P + 30, 転入日 + 14) (domain spec §4.2 step 2, §4.8 item 5): the cards its persons
     * presented lose their validity — 廃止 (SPECIAL_MOVE_IN_DEADLINE) per card holder. Nobody was registered here, so
     * the card rows carry the 住民票コード only. Returns the cancelled cards, whose 廃止 the workflow then sends.
     */
    async cancelCardsAfterMissedDeadline(input: { caseId: string }): Promise<{ cancelled: string[] }> {
      return deps.orm.em.fork().transactional(async (em) => {
        const app = await loadApplication(em, input.caseId);
        const cancelled: string[] = [];
        const holders = cardHoldersOf(app);
        for (const [i, p] of (app.persons ?? []).entries()) {
          if (!holders[i]) continue;
          const requestKey = `special-move-in-deadline:${input.caseId}:${p.residentRecordCode}`;
          const seen = await em.findOne(CardEventRecord, { requestKey });
          if (seen) {
            cancelled.push(seen.cardId);
            continue;
          }
          const card = await cardInUse(
            em,
            { addresseeNumber: '', residentRecordCode: p.residentRecordCode },
            input.caseId,
          );
          await recordCardEvent(em, {
            cardId: card.cardId,
            kind: CardEventKind.CANCELLED,
            reason: CardEventReason.SPECIAL_MOVE_IN_DEADLINE,
            eventDate: jstDate(now()),
            origin: 'SYSTEM',
            recordedBy: 'system',
            requestKey,
            caseId: input.caseId,
            municipalityCode,
          });
          cancelled.push(card.cardId);
        }
        return { cancelled };
      });
    },
  };
}

export type CardEventsProcedureActivities = ReturnType<typeof cardEventsProcedureActivities>;

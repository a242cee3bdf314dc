import { randomUUID } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/core';
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { Router, type Request, type Response } from 'express';
import type { AppConfig } from '../../config';
import { compileSchema } from '../../domain/ajv';
import { CardEventKind, type CardEventReason } from '../../domain/card-status';
import { jstDate } from '../../domain/dates';
import { can } from '../../domain/roles';
import { audit } from '../../db/audit-writer';
import { CardNotFoundError, CardTransitionError, recordCardEvent } from '../../db/cards';
import { AuditAction, CardEventRecord, MyNumberCard } from '../../db/entities';
import { CardSuspensionMessageSchema, type CardSuspensionMessage } from '../../partners/card-agency-messages';
import { authenticate, staffOf, type StaffContext } from '../../api/auth';
import { authorize } from '../../api/authorize';
import { ApiError } from '../../api/errors';
import { evaluateCardEventRequest } from './rules';
import { CardEventRequestSchema, type CardEventRequest } from './schema';
import { cardEventRecordedSignal, cardEventsWorkflow, cardEventsWorkflowId } from './workflow';

export interface CardEventDeps {
  orm: MikroORM;
  temporal: Client;
  config: Pick<AppConfig, 'municipalityCode' | 'taskQueue' | 'timings'>;
}

/** What a recorded event answers: IDs, codes and the card's status; no personal data. */
export interface CardEventResult {
  eventId: number;
  cardId: string;
  kind: string;
  status: string;
  sequenceNumber?: number;
  duplicate: boolean;
}

const validateRequest = compileSchema<CardEventRequest>(CardEventRequestSchema);
const validateSuspension = compileSchema<CardSuspensionMessage>(CardSuspensionMessageSchema);

/**
 * Records one card event (src/db/cards.ts `recordCardEvent`: the transition check, the person's next 更新順番号, the
 * card's and the resident's status, audit) in one transaction, then hands a reported event to the person's sender
 * workflow (signal-with-start, IDs only), which sends it to J-LIS in order, exactly once. A refused transition is a
 * 409 CARD_STATE naming the rule, an unknown card a 404 UNKNOWN_CARD; nothing is written then. The same `requestKey`
 * again returns the first event (duplicate) and signals again, so a lost signal is made good by the retry.
 */
async function record(
  deps: CardEventDeps,
  e: {
    cardId: string;
    kind: CardEventKind;
    eventDate: string;
    reason?: CardEventReason;
    origin: 'COUNTER' | 'JLIS';
    recordedBy: string;
    actorRoles?: string[];
    terminalId?: string;
    requestKey: string;
    detail?: Record<string, unknown>;
  },
): Promise<CardEventResult> {
  let stored: { row: CardEventRecord; card: MyNumberCard; duplicate: boolean };
  try {
    stored = await deps.orm.em.fork().transactional(async (em) => {
      const duplicate = Boolean(await em.findOne(CardEventRecord, { requestKey: e.requestKey }));
      const eventId = await recordCardEvent(em, {
        cardId: e.cardId,
        kind: e.kind,
        eventDate: e.eventDate,
        reason: e.reason,
        origin: e.origin,
        recordedBy: e.recordedBy,
        actorRoles: e.actorRoles,
        terminalId: e.terminalId,
        requestKey: e.requestKey,
        municipalityCode: deps.config.municipalityCode,
      });
      const row = await em.findOneOrFail(CardEventRecord, { id: eventId });
      const card = await em.findOneOrFail(MyNumberCard, { cardId: row.cardId });
      if (e.detail && !duplicate)
        audit(em, {
          actorId: e.recordedBy,
          actorRoles: e.actorRoles ?? [],
          terminalId: e.terminalId,
          action: AuditAction.CHANGE_COMMITTED,
          function: `card event ${e.kind} check`,
          targetAddresseeNumber: card.addresseeNumber || undefined,
          detail: { cardId: card.cardId, eventId, ...e.detail },
        });
      return { row, card, duplicate };
    });
  } catch (err) {
    if (err instanceof CardNotFoundError) throw new ApiError(404, 'UNKNOWN_CARD', err.message);
    if (err instanceof CardTransitionError)
      throw new ApiError(409, 'CARD_STATE', err.message, [
        { field: '/kind', rule: 'cardStatusTransition', message: err.message },
      ]);
    throw err;
  }
  const { row, card, duplicate } = stored;
  if (row.sequenceNumber !== undefined && row.sequenceNumber !== null && !row.sentAt)
    for (let attempt = 1; ; attempt++) {
      try {
        await deps.temporal.workflow.signalWithStart(cardEventsWorkflow, {
          workflowId: cardEventsWorkflowId(deps.config.municipalityCode, card.addresseeNumber || card.cardId),
          taskQueue: deps.config.taskQueue,
          args: [{ addresseeNumber: card.addresseeNumber, cardId: card.cardId, timings: deps.config.timings }],
          signal: cardEventRecordedSignal,
          signalArgs: [{ cardId: card.cardId }],
        });
        break;
      } catch (e) {
        // the sender was continuing as new at that instant (seen on the time-skipping server): signal the new run
        if (!(e instanceof WorkflowExecutionAlreadyStartedError) || attempt >= 3) throw e;
      }
    }
  return {
    eventId: row.id,
    cardId: row.cardId,
    kind: row.kind,
    status: card.status,
    ...(row.sequenceNumber ? { sequenceNumber: row.sequenceNumber } : {}),
    duplicate,
  };
}

/**
 * `POST /api/cards/{cardId}/events` (clerk): 廃止 with its reason, 回収, 返還, or 一時停止解除 on a written
 * application with the applicant's identity check (recorded in the audit row). Bad input is a 400 / 422 naming the
 * field and the rule; `X-Request-Id` makes a repeated submit record once.
 */
export async function recordCounterCardEvent(
  deps: CardEventDeps,
  staff: StaffContext,
  cardId: string,
  body: unknown,
  requestId?: string,
): Promise<CardEventResult> {
  await authorize(deps.orm, staff, can.enterCase, 'POST /api/cards/:cardId/events');
  const v = validateRequest(body);
  if (!v.ok) throw new ApiError(400, 'VALIDATION_FAILED', '入力内容に誤りがあります', v.errors);
  const errors = evaluateCardEventRequest(v.value, { today: jstDate(new Date()) });
  if (errors.length) throw new ApiError(422, 'VALIDATION_FAILED', '入力内容に誤りがあります', errors);
  const r = v.value;
  return record(deps, {
    cardId,
    kind: r.kind,
    eventDate: r.eventDate,
    reason: r.reason,
    origin: 'COUNTER',
    recordedBy: staff.userId,
    actorRoles: staff.roles,
    terminalId: staff.terminalId,
    requestKey: `counter:${requestId ?? randomUUID()}`,
    detail: r.identityCheck
      ? { identityDocument: r.identityCheck.document.type, writtenApplication: true, checkedBy: staff.userId }
      : undefined,
  });
}

/**
 * J-LIS's call centre suspended a card (一時停止, domain spec §4.8 item 5; inbound `POST
 * /jlis-inbound/v1/card-suspensions`): recorded once per `messageId` (a repeated delivery is answered as a duplicate),
 * never reported back. 400 for a bad message (field and rule named), 422 NOT_ADDRESSED_HERE, 404 UNKNOWN_CARD, 409
 * CARD_STATE (e.g. a card not issued yet).
 */
export async function recordCardSuspension(deps: CardEventDeps, body: unknown): Promise<CardEventResult> {
  const v = validateSuspension(body);
  if (!v.ok) throw new ApiError(400, 'INVALID_MESSAGE', 'メッセージの形式が正しくありません', v.errors);
  const m = v.value;
  if (m.municipalityCode !== deps.config.municipalityCode)
    throw new ApiError(422, 'NOT_ADDRESSED_HERE', 'この市区町村宛てのメッセージではありません');
  if (m.eventDate > jstDate(new Date()))
    throw new ApiError(422, 'INVALID_MESSAGE', 'メッセージの形式が正しくありません', [
      { field: '/eventDate', rule: 'notFuture', message: '/eventDate must not be later than today (Japan time)' },
    ]);
  return record(deps, {
    cardId: m.cardId,
    kind: CardEventKind.SUSPENDED,
    eventDate: m.eventDate,
    origin: 'JLIS',
    recordedBy: 'jlis',
    actorRoles: ['jlis'],
    requestKey: `jlis:${m.messageId}`,
  });
}

/** `/api/cards/:cardId/events` (staff session, mounted by the card-events module). */
export function cardEventsRouter(deps: CardEventDeps): Router {
  const r = Router();
  r.post('/:cardId/events', authenticate(deps.orm), async (req: Request, res: Response) => {
    const result = await recordCounterCardEvent(
      deps,
      staffOf(res),
      String(req.params.cardId),
      req.body,
      req.get('x-request-id') ?? undefined,
    );
    res.status(result.duplicate ? 200 : 201).json(result);
  });
  return r;
}

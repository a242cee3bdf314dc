import type { MikroORM } from '@mikro-orm/core';
import { Router } from 'express';
import { compileSchema } from '../../domain/ajv';
import { addMonths, cardEventKindLabel, cardStatusLabel, RENEWAL_MONTHS } from '../../domain/card-status';
import { addDays, jstDate } from '../../domain/dates';
import { CardStatus } from '../../domain/registry-values';
import { can } from '../../domain/roles';
import { actorFields, audit } from '../../db/audit-writer';
import { AuditAction, CardEventRecord, MyNumberCard, Resident } from '../../db/entities';
import { fullName } from '../../db/registry-lookup';
import { staffOf, type StaffContext } from '../../api/auth';
import { authorize } from '../../api/authorize';
import { ApiError } from '../../api/errors';

export const CardQueue = { TODAY: 'today', STORAGE_EXPIRING: 'storage-expiring', RENEWAL: 'renewal' } as const;
export type CardQueue = (typeof CardQueue)[keyof typeof CardQueue];

const validateQuery = compileSchema<{ queue: CardQueue }>({
  type: 'object',
  required: ['queue'],
  properties: { queue: { type: 'string', enum: Object.values(CardQueue) } },
});

export interface CardListItem {
  cardId: string;
  caseId?: string;
  addresseeNumber: string;
  name: string;
  status: string;
  statusLabel: string;
  producedOn: string;
  noticeSentOn?: string;
  storageLimitDate?: string;
  issuedOn?: string;
  expiryDate?: string;
}

const WAITING: CardStatus[] = [CardStatus.AT_OFFICE, CardStatus.NOTICE_SENT];
const HELD: CardStatus[] = [CardStatus.ISSUED, CardStatus.SUSPENDED, CardStatus.CONTINUED_USE_PENDING];

/** Each queue as a filter on the card table (also counted by the screens' tabs and the supervisor console). */
export function cardQueueFilter(queue: CardQueue, day: string, reminderLeadDays: number): Record<string, unknown> {
  switch (queue) {
    case CardQueue.RENEWAL:
      return { status: { $in: HELD }, expiryDate: { $ne: null, $lte: addMonths(day, RENEWAL_MONTHS) } };
    case CardQueue.STORAGE_EXPIRING:
      return { status: { $in: WAITING }, storageLimitDate: { $lte: addDays(day, reminderLeadDays) } };
    case CardQueue.TODAY:
      return { status: { $in: WAITING } };
  }
}

/**
 * The card queues and the card record for the counter screens (card-ui), as service functions with an audit of every
 * person listed or opened (照会): 本日の交付予定 (`today`: cards at the office waiting for their holder — there is no
 * appointment book, so every card that can be handed over today, the nearest storage limit first), 保管期限間近
 * (`storage-expiring`: waiting cards whose storage limit is within `deadlines.cardReminderLeadDays`), and 更新
 * (`renewal`: cards in use expiring within 3 months, domain spec §4.8 item 7). Names, no 個人番号, no PIN.
 */
export function cardService(deps: {
  orm: MikroORM;
  config: { deadlines: { cardReminderLeadDays: number } };
  now?: () => Date;
}) {
  const today = () => jstDate((deps.now ?? (() => new Date()))());
  const listed = async (staff: StaffContext, fn: string, cards: MyNumberCard[]): Promise<CardListItem[]> => {
    const em = deps.orm.em.fork();
    const people = new Map(
      (await em.find(Resident, { addresseeNumber: { $in: cards.map((c) => c.addresseeNumber) } })).map((r) => [
        r.addresseeNumber,
        r,
      ]),
    );
    audit(
      em,
      ...cards.map((c) => ({
        ...actorFields(staff),
        ip: staff.ip,
        action: AuditAction.INQUIRY,
        function: fn,
        targetAddresseeNumber: c.addresseeNumber,
        detail: { cardId: c.cardId },
      })),
    );
    await em.flush();
    return cards.map((c) => ({
      cardId: c.cardId,
      caseId: c.caseId,
      addresseeNumber: c.addresseeNumber,
      name: people.get(c.addresseeNumber) ? fullName(people.get(c.addresseeNumber)!) : '',
      status: c.status,
      statusLabel: cardStatusLabel[c.status],
      producedOn: c.producedOn,
      noticeSentOn: c.noticeSentOn,
      storageLimitDate: c.storageLimitDate,
      issuedOn: c.issuedOn,
      expiryDate: c.expiryDate,
    }));
  };
  return {
    /** The cards of one queue. */
    async queue(staff: StaffContext, query: unknown): Promise<{ queue: CardQueue; items: CardListItem[] }> {
      await authorize(deps.orm, staff, can.readCases, 'GET /api/cards');
      const v = validateQuery(query);
      if (!v.ok) throw new ApiError(400, 'VALIDATION_FAILED', '一覧の指定に誤りがあります', v.errors);
      const em = deps.orm.em.fork();
      const day = today();
      const { queue } = v.value;
      const cards = await em.find(
        MyNumberCard,
        cardQueueFilter(queue, day, deps.config.deadlines.cardReminderLeadDays) as never,
        { orderBy: queue === CardQueue.RENEWAL ? { expiryDate: 'asc' } : { storageLimitDate: 'asc' }, limit: 500 },
      );
      return { queue, items: await listed(staff, `GET /api/cards?queue=${queue}`, cards) };
    },

    /** One card with its events (oldest first). 404 UNKNOWN_CARD. */
    async get(staff: StaffContext, cardId: string) {
      await authorize(deps.orm, staff, can.readCases, 'GET /api/cards/:cardId');
      const em = deps.orm.em.fork();
      const card = await em.findOne(MyNumberCard, { cardId });
      if (!card) throw new ApiError(404, 'UNKNOWN_CARD', '該当するカードがありません');
      const [item] = await listed(staff, 'GET /api/cards/:cardId', [card]);
      const events = await em.find(CardEventRecord, { cardId }, { orderBy: { id: 'asc' } });
      return {
        ...item!,
        hasSigningCert: card.hasSigningCert,
        signingCertIssued: card.signingCertIssued,
        events: events.map((e) => ({
          id: e.id,
          kind: e.kind,
          label: cardEventKindLabel[e.kind],
          eventDate: e.eventDate,
          reason: e.reason,
          origin: e.origin,
          recordedBy: e.recordedBy,
          fromStatus: e.fromStatus,
          toStatus: e.toStatus,
          sequenceNumber: e.sequenceNumber,
          sentAt: e.sentAt?.toISOString(),
          ackId: e.ackId,
        })),
      };
    },
  };
}

export type CardService = ReturnType<typeof cardService>;

/** `/api/cards` (staff session): `GET ?queue=today|storage-expiring|renewal`, `GET /:cardId`. */
export function cardsRouter(service: CardService): Router {
  const r = Router();
  r.get('/', async (req, res) => res.json(await service.queue(staffOf(res), req.query)));
  r.get('/:cardId', async (req, res) => res.json(await service.get(staffOf(res), String(req.params.cardId))));
  return r;
}

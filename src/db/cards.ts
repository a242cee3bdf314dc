import type { EntityManager } from '@mikro-orm/core';
import {
  checkCardTransition,
  type CardEventKind,
  type CardEventOrigin,
  type CardEventReason,
} from '../domain/card-status';
import { CardStatus } from '../domain/registry-values';
import { audit } from './audit-writer';
import { AuditAction, CardEventRecord, MyNumberCard, Resident } from './entities';

/** The event is not allowed from the card's status (domain/card-status.ts). Nothing was written. */
export class CardTransitionError extends Error {
  override readonly name = 'CardTransitionError';
  readonly code = 'CARD_STATE';
  constructor(
    message: string,
    readonly status: CardStatus,
  ) {
    super(message);
  }
}

/** No card with this card management number. Nothing was written. */
export class CardNotFoundError extends Error {
  override readonly name = 'CardNotFoundError';
  readonly code = 'UNKNOWN_CARD';
  constructor() {
    super('該当するカードがありません');
  }
}

export interface RecordCardEventInput {
  cardId: string;
  kind: CardEventKind;
  /** The day the event happened (Japan time). */
  eventDate: string;
  reason?: CardEventReason;
  origin: CardEventOrigin;
  /** User ID, 'system' or 'jlis'. */
  recordedBy: string;
  actorRoles?: string[];
  terminalId?: string;
  /** Idempotency of the recording: the same key again returns the first event's ID and writes nothing. */
  requestKey: string;
  /** The case the event belongs to (audit). */
  caseId?: string;
  /** Card fields written with the event (issuedOn, expiryDate, noticeSentOn, signingCertIssued, …). */
  card?: Partial<Pick<MyNumberCard, 'noticeSentOn' | 'issuedOn' | 'expiryDate' | 'signingCertIssued' | 'caseId'>>;
  municipalityCode: string;
}

/** The J-LIS idempotency key of a reported event: one per card and 更新順番号. */
export const cardEventIdempotencyKey = (municipalityCode: string, cardId: string, sequenceNumber: number): string =>
  `${municipalityCode}-card-${cardId}-seq-${sequenceNumber}`;

/**
 * Records one card event in the caller's transaction (call it inside `em.transactional`): checks the transition
 * (domain/card-status.ts), inserts the event — with the person's next 更新順番号 and its J-LIS idempotency key when
 * the event is reported — updates the card's status and the resident's `cardStatus` projection, and queues the
 * audit row. Idempotent on `requestKey`. Returns the event row's ID. Throws CardNotFoundError / CardTransitionError
 * (nothing written).
 */
export async function recordCardEvent(em: EntityManager, e: RecordCardEventInput): Promise<number> {
  const seen = await em.findOne(CardEventRecord, { requestKey: e.requestKey });
  if (seen) return seen.id;
  const card = await em.findOne(MyNumberCard, { cardId: e.cardId });
  if (!card) throw new CardNotFoundError();
  const t = checkCardTransition(card.status, e.kind);
  if (!t.ok) throw new CardTransitionError(t.message, card.status);
  let sequenceNumber: number | undefined;
  if (t.reported) {
    const last = await em.findOne(
      CardEventRecord,
      { residentRecordCode: card.residentRecordCode, sequenceNumber: { $ne: null } },
      { orderBy: { sequenceNumber: 'desc' } },
    );
    sequenceNumber = (last?.sequenceNumber ?? 0) + 1;
  }
  const row = em.create(CardEventRecord, {
    cardId: card.cardId,
    residentRecordCode: card.residentRecordCode,
    kind: e.kind,
    eventDate: e.eventDate,
    reason: e.reason,
    origin: e.origin,
    recordedBy: e.recordedBy,
    sequenceNumber,
    idempotencyKey:
      sequenceNumber === undefined
        ? undefined
        : cardEventIdempotencyKey(e.municipalityCode, card.cardId, sequenceNumber),
    requestKey: e.requestKey,
    fromStatus: card.status,
    toStatus: t.to,
    recordedAt: new Date(),
  });
  em.persist(row);
  Object.assign(card, e.card ?? {}, { status: t.to, updatedAt: new Date() });
  await projectCardStatus(em, card);
  audit(em, {
    actorId: e.recordedBy,
    actorRoles: e.actorRoles ?? [e.origin.toLowerCase()],
    terminalId: e.terminalId,
    action: AuditAction.CHANGE_COMMITTED,
    function: `card event ${e.kind}`,
    targetAddresseeNumber: card.addresseeNumber,
    caseId: e.caseId ?? card.caseId,
    detail: { cardId: card.cardId, kind: e.kind, from: row.fromStatus, to: row.toStatus, sequenceNumber },
  });
  await em.flush();
  return row.id;
}

/**
 * The resident's `cardStatus` (domain spec §3.6) is a projection of their cards: the status of the newest card that is
 * not 廃止, else CANCELLED when they had one. Written in the transaction that changed a card.
 */
async function projectCardStatus(em: EntityManager, changed: MyNumberCard): Promise<void> {
  const resident = await em.findOne(Resident, { addresseeNumber: changed.addresseeNumber });
  if (!resident) return;
  const cards = await em.find(MyNumberCard, { addresseeNumber: changed.addresseeNumber });
  const all = cards.some((c) => c.cardId === changed.cardId) ? cards : [...cards, changed];
  const live = all
    .filter((c) => c.status !== CardStatus.CANCELLED)
    .sort((a, b) => b.producedOn.localeCompare(a.producedOn));
  // a new card waiting at the office does not hide a card the person holds and uses
  const held = live.find((c) => c.status !== CardStatus.AT_OFFICE && c.status !== CardStatus.NOTICE_SENT);
  const status = held?.status ?? live[0]?.status ?? CardStatus.CANCELLED;
  if (resident.cardStatus !== status) resident.cardStatus = status;
}

/**
 * A card J-LIS reported produced (inbound cards-produced): the card row (status APPLIED) and its PRODUCED event
 * (→ AT_OFFICE) in the caller's transaction. Idempotent on the card ID: a known card is returned unchanged.
 */
export async function registerProducedCard(
  em: EntityManager,
  p: {
    cardId: string;
    resident: Resident;
    producedOn: string;
    receivedOn: string;
    storageLimitDate: string;
    hasSigningCert: boolean;
    /** Absent when the case row is written in the same transaction (its ID is set right after). */
    caseId?: string;
    messageId: string;
    municipalityCode: string;
  },
): Promise<{ card: MyNumberCard; created: boolean }> {
  const existing = await em.findOne(MyNumberCard, { cardId: p.cardId });
  if (existing) return { card: existing, created: false };
  const card = em.create(MyNumberCard, {
    cardId: p.cardId,
    addresseeNumber: p.resident.addresseeNumber,
    residentRecordCode: p.resident.residentRecordCode!,
    status: CardStatus.APPLIED,
    producedOn: p.producedOn,
    atOfficeOn: p.receivedOn,
    storageLimitDate: p.storageLimitDate,
    hasSigningCert: p.hasSigningCert,
    caseId: p.caseId,
    createdAt: new Date(),
    updatedAt: new Date(),
    version: 1,
  });
  em.persist(card);
  await em.flush();
  await recordCardEvent(em, {
    cardId: p.cardId,
    kind: 'PRODUCED',
    eventDate: p.receivedOn,
    origin: 'JLIS',
    recordedBy: 'jlis',
    actorRoles: ['jlis'],
    requestKey: `jlis:${p.messageId}`,
    caseId: p.caseId,
    municipalityCode: p.municipalityCode,
  });
  return { card, created: true };
}

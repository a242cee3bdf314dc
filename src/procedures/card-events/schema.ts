import type { SchemaObject } from 'ajv';
import { IdentityDocumentInputSchema, isoDateSchema, type IdentityDocumentInput } from '../../domain/application-parts';
import { CardEventKind, CardEventReason } from '../../domain/card-status';

/** The status events a clerk records at the counter (domain spec §4.8 item 5). 一時停止 comes from J-LIS only. */
export const COUNTER_CARD_EVENTS = [
  CardEventKind.CANCELLED,
  CardEventKind.COLLECTED,
  CardEventKind.RETURNED,
  CardEventKind.SUSPENSION_LIFTED,
] as const;
export type CounterCardEventKind = (typeof COUNTER_CARD_EVENTS)[number];

/** Why a card is cancelled at the counter: surrender, death, re-issue, loss of validity (domain spec §4.8 item 5). */
export const COUNTER_CANCEL_REASONS = [
  CardEventReason.SURRENDER,
  CardEventReason.DEATH,
  CardEventReason.REISSUE,
  CardEventReason.EXPIRED,
  CardEventReason.LOSS,
  CardEventReason.OTHER,
] as const;

/**
 * `POST /api/cards/{cardId}/events`: one status event of a card, recorded by a clerk. 廃止 needs its reason; the
 * 一時停止解除 is done on a written application with an identity check (domain spec §4.8 item 5), both recorded.
 * IDs and codes only: no PIN, no personal data.
 */
export interface CardEventRequest {
  kind: CounterCardEventKind;
  reason?: (typeof COUNTER_CANCEL_REASONS)[number];
  /** The day it happened (Japan time): today or earlier. */
  eventDate: string;
  /** 一時停止解除: the identity check of the applicant and the written application. */
  identityCheck?: { document: IdentityDocumentInput; writtenApplication: true };
}

export const CardEventRequestSchema: SchemaObject = {
  type: 'object',
  additionalProperties: false,
  required: ['kind', 'eventDate'],
  properties: {
    kind: { type: 'string', enum: [...COUNTER_CARD_EVENTS] },
    reason: { type: 'string', enum: [...COUNTER_CANCEL_REASONS] },
    eventDate: isoDateSchema,
    identityCheck: {
      type: 'object',
      additionalProperties: false,
      required: ['document', 'writtenApplication'],
      properties: { document: IdentityDocumentInputSchema, writtenApplication: { const: true } },
    },
  },
  allOf: [
    {
      if: { properties: { kind: { const: 'CANCELLED' } } },
      then: { required: ['reason'], properties: { reason: true } },
    },
    {
      if: { properties: { kind: { const: 'SUSPENSION_LIFTED' } } },
      then: { required: ['identityCheck'], properties: { identityCheck: true } },
    },
  ],
};

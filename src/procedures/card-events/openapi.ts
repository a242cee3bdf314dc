import { CardEventRequestSchema } from './schema';

/** OpenAPI of the counter card events (served in /api/openapi.json through the procedure table). */
const json = (schema: object) => ({ 'application/json': { schema } });
const err = (description: string) => ({ description, content: json({ $ref: '#/components/schemas/Error' }) });

export const cardEventPaths = {
  '/api/cards/{cardId}/events': {
    post: {
      summary: 'A card status event at the counter: 廃止 (with its reason), 回収, 返還, 一時停止解除 (identity check)',
      parameters: [
        { name: 'cardId', in: 'path', required: true, schema: { type: 'string' } },
        { name: 'X-Request-Id', in: 'header', required: false, schema: { type: 'string' } },
      ],
      requestBody: { required: true, content: json({ $ref: '#/components/schemas/CardEventRequest' }) },
      responses: {
        201: { description: 'recorded: { eventId, cardId, kind, status, sequenceNumber?, duplicate: false }' },
        200: { description: 'the same X-Request-Id again: the first event (duplicate: true)' },
        400: err('VALIDATION_FAILED (field and rule named)'),
        403: err('FORBIDDEN (clerks only)'),
        404: err('UNKNOWN_CARD'),
        409: err('CARD_STATE: the card status does not allow this event'),
        422: err('VALIDATION_FAILED: eventDate in the future, a reason on another event than 廃止'),
      },
    },
  },
};

export const cardEventSchemas = { CardEventRequest: CardEventRequestSchema };

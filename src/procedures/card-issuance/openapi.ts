import { CardProducedMessageSchema, CardSuspensionMessageSchema } from '../../partners/card-agency-messages';
import { CardHandoverStepSchema } from './schema';

/** OpenAPI of the card procedure (served in /api/openapi.json through the procedure table). */
const json = (schema: object) => ({ 'application/json': { schema } });
const err = (description: string) => ({ description, content: json({ $ref: '#/components/schemas/Error' }) });
const ref = (name: string) => json({ $ref: `#/components/schemas/${name}` });

export const cardPaths = {
  '/jlis-inbound/v1/cards-produced': {
    post: {
      summary: 'J-LIS: a 個人番号カード was produced (bearer JLIS_INBOUND_TOKEN; opens the card issuance case)',
      requestBody: { required: true, content: ref('CardProducedMessage') },
      responses: {
        202: { description: '{ duplicate: false, caseId, cardId }' },
        200: { description: 'the same message or card again: { duplicate: true, caseId, cardId }' },
        400: err('INVALID_MESSAGE naming the field (a PIN or any unknown property included)'),
        401: err('UNAUTHORIZED'),
        409: err('MESSAGE_ID_REUSED'),
        422: err('NOT_ADDRESSED_HERE / UNKNOWN_RESIDENT'),
      },
    },
  },
  '/jlis-inbound/v1/card-suspensions': {
    post: {
      summary: 'J-LIS call centre: 一時停止 of a card (bearer JLIS_INBOUND_TOKEN)',
      requestBody: { required: true, content: ref('CardSuspensionMessage') },
      responses: { 400: err('INVALID_MESSAGE'), 401: err('UNAUTHORIZED'), 501: err('NOT_IMPLEMENTED (yet)') },
    },
  },
  '/api/cards': {
    get: {
      summary:
        'Card queues: 本日の交付予定 (today), 保管期限間近 (storage-expiring), 更新 (renewal: expiring within 3 months)',
      parameters: [
        {
          name: 'queue',
          in: 'query',
          required: true,
          schema: { type: 'string', enum: ['today', 'storage-expiring', 'renewal'] },
        },
      ],
      responses: { 200: { description: '{ queue, items: [card] } (audited 照会)' }, 400: err('VALIDATION_FAILED') },
    },
  },
  '/api/cards/{cardId}': {
    get: {
      summary: 'One card with its events (audited 照会)',
      parameters: [{ name: 'cardId', in: 'path', required: true, schema: { type: 'string' } }],
      responses: { 200: { description: 'the card and its events' }, 404: err('UNKNOWN_CARD') },
    },
  },
};

export const cardSchemas = {
  CardProducedMessage: CardProducedMessageSchema,
  CardSuspensionMessage: CardSuspensionMessageSchema,
  CardHandoverStep: CardHandoverStepSchema,
};

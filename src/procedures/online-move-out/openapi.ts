import { OnlineMoveOutContentSchema, OnlineMoveOutEnvelopeSchema } from './schema';

/** OpenAPI of the マイナポータル intake (served in /api/openapi.json through the procedure table). */
const json = (schema: object) => ({ 'application/json': { schema } });
const err = (description: string) => ({ description, content: json({ $ref: '#/components/schemas/Error' }) });

const portalHeaders = ['X-Portal-Key-Id', 'X-Portal-Timestamp', 'X-Portal-Nonce', 'X-Portal-Signature'].map((name) => ({
  name,
  in: 'header',
  required: true,
  schema: { type: 'string' },
}));
const portalRefusals = {
  400: err('VALIDATION_FAILED / MALFORMED_JSON'),
  401: err('MISSING_HEADERS / UNKNOWN_KEY / BAD_SIGNATURE / STALE_TIMESTAMP / REPLAYED_NONCE'),
  413: err('PAYLOAD_TOO_LARGE (64 KiB)'),
};

export const portalPaths = {
  '/portal/v1/move-out-applications': {
    post: {
      summary: 'オンライン転出届 from マイナポータル (signed request; the content signed with the 署名用電子証明書)',
      security: [],
      parameters: portalHeaders,
      requestBody: { required: true, content: json({ $ref: '#/components/schemas/OnlineMoveOutEnvelope' }) },
      responses: {
        201: { description: 'received: { applicationId, caseId, status: RECEIVED }' },
        200: { description: 'the same application again: the existing case' },
        ...portalRefusals,
        409: err('APPLICATION_ID_REUSED'),
        422: err('APPLICATION_REJECTED with `reasons` [{ rule, message }]: signature, certificate or eligibility'),
      },
    },
  },
  '/portal/v1/move-out-applications/{applicationId}/cancellation': {
    post: {
      summary: 'Cancellation (取消) of an online 転出 by the resident',
      security: [],
      parameters: [{ name: 'applicationId', in: 'path', required: true, schema: { type: 'string' } }, ...portalHeaders],
      requestBody: {
        required: true,
        content: json({
          type: 'object',
          required: ['applicationId', 'requestedAt'],
          properties: { applicationId: { type: 'string' }, requestedAt: { type: 'string', format: 'date-time' } },
        }),
      },
      responses: {
        202: { description: 'cancelling' },
        ...portalRefusals,
        404: err('UNKNOWN_APPLICATION'),
        409: err('NOT_CANCELLABLE / CASE_CLOSED'),
      },
    },
  },
};

export const portalSchemas = {
  OnlineMoveOutEnvelope: OnlineMoveOutEnvelopeSchema,
  OnlineMoveOutContent: OnlineMoveOutContentSchema,
};

import {
  OnlineMoveOutContentSchema,
  OnlineMoveOutEnvelopeSchema,
} from '../domain/applications/online-move-out-application';
import { MoveOutCertificateWithdrawalSchema } from '../partners/cs-move-messages';

/** OpenAPI paths of the human steps on a case and of the マイナポータル intake (merged into openapi.ts). */
const json = (schema: object) => ({ 'application/json': { schema } });
const err = (description: string) => ({ description, content: json({ $ref: '#/components/schemas/Error' }) });
const caseIdParam = { name: 'caseId', in: 'path', required: true, schema: { type: 'string' } };
const requestIdHeader = {
  name: 'X-Request-Id',
  in: 'header',
  required: false,
  schema: { type: 'string', maxLength: 128 },
  description: 'the same ID again makes a double submit harmless (Temporal update ID)',
};
const reason = { required: true, content: json({ $ref: '#/components/schemas/Reason' }) };
const optionalReason = {
  required: false,
  content: json({
    type: 'object',
    additionalProperties: false,
    properties: { reason: { type: 'string', maxLength: 500 } },
  }),
};
const refusals = {
  400: err('REASON_REQUIRED / VALIDATION_FAILED'),
  401: err('not logged in'),
  403: err('ROLE_REQUIRED / FOUR_EYES / NOT_ASSIGNEE / NOT_MAKER (audited)'),
  404: err('CASE_NOT_FOUND'),
  409: err('ALREADY_ASSIGNED / NOT_AWAITING_APPROVAL / NOT_RETRYABLE_NOW / NOT_CANCELLABLE / CASE_CLOSED'),
};

const step = (summary: string, body?: object) => ({
  post: {
    summary,
    parameters: [caseIdParam, requestIdHeader],
    ...(body ? { requestBody: body } : {}),
    responses: { 200: { description: 'accepted by the workflow' }, ...refusals },
  },
});

export const workPaths = {
  '/api/cases/{caseId}/claim': step('Take the case (clerk for 審査, approver for 決裁; never the maker)'),
  '/api/cases/{caseId}/release': step('Give the case back to the queue (assignee or supervisor)'),
  '/api/cases/{caseId}/reassign': step('Assign to another eligible user (supervisor)', {
    required: true,
    content: json({
      type: 'object',
      required: ['to', 'reason'],
      additionalProperties: false,
      properties: { to: { type: 'string' }, reason: { type: 'string' } },
    }),
  }),
  '/api/cases/{caseId}/confirm-review': step(
    'Online application: the reviewing clerk confirms it; it then waits for 決裁',
    optionalReason,
  ),
  '/api/cases/{caseId}/request-contact': step('Online application: the clerk contacts the applicant first', reason),
  '/api/cases/{caseId}/request-changes': step('差戻し: back to the maker for correction (approver)', reason),
  '/api/cases/{caseId}/resubmit': step('The maker sends a returned case back for 決裁', optionalReason),
  '/api/cases/{caseId}/escalate': step('Raise the case (supervisor)', reason),
  '/api/cases/{caseId}/retry-now': step(
    'Re-run the failing step now, or re-send after a CS refusal (supervisor)',
    reason,
  ),
  '/api/cases/{caseId}/cancel': step(
    'Cancel with compensation: 異動の取消し appended, partners told (supervisor)',
    reason,
  ),
};

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
  '/cs-inbound/v1/move-out-certificate-withdrawals': {
    post: {
      summary: '転出証明書情報の取消 from the origin (the held certificate is purged)',
      security: [{ csInbound: [] }],
      requestBody: { required: true, content: json({ $ref: '#/components/schemas/MoveOutCertificateWithdrawal' }) },
      responses: {
        202: { description: 'accepted' },
        200: { description: 'duplicate' },
        400: err('INVALID_MESSAGE'),
        401: err('UNAUTHORIZED'),
      },
    },
  },
};

export const moreSchemas = {
  OnlineMoveOutEnvelope: OnlineMoveOutEnvelopeSchema,
  OnlineMoveOutContent: OnlineMoveOutContentSchema,
  MoveOutCertificateWithdrawal: MoveOutCertificateWithdrawalSchema,
};

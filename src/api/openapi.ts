import type { ProcedureTable } from '../procedures/table';
import { LoginRequestSchema } from './auth';
import { inboundPaths, moreSchemas, referencePaths, workPaths } from './openapi-more';
import { adminPaths, adminSchemas } from './openapi-admin';
import { supportPaths, supportSchemas } from './openapi-support';
import { ResidentRecordCopyRequestSchema } from '../procedures/resident-record-copy/schema';
import { MoveInNoticeSchema } from '../partners/cs-messages';
import { CertificateInfoRequestSchema, MoveOutCertificateInfoSchema } from '../partners/cs-move-messages';

const json = (schema: object) => ({ 'application/json': { schema } });
const error = { $ref: '#/components/schemas/Error' };
const errors = (...codes: number[]) =>
  Object.fromEntries(codes.map((c) => [String(c), { description: ERROR_TEXT[c] ?? 'error', content: json(error) }]));
const ERROR_TEXT: Record<number, string> = {
  400: 'malformed JSON or schema violation; `errors` name the field and rule',
  401: 'not logged in / session expired',
  403: 'role not permitted, or four-eyes rule',
  404: 'not found',
  409: 'state conflict (e.g. not awaiting approval) or idempotency key reused',
  413: 'payload too large',
  422: 'domain rule violated (e.g. future 転入日, unknown household, already registered)',
};
const caseIdParam = { name: 'caseId', in: 'path', required: true, schema: { type: 'string' } };

const idempotencyKey = {
  name: 'Idempotency-Key',
  in: 'header',
  required: false,
  schema: { type: 'string', maxLength: 128 },
  description: 'repeat the same key to get the same case back',
};

/** POST /api/cases/<path> of every procedure in the table that has a counter intake. */
const intakePaths = (procedures: ProcedureTable) =>
  Object.fromEntries(
    procedures.cases.flatMap((m) =>
      m.intake
        ? [
            [
              `/api/cases/${m.intake.path}`,
              {
                post: {
                  summary: m.intake.summary,
                  tags: [m.definition.label],
                  parameters: [idempotencyKey],
                  requestBody: {
                    required: true,
                    content: json({ $ref: `#/components/schemas/${m.intake.schemaName}` }),
                  },
                  responses: {
                    201: { description: 'case created', content: json({ $ref: '#/components/schemas/CaseSummary' }) },
                    200: { description: 'existing case for this Idempotency-Key' },
                    ...errors(400, 401, 403, 409, 413, 422),
                  },
                },
              },
            ],
          ]
        : [],
    ),
  );

const moduleSchemas = (procedures: ProcedureTable) => ({
  ...Object.fromEntries(procedures.cases.flatMap((m) => (m.intake ? [[m.intake.schemaName, m.intake.schema]] : []))),
  ...Object.assign({}, ...procedures.modules.map((m) => m.openapi?.schemas ?? {})),
});
const modulePaths = (procedures: ProcedureTable) =>
  Object.assign({}, ...procedures.modules.map((m) => m.openapi?.paths ?? {})) as Record<string, object>;

/**
 * OpenAPI 3.1 description of the HTTP API, served at /api/openapi.json: the shared paths here, the intake path of
 * every procedure and the paths its module adds, from the procedure table. Schemas are the ones ajv enforces.
 */
export const openApiDocument = (procedures: ProcedureTable) => ({
  openapi: '3.1.0',
  info: {
    title: '住民記録 案件管理 API',
    version: '0.1.0',
    description:
      'Resident registry case management: intake, case read, approval, certificates. Personal data never appears in URLs.',
  },
  servers: [{ url: '/' }],
  security: [{ bearer: [] }],
  components: {
    securitySchemes: {
      bearer: { type: 'http', scheme: 'bearer', description: 'token from POST /api/auth/login' },
      portalSignature: {
        type: 'apiKey',
        in: 'header',
        name: 'X-Portal-Signature',
        description:
          'HMAC-SHA256 over METHOD, path, X-Portal-Timestamp, X-Portal-Nonce and sha256(body), with the key named by X-Portal-Key-Id',
      },
      csInbound: { type: 'http', scheme: 'bearer', description: 'CS_INBOUND_TOKEN presented by the municipal CS' },
    },
    schemas: {
      Error: {
        type: 'object',
        required: ['error', 'message'],
        properties: {
          error: { type: 'string' },
          message: { type: 'string' },
          errors: {
            type: 'array',
            items: {
              type: 'object',
              properties: { field: { type: 'string' }, rule: { type: 'string' }, message: { type: 'string' } },
            },
          },
        },
      },
      ...moduleSchemas(procedures),
      MoveInNotice: MoveInNoticeSchema,
      MoveOutCertificateInfo: MoveOutCertificateInfoSchema,
      CertificateInfoRequest: CertificateInfoRequestSchema,
      LoginRequest: LoginRequestSchema,
      ...moreSchemas,
      ...supportSchemas,
      ...adminSchemas,
      CaseSummary: {
        type: 'object',
        properties: {
          caseId: { type: 'string' },
          procedure: { type: 'string' },
          status: { type: 'string' },
          statusLabel: { type: 'string' },
          enteredBy: { type: 'string' },
          decidedBy: { type: 'string' },
          flags: { type: 'array', items: { type: 'string' } },
          needsAttention: { type: 'boolean' },
          attentionReason: { type: 'string' },
          failingStep: { type: 'string' },
          attempt: { type: 'integer' },
          lastError: { type: 'string' },
          createdAt: { type: 'string', format: 'date-time' },
        },
      },
      Reason: {
        type: 'object',
        required: ['reason'],
        additionalProperties: false,
        properties: { reason: { type: 'string', minLength: 1, maxLength: 500 } },
      },
    },
  },
  paths: {
    ...workPaths,
    ...inboundPaths,
    ...referencePaths,
    ...supportPaths,
    ...adminPaths,
    ...intakePaths(procedures),
    ...modulePaths(procedures),
    '/api/health': {
      get: {
        summary: 'Liveness and dependencies (DB, Temporal)',
        security: [],
        responses: { 200: { description: 'ok' }, 503: { description: 'degraded' } },
      },
    },
    '/api/openapi.json': {
      get: { summary: 'This document', security: [], responses: { 200: { description: 'OpenAPI 3.1' } } },
    },
    '/api/auth/login': {
      post: {
        summary: 'Staff login (individual ID, password, registered terminal)',
        security: [],
        requestBody: { required: true, content: json({ $ref: '#/components/schemas/LoginRequest' }) },
        responses: {
          200: {
            description: 'session token',
            content: json({ type: 'object', properties: { token: { type: 'string' }, expiresAt: { type: 'string' } } }),
          },
          ...errors(400, 401),
        },
      },
    },
    '/api/auth/logout': {
      post: { summary: 'End the session', responses: { 204: { description: 'logged out' }, ...errors(401) } },
    },
    '/cs-inbound/v1/move-in-notices': {
      post: {
        summary: '転入通知 from another town (origin side): recorded on the move-out case',
        security: [{ csInbound: [] }],
        requestBody: { required: true, content: json({ $ref: '#/components/schemas/MoveInNotice' }) },
        responses: {
          202: { description: 'stored and handed to the case (status ACCEPTED or UNMATCHED)' },
          200: { description: 'duplicate delivery' },
          ...errors(400, 401, 422),
        },
      },
    },
    '/cs-inbound/v1/move-out-certificates': {
      post: {
        summary: '転出証明書情報 from another town (destination side): held until used or purged',
        security: [{ csInbound: [] }],
        requestBody: { required: true, content: json({ $ref: '#/components/schemas/MoveOutCertificateInfo' }) },
        responses: {
          202: { description: 'stored and handed to the case (status ACCEPTED or UNMATCHED)' },
          200: { description: 'duplicate delivery' },
          ...errors(400, 401, 422),
        },
      },
    },
    '/cs-inbound/v1/certificate-requests': {
      post: {
        summary: '送信依頼 from another town (origin side): the 転出証明書情報 is sent again',
        security: [{ csInbound: [] }],
        requestBody: { required: true, content: json({ $ref: '#/components/schemas/CertificateInfoRequest' }) },
        responses: {
          202: { description: 'stored and handed to the case (status ACCEPTED or UNMATCHED)' },
          200: { description: 'duplicate delivery' },
          ...errors(400, 401, 422),
        },
      },
    },
    '/api/cases': {
      get: {
        summary: 'Case list from the projection',
        parameters: ['status', 'procedure', 'needsAttention', 'limit'].map((name) => ({
          name,
          in: 'query',
          required: false,
          // the procedures of the table (issue 14 bug 11: a filter offers only procedures that exist)
          schema:
            name === 'procedure'
              ? { type: 'string', enum: procedures.cases.map((m) => m.definition.code) }
              : { type: 'string' },
        })),
        responses: {
          200: {
            description: 'cases',
            content: json({
              type: 'object',
              properties: { cases: { type: 'array', items: { $ref: '#/components/schemas/CaseSummary' } } },
            }),
          },
          ...errors(401, 403),
        },
      },
    },
    '/api/cases/{caseId}': {
      get: {
        summary:
          'Case detail: status, application (個人番号 masked unless showIndividualNumber=true and permitted), actions, certificates. Audited.',
        parameters: [
          caseIdParam,
          { name: 'showIndividualNumber', in: 'query', required: false, schema: { type: 'boolean' } },
        ],
        responses: { 200: { description: 'case' }, ...errors(401, 403, 404) },
      },
    },
    '/api/cases/{caseId}/progress': {
      get: {
        summary:
          'Live state of a case for background refreshes and bulk results: status, the failing step with a Japanese explanation (`error`), next retry, and a `version` that changes whenever the case screen would. No personal data; a request with `X-Background-Refresh: 1` does not extend the idle session.',
        parameters: [caseIdParam],
        responses: { 200: { description: 'progress' }, ...errors(401, 403, 404) },
      },
    },
    '/api/cases/{caseId}/approve': {
      post: {
        summary: '決裁 (approver; not the person who entered the case)',
        parameters: [caseIdParam, { name: 'X-Request-Id', in: 'header', required: false, schema: { type: 'string' } }],
        responses: { 200: { description: 'approved' }, ...errors(401, 403, 404, 409) },
      },
    },
    '/api/cases/{caseId}/reject': {
      post: {
        summary: '却下 with a reason (approver)',
        parameters: [caseIdParam],
        requestBody: { required: true, content: json({ $ref: '#/components/schemas/Reason' }) },
        responses: { 200: { description: 'rejected' }, ...errors(400, 401, 403, 404, 409) },
      },
    },
    '/api/certificates/resident-record-copy': {
      post: {
        summary:
          '住民票の写し at the counter (clerk): persons by 宛名番号 (one household), requested items, requester. 除票, a third party asking for the 個人番号 and 抑止 are refused (audited). kind "removedRecord": the 除票の写し of one 除票 person (個人票), with 消除事由, its date and the 転出先; a current resident is refused',
        parameters: [
          {
            name: 'X-Request-Id',
            in: 'header',
            required: false,
            schema: { type: 'string', format: 'uuid' },
            description: 'becomes the certificate ID: a double submit issues one copy',
          },
        ],
        requestBody: { required: true, content: json(ResidentRecordCopyRequestSchema) },
        responses: {
          201: { description: '{ certificateId, issueNumber, pages, href }' },
          ...errors(400, 401, 403, 422),
        },
      },
    },
    '/api/certificates/{certificateId}/reissue': {
      post: {
        summary: '再交付: a new copy (new 発行番号, 「再交付」) showing the state at first issue',
        parameters: [
          { name: 'certificateId', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } },
          { name: 'X-Request-Id', in: 'header', required: false, schema: { type: 'string' } },
        ],
        responses: { 201: { description: 'the new copy' }, ...errors(401, 403, 404) },
      },
    },
    '/api/certificates/{certificateId}/pdf': {
      get: {
        summary: 'The issued PDF (交付履歴). Audited.',
        parameters: [{ name: 'certificateId', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } }],
        responses: { 200: { description: 'PDF', content: { 'application/pdf': {} } }, ...errors(401, 403, 404) },
      },
    },
  },
});

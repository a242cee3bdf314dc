import { AddressAnnexNoticeSchema } from '../partners/cs-messages';
import { MoveOutCertificateWithdrawalSchema } from '../partners/cs-move-messages';
import { ReferenceMunicipalityQuerySchema, ReferencePostalCodeParamsSchema } from './reference-router';

/** OpenAPI paths of the human steps on a case and of the CS withdrawal inbound (merged into openapi.ts). */

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
  503: err('CASE_NOT_STARTED: the workflow of the case is not started yet and Temporal cannot be reached; try again'),
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
  '/api/cases/{caseId}/correct': {
    post: {
      summary:
        "訂正して再提出: the corrected application of a returned case (the procedure's own intake schema and rules, every error at once); stored as a new version, the case resubmitted. Entering clerk only",
      parameters: [caseIdParam, requestIdHeader],
      requestBody: {
        required: true,
        description: "the application, exactly as POST /api/cases/<procedure> of the case's procedure takes it",
        content: json({ type: 'object' }),
      },
      responses: {
        200: { description: 'stored and resubmitted: { caseId, corrected: true, flags }' },
        ...refusals,
        403: err('ROLE_REQUIRED / NOT_MAKER: only the entering clerk (audited)'),
        409: err('NOT_RETURNED: the case is not returned (差戻し)'),
        422: err('RULE_VIOLATION: the intake rules, every error at once; nothing changed'),
      },
    },
  },
  '/api/cases/{caseId}/withdraw': step(
    '取下げ: the entering clerk withdraws their own intake before 決裁 (nothing committed; the case ends WITHDRAWN)',
    reason,
  ),
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

export const moreSchemas = {
  MoveOutCertificateWithdrawal: MoveOutCertificateWithdrawalSchema,
  AddressAnnexNotice: AddressAnnexNoticeSchema,
};

export const inboundPaths = {
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
  '/cs-inbound/v1/address-annex-notices': {
    post: {
      summary: '戸籍の附票記載事項通知 from the town of the 住民票 (we are the 本籍地): kept for the 戸籍 system',
      security: [{ csInbound: [] }],
      requestBody: { required: true, content: json({ $ref: '#/components/schemas/AddressAnnexNotice' }) },
      responses: {
        202: { description: 'accepted' },
        200: { description: 'duplicate' },
        400: err('INVALID_MESSAGE'),
        401: err('UNAUTHORIZED'),
      },
    },
  },
};

/** The reference lookups (src/api/reference-router.ts; README "Reference data"). */
export const referencePaths = {
  '/api/reference/postal-codes/{code}': {
    get: {
      summary: '郵便番号 → 住所 (都道府県・市区町村・町域 and the 団体コード), from KEN_ALL shipped with the system',
      parameters: [
        { name: 'code', in: 'path', required: true, schema: ReferencePostalCodeParamsSchema.properties.code },
      ],
      responses: {
        200: { description: 'the 町域 of the code (one or more), `addresses[]`, and `dataDate`' },
        400: err('VALIDATION_FAILED'),
        401: err('UNAUTHORIZED'),
        403: err('FORBIDDEN'),
        404: err('POSTAL_CODE_NOT_FOUND'),
      },
    },
  },
  '/api/reference/municipalities': {
    get: {
      summary:
        '市区町村名 (or an address that starts with it) → 全国地方公共団体コード (6 digits with the check digit)',
      parameters: [
        { name: 'name', in: 'query', required: true, schema: ReferenceMunicipalityQuerySchema.properties.name },
      ],
      responses: {
        200: { description: '`municipalities[]` best match first ({ code, prefecture, city, name }), and `dataDate`' },
        400: err('VALIDATION_FAILED'),
        401: err('UNAUTHORIZED'),
        403: err('FORBIDDEN'),
      },
    },
  },
};

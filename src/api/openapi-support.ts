import { EndMeasureRequestSchema, EnterMeasureRequestSchema } from './support-measures-service';

/** OpenAPI paths of the 支援措置 / 抑止 register (merged into openapi.ts). Every route: 支援措置責任者 only. */
const json = (schema: object) => ({ 'application/json': { schema } });
const err = (description: string) => ({ description, content: json({ $ref: '#/components/schemas/Error' }) });
const idParam = { name: 'measureId', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } };
const measure = { description: 'the measure', content: json({ $ref: '#/components/schemas/SupportMeasure' }) };
const refusals = {
  401: err('not logged in'),
  403: err('FORBIDDEN (not a 支援措置責任者) / FOUR_EYES (the maker confirms their own change); audited'),
  404: err('MEASURE_NOT_FOUND'),
};
const step = (summary: string, conflicts: string, body?: object) => ({
  post: {
    summary,
    parameters: [idParam],
    ...(body ? { requestBody: body } : {}),
    responses: { 200: measure, ...refusals, 409: err(conflicts) },
  },
});

export const supportSchemas = {
  EnterSupportMeasure: EnterMeasureRequestSchema,
  EndSupportMeasure: EndMeasureRequestSchema,
  SupportMeasure: {
    type: 'object',
    properties: {
      measureId: { type: 'string' },
      kind: { enum: ['SUPPORT', 'SUPPRESSION'] },
      state: { enum: ['PROVISIONAL', 'ACTIVE', 'ENDED'] },
      provisionalReason: { enum: ['REQUEST', 'MOVED_OUT', 'MOVED_IN'] },
      targetAddresseeNumber: { type: 'string' },
      addresseeNumbers: { type: 'array', items: { type: 'string' } },
      processes: { type: 'array', items: { enum: ['CERTIFICATE', 'INQUIRY', 'CHANGE'] } },
      level: { enum: ['ERROR', 'ALERT'] },
      startDate: { type: 'string', format: 'date' },
      endDate: { type: 'string', format: 'date' },
      alert: { enum: ['FINAL_MONTH', 'EXPIRED'] },
      pending: { type: 'object', properties: { action: { enum: ['ENTER', 'EXTEND', 'END'] }, by: { type: 'string' } } },
      releasedUntil: { type: 'string', format: 'date-time' },
    },
  },
};

export const supportPaths = {
  '/api/support-measures': {
    get: {
      summary: '支援措置・抑止の一覧 (not ended; ?all=true with the ended ones)',
      responses: {
        200: {
          description: 'the measures',
          content: json({ type: 'array', items: { $ref: '#/components/schemas/SupportMeasure' } }),
        },
        ...refusals,
      },
    },
    post: {
      summary: 'Enter a 支援措置 or 抑止: 仮支援措置 at once, in force after another user confirms (four-eyes)',
      requestBody: { required: true, content: json({ $ref: '#/components/schemas/EnterSupportMeasure' }) },
      responses: {
        201: measure,
        400: err('VALIDATION_FAILED (field and rule named)'),
        422: err('PERSON_NOT_FOUND'),
        ...refusals,
      },
    },
  },
  '/api/support-measures/{measureId}': {
    get: {
      summary: 'One measure with its history; ?personal=true adds the applicant and 加害者 (audited)',
      parameters: [idParam],
      responses: { 200: measure, ...refusals },
    },
  },
  '/api/support-measures/{measureId}/confirm': step(
    'Confirm the pending change (entry → 支援措置, extension, end) as a second user',
    'NOTHING_PENDING',
  ),
  '/api/support-measures/{measureId}/extend': step(
    'Ask to extend a 支援措置 by 1 year (from 1 month before its end)',
    'EXTENSION_TOO_EARLY / NOT_EXTENDABLE / ALREADY_PENDING / MEASURE_ENDED',
  ),
  '/api/support-measures/{measureId}/end': step(
    'Ask to end the measure (it never ends by itself)',
    'ALREADY_PENDING / MEASURE_ENDED',
    {
      required: true,
      content: json({ $ref: '#/components/schemas/EndSupportMeasure' }),
    },
  ),
  '/api/support-measures/{measureId}/release': step(
    '一時解除 for one issuance; reverts after SUPPORT_RELEASE_MINUTES',
    'MEASURE_ENDED',
  ),
};

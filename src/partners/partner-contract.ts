/**
 * Building blocks shared by our partner HTTP contracts (CS: cs-messages.ts, J-LIS: card-agency-messages.ts).
 * The real J-LIS message formats are not public (domain.md §9.1), so these are our own JSON conventions:
 *  - field schemas for the data items both contracts carry (codes, dates, printable text, idempotency keys, 更新順番号);
 *  - one error body for every non-2xx answer, whose `message` and `errors` never contain values from the request;
 *  - the error codes every partner simulator uses for the same situations.
 */
import type { SchemaObject } from 'ajv';
import { CustomFormat, type FieldError } from '../domain/ajv';

/** Printable text: no control characters (CR/LF/TAB included). */
export const TEXT_PATTERN = '^[^\\u0000-\\u001F\\u007F]*$';
export const textSchema = (maxLength: number): SchemaObject => ({
  type: 'string',
  minLength: 1,
  maxLength,
  pattern: TEXT_PATTERN,
});

export const NAME_MAX = 100;
export const ADDRESS_MAX = 200;

/** 'YYYY-MM-DD' that is a real calendar date. */
export const isoDateSchema: SchemaObject = { type: 'string', format: CustomFormat.ISO_DATE };
/** 生年月日 in a message: 'YYYY-MM-DD' with '00' for unknown parts (toCsBirthDate, domain.md §3.1). */
export const birthDateSchema: SchemaObject = { type: 'string', format: CustomFormat.BIRTH_DATE };
export const municipalityCodeSchema: SchemaObject = { type: 'string', format: CustomFormat.MUNICIPALITY_CODE };
/** 住民票コード: digit pattern only. Its check-digit formula is unverified (domain.md §7.2); see checkResidentRecordCode. */
export const residentRecordCodeSchema: SchemaObject = { type: 'string', pattern: '^[0-9]{11}$' };
/** 更新順番号: per person and sender, from 1, strictly increasing (gaps allowed). */
export const sequenceNumberSchema: SchemaObject = { type: 'integer', minimum: 1, maximum: 2147483647 };

/** Idempotency keys: 8–128 URL/header-safe characters (e.g. the outbox row id or 依頼管理番号). */
export const IDEMPOTENCY_KEY_PATTERN = '^[A-Za-z0-9][A-Za-z0-9._:-]{7,127}$';
export const idempotencyKeySchema: SchemaObject = { type: 'string', pattern: IDEMPOTENCY_KEY_PATTERN };

/**
 * A message from one town to another through the CS: the sender, the addressee, the Idempotency-Key and one body under
 * its own key (`notice`, `certificate`, `request`, `withdrawal`), nothing else. `T` is the message's type: `bodyKey`
 * must be its body's key.
 */
export const townMessageSchema = <
  T extends Record<'fromMunicipalityCode' | 'toMunicipalityCode' | 'idempotencyKey', string>,
>(
  bodyKey: Exclude<keyof T, 'fromMunicipalityCode' | 'toMunicipalityCode' | 'idempotencyKey'> & string,
  body: SchemaObject,
): SchemaObject => ({
  type: 'object',
  additionalProperties: false,
  required: ['fromMunicipalityCode', 'toMunicipalityCode', 'idempotencyKey', bodyKey],
  properties: {
    fromMunicipalityCode: municipalityCodeSchema,
    toMunicipalityCode: municipalityCodeSchema,
    idempotencyKey: idempotencyKeySchema,
    [bodyKey]: body,
  },
});

/** Error codes are upper-case identifiers; clients ignore a `code` that is not one. */
export const ERROR_CODE_PATTERN = '^[A-Z][A-Z0-9_]{0,63}$';

/** Codes every partner contract uses for the same situations. Each contract adds its own (and its 503 code). */
export const CommonErrorCode = {
  /** 400 (schema, Idempotency-Key header, malformed JSON, too large) or 422 (a cross-field rule). */
  INVALID_MESSAGE: 'INVALID_MESSAGE',
  /** 401: missing or wrong bearer token. */
  UNAUTHORIZED: 'UNAUTHORIZED',
  /** 409: the Idempotency-Key was already used for a different message. */
  IDEMPOTENCY_KEY_REUSED: 'IDEMPOTENCY_KEY_REUSED',
  /** 409: the 更新順番号 does not increase for this person. */
  SEQUENCE_OUT_OF_ORDER: 'SEQUENCE_OUT_OF_ORDER',
  /** 404: no such endpoint. */
  NOT_FOUND: 'NOT_FOUND',
} as const;

/** Error body of every non-2xx answer. `message` and `errors` never contain values taken from the request. */
export interface PartnerErrorBody {
  code: string;
  message: string;
  errors?: FieldError[];
}

export const PartnerErrorBodySchema: SchemaObject = {
  type: 'object',
  additionalProperties: false,
  required: ['code', 'message'],
  properties: {
    code: { type: 'string', pattern: ERROR_CODE_PATTERN },
    message: { type: 'string', maxLength: 500 },
    errors: {
      type: 'array',
      maxItems: 100,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['field', 'rule', 'message'],
        properties: { field: { type: 'string' }, rule: { type: 'string' }, message: { type: 'string' } },
      },
    },
  } satisfies Record<keyof PartnerErrorBody, SchemaObject>,
};

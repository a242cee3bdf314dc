/**
 * The one place that builds ajv instances (architecture principle 10: validate at every boundary).
 *
 * - `createAjv()` returns a fresh instance with `allErrors` and `strict`, the ajv-formats set (date-time, uri, …)
 *   and the registry's own formats:
 *     `individual-number`    12 digits with the mod-11 check digit (domain.md §7.1)
 *     `municipality-code`    6 digits with the 全国地方公共団体コード check digit (domain.md §7.4)
 *     `iso-date`             'YYYY-MM-DD' that is a real calendar date (no 2025-02-29)
 *     `birth-date`           a 生年月日: an iso-date, or one with '00' for its unknown parts (YYYY-MM-00, YYYY-00-00,
 *                            0000-00-00; domain.md §3.1, `birthDatePrecision`)
 *     `resident-record-code` 11 digits with the PROVISIONAL check digit (domain.md §7.2; the formula is unverified,
 *                            so boundary schemas use a digit pattern only and the configurable check mode decides)
 * - `compileSchema(schema)` compiles once per schema object on a shared instance and returns a typed validator.
 * - `formatAjvErrors(errors)` turns ajv errors into `{ field, rule, message }` that name the field and the rule but
 *   never echo the offending value: values may be personal data (個人番号, 4情報).
 */
import Ajv, { type ErrorObject, type SchemaObject } from 'ajv';
import addFormats from 'ajv-formats';
import { isIndividualNumber, isMunicipalityCode, isResidentRecordCode } from './check-digits';
import { isBirthDate, isIsoDate } from './dates';

export const CustomFormat = {
  INDIVIDUAL_NUMBER: 'individual-number',
  MUNICIPALITY_CODE: 'municipality-code',
  ISO_DATE: 'iso-date',
  BIRTH_DATE: 'birth-date',
  RESIDENT_RECORD_CODE: 'resident-record-code',
} as const;

export const createAjv = (): Ajv => {
  const ajv = new Ajv({ allErrors: true, strict: true });
  addFormats(ajv);
  ajv.addFormat(CustomFormat.INDIVIDUAL_NUMBER, { type: 'string', validate: isIndividualNumber });
  ajv.addFormat(CustomFormat.MUNICIPALITY_CODE, { type: 'string', validate: isMunicipalityCode });
  ajv.addFormat(CustomFormat.ISO_DATE, { type: 'string', validate: isIsoDate });
  ajv.addFormat(CustomFormat.BIRTH_DATE, { type: 'string', validate: isBirthDate });
  ajv.addFormat(CustomFormat.RESIDENT_RECORD_CODE, { type: 'string', validate: isResidentRecordCode });
  return ajv;
};

let shared: Ajv | undefined;
/** The process-wide instance used by `compileSchema` (stateless apart from its compile cache). */
export const sharedAjv = (): Ajv => (shared ??= createAjv());

/** One field-level validation problem. `field` is a JSON pointer into the payload ('' = the payload itself). */
export interface FieldError {
  field: string;
  rule: string;
  message: string;
}

export type ValidationResult<T> = { ok: true; value: T } | { ok: false; errors: FieldError[] };
export type Validator<T> = (data: unknown) => ValidationResult<T>;

const compiled = new WeakMap<object, Validator<unknown>>();

/** Compiles `schema` once (per schema object) on the shared instance. The caller vouches that T matches it. */
export const compileSchema = <T>(schema: SchemaObject): Validator<T> => {
  const hit = compiled.get(schema);
  if (hit) return hit as Validator<T>;
  const fn = sharedAjv().compile(schema);
  const validator: Validator<T> = (data) =>
    fn(data) ? { ok: true, value: data as T } : { ok: false, errors: formatAjvErrors(fn.errors) };
  compiled.set(schema, validator as Validator<unknown>);
  return validator;
};

const MAX_KEY_IN_POINTER = 64;
const escapePointer = (key: string): string =>
  key.slice(0, MAX_KEY_IN_POINTER).replace(/~/g, '~0').replace(/\//g, '~1');

const fieldOf = (e: ErrorObject): string => {
  const p = e.params as Record<string, unknown>;
  if (e.keyword === 'required' && typeof p.missingProperty === 'string')
    return `${e.instancePath}/${escapePointer(p.missingProperty)}`;
  if (e.keyword === 'additionalProperties' && typeof p.additionalProperty === 'string')
    return `${e.instancePath}/${escapePointer(p.additionalProperty)}`;
  if (e.keyword === 'dependentRequired' && typeof p.missingProperty === 'string')
    return `${e.instancePath}/${escapePointer(p.missingProperty)}`;
  return e.instancePath;
};

/** Schema-derived detail only (limits, formats, types): never anything taken from the data. */
const describe = (e: ErrorObject): string => {
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'required':
    case 'dependentRequired':
      return 'is required';
    case 'additionalProperties':
    case 'unevaluatedProperties':
      return 'is not allowed';
    case 'format':
      return `must be a valid ${String(p.format)}`;
    case 'pattern':
      return 'does not match the required pattern';
    case 'type':
      return `must be of type ${String(p.type)}`;
    case 'enum':
      return Array.isArray(p.allowedValues) && p.allowedValues.length <= 20
        ? `must be one of ${p.allowedValues.map((v) => JSON.stringify(v)).join(', ')}`
        : 'must be one of the allowed values';
    case 'const':
      return 'must equal the allowed constant';
    case 'minLength':
      return `must be at least ${String(p.limit)} characters`;
    case 'maxLength':
      return `must be at most ${String(p.limit)} characters`;
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return `must be ${String(p.comparison)} ${String(p.limit)}`;
    case 'minItems':
      return `must have at least ${String(p.limit)} items`;
    case 'maxItems':
      return `must have at most ${String(p.limit)} items`;
    case 'minProperties':
      return `must have at least ${String(p.limit)} properties`;
    case 'oneOf':
      return 'must match exactly one of the allowed shapes';
    case 'anyOf':
      return 'must match at least one of the allowed shapes';
    case 'if':
      return 'lacks an item its kind requires (see the required errors)';
    default:
      return `fails rule ${e.keyword}`;
  }
};

/**
 * `[{ field: '/identity/birthDate', rule: 'format', message: '/identity/birthDate must be a valid iso-date' }]`.
 * Deduplicated; the offending value never appears.
 */
export const formatAjvErrors = (errors: ErrorObject[] | null | undefined): FieldError[] => {
  const out: FieldError[] = [];
  const seen = new Set<string>();
  for (const e of errors ?? []) {
    const field = fieldOf(e);
    const message = `${field === '' ? '(payload)' : field} ${describe(e)}`;
    const key = `${field}\u0000${e.keyword}\u0000${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ field, rule: e.keyword, message });
  }
  return out;
};

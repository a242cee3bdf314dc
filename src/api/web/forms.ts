import type { SchemaObject } from 'ajv';
import { compileSchema, type FieldError } from '../../domain/ajv';

/**
 * Server-side validation of web forms with ajv (architecture principle 10), with field-level messages in Japanese.
 * Only the fields the schema declares are taken from the body; empty inputs count as missing.
 */
export type FieldMessages = Record<string, Partial<Record<string, string>> & { label: string }>;
export type FormResult<T> = { ok: true; value: T } | { ok: false; errors: Record<string, string> };

const GENERIC: Record<string, (label: string) => string> = {
  required: (l) => `${l}を入力してください`,
  minLength: (l) => `${l}を入力してください`,
  maxLength: (l) => `${l}が長すぎます`,
  pattern: (l) => `${l}の形式が正しくありません`,
  format: (l) => `${l}の形式が正しくありません`,
  enum: (l) => `${l}の値が正しくありません`,
  type: (l) => `${l}の値が正しくありません`,
};

/** Japanese message per field: the form's own text for the rule, else a generic one naming the field. */
export function japaneseErrors(errors: FieldError[], messages: FieldMessages): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of errors) {
    const key = e.field.replace(/^\//, '').split('/')[0] || '_form';
    if (out[key]) continue;
    const m = messages[key];
    out[key] =
      m?.[e.rule] ??
      (m ? (GENERIC[e.rule] ?? ((l: string) => `${l}の入力に誤りがあります`))(m.label) : '入力内容に誤りがあります');
  }
  return out;
}

/** Picks the declared fields from a urlencoded body, trims them and drops empty ones. */
export function formFields(
  body: unknown,
  schema: SchemaObject,
  untrimmed: readonly string[] = [],
): Record<string, string> {
  const src = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  const out: Record<string, string> = {};
  for (const k of Object.keys((schema.properties ?? {}) as object)) {
    const v = src[k];
    if (typeof v === 'string' && v.trim() !== '') out[k] = untrimmed.includes(k) ? v : v.trim();
  }
  return out;
}

/** `untrimmed`: fields taken exactly as typed (passwords). */
export function validateForm<T>(
  schema: SchemaObject,
  body: unknown,
  messages: FieldMessages,
  untrimmed: readonly string[] = [],
): FormResult<T> {
  const v = compileSchema<T>(schema)(formFields(body, schema, untrimmed));
  return v.ok ? { ok: true, value: v.value } : { ok: false, errors: japaneseErrors(v.errors, messages) };
}

const reason = { type: 'string', minLength: 1, maxLength: 500, pattern: '\\S' } as const;
const staffId = { type: 'string', minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9._-]+$' } as const;

/** Forms of the human steps: no fields; a required reason (rejection, every supervisor action); optional; reassign. */
export const ActionFormSchemas = {
  none: { type: 'object', additionalProperties: false, properties: {} },
  required: { type: 'object', additionalProperties: false, required: ['reason'], properties: { reason } },
  optional: { type: 'object', additionalProperties: false, properties: { reason } },
  reassign: {
    type: 'object',
    additionalProperties: false,
    required: ['reason', 'to'],
    properties: { reason, to: staffId },
  },
} as const;
export const reasonMessages: FieldMessages = {
  reason: {
    label: '理由',
    required: '理由を入力してください（必須）',
    maxLength: '理由は500文字以内で入力してください',
  },
  to: {
    label: '割当先の職員ID',
    required: '割当先の職員IDを入力してください',
    pattern: '割当先の職員IDの形式が正しくありません',
  },
};

import type { FieldError } from '../../../domain/ajv';

/**
 * The JSON API's field errors (`field` = a JSON pointer into the application) as Japanese messages beside the form
 * fields. A rule error of the intake already carries a Japanese message (used as it is); a schema error names only
 * the pointer and the ajv rule, so the message is built here from the field's label. Messages never contain a value.
 */
export interface FormFieldSpec {
  label: string;
  /** Messages by ajv rule (or by format name for `format`). */
  rules?: Partial<Record<string, string>>;
}

export interface ErrorMapping {
  /** Exact pointers → form field names (e.g. '/address/address' → 'address'). */
  pointers: Record<string, string>;
  /** The array of repeated rows (movers / persons) and the form-field prefix of its rows ('m' → m0.familyName). */
  rows?: { pointer: string; prefix: string; label: (i: number) => string };
  fields: Record<string, FormFieldSpec>;
}

export interface MappedErrors {
  /** Form field name → message (first error per field). */
  byField: Record<string, string>;
  /** The list shown at the top of the form (row label + message). */
  summary: string[];
}

const DATE_EXAMPLE = '（例: 令和8年4月1日、R8.4.1、2026-04-01）';
const FORMAT: Record<string, string> = {
  'individual-number': 'が正しくありません（12桁。検査数字を確認してください）',
  'municipality-code': 'が正しくありません（6桁、または検査数字を除く5桁）',
  'iso-date': `の日付が正しくありません（存在しない日付か、元号の期間外です）${DATE_EXAMPLE}`,
  'birth-date':
    'が正しくありません（存在しない日付か、元号の期間外です。例: 昭和60年6月15日、一部不詳は 昭和20年8月・昭和20年・不詳）',
};

const GENERIC: Record<string, (label: string) => string> = {
  required: (l) => `${l}を入力してください`,
  minLength: (l) => `${l}を入力してください`,
  maxLength: (l) => `${l}が長すぎます`,
  pattern: (l) => `${l}の形式が正しくありません`,
  enum: (l) => `${l}を選んでください`,
  const: (l) => `${l}を選んでください`,
  type: (l) => `${l}の値が正しくありません`,
  oneOf: (l) => `${l}の指定を確認してください`,
  minItems: (l) => `${l}を1人以上入力してください`,
  maxItems: (l) => `${l}が多すぎます`,
  additionalProperties: () => '入力できない項目が含まれています',
};

const isJapanese = (s: string) => /[\u3040-\u30ff\u4e00-\u9fff]/.test(s);

/** Which form field a pointer belongs to, and the row label for the summary. */
export function fieldOfPointer(pointer: string, m: ErrorMapping): { field: string; rowLabel?: string } {
  if (m.rows) {
    const re = new RegExp(`^${m.rows.pointer.replace(/\//g, '\\/')}\\/(\\d+)(?:\\/([A-Za-z]+))?`);
    const hit = re.exec(pointer);
    if (hit) {
      const i = Number(hit[1]);
      return { field: hit[2] ? `${m.rows.prefix}${i}.${hit[2]}` : `${m.rows.prefix}${i}`, rowLabel: m.rows.label(i) };
    }
  }
  for (let p = pointer; ; p = p.slice(0, p.lastIndexOf('/'))) {
    const field = m.pointers[p];
    if (field) return { field };
    if (!p) return { field: '_form' };
  }
}

/** The spec of a field name: 'm1.birthDate' uses the spec of 'm.birthDate'. */
const specOf = (field: string, m: ErrorMapping): FormFieldSpec | undefined =>
  m.fields[field] ?? m.fields[field.replace(/^([a-z]+)\d+\./, '$1.')];

export function messageFor(e: FieldError, field: string, m: ErrorMapping): string {
  if (isJapanese(e.message)) return e.message;
  const spec = specOf(field, m);
  const label = spec?.label ?? '入力内容';
  const format = e.rule === 'format' ? /must be a valid (\S+)/.exec(e.message)?.[1] : undefined;
  const custom = spec?.rules?.[format ?? e.rule];
  if (custom) return custom;
  if (format && FORMAT[format]) return `${label}${FORMAT[format]}`;
  return (GENERIC[e.rule] ?? ((l: string) => `${l}の入力に誤りがあります`))(label);
}

export function mapFieldErrors(errors: readonly FieldError[], m: ErrorMapping): MappedErrors {
  const byField: Record<string, string> = {};
  const summary: string[] = [];
  // a failed oneOf (household: new | join) reports every branch: keep the branch errors that say what is missing
  const branchNoise = (e: FieldError) =>
    (e.rule === 'oneOf' || e.rule === 'const') &&
    errors.some(
      (o) =>
        o !== e &&
        o.rule !== 'oneOf' &&
        o.rule !== 'const' &&
        o.field.startsWith(e.rule === 'oneOf' ? e.field : e.field.slice(0, e.field.lastIndexOf('/'))),
    );
  for (const e of errors.filter((x) => !branchNoise(x))) {
    const { field, rowLabel } = fieldOfPointer(e.field, m);
    if (byField[field]) continue;
    const msg = messageFor(e, field, m);
    byField[field] = msg;
    summary.push(rowLabel ? `${rowLabel}：${msg}` : msg);
  }
  return { byField, summary };
}

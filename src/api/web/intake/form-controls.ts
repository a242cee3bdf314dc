import { html, type SafeHtml } from '../html';

/**
 * Form controls of the intake screens: a visible label, the field-level error right below the control (linked by
 * aria-describedby, aria-invalid set), hints, and nothing that needs a script. `value` is what the clerk typed.
 */
export type Errors = Record<string, string>;
export const fieldId = (name: string): string => `f-${name.replace(/\./g, '-')}`;

const errorOf = (name: string, errors: Errors) => {
  const e = errors[name];
  const id = `${fieldId(name)}-e`;
  return { e, describedBy: e ? id : undefined, p: e ? html`<p class="field-error" id="${id}">${e}</p>` : '' };
};
const reqMark = (required?: boolean) => (required ? html` <span class="req">（必須）</span>` : '');

export interface TextOpts {
  name: string;
  label: string;
  value?: string;
  required?: boolean;
  hint?: string;
  inputmode?: 'numeric' | 'text';
  maxlength?: number;
  size?: 'narrow' | 'wide';
  placeholder?: string;
}

export function textField(o: TextOpts, errors: Errors): SafeHtml {
  const id = fieldId(o.name);
  const err = errorOf(o.name, errors);
  const hintId = o.hint ? `${id}-h` : undefined;
  const described = [err.describedBy, hintId].filter(Boolean).join(' ');
  return html`<div class="field${err.e ? ' has-error' : ''}${o.size ? ` field-${o.size}` : ''}"><label for="${id}">${o.label}${reqMark(o.required)}</label>
    <input id="${id}" name="${o.name}" type="text" value="${o.value ?? ''}" autocomplete="off"${o.inputmode ? html` inputmode="${o.inputmode}"` : ''}${o.maxlength ? html` maxlength="${o.maxlength}"` : ''}${o.placeholder ? html` placeholder="${o.placeholder}"` : ''}${err.e ? html` aria-invalid="true"` : ''}${described ? html` aria-describedby="${described}"` : ''}>
    ${o.hint ? html`<p class="hint" id="${hintId}">${o.hint}</p>` : ''}${err.p}</div>`;
}

/**
 * A 個人番号 input: never filled in. When the form carries a kept number (`<name>Kept`, a sealed token — see
 * `keptNumber`), the token goes back as a hidden field and the hint says the registered number is used unless a new
 * one is typed; otherwise `hint` (and after an error 「もう一度入力してください」).
 */
export function individualNumberField(
  o: { name: string; label?: string; required?: boolean; hint: string },
  f: Record<string, string>,
  errors: Errors,
): SafeHtml {
  const kept = f[`${o.name}Kept`];
  const hint = errors[o.name]
    ? 'もう一度入力してください（個人番号は画面に再表示しません）'
    : kept
      ? '入力済みの番号を使います（変更する場合のみ入力。個人番号は画面に表示しません）'
      : o.hint;
  return html`${textField({ name: o.name, label: o.label ?? '個人番号（12桁）', required: o.required && !kept, inputmode: 'numeric', maxlength: 16, hint }, errors)}${kept && !errors[o.name] ? html`<input type="hidden" name="${o.name}Kept" value="${kept}">` : ''}`;
}

export interface SelectOpts {
  name: string;
  label: string;
  value?: string;
  options: ReadonlyArray<readonly [value: string, label: string]>;
  required?: boolean;
  empty?: string;
}

export function selectField(o: SelectOpts, errors: Errors): SafeHtml {
  const id = fieldId(o.name);
  const err = errorOf(o.name, errors);
  return html`<div class="field${err.e ? ' has-error' : ''}"><label for="${id}">${o.label}${reqMark(o.required)}</label>
    <select id="${id}" name="${o.name}"${err.e ? html` aria-invalid="true" aria-describedby="${err.describedBy}"` : ''}>
    ${o.empty !== undefined ? html`<option value="">${o.empty}</option>` : ''}${o.options.map(([v, l]) => html`<option value="${v}"${v === o.value ? html` selected` : ''}>${l}</option>`)}</select>${err.p}</div>`;
}

export interface RadioOpts {
  name: string;
  legend: string;
  value?: string;
  options: ReadonlyArray<readonly [value: string, label: string]>;
  required?: boolean;
}

export function radioGroup(o: RadioOpts, errors: Errors): SafeHtml {
  const err = errorOf(o.name, errors);
  return html`<fieldset class="radios${err.e ? ' has-error' : ''}"${err.e ? html` aria-describedby="${err.describedBy}"` : ''}><legend>${o.legend}${reqMark(o.required)}</legend>
    ${o.options.map(([v, l]) => html`<label class="choice"><input type="radio" name="${o.name}" value="${v}" id="${fieldId(`${o.name}.${v}`)}"${v === o.value ? html` checked` : ''}> ${l}</label>`)}${err.p}</fieldset>`;
}

export function checkboxField(
  o: { name: string; label: string; checked: boolean; hint?: string; value?: string },
  errors: Errors,
): SafeHtml {
  const id = fieldId(o.name);
  const err = errorOf(o.name, errors);
  return html`<div class="field field-check${err.e ? ' has-error' : ''}"><label class="choice" for="${id}"><input type="checkbox" id="${id}" name="${o.name}" value="${o.value ?? '1'}"${o.checked ? html` checked` : ''}${err.e ? html` aria-invalid="true" aria-describedby="${err.describedBy}"` : ''}> ${o.label}</label>
    ${o.hint ? html`<p class="hint">${o.hint}</p>` : ''}${err.p}</div>`;
}

/** The list of problems at the top of a form (takes the focus, see app.js) with links to the fields. */
export function errorSummary(
  summary: readonly string[],
  byField: Errors,
  outcome = '届出は受け付けていません。',
): SafeHtml | '' {
  if (!summary.length) return '';
  const fields = Object.keys(byField);
  return html`<div class="notice notice-error" role="alert" tabindex="-1" id="notice"><p>入力内容を確認してください（${summary.length}件）。${outcome}</p>
    <ul>${summary.map((s, i) => html`<li>${fields[i] && fields[i] !== '_form' ? html`<a href="#${fieldId(fields[i]!)}">${s}</a>` : s}</li>`)}</ul></div>`;
}

/** Controlled vocabulary of 続柄 offered in the forms (domain.md §3.2; never 祖父, 孫, 甥, 姪 or 準世帯主). */
export const RELATIONSHIP_OPTIONS: ReadonlyArray<readonly [string, string]> = [
  '世帯主',
  '妻',
  '夫',
  '妻（未届）',
  '夫（未届）',
  '子',
  '子（子の夫）',
  '子（子の妻）',
  '子の夫',
  '子の妻',
  '子の子',
  '父',
  '母',
  '妻の父',
  '妻の母',
  '夫の父',
  '夫の母',
  '兄',
  '姉',
  '弟',
  '妹',
  '縁故者',
  '同居人',
].map((v) => [v, v] as const);

export const SEX_OPTIONS = [
  ['1', '男'],
  ['2', '女'],
] as const;

export const IDENTITY_DOCUMENTS = [
  ['myNumberCard', '個人番号カード'],
  ['driversLicence', '運転免許証'],
  ['passport', '旅券'],
  ['residenceCard', '在留カード・特別永住者証明書'],
  ['other', 'その他（複数書類と聞き取り）'],
] as const;

export const NOTIFIER_KINDS = [
  ['self', '本人'],
  ['householdMember', '同一世帯の方'],
  ['proxy', '代理人（委任状）'],
] as const;

/** The optional 住民票の写し request section of an intake form. */
export function certificateRequestSection(f: Record<string, string | undefined>, e: Errors, help?: string): SafeHtml {
  return html`<section class="panel" aria-labelledby="h-copy"><h2 id="h-copy">住民票の写しの請求（任意）</h2>
      ${help ? html`<p class="help">${help}</p>` : ''}<div class="grid-fields">
      ${checkboxField({ name: 'certWanted', label: '住民票の写しを請求する', checked: f.certWanted === '1' }, e)}
      ${checkboxField({ name: 'certHouseholdHead', label: '世帯主・続柄を記載', checked: f.certHouseholdHead === '1' }, e)}
      ${checkboxField({ name: 'certDomicile', label: '本籍・筆頭者を記載', checked: f.certDomicile === '1' }, e)}
      ${checkboxField({ name: 'certResidentRecordCode', label: '住民票コードを記載', checked: f.certResidentRecordCode === '1' }, e)}
      ${checkboxField({ name: 'certIndividualNumber', label: '個人番号を記載', checked: f.certIndividualNumber === '1' }, e)}
    </div></section>`;
}

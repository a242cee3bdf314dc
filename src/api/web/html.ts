/**
 * Auto-escaping HTML templates for the server-rendered web UI. Every interpolated value is escaped unless it is
 * already `SafeHtml` (the result of another `html` template or an explicit `raw()`), so personal data typed by
 * residents or staff can never become markup.
 */
const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '`': '&#96;',
};

export const escapeHtml = (s: string): string => s.replace(/[&<>"'`]/g, (c) => ESCAPES[c]!);

export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

/** Interpolated values: nullish and booleans render nothing, so `${cond && html`…`}` works. */
export type HtmlValue = SafeHtml | string | number | boolean | null | undefined | readonly HtmlValue[];

const render = (v: HtmlValue): string => {
  if (v === null || v === undefined || typeof v === 'boolean') return '';
  if (v instanceof SafeHtml) return v.value;
  if (Array.isArray(v)) return (v as readonly HtmlValue[]).map(render).join('');
  return escapeHtml(String(v));
};

export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): SafeHtml {
  let out = strings[0] ?? '';
  values.forEach((v, i) => {
    out += render(v) + (strings[i + 1] ?? '');
  });
  return new SafeHtml(out);
}

/** Trusted markup (constants and SVG built from numbers only). Never pass user input. */
export const raw = (s: string): SafeHtml => new SafeHtml(s);

export const joinHtml = (parts: readonly HtmlValue[], sep: HtmlValue = ''): SafeHtml =>
  new SafeHtml(parts.map(render).join(render(sep)));

/** `attrs({ disabled: true, title: 'x' })` → ` disabled title="x"`; false/nullish attributes are left out. */
export const attrs = (a: Record<string, string | number | boolean | null | undefined>): SafeHtml =>
  new SafeHtml(
    Object.entries(a)
      .map(([k, v]) =>
        v === true ? ` ${k}` : v === false || v === null || v === undefined ? '' : ` ${k}="${escapeHtml(String(v))}"`,
      )
      .join(''),
  );

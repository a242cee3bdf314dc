import { withMunicipalityCheckDigit } from '../../../domain/check-digits';
import { parseBirthDateInput, parseDateInput } from '../../../domain/resident-search';

/**
 * Reading a posted intake form (application/x-www-form-urlencoded, flat names such as `m0.birthDate`) into the
 * values of the JSON application. Only conversions of how clerks type things happen here (和暦 dates, full-width
 * digits, hiragana); whatever cannot be converted is passed on as typed, so the ajv schema of the JSON API refuses
 * it with a field error. Empty inputs are left out (the schema's `required` decides).
 */
export type FormValues = Record<string, string>;

/** The posted strings, trimmed, empty ones dropped; at most `max` fields, each cut at 300 characters. */
export function formValues(body: unknown, max = 400): FormValues {
  const src = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  const out: FormValues = {};
  for (const [k, v] of Object.entries(src).slice(0, max)) {
    if (k === '_csrf' || !/^[A-Za-z0-9_.]{1,40}$/.test(k)) continue;
    const s = typeof v === 'string' ? v : Array.isArray(v) && typeof v[0] === 'string' ? v[0] : undefined;
    if (s !== undefined && s.trim() !== '') out[k] = s.trim().slice(0, 300);
  }
  return out;
}

const halfWidth = (s: string): string =>
  s.replace(/[０-９Ａ-Ｚａ-ｚ]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0)).replace(/[－ー―‐]/g, '-');

/** Digits as typed with spaces or hyphens (個人番号, 住民票コード, 世帯番号), full-width digits folded. */
export const digitsOf = (v: string | undefined): string | undefined =>
  v === undefined ? undefined : halfWidth(v).replace(/[\s\u3000-]/g, '');

/** 郵便番号: 1234567 or １２３－４５６７ → 123-4567 (anything else as typed). */
export const postalCodeOf = (v: string | undefined): string | undefined => {
  if (v === undefined) return undefined;
  const d = halfWidth(v).replace(/[\s\u3000〒]/g, '');
  return /^\d{7}$/.test(d) ? `${d.slice(0, 3)}-${d.slice(3)}` : d;
};

/** A municipality code: 6 digits as typed, or the 5-digit body with its check digit added (domain.md §7.4). */
export const municipalityCodeOf = (v: string | undefined): string | undefined => {
  const d = digitsOf(v);
  return d && /^\d{5}$/.test(d) ? withMunicipalityCheckDigit(d) : d;
};

/** 和暦 or 西暦 as clerks type it (昭和60年6月15日, S60.6.15, 1985-06-15, …) → 'YYYY-MM-DD'; else as typed. */
export const dateOf = (v: string | undefined): string | undefined =>
  v === undefined ? undefined : (parseDateInput(v) ?? v);

/** A 生年月日, possibly partly unknown (昭和20年8月, 昭和20年, 不詳, …; parseBirthDateInput) → its value; else as typed. */
export const birthDateOf = (v: string | undefined): string | undefined =>
  v === undefined ? undefined : (parseBirthDateInput(v) ?? v);

/** フリガナ: hiragana folded to katakana, spaces removed (the schema allows katakana only). */
export const kanaOf = (v: string | undefined): string | undefined =>
  v === undefined
    ? undefined
    : v.replace(/[\s\u3000]+/g, '').replace(/[\u3041-\u3096]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0x60));

/** A checkbox: present ('1', 'on', 'true') or absent. */
export const checked = (f: FormValues, name: string): boolean => ['1', 'on', 'true'].includes(f[name] ?? '');

/** Drops undefined properties, so optional items that were left empty are not in the body at all. */
export function compact<T extends Record<string, unknown>>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

/** Number of mover rows: the posted `rows` (no-JS add / remove), at least the rows that have input, 1..max. */
export function rowCount(f: FormValues, prefix: string, max: number): number {
  const posted = Number(f.rows);
  const used = Object.keys(f).reduce((n, k) => {
    const m = new RegExp(`^${prefix}(\\d+)\\.`).exec(k);
    return m ? Math.max(n, Number(m[1]) + 1) : n;
  }, 0);
  const n = Number.isInteger(posted) && posted > 0 ? posted : Math.max(used, 1);
  return Math.min(Math.max(n, 1), max);
}

/** The optional 住民票の写し request of an intake form (omitted items stay omitted: domain.md §5.2). */
export const certificateRequestOf = (f: FormValues) =>
  checked(f, 'certWanted')
    ? compact({
        includeHouseholdHead: checked(f, 'certHouseholdHead') || undefined,
        includeDomicile: checked(f, 'certDomicile') || undefined,
        includeResidentRecordCode: checked(f, 'certResidentRecordCode') || undefined,
        includeIndividualNumber: checked(f, 'certIndividualNumber') || undefined,
      })
    : undefined;

/**
 * The "kept unless changed" marker of a 個人番号 field (`m0.individualNumber` → `m0.individualNumberKept`). From a
 * procedure's `web.formValues` hook its value is the JSON pointer of the encrypted number inside the stored
 * application; in a page and a posted form it is a sealed token (src/api/web/intake/kept-numbers.ts). Never the number.
 */
export const KEPT_SUFFIX = 'Kept';
export const keptNumber = (field: string, pointer: string): FormValues => ({ [`${field}${KEPT_SUFFIX}`]: pointer });

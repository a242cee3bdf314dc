import type { PiiCrypto } from '../db/pii-crypto';

/**
 * 個人番号 kept across a form's round trips without ever being written into the page (issue 14 bug 4, item 4): a
 * number the clerk typed correctly, or the stored number of a returned case being corrected, goes back to the browser
 * only as a sealed token in the hidden field `<field>Kept` — the number encrypted with the 個人番号 key (AES-256-GCM,
 * src/db/pii-crypto.ts) together with the user it was sealed for and an expiry. On the next post an empty field with a
 * token that opens for the same user gets the number back; a typed number replaces it; a token of another user, an
 * expired or tampered one is ignored (the field is then simply empty).
 */
const PREFIX = 'k1.';
export const KEPT_TOKEN_TTL_MS = 8 * 3600_000;
const NUMBER_FIELD = /(^|\.)individualNumber$/;
const KEPT_FIELD = /(^|\.)individualNumberKept$/;

export function sealNumber(pii: PiiCrypto, userId: string, number: string, now = Date.now()): string {
  return PREFIX + pii.encrypt(JSON.stringify({ n: number, u: userId, x: now + KEPT_TOKEN_TTL_MS }));
}

export function unsealNumber(pii: PiiCrypto, userId: string, token: string, now = Date.now()): string | undefined {
  if (!token.startsWith(PREFIX)) return undefined;
  try {
    const v = JSON.parse(pii.decrypt(token.slice(PREFIX.length))) as { n?: unknown; u?: unknown; x?: unknown };
    return typeof v.n === 'string' && /^\d{12}$/.test(v.n) && v.u === userId && typeof v.x === 'number' && v.x > now
      ? v.n
      : undefined;
  } catch {
    return undefined;
  }
}

type Values = Record<string, string>;

/** Posted form values: every empty 個人番号 field whose token opens gets its number; the tokens are dropped. */
export function restoreKeptNumbers(pii: PiiCrypto, userId: string, f: Values): Values {
  const out: Values = {};
  for (const [k, v] of Object.entries(f)) if (!KEPT_FIELD.test(k)) out[k] = v;
  for (const [k, v] of Object.entries(f)) {
    if (!KEPT_FIELD.test(k)) continue;
    const field = k.slice(0, -'Kept'.length);
    if (out[field]) continue; // typed: the new number replaces the kept one
    const n = unsealNumber(pii, userId, v);
    if (n) out[field] = n;
  }
  return out;
}

/**
 * Form values to render again: each 個人番号 is taken out; one without a field error is kept as a sealed token
 * (`<field>Kept`), one with an error is left for the clerk to re-enter. `cleared` says whether any had to be re-entered.
 */
export function keepNumbers(
  pii: PiiCrypto,
  userId: string,
  f: Values,
  errors: Record<string, string> = {},
): { values: Values; cleared: boolean } {
  const values: Values = {};
  let cleared = false;
  for (const [k, v] of Object.entries(f)) {
    if (KEPT_FIELD.test(k)) continue;
    if (!NUMBER_FIELD.test(k)) {
      values[k] = v;
      continue;
    }
    const digits = v
      .replace(/[０-９]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
      .replace(/[\s\u3000\-－]/g, '');
    if (errors[k] || !/^\d{12}$/.test(digits)) cleared = true;
    else values[`${k}Kept`] = sealNumber(pii, userId, digits);
  }
  return { values, cleared };
}

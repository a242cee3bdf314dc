/**
 * Check digits of the identifiers used in the registry (domain.md §7).
 * Pure functions; test vectors in domain.md §10.1 (test/unit/check-digits.test.ts).
 */

/** Mod-11 check digit of 平成26年総務省令第85号 第5条: weights n+1 (n≤6) / n−5 (n≥7), n counted from the lowest digit. */
export const mod11CheckDigit = (body: string): number => {
  let sum = 0;
  for (let n = 1; n <= body.length; n++) sum += Number(body[body.length - n]) * (n <= 6 ? n + 1 : n - 5);
  const r = sum % 11;
  return r <= 1 ? 0 : 11 - r;
};

/** 個人番号: 12 digits, the last one the mod-11 check digit over the first 11 (domain.md §7.1). */
export const isIndividualNumber = (s: string): boolean =>
  /^\d{12}$/.test(s) && mod11CheckDigit(s.slice(0, 11)) === Number(s[11]);

/** 住民票コード: 11 digits; provisional formula = same mod-11 structure over the 10-digit body (domain.md §7.2). */
export const isResidentRecordCode = (s: string): boolean =>
  /^\d{11}$/.test(s) && mod11CheckDigit(s.slice(0, 10)) === Number(s[10]);

export const ResidentCodeCheckMode = { OFF: 'off', WARN: 'warn', ENFORCE: 'enforce' } as const;
export type ResidentCodeCheckMode = (typeof ResidentCodeCheckMode)[keyof typeof ResidentCodeCheckMode];

/** Result of checking a 住民票コード under the configured mode: ok, an alert (warn) or an error (enforce). */
export const checkResidentRecordCode = (
  s: string,
  mode: ResidentCodeCheckMode,
): { ok: true; alert?: string } | { ok: false; error: string } => {
  if (!/^\d{11}$/.test(s)) return { ok: false, error: 'residentRecordCode must be 11 digits' };
  if (mode === ResidentCodeCheckMode.OFF || isResidentRecordCode(s)) return { ok: true };
  const msg = 'residentRecordCode check digit does not match (provisional formula)';
  return mode === ResidentCodeCheckMode.WARN ? { ok: true, alert: msg } : { ok: false, error: msg };
};

/** 宛名番号 / 世帯番号 check digit: modulus 11, weights 2–7 cycling from the lowest digit; r 0 or 1 → 0 (domain.md §7.3). */
export const m11w27CheckDigit = (body: string): number => {
  let sum = 0;
  for (let n = 0; n < body.length; n++) sum += Number(body[body.length - 1 - n]) * ((n % 6) + 2);
  const r = sum % 11;
  return r <= 1 ? 0 : 11 - r;
};

/** Builds a local number (宛名番号 / 世帯番号) from a serial: zero-padded body + check digit. */
export const localNumber = (serial: number, bodyLength = 6): string => {
  const body = String(serial).padStart(bodyLength, '0');
  if (body.length !== bodyLength) throw new RangeError(`serial ${serial} does not fit ${bodyLength} digits`);
  return body + String(m11w27CheckDigit(body));
};

export const isLocalNumber = (s: string, bodyLength = 6): boolean =>
  new RegExp(`^\\d{${bodyLength + 1}}$`).test(s) && m11w27CheckDigit(s.slice(0, -1)) === Number(s.slice(-1));

/** 全国地方公共団体コード check digit: weights 6,5,4,3,2 from the left; last digit of 11 − r (domain.md §7.4). */
export const municipalityCheckDigit = (body5: string): number => {
  let sum = 0;
  for (let i = 0; i < 5; i++) sum += Number(body5[i]) * (6 - i);
  return (11 - (sum % 11)) % 10;
};

export const isMunicipalityCode = (s: string): boolean =>
  /^\d{6}$/.test(s) && municipalityCheckDigit(s.slice(0, 5)) === Number(s[5]);

export const withMunicipalityCheckDigit = (body5: string): string => body5 + String(municipalityCheckDigit(body5));

/** Appends the check digit to an 11-digit 個人番号 body or a 10-digit 住民票コード body (used by simulators and demo data only). */
export const withMod11CheckDigit = (body: string): string => body + String(mod11CheckDigit(body));

import { isIndividualNumber } from './check-digits';
import {
  birthDateBounds,
  eraOf,
  eraYear,
  isBirthDate,
  isIsoDate,
  normalizeDateText,
  UNKNOWN_BIRTH_DATE,
  withinEra,
  type BirthDate,
} from './dates';
import { can, type Role } from './roles';

/**
 * Which resident searches are allowed (domain.md §6, §8.5, §10.3): by 住民票コード; by 個人番号 for number-use roles
 * only; or by 4情報 with 氏名 required plus 住所 or 生年月日 — 性別 never counts as the second item, so {氏名, 性別},
 * {氏名} and {住所, 生年月日} are refused. Pure: the caller audits and queries.
 */
export const SearchMode = { CODE: 'code', NUMBER: 'number', FOUR_INFO: 'fourInfo' } as const;
export type SearchMode = (typeof SearchMode)[keyof typeof SearchMode];

export interface ResidentSearchInput {
  mode?: string;
  residentRecordCode?: string;
  individualNumber?: string;
  name?: string;
  address?: string;
  birthDate?: string;
  sex?: string;
}

export type SearchCriteria =
  | { mode: 'code'; residentRecordCode: string }
  | { mode: 'number'; individualNumber: string }
  | { mode: 'fourInfo'; name: string; address?: string; birthDate?: string; sex?: '1' | '2' };

export interface SearchRefusal {
  field: string;
  rule: string;
  message: string;
}
export type SearchDecision =
  { ok: true; criteria: SearchCriteria } | { ok: false; forbidden: boolean; errors: SearchRefusal[] };

/** Spaces (half and full width) removed; hiragana folded to katakana, so 「やまだ たろう」 finds ヤマダ　タロウ. */
export const normalizeName = (s: string): string =>
  s.replace(/[\s\u3000]+/g, '').replace(/[\u3041-\u3096]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0x60));

const ERA_PATTERN = '(明治|大正|昭和|平成|令和|[明大昭平令]|[MTSHR])';

/**
 * A date as clerks type it: 1985-06-15, 19850615, 1985/6/15, 昭和60年6月15日, S60.6.15, 昭60.6.15, 令和元年5月1日, and
 * the same typed with the IME on (２０２６－１２－０３, Ｒ８．１２．３, ｓ60.6.15: normalizeDateText) → 'YYYY-MM-DD';
 * undefined when it is not a calendar date or not a day of the era it names (H31.5.1, S64.1.8, H1.1.7).
 */
export function parseDateInput(input: string): string | undefined {
  const s = normalizeDateText(input);
  let y: number;
  let m: number;
  let d: number;
  const western = /^(\d{4})[-/.年]?(\d{1,2})[-/.月]?(\d{1,2})日?$/.exec(s);
  const era = new RegExp(
    `^${ERA_PATTERN}\\s*(\\d{1,2})\\s*[-/.年]\\s*(\\d{1,2})\\s*[-/.月]\\s*(\\d{1,2})\\s*日?$`,
  ).exec(s);
  const named = era ? eraOf(era[1]!) : undefined;
  if (western && (s.length !== 8 || /^\d{8}$/.test(s)))
    [y, m, d] = [Number(western[1]), Number(western[2]), Number(western[3])];
  else if (era && named) [y, m, d] = [eraYear(named, Number(era[2])), Number(era[3]), Number(era[4])];
  else return undefined;
  const iso = `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
  if (!isIsoDate(iso)) return undefined;
  return !named || withinEra(named, iso, iso) ? iso : undefined;
}

/**
 * A 生年月日 as clerks type it (domain spec §3.1): a full date as parseDateInput, or a partly unknown one — 昭和20年8月,
 * 昭和20年, S20, 1945年8月, 1945-08, 1945, the displayed forms 昭和20年8月 日 / 昭和20年 月 日, and 不詳 / 年月日不詳 —
 * → the BirthDate value ('YYYY-MM-00', 'YYYY-00-00', '0000-00-00'); undefined otherwise, and when no day of the
 * month or year typed belongs to its era (平成31年5月, 昭和65年).
 */
export function parseBirthDateInput(input: string): BirthDate | undefined {
  const full = parseDateInput(input);
  if (full) return full;
  const s = normalizeDateText(input).replace(/\s+/g, ' ');
  if (/^(年月日)?不詳$/.test(s)) return UNKNOWN_BIRTH_DATE;
  if (isBirthDate(s)) return s;
  const era = new RegExp(
    `^${ERA_PATTERN}\\s*(\\d{1,2})(?:\\s*[-/.年]\\s*(?:(\\d{1,2})\\s*月?\\s*日?|月\\s*日?)?)?$`,
  ).exec(s);
  const named = era ? eraOf(era[1]!) : undefined;
  const western = /^(\d{4})(?:[-/.年]\s*(?:(\d{1,2})\s*月?\s*日?|月\s*日?)?)?$/.exec(s);
  let y: number;
  let m: number;
  if (era && named) [y, m] = [eraYear(named, Number(era[2])), Number(era[3] ?? 0)];
  else if (western) [y, m] = [Number(western[1]), Number(western[2] ?? 0)];
  else return undefined;
  const value = `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-00`;
  if (!isBirthDate(value)) return undefined;
  const { earliest, latest } = birthDateBounds(value);
  return !named || withinEra(named, earliest!, latest!) ? value : undefined;
}

const clean = (v: string | undefined): string | undefined => {
  const t = v?.trim();
  return t ? t : undefined;
};

export function decideSearch(input: ResidentSearchInput, roles: readonly Role[]): SearchDecision {
  const refuse = (field: string, rule: string, message: string, forbidden = false): SearchDecision => ({
    ok: false,
    forbidden,
    errors: [{ field, rule, message }],
  });
  switch (input.mode) {
    case SearchMode.CODE: {
      const code = clean(input.residentRecordCode)?.replace(/[-\s]/g, '');
      if (!code) return refuse('residentRecordCode', 'required', '住民票コードを入力してください');
      if (!/^\d{11}$/.test(code)) return refuse('residentRecordCode', 'pattern', '住民票コードは11桁の数字です');
      return { ok: true, criteria: { mode: 'code', residentRecordCode: code } };
    }
    case SearchMode.NUMBER: {
      if (!can.seeIndividualNumber(roles))
        return refuse(
          'individualNumber',
          'role',
          '個人番号による検索は個人番号利用事務の権限がある職員のみ行えます',
          true,
        );
      const n = clean(input.individualNumber)?.replace(/[-\s]/g, '');
      if (!n) return refuse('individualNumber', 'required', '個人番号を入力してください');
      if (!isIndividualNumber(n))
        return refuse('individualNumber', 'checkDigit', '個人番号は12桁で、検査数字が正しい必要があります');
      return { ok: true, criteria: { mode: 'number', individualNumber: n } };
    }
    case SearchMode.FOUR_INFO: {
      const name = clean(input.name);
      const address = clean(input.address);
      const birthInput = clean(input.birthDate);
      const birthDate = birthInput === undefined ? undefined : parseDateInput(birthInput);
      const sex = clean(input.sex);
      const errors: SearchRefusal[] = [];
      if (birthInput && !birthDate)
        errors.push({
          field: 'birthDate',
          rule: 'format',
          message: '生年月日の形式が正しくありません（例: 昭和60年6月15日、S60.6.15、1985-06-15）',
        });
      if (sex && sex !== '1' && sex !== '2')
        errors.push({ field: 'sex', rule: 'enum', message: '性別の値が正しくありません' });
      if (!name) errors.push({ field: 'name', rule: 'required', message: '4情報での検索には氏名が必要です' });
      else if (normalizeName(name).length < 2)
        errors.push({ field: 'name', rule: 'minLength', message: '氏名は姓と名の両方を入力してください' });
      else if (!address && !birthInput)
        errors.push({
          field: 'address',
          rule: 'secondItem',
          message: '氏名に加えて住所または生年月日を入力してください（性別だけでは検索できません）',
        });
      if (errors.length) return { ok: false, forbidden: false, errors };
      return {
        ok: true,
        criteria: {
          mode: 'fourInfo',
          name: name!,
          ...(address ? { address } : {}),
          ...(birthDate ? { birthDate } : {}),
          ...(sex ? { sex: sex as '1' | '2' } : {}),
        },
      };
    }
    default:
      return refuse('mode', 'enum', '検索方法を選んでください');
  }
}

/** Every way to split a full name typed without a space into 氏 + 名 (at most `max` splits). */
export function nameSplits(name: string, max = 12): Array<[family: string, given: string]> {
  const parts = name.trim().split(/[\s\u3000]+/);
  if (parts.length === 2) return [[normalizeName(parts[0]!), normalizeName(parts[1]!)]];
  const s = normalizeName(name);
  const out: Array<[string, string]> = [];
  for (let i = 1; i < s.length && out.length < max; i++) out.push([s.slice(0, i), s.slice(i)]);
  return out;
}

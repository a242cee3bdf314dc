import type { ChangeReason } from '../../../domain/change-reason';
import { ResidentStatus } from '../../../domain/registry-values';
import { wareki } from '../format';
import type { Facts } from './panel-types';

/** Labels of the application items shared by the counter procedures. */
const notifierLabel: Record<string, string> = { self: '本人', householdMember: '世帯員', proxy: '代理人' };
const identityLabel: Record<string, string> = {
  myNumberCard: '個人番号カード',
  driversLicence: '運転免許証',
  passport: '旅券',
  residenceCard: '在留カード',
  other: 'その他',
};

export const notifierText = (n: { kind?: string; powerOfAttorney?: boolean } | undefined): string =>
  n?.kind
    ? `${notifierLabel[n.kind] ?? n.kind}${n.kind === 'proxy' ? (n.powerOfAttorney ? '（委任状あり）' : '（委任状なし）') : ''}`
    : '';

export const identityText = (d: { type?: string; checkedBy?: string } | undefined): string =>
  d?.type ? `${identityLabel[d.type] ?? d.type}${d.checkedBy ? `（確認: ${d.checkedBy}）` : ''}` : '';

export const householdText = (h: { mode?: string; householdNumber?: string } | undefined): string =>
  h?.mode === 'join'
    ? `既存の世帯に入る（世帯番号 ${h.householdNumber ?? ''}）`
    : h?.mode === 'new'
      ? '新しい世帯を設ける'
      : '';

export const addressText = (
  a: { address?: string; addressSupplement?: string; postalCode?: string } | undefined,
): string =>
  a ? [a.postalCode ? `〒${a.postalCode}` : '', a.address, a.addressSupplement].filter(Boolean).join('　') : '';

export const certificateRequestText = (c: Record<string, boolean | undefined> | undefined): string => {
  if (!c) return '請求なし';
  const items = [
    c.includeHouseholdHead && '世帯主・続柄',
    c.includeDomicile && '本籍・筆頭者',
    c.includeResidentRecordCode && '住民票コード',
    c.includeIndividualNumber && '個人番号',
  ].filter(Boolean);
  return `住民票の写し（${items.length ? `記載: ${items.join('、')}` : '省略事項はすべて省略'}）`;
};

export const dateFact = (label: string, d: string | undefined): [string, string] => [label, wareki(d)];

/** Any stored application, flattened (for procedures without a panel). Encrypted values are never shown. */
export function genericFacts(app: Record<string, any> | undefined, prefix = ''): Facts {
  const out: Facts = [];
  for (const [k, v] of Object.entries(app ?? {})) {
    if (/Enc$/.test(k)) continue;
    const key = prefix ? `${prefix}.${k}` : k;
    if (v && typeof v === 'object' && !Array.isArray(v)) out.push(...genericFacts(v as Record<string, any>, key));
    else if (Array.isArray(v))
      v.forEach((item, i) =>
        item && typeof item === 'object'
          ? out.push(...genericFacts(item as Record<string, any>, `${key}[${i + 1}]`))
          : out.push([`${key}[${i + 1}]`, String(item)]),
      );
    else if (v !== undefined && v !== null) out.push([key, String(v)]);
  }
  return out;
}

/**
 * The 住民票 a 転入 (ordinary or 特例) will write for one mover, as the draft's "after" side: the person's items
 * plus the address and dates of the application (`extra`: what only one procedure knows, e.g. kana, 本籍).
 */
export const movedInRecord = (
  app: Record<string, any>,
  p: Record<string, any>,
  changeReason: ChangeReason,
  addresseeNumber: string | undefined,
  extra: Record<string, unknown> = {},
) => ({
  status: ResidentStatus.RESIDENT,
  familyName: p.familyName,
  givenName: p.givenName,
  birthDate: p.birthDate,
  sex: p.sex,
  relationshipToHead: p.relationshipToHead,
  residentRecordCode: p.residentRecordCode,
  address: app.address?.address,
  addressSupplement: app.address?.addressSupplement,
  postalCode: app.address?.postalCode,
  becameResidentDate: app.moveInDate,
  addressEstablishedDate: app.moveInDate,
  notificationDate: app.notificationDate,
  changeReason,
  changeDate: app.moveInDate,
  addresseeNumber,
  ...extra,
});

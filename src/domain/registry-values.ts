/** Controlled values of the resident record (domain.md §3). */

export const ResidentStatus = {
  RESIDENT: 'RESIDENT', // 住民
  PENDING_MOVE_OUT: 'PENDING_MOVE_OUT', // 転出予定者
  REMOVED: 'REMOVED', // 除票
} as const;
export type ResidentStatus = (typeof ResidentStatus)[keyof typeof ResidentStatus];

export const Sex = { MALE: '1', FEMALE: '2' } as const;
export type Sex = (typeof Sex)[keyof typeof Sex];
export const sexLabel = (s: Sex): '男' | '女' => (s === Sex.MALE ? '男' : '女');

export const CardStatus = {
  NONE: 'NONE',
  APPLIED: 'APPLIED',
  AT_OFFICE: 'AT_OFFICE',
  NOTICE_SENT: 'NOTICE_SENT',
  ISSUED: 'ISSUED',
  SUSPENDED: 'SUSPENDED',
  CONTINUED_USE_PENDING: 'CONTINUED_USE_PENDING',
  CANCELLED: 'CANCELLED',
} as const;
export type CardStatus = (typeof CardStatus)[keyof typeof CardStatus];

export const LegacyCardStatus = { NONE: 'NONE', ACTIVE: 'ACTIVE', ABOLISHED: 'ABOLISHED' } as const;
export type LegacyCardStatus = (typeof LegacyCardStatus)[keyof typeof LegacyCardStatus];

export const ForeignResidentCategory = {
  MID_LONG_TERM: '中長期在留者',
  SPECIAL_PERMANENT: '特別永住者',
  TEMPORARY_REFUGE: '一時庇護許可者',
  PROVISIONAL_STAY: '仮滞在許可者',
  TRANSITIONAL: '経過滞在者',
} as const;
export type ForeignResidentCategory = (typeof ForeignResidentCategory)[keyof typeof ForeignResidentCategory];

/** 続柄 (domain.md §3.2; standard spec 1.1.11): base terms chained with 「の」 up to 4 generations, 縁故者, 同居人. */
const BASE_RELATIONSHIPS = ['夫', '妻', '夫（未届）', '妻（未届）', '子', '父', '母', '兄', '姉', '弟', '妹'] as const;
const FORBIDDEN = ['祖父', '祖母', '孫', '甥', '姪', '準世帯主'];

export const isValidRelationship = (v: string): boolean => {
  if (v === '世帯主' || v === '縁故者' || v === '同居人' || v === '子（子の夫）' || v === '子（子の妻）') return true;
  if (FORBIDDEN.some((f) => v.includes(f))) return false;
  const parts = v.split('の');
  return (
    parts.length >= 1 && parts.length <= 4 && parts.every((p) => (BASE_RELATIONSHIPS as readonly string[]).includes(p))
  );
};

/** Certificate ordering rank of a 続柄 (domain.md §3.2): 1 head/spouse/children, 2 children's families, 3 ascendants/siblings, 4 others. */
export const relationshipRank = (v: string): number => {
  if (v === '世帯主' || /^(夫|妻)(（未届）)?$/.test(v) || v === '子' || v.startsWith('子（')) return 1;
  if (v.startsWith('子の')) return 2;
  if (/^((夫|妻)の)?(父|母|兄|姉|弟|妹)/.test(v)) return 3;
  return 4;
};

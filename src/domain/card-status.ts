/**
 * The 個人番号カード's life as a pure table (domain spec §3.6, §4.8): which event is allowed from which card status,
 * what status it leads to, which events are reported to J-LIS (each with the person's 更新順番号), and the validity
 * of a card (§4.8 item 7). Used by src/db/cards.ts (`recordCardEvent`), the inbound J-LIS routes and the workflows.
 */
import { addDays, ageOn, type IsoDate } from './dates';
import { CardStatus } from './registry-values';

/** Every event recorded on a card (table card_event, column kind). */
export const CardEventKind = {
  /** J-LIS reports the card produced and sent to the カード送付場所 (inbound cards-produced) → AT_OFFICE. */
  PRODUCED: 'PRODUCED',
  /** The 交付通知書 was mailed to the resident → NOTICE_SENT. */
  NOTICE_SENT: 'NOTICE_SENT',
  /** 交付: handed over at the counter after 決裁 → ISSUED (reported). */
  ISSUED: 'ISSUED',
  /** 一時停止 by the J-LIS call centre (inbound card-suspensions) → SUSPENDED. */
  SUSPENDED: 'SUSPENDED',
  /** 一時停止解除 at the counter → ISSUED (reported). */
  SUSPENSION_LIFTED: 'SUSPENSION_LIFTED',
  /** 廃止 (surrender, death, re-issue, loss of validity, not collected) → CANCELLED (reported). */
  CANCELLED: 'CANCELLED',
  /** 回収: physically collected; the status does not change (reported). */
  COLLECTED: 'COLLECTED',
  /** 返還: physically returned; the status does not change (reported). */
  RETURNED: 'RETURNED',
  /** A 転入 with the card: waiting for the 継続利用 → CONTINUED_USE_PENDING. */
  CONTINUED_USE_PENDING: 'CONTINUED_USE_PENDING',
  /** 継続利用 done (card-face address endorsed, request acknowledged) → ISSUED. */
  CONTINUED_USE: 'CONTINUED_USE',
} as const;
export type CardEventKind = (typeof CardEventKind)[keyof typeof CardEventKind];

/** Who recorded the event. */
export const CardEventOrigin = { COUNTER: 'COUNTER', JLIS: 'JLIS', SYSTEM: 'SYSTEM' } as const;
export type CardEventOrigin = (typeof CardEventOrigin)[keyof typeof CardEventOrigin];

/** Reason codes of an event (mostly 廃止), stored and reported as codes. */
export const CardEventReason = {
  SURRENDER: 'SURRENDER', // 返納
  DEATH: 'DEATH', // 死亡
  REISSUE: 'REISSUE', // 再交付
  NOT_COLLECTED: 'NOT_COLLECTED', // 保管期限までに受け取られなかった
  SPECIAL_MOVE_IN_DEADLINE: 'SPECIAL_MOVE_IN_DEADLINE', // 特例転入の期限切れ
  CONTINUED_USE_LAPSED: 'CONTINUED_USE_LAPSED', // 継続利用の期限切れ
  EXPIRED: 'EXPIRED', // 有効期限満了
  LOSS: 'LOSS', // 紛失
  OTHER: 'OTHER',
} as const;
export type CardEventReason = (typeof CardEventReason)[keyof typeof CardEventReason];

export const cardEventReasonLabel: Record<CardEventReason, string> = {
  SURRENDER: '返納',
  DEATH: '死亡',
  REISSUE: '再交付',
  NOT_COLLECTED: '保管期限経過（未受領）',
  SPECIAL_MOVE_IN_DEADLINE: '特例転入の期限経過',
  CONTINUED_USE_LAPSED: '継続利用の期限経過',
  EXPIRED: '有効期限満了',
  LOSS: '紛失',
  OTHER: 'その他',
};

export const cardEventKindLabel: Record<CardEventKind, string> = {
  PRODUCED: '製造（J-LIS から到着）',
  NOTICE_SENT: '交付通知書送付',
  ISSUED: '交付',
  SUSPENDED: '一時停止',
  SUSPENSION_LIFTED: '一時停止解除',
  CANCELLED: '廃止',
  COLLECTED: '回収',
  RETURNED: '返還',
  CONTINUED_USE_PENDING: '継続利用待ち（転入）',
  CONTINUED_USE: '継続利用',
};

export const cardStatusLabel: Record<CardStatus, string> = {
  NONE: 'なし',
  APPLIED: '申請中',
  AT_OFFICE: '市区町村に到着',
  NOTICE_SENT: '交付通知書送付済み',
  ISSUED: '交付済み',
  SUSPENDED: '一時停止',
  CONTINUED_USE_PENDING: '継続利用待ち',
  CANCELLED: '廃止',
};

interface Transition {
  from: readonly CardStatus[];
  /** The status after the event; undefined: unchanged (a physical event). */
  to?: CardStatus;
  /** Reported to J-LIS (card-agency-messages.ts CardEventType) with a 更新順番号. */
  reported: boolean;
}

const S = CardStatus;
const LIVE = [S.ISSUED, S.SUSPENDED, S.CONTINUED_USE_PENDING] as const;

/** THE transition table (domain spec §3.6; the states before ISSUED are design). */
export const CARD_TRANSITIONS: Readonly<Record<CardEventKind, Transition>> = {
  PRODUCED: { from: [S.NONE, S.APPLIED], to: S.AT_OFFICE, reported: false },
  NOTICE_SENT: { from: [S.AT_OFFICE], to: S.NOTICE_SENT, reported: false },
  ISSUED: { from: [S.AT_OFFICE, S.NOTICE_SENT], to: S.ISSUED, reported: true },
  SUSPENDED: { from: [S.ISSUED, S.CONTINUED_USE_PENDING], to: S.SUSPENDED, reported: false },
  SUSPENSION_LIFTED: { from: [S.SUSPENDED], to: S.ISSUED, reported: true },
  CANCELLED: { from: [S.AT_OFFICE, S.NOTICE_SENT, ...LIVE], to: S.CANCELLED, reported: true },
  COLLECTED: { from: [...LIVE, S.CANCELLED], reported: true },
  RETURNED: { from: [...LIVE, S.CANCELLED], reported: true },
  CONTINUED_USE_PENDING: { from: [S.ISSUED], to: S.CONTINUED_USE_PENDING, reported: false },
  CONTINUED_USE: { from: [S.CONTINUED_USE_PENDING], to: S.ISSUED, reported: false },
};

export type TransitionCheck = { ok: true; to: CardStatus; reported: boolean } | { ok: false; message: string };

/** Whether `kind` may happen to a card in `status`, and the status after it. */
export function checkCardTransition(status: CardStatus, kind: CardEventKind): TransitionCheck {
  const t = CARD_TRANSITIONS[kind];
  if (!t.from.includes(status))
    return {
      ok: false,
      message: `「${cardEventKindLabel[kind]}」はカードの状態「${cardStatusLabel[status]}」からはできません`,
    };
  return { ok: true, to: t.to ?? status, reported: t.reported };
}

export const isReportedCardEvent = (kind: CardEventKind): boolean => CARD_TRANSITIONS[kind].reported;

/** The parts of the card rules that come from the configuration (deadlines block). */
export interface CardValidityRules {
  /** Holders younger than this on the issue day get a card valid to the 5th birthday after issue (default 18). */
  cardValidityAgeBoundary: number;
}

/** The n-th birthday after `issuedOn` (a 29 February birthday falls on 28 February in a common year). */
function nthBirthdayAfter(birthDate: IsoDate, issuedOn: IsoDate, n: number): IsoDate {
  const [, bm, bd] = birthDate.split('-').map(Number) as [number, number, number];
  const [iy, im, id] = issuedOn.split('-').map(Number) as [number, number, number];
  // the first birthday strictly after the issue day, then n − 1 more years
  const first = im < bm || (im === bm && id < bd) ? iy : iy + 1;
  const year = first + n - 1;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const day = bm === 2 && bd === 29 && !leap ? 28 : bd;
  return `${year}-${String(bm).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/**
 * Expiry of a card issued on `issuedOn` (domain spec §4.8 item 7; `002_39806ff4500f9589.txt L7151–7154`): the 10th
 * birthday after issue, the 5th for a holder under the configurable age boundary on the issue day (the seed says 20;
 * 18 today).
 */
export function cardExpiryDate(birthDate: IsoDate, issuedOn: IsoDate, r: CardValidityRules): IsoDate {
  const years = ageOn(birthDate, issuedOn) < r.cardValidityAgeBoundary ? 5 : 10;
  return nthBirthdayAfter(birthDate, issuedOn, years);
}

/** Renewal is possible, and listed, from 3 months before expiry (`002_39806ff4500f9589.txt L7162–7163`). */
export const renewalFrom = (expiryDate: IsoDate): IsoDate => addMonths(expiryDate, -RENEWAL_MONTHS);

/** 署名用電子証明書: not for a holder under 15 or a 成年被後見人, in principle (`002_39806ff4500f9589.txt L7145`). */
export const SIGNING_CERT_MIN_AGE = 15;
export function signingCertRefusal(birthDate: IsoDate, on: IsoDate, isAdultWard: boolean): string | undefined {
  if (ageOn(birthDate, on) < SIGNING_CERT_MIN_AGE) return 'UNDER_15';
  if (isAdultWard) return 'ADULT_WARD';
  return undefined;
}

/** The card storage limit: the last day the card is kept for the resident (produced + storage days). */
export const cardStorageLimit = (producedOn: IsoDate, storageDays: number): IsoDate => addDays(producedOn, storageDays);

/** The same day `months` months later (the last day of the month when it has no such day). */
export function addMonths(d: IsoDate, months: number): IsoDate {
  const [y, m, day] = d.split('-').map(Number) as [number, number, number];
  const total = y * 12 + (m - 1) + months;
  const year = Math.floor(total / 12);
  const month = (total % 12) + 1;
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return `${year}-${String(month).padStart(2, '0')}-${String(Math.min(day, last)).padStart(2, '0')}`;
}

/** Renewal months: cards expiring within this many months are listed for renewal (`L7162–7163`: from 3 months before). */
export const RENEWAL_MONTHS = 3;

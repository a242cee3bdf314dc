/**
 * 支援措置 and 抑止 (domain.md §8.6; standard spec 3.1, 3.4): pure rules of the register. The persistence is
 * src/db/support-measures.ts; the API src/api/support-measures-service.ts.
 *
 * - A measure concerns a 支援対象者 and the persons who asked for protection with them (併せて支援を求める者), all by
 *   宛名番号, and a set of processes (証明書発行 / 照会 / 異動) at a level: ERROR blocks, ALERT proceeds after
 *   confirmation (抑止; a 支援措置 is always ERROR for issuance).
 * - State: 仮支援措置 (PROVISIONAL) from the request until the decision, and again as 前住所地 after a 転出; 支援措置
 *   (ACTIVE) after the decision; ENDED only when explicitly ended. An expired measure does NOT end by itself
 *   (domain.md §10.3 「抑止 end date passed」).
 * - Period of a 支援措置: 1 year from the start, end date set automatically (start 2020-04-01 → end 2021-03-31,
 *   domain.md §10.2); extension by 1 year, allowed from 1 month before the end; alerts in the final month and after
 *   expiry (domain.md §6 「支援措置 period」).
 * - Every change (enter, extend, end) is made by one user and confirmed by another (four-eyes, domain.md §8.3).
 */
import { addDays, type IsoDate } from './dates';

export const MeasureKind = { SUPPORT: 'SUPPORT', SUPPRESSION: 'SUPPRESSION' } as const;
export type MeasureKind = (typeof MeasureKind)[keyof typeof MeasureKind];

export const MeasureState = { PROVISIONAL: 'PROVISIONAL', ACTIVE: 'ACTIVE', ENDED: 'ENDED' } as const;
export type MeasureState = (typeof MeasureState)[keyof typeof MeasureState];

export const MeasureProcess = { CERTIFICATE: 'CERTIFICATE', INQUIRY: 'INQUIRY', CHANGE: 'CHANGE' } as const;
export type MeasureProcess = (typeof MeasureProcess)[keyof typeof MeasureProcess];

export const MeasureLevel = { ERROR: 'ERROR', ALERT: 'ALERT' } as const;
export type MeasureLevel = (typeof MeasureLevel)[keyof typeof MeasureLevel];

/**
 * Why a measure is 仮支援措置: the request awaits the decision, the person moved out (前住所地), or the person moved in
 * protected at the origin (the 転出証明書情報 said so) and has not asked here yet.
 */
export const ProvisionalReason = { REQUEST: 'REQUEST', MOVED_OUT: 'MOVED_OUT', MOVED_IN: 'MOVED_IN' } as const;
export type ProvisionalReason = (typeof ProvisionalReason)[keyof typeof ProvisionalReason];

export const PendingAction = { ENTER: 'ENTER', EXTEND: 'EXTEND', END: 'END' } as const;
export type PendingAction = (typeof PendingAction)[keyof typeof PendingAction];

export const MeasureRefusal = {
  FOUR_EYES: 'FOUR_EYES',
  NOTHING_PENDING: 'NOTHING_PENDING',
  ALREADY_PENDING: 'ALREADY_PENDING',
  ENDED: 'MEASURE_ENDED',
  EXTENSION_TOO_EARLY: 'EXTENSION_TOO_EARLY',
  NOT_EXTENDABLE: 'NOT_EXTENDABLE',
} as const;
export type MeasureRefusal = (typeof MeasureRefusal)[keyof typeof MeasureRefusal];

export const kindLabel: Record<MeasureKind, string> = { SUPPORT: '支援措置', SUPPRESSION: '抑止' };
export const processLabel: Record<MeasureProcess, string> = {
  CERTIFICATE: '証明書発行',
  INQUIRY: '照会',
  CHANGE: '異動',
};

/** The 1-year period of a 支援措置: the day before the same date a year later (2020-04-01 → 2021-03-31). */
export function supportPeriodEnd(start: IsoDate): IsoDate {
  const [y, m, d] = start.split('-').map(Number) as [number, number, number];
  // 2020-02-29 + 1 year → 2021-03-01 (no 02-29), so the period ends on 2021-02-28
  const next = new Date(Date.UTC(y + 1, m - 1, d));
  if (next.getUTCMonth() !== m - 1) next.setUTCDate(0);
  else next.setUTCDate(next.getUTCDate() - 1);
  return next.toISOString().slice(0, 10);
}

/** The same day one month earlier, clamped to the month's length (2021-03-31 → 2021-02-28). */
function oneMonthBefore(d: IsoDate): IsoDate {
  const [y, m, day] = d.split('-').map(Number) as [number, number, number];
  const last = new Date(Date.UTC(y, m - 1, 0)).getUTCDate();
  const t = new Date(Date.UTC(y, m - 2, Math.min(day, last)));
  return t.toISOString().slice(0, 10);
}

/** The first day of the final month: the extension window and the final-month alert start here. */
export const finalMonthStart = (end: IsoDate): IsoDate => addDays(oneMonthBefore(end), 1);

export type PeriodAlert = 'FINAL_MONTH' | 'EXPIRED' | undefined;

/** Alerts of a 支援措置 / 抑止 on `today`: in the final month, or after the end date (still in force until ended). */
export function periodAlert(m: { state: MeasureState; endDate?: IsoDate }, today: IsoDate): PeriodAlert {
  if (m.state === MeasureState.ENDED || !m.endDate) return undefined;
  if (today > m.endDate) return 'EXPIRED';
  if (today >= finalMonthStart(m.endDate)) return 'FINAL_MONTH';
  return undefined;
}

export type Check = { ok: true } | { ok: false; code: MeasureRefusal; message: string };
const OK: Check = { ok: true };
const no = (code: MeasureRefusal, message: string): Check => ({ ok: false, code, message });

/** May a 支援措置 be extended on `today`? From 1 month before the end (and after expiry, since it has not ended). */
export function checkExtension(
  m: { kind: MeasureKind; state: MeasureState; endDate?: IsoDate; pending?: unknown },
  today: IsoDate,
): Check {
  if (m.state === MeasureState.ENDED) return no(MeasureRefusal.ENDED, '終了した措置は変更できません');
  if (m.pending) return no(MeasureRefusal.ALREADY_PENDING, '確認待ちの変更があります');
  if (m.kind !== MeasureKind.SUPPORT || m.state !== MeasureState.ACTIVE || !m.endDate)
    return no(MeasureRefusal.NOT_EXTENDABLE, '延長できるのは決定済みの支援措置だけです');
  if (today < finalMonthStart(m.endDate))
    return no(
      MeasureRefusal.EXTENSION_TOO_EARLY,
      `延長は終了日の1か月前（${finalMonthStart(m.endDate)}）から申し出られます`,
    );
  return OK;
}

/** The new end date of an extension: 1 year after the current end. */
export const extendedEnd = (end: IsoDate): IsoDate => supportPeriodEnd(addDays(end, 1));

/** Four-eyes on a pending change (domain.md §8.3): the confirming user is not the one who made it. */
export function checkConfirmation(m: { state: MeasureState; pending?: { by: string } }, userId: string): Check {
  if (!m.pending) return no(MeasureRefusal.NOTHING_PENDING, '確認待ちの変更はありません');
  if (m.pending.by === userId)
    return no(MeasureRefusal.FOUR_EYES, '入力者本人は確認できません（別の職員が確認します）');
  return OK;
}

export function checkEnding(m: { state: MeasureState; pending?: unknown }): Check {
  if (m.state === MeasureState.ENDED) return no(MeasureRefusal.ENDED, '既に終了しています');
  if (m.pending) return no(MeasureRefusal.ALREADY_PENDING, '確認待ちの変更があります');
  return OK;
}

/**
 * Does a measure stop issuing a certificate for its persons now? Any state but ENDED counts (仮支援措置 too, and an
 * expired one), for the process 証明書発行 at level ERROR, unless a 一時解除 is in force.
 */
export function blocksIssuance(
  m: { state: MeasureState; processes: readonly string[]; level: MeasureLevel; releasedUntil?: Date | null },
  now: Date,
): boolean {
  if (m.state === MeasureState.ENDED) return false;
  if (!m.processes.includes(MeasureProcess.CERTIFICATE) || m.level !== MeasureLevel.ERROR) return false;
  return !(m.releasedUntil && m.releasedUntil > now);
}

/** Is a measure in force at all (for the badge and the search flag)? Until it is explicitly ended. */
export const inForce = (m: { state: MeasureState }): boolean => m.state !== MeasureState.ENDED;

export const stateLabel = (m: { kind: MeasureKind; state: MeasureState; provisionalReason?: string }): string =>
  m.state === MeasureState.ENDED
    ? '終了'
    : m.state === MeasureState.ACTIVE
      ? kindLabel[m.kind]
      : m.provisionalReason === ProvisionalReason.MOVED_OUT
        ? '仮支援措置（前住所地）'
        : m.provisionalReason === ProvisionalReason.MOVED_IN
          ? '仮支援措置（転入・前住所地で支援中）'
          : m.kind === MeasureKind.SUPPORT
            ? '仮支援措置'
            : '抑止（確認待ち）';

/** The refusal shown at the counter: why, without the address (domain.md §8.6). */
export const ISSUANCE_REFUSAL_MESSAGE = '支援措置の対象者のため交付できません（支援措置責任者の解除が必要です）';

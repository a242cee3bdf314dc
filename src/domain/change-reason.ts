/**
 * 異動事由 (change reasons) by the standard's categories (domain.md §3.3; standard spec 1.2.2).
 * The CS codes they map to live in src/partners/cs-codes.ts.
 */
export const ChangeCategory = { RECORD: '記載', REMOVE: '消除', AMEND: '修正' } as const;
export type ChangeCategory = (typeof ChangeCategory)[keyof typeof ChangeCategory];

export const ChangeReason = {
  // 記載
  DOMESTIC_MOVE_IN: '国内転入',
  MOVE_IN_FROM_ABROAD: '国外転入等',
  BIRTH: '出生',
  EX_OFFICIO_RECORD_NATURALISATION: '職権記載（帰化等）',
  EX_OFFICIO_RECORD_NATIONALITY_LOSS: '職権記載（国籍喪失）',
  EX_OFFICIO_RECORD_OTHER: '職権記載（その他）',
  RECORD_REBUILD: '改製（記載）',
  RECORD_REMAKE: '再製（記載）',
  CANCELLATION_RECORD: '異動の取消し（増）',
  // 消除
  DOMESTIC_MOVE_OUT: '国内転出',
  MOVE_OUT_ABROAD: '国外転出',
  DEATH: '死亡',
  EX_OFFICIO_REMOVE_NATURALISATION: '職権消除（帰化等）',
  EX_OFFICIO_REMOVE_NATIONALITY_LOSS: '職権消除（国籍喪失）',
  EX_OFFICIO_REMOVE_OTHER: '職権消除（その他）',
  REMOVE_REBUILD: '改製（消除）',
  REMOVE_REMAKE: '再製（消除）',
  CANCELLATION_REMOVE: '異動の取消し（減）',
  // 修正
  MOVE_WITHIN: '転居',
  MINOR_CORRECTION: '軽微な修正',
  EX_OFFICIO_AMEND: '職権修正',
  CLERICAL_CORRECTION: '誤記修正',
  INDIVIDUAL_NUMBER_CHANGE_REQUEST: '個人番号（変更請求）',
  INDIVIDUAL_NUMBER_EX_OFFICIO_AMEND: '個人番号（職権修正）',
  INDIVIDUAL_NUMBER_EX_OFFICIO_RECORD: '個人番号（職権記載）',
  RESIDENT_CODE_CHANGE_REQUEST: '住民票コード（変更請求）',
  RESIDENT_CODE_EX_OFFICIO_RECORD: '住民票コード（職権記載）',
  HOUSEHOLD_SEPARATION: '世帯分離',
  HOUSEHOLD_MERGE: '世帯合併',
  HOUSEHOLD_CHANGE: '世帯変更',
  HOUSEHOLD_HEAD_CHANGE: '世帯主変更',
  FORMER_SURNAME_RECORD: '旧氏（記載）',
  FORMER_SURNAME_CHANGE: '旧氏（変更）',
  FORMER_SURNAME_DELETE: '旧氏（削除）',
  ALIAS_RECORD: '通称（記載）',
  ALIAS_DELETE: '通称（削除）',
  CANCELLATION_AMEND: '異動の取消し（修正）',
  /** Not a 異動: the state loaded by the initial data migration / demo seed. */
  INITIAL_LOAD: '初期登録',
} as const;
export type ChangeReason = (typeof ChangeReason)[keyof typeof ChangeReason];

/**
 * On what a 異動 was recorded (domain.md §3.3: each 異動 stores its 届出日 or 申出日 / 通知日): a 届出; ex officio
 * (職権) on a 申出 — a 転出届 filed more than 14 days after the move (domain.md §4.3 step 1, standard spec
 * 4.1.3.0.1), the filing date kept as the 申出日; or ex officio without any filing (e.g. the 世帯主変更 when the 世帯主
 * moves out, domain.md §3.2). A history row without one was recorded on a 届出.
 */
export const EntryBasis = {
  NOTIFICATION: '届出',
  EX_OFFICIO_ON_REQUEST: '職権（申出）',
  EX_OFFICIO: '職権',
} as const;
export type EntryBasis = (typeof EntryBasis)[keyof typeof EntryBasis];

const RECORD_REASONS: ReadonlySet<ChangeReason> = new Set([
  ChangeReason.DOMESTIC_MOVE_IN,
  ChangeReason.MOVE_IN_FROM_ABROAD,
  ChangeReason.BIRTH,
  ChangeReason.EX_OFFICIO_RECORD_NATURALISATION,
  ChangeReason.EX_OFFICIO_RECORD_NATIONALITY_LOSS,
  ChangeReason.EX_OFFICIO_RECORD_OTHER,
  ChangeReason.RECORD_REBUILD,
  ChangeReason.RECORD_REMAKE,
  ChangeReason.CANCELLATION_RECORD,
  ChangeReason.INITIAL_LOAD,
]);
const REMOVE_REASONS: ReadonlySet<ChangeReason> = new Set([
  ChangeReason.DOMESTIC_MOVE_OUT,
  ChangeReason.MOVE_OUT_ABROAD,
  ChangeReason.DEATH,
  ChangeReason.EX_OFFICIO_REMOVE_NATURALISATION,
  ChangeReason.EX_OFFICIO_REMOVE_NATIONALITY_LOSS,
  ChangeReason.EX_OFFICIO_REMOVE_OTHER,
  ChangeReason.REMOVE_REBUILD,
  ChangeReason.REMOVE_REMAKE,
  ChangeReason.CANCELLATION_REMOVE,
]);

export const changeCategory = (r: ChangeReason): ChangeCategory =>
  RECORD_REASONS.has(r) ? ChangeCategory.RECORD : REMOVE_REASONS.has(r) ? ChangeCategory.REMOVE : ChangeCategory.AMEND;

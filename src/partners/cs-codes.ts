/**
 * 異動事由 → CS change-reason codes used in 本人確認情報 updates (domain.md §3.3, §3.4).
 *
 * PLACEHOLDER CODES. The real codes are defined by the J-LIS 既存住基システム改造仕様書, which is not public
 * (domain.md §9.1). The codes below are invented for this project and the simulator; replace the code values only
 * once the specification is available. The reasons and their categories (記載 / 消除 / 修正) are ours
 * (src/domain/change-reason.ts, standard spec 1.2.2). 世帯分離 / 世帯合併 / 世帯変更 / 世帯主変更 / 旧氏 / 通称 change
 * none of the 8 items, so they send no 本人確認情報 update and have no code here.
 */
import { ChangeCategory, ChangeReason, changeCategory } from '../domain/change-reason';

const R = ChangeReason;
const CODE_OF: Partial<Record<ChangeReason, string>> = {
  [R.DOMESTIC_MOVE_IN]: '10',
  [R.MOVE_IN_FROM_ABROAD]: '11',
  [R.BIRTH]: '12',
  [R.EX_OFFICIO_RECORD_OTHER]: '13',
  [R.EX_OFFICIO_RECORD_NATURALISATION]: '14',
  [R.EX_OFFICIO_RECORD_NATIONALITY_LOSS]: '15',
  [R.RECORD_REBUILD]: '16',
  [R.RECORD_REMAKE]: '17',
  [R.CANCELLATION_RECORD]: '18',
  [R.DOMESTIC_MOVE_OUT]: '20',
  [R.MOVE_OUT_ABROAD]: '21',
  [R.DEATH]: '22',
  [R.EX_OFFICIO_REMOVE_OTHER]: '23',
  [R.EX_OFFICIO_REMOVE_NATURALISATION]: '24',
  [R.EX_OFFICIO_REMOVE_NATIONALITY_LOSS]: '25',
  [R.REMOVE_REBUILD]: '26',
  [R.REMOVE_REMAKE]: '27',
  [R.CANCELLATION_REMOVE]: '28',
  [R.MOVE_WITHIN]: '30',
  [R.MINOR_CORRECTION]: '31',
  [R.EX_OFFICIO_AMEND]: '32',
  [R.CLERICAL_CORRECTION]: '33',
  [R.INDIVIDUAL_NUMBER_CHANGE_REQUEST]: '34',
  [R.INDIVIDUAL_NUMBER_EX_OFFICIO_AMEND]: '35',
  [R.INDIVIDUAL_NUMBER_EX_OFFICIO_RECORD]: '36',
  [R.RESIDENT_CODE_CHANGE_REQUEST]: '37',
  [R.RESIDENT_CODE_EX_OFFICIO_RECORD]: '38',
  [R.CANCELLATION_AMEND]: '40',
};

const REASON_OF = new Map(Object.entries(CODE_OF).map(([reason, code]) => [code!, reason as ChangeReason]));

/** Every valid CS code (the schema enum of IdentityInfo.changeReason). */
export const CS_CHANGE_REASON_CODES: readonly string[] = [...REASON_OF.keys()];

/** Our change reason → CS code; undefined for reasons that send no 本人確認情報 update. */
export const csChangeReasonFor = (reason: ChangeReason): string | undefined => CODE_OF[reason];

/** CS code → our change reason, or undefined for an unknown code. */
export const changeReasonOfCsCode = (code: string): ChangeReason | undefined => REASON_OF.get(code);

/** 記載 / 消除 / 修正 of a CS code, or undefined for an unknown code. */
export const csCategoryOf = (code: string): ChangeCategory | undefined => {
  const reason = REASON_OF.get(code);
  return reason && changeCategory(reason);
};

/** 転入 codes (国内転入 / 国外転入等): the prefecture rejects them for a person who is currently registered. */
export const CS_MOVE_IN_CODES: readonly string[] = [CODE_OF[R.DOMESTIC_MOVE_IN]!, CODE_OF[R.MOVE_IN_FROM_ABROAD]!];

/** 転居: the prefecture rejects it when anything other than the address changes. */
export const CS_MOVE_WITHIN_CODE: string = CODE_OF[R.MOVE_WITHIN]!;

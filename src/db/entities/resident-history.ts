import { EntitySchema, PrimaryKeyProp } from '@mikro-orm/core';
import type { ResidentItems } from './resident';
import type { ChangeReason, EntryBasis } from '../../domain/change-reason';

/**
 * A full snapshot of one 住民票 after one 異動 (domain.md §3.3): key (宛名番号, 履歴番号), never updated or
 * deleted. The snapshot holds every item (the 個人番号 only in encrypted form).
 */
export class ResidentHistory {
  [PrimaryKeyProp]?: ['addresseeNumber', 'historyNumber'];
  addresseeNumber!: string;
  historyNumber!: number;
  changeReason!: ChangeReason; // 異動事由
  changeDate!: string; // 異動日
  notificationDate?: string; // 届出日, or the 申出日 when `basis` is 職権（申出）
  basis?: EntryBasis; // 届出 (also when absent), 職権（申出）, 職権
  processingDate!: string; // 処理日 (JST date of commit)
  caseId?: string;
  operatorId!: string; // 入力者 / approver
  terminalId?: string; // 入力端末
  place?: string; // 入力場所
  notes?: string; // 留意事項
  snapshot!: ResidentItems;
  createdAt: Date = new Date();
}

export const ResidentHistorySchema = new EntitySchema<ResidentHistory>({
  class: ResidentHistory,
  tableName: 'resident_history',
  properties: {
    addresseeNumber: { type: 'string', length: 16, primary: true },
    historyNumber: { type: 'integer', primary: true },
    changeReason: { type: 'string', length: 40 },
    changeDate: { type: 'string', length: 10 },
    notificationDate: { type: 'string', length: 10, nullable: true },
    basis: { type: 'string', length: 20, nullable: true },
    processingDate: { type: 'string', length: 10 },
    caseId: { type: 'string', length: 64, nullable: true },
    operatorId: { type: 'string', length: 64 },
    terminalId: { type: 'string', length: 64, nullable: true },
    place: { type: 'string', length: 100, nullable: true },
    notes: { type: 'string', nullable: true },
    snapshot: { type: 'json' },
    createdAt: { type: 'datetime' },
  },
  indexes: [{ properties: ['caseId'] }],
});

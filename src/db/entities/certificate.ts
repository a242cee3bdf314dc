import { EncryptedBlobType } from '../encrypted-columns';
import { EntitySchema } from '@mikro-orm/core';

/**
 * 交付履歴 (domain.md §5.1; standard spec 1.3.8): one row per issued certificate copy, never deleted within the
 * retention period. The rendered PDF is kept so that the exact issued document can be downloaded again.
 */
export class CertificateIssuance {
  certificateId!: string; // opaque ID used in URLs (the 発行番号 holds the municipality name and is not URL material)
  issueNumber!: string; // 発行番号 (unique per copy)
  certificateType!: string; // e.g. residentRecordCopy
  caseId?: string;
  issuedAt: Date = new Date();
  place!: string; // 交付場所
  targetAddresseeNumbers!: string[]; // 交付対象者
  printedItems!: Record<string, boolean>; // 記載事項: which options were printed (incl. 個人番号)
  pages!: number; // 枚数
  terminalId?: string;
  operatorId!: string;
  disposal?: string; // 処分情報
  pdf!: Buffer;
}

export const CertificateIssuanceSchema = new EntitySchema<CertificateIssuance>({
  class: CertificateIssuance,
  tableName: 'certificate_issuance',
  properties: {
    certificateId: { type: 'string', length: 36, primary: true },
    issueNumber: { type: 'string', length: 128, unique: true },
    certificateType: { type: 'string', length: 40 },
    caseId: { type: 'string', length: 64, nullable: true },
    issuedAt: { type: 'datetime' },
    place: { type: 'string', length: 100 },
    targetAddresseeNumbers: { type: 'json' },
    printedItems: { type: 'json' },
    pages: { type: 'integer' },
    terminalId: { type: 'string', length: 64, nullable: true },
    operatorId: { type: 'string', length: 64 },
    disposal: { type: 'string', length: 200, nullable: true },
    // encrypted at rest (src/db/encrypted-columns.ts)
    pdf: { type: EncryptedBlobType, columnType: 'longblob', lazy: true },
  },
  indexes: [{ properties: ['caseId'] }],
});

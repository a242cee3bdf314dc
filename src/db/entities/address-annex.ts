import { EntitySchema } from '@mikro-orm/core';

/**
 * 戸籍の附票記載事項通知 kept by the registry (住基法第19条; domain.md §2.2 I-13):
 *  - RECEIVED: another town told us, as 本籍地, that a person of one of our 戸籍 changed address (through the CS);
 *  - LOCAL: one of our moves concerns a person whose 本籍 is in this city: nothing is sent, the notice is recorded
 *    here for the city's 戸籍 system, which updates its own 附票;
 *  - UNADDRESSED: the person has a 本籍 but the registry has no 本籍地 code for it (an old record whose 本籍 is
 *    outside the city): nothing can be sent; listed for staff.
 * The notice body (氏名, 住所, 本籍・筆頭者) is personal data and stored encrypted; `messageId` (the sender's
 * idempotency key, or ours for LOCAL) makes a repeat delivery or a retried activity write once.
 */
export const AnnexNoticeDirection = { RECEIVED: 'RECEIVED', LOCAL: 'LOCAL', UNADDRESSED: 'UNADDRESSED' } as const;
export type AnnexNoticeDirection = (typeof AnnexNoticeDirection)[keyof typeof AnnexNoticeDirection];

export class AddressAnnexNoticeRecord {
  id!: number;
  messageId!: string;
  direction!: AnnexNoticeDirection;
  /** The town of the 住民票 that changed (us for LOCAL). */
  fromMunicipalityCode!: string;
  residentRecordCode!: string;
  /** MOVE_IN / MOVE_OUT / MOVE_OUT_ABROAD (AnnexEvent). */
  event!: string;
  /** Our case (LOCAL only). */
  caseId?: string;
  bodyEnc!: string;
  receivedAt: Date = new Date();
}

export const AddressAnnexNoticeRecordSchema = new EntitySchema<AddressAnnexNoticeRecord>({
  class: AddressAnnexNoticeRecord,
  tableName: 'address_annex_notice',
  properties: {
    id: { type: 'integer', primary: true, autoincrement: true },
    messageId: { type: 'string', length: 128, unique: true },
    direction: { type: 'string', length: 20 },
    fromMunicipalityCode: { type: 'string', length: 6 },
    residentRecordCode: { type: 'string', length: 11 },
    event: { type: 'string', length: 20 },
    caseId: { type: 'string', length: 64, nullable: true },
    bodyEnc: { type: 'text' },
    receivedAt: { type: 'datetime' },
  },
  indexes: [{ properties: ['residentRecordCode'] }, { properties: ['caseId'] }],
});

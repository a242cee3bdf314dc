import { EntitySchema } from '@mikro-orm/core';

export const HeldCertificateState = { HELD: 'HELD', IN_USE: 'IN_USE', USED: 'USED', PURGED: 'PURGED' } as const;
export type HeldCertificateState = (typeof HeldCertificateState)[keyof typeof HeldCertificateState];

/**
 * Destination side: 転出証明書情報 received from an origin town through the CS (domain.md §3.5, §4.5). One row per
 * (origin, 住民票コード) while held; a re-sent message replaces the content and restarts the timer. On purge the
 * personal data (payload, code, dates, the deadline derived from them) is deleted and only the non-personal stub
 * remains: message ID, origin, received and purged times, and `withdrawnAt` when the origin withdrew it
 * (`000_6eda969c340266a8.txt` L439–442). This row holds the only copy: the CS inbound stores no body for it.
 */
export class HeldMoveOutCertificate {
  heldId!: string;
  originMunicipalityCode!: string;
  messageId!: string;
  residentRecordCode?: string; // cleared on purge
  plannedMoveOutDate?: string; // cleared on purge
  payloadEnc?: string; // the message as received (contains the 個人番号): encrypted, cleared on purge
  plannedVisitDate?: string; // 来庁予定日 (online move-out, issue 4)
  state: HeldCertificateState = HeldCertificateState.HELD;
  receivedAt: Date = new Date();
  purgeAt?: Date;
  purgedAt?: Date;
  replacedCount = 0;
  usedByCaseId?: string;
  /** The origin withdrew the 転出証明書情報 (its 転出 was cancelled); a held one is purged at once. */
  withdrawnAt?: Date;
}

export const HeldMoveOutCertificateSchema = new EntitySchema<HeldMoveOutCertificate>({
  class: HeldMoveOutCertificate,
  tableName: 'held_move_out_certificate',
  properties: {
    heldId: { type: 'string', length: 36, primary: true },
    originMunicipalityCode: { type: 'string', length: 6 },
    messageId: { type: 'string', length: 128 },
    residentRecordCode: { type: 'string', length: 11, nullable: true },
    plannedMoveOutDate: { type: 'string', length: 10, nullable: true },
    payloadEnc: { type: 'text', nullable: true },
    plannedVisitDate: { type: 'string', length: 10, nullable: true },
    state: { type: 'string', length: 10 },
    receivedAt: { type: 'datetime' },
    purgeAt: { type: 'datetime', nullable: true },
    purgedAt: { type: 'datetime', nullable: true },
    replacedCount: { type: 'integer' },
    usedByCaseId: { type: 'string', length: 64, nullable: true },
    withdrawnAt: { type: 'datetime', nullable: true },
  },
  indexes: [{ properties: ['residentRecordCode', 'state'] }, { properties: ['state', 'purgeAt'] }],
});

export const InboundKind = {
  MOVE_IN_NOTICE: 'MOVE_IN_NOTICE',
  MOVE_OUT_CERTIFICATE_INFO: 'MOVE_OUT_CERTIFICATE_INFO',
  CERTIFICATE_INFO_REQUEST: 'CERTIFICATE_INFO_REQUEST',
  MOVE_OUT_CERTIFICATE_WITHDRAWAL: 'MOVE_OUT_CERTIFICATE_WITHDRAWAL',
  ADDRESS_ANNEX_NOTICE: 'ADDRESS_ANNEX_NOTICE',
} as const;
export type InboundKind = (typeof InboundKind)[keyof typeof InboundKind];

/**
 * Every message received from the CS, de-duplicated by the sender's idempotency key. Unmatched 転入通知 stay here
 * with status UNMATCHED for staff (転入通知情報取込エラー一覧, standard spec 4.1.3.1.2). The body is encrypted and kept
 * only for the kinds a workflow reads later (転入通知, 送信依頼); a 転出証明書情報 and its withdrawal keep only their
 * key (the dedupe; an unmatched withdrawal also its `matchKey`), so that the purge of the held row erases the one copy
 * of the certificate. FLAGGED: a 転入通知 or
 * 送信依頼 from a town this town did not send the person's 転出 to (issue 13 item 4): kept for staff, nothing done.
 */
export class InboundMessage {
  id!: number;
  kind!: InboundKind;
  idempotencyKey!: string;
  fromMunicipalityCode!: string;
  bodyEnc?: string;
  status!: 'ACCEPTED' | 'UNMATCHED' | 'FLAGGED';
  caseId?: string;
  /**
   * A 転出証明書情報の取消 that matched no held certificate: the blind index (HMAC) of what it names — origin, 住民票コード,
   * mover group, planned date — so that the certificate arriving after it is withdrawn on arrival (issue 15); cleared
   * when matched. No personal data.
   */
  matchKey?: string;
  /**
   * Until when the `matchKey` is kept: the purge instant its certificate would have (P + 31, 00:00 JST). The sweep
   * clears key and date then — a certificate arriving later would be purged on arrival anyway.
   */
  matchUntil?: Date;
  receivedAt: Date = new Date();
}

export const InboundMessageSchema = new EntitySchema<InboundMessage>({
  class: InboundMessage,
  tableName: 'inbound_message',
  properties: {
    id: { type: 'integer', primary: true, autoincrement: true },
    kind: { type: 'string', length: 40 },
    idempotencyKey: { type: 'string', length: 128, unique: true },
    fromMunicipalityCode: { type: 'string', length: 6 },
    bodyEnc: { type: 'text', nullable: true },
    status: { type: 'string', length: 20 },
    caseId: { type: 'string', length: 64, nullable: true },
    matchKey: { type: 'string', length: 64, nullable: true, index: true },
    matchUntil: { type: 'datetime', nullable: true },
    receivedAt: { type: 'datetime' },
  },
});

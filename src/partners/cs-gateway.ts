/**
 * Port to the 市町村CS, our gateway to 住基ネット (domain.md §2.2 I-3, I-6, I-7, I-8; architecture principle 9).
 * The CS delivers the inter-municipality messages (転出証明書情報, 送信依頼, 転入通知, 附票記載事項通知) to the addressed town; an ack
 * means the CS accepted (stored) the message, not that the town has received it.
 * Implementations: CsHttpClient (cs-http-client.ts) against the real CS adapter or the simulator (cs-simulator.ts).
 *
 * Error contract for callers (delivery activities):
 *  - CsRejectedError: permanent. Do not retry; put the message on the error queue for correction and re-send.
 *  - CsUnavailableError: transient (503, network, timeout). Retry with the SAME idempotency key; the CS answers a
 *    resend of an already-accepted message with the original ack and `duplicate: true`.
 * Both extend the shared partner errors (partner-errors.ts). Error messages carry only codes, HTTP statuses, field
 * paths and message IDs, never personal data.
 */
import type { AddressAnnexNotice, CsAck, IdentityUpdate, MoveInNotice } from './cs-messages';
import type { CertificateInfoRequest, MoveOutCertificateInfo, MoveOutCertificateWithdrawal } from './cs-move-messages';
import {
  PartnerRejectedError,
  PartnerUnavailableError,
  type PartnerFieldRef,
  type RejectedErrorOptions,
} from './partner-errors';
import type { ResidentCodeBatch, ResidentCodeBatchRequest } from './cs-resident-codes';

export type {
  AddressAnnexNotice,
  AddressAnnexNoticeBody,
  CsAck,
  CsSex,
  IdentityInfo,
  IdentityUpdate,
  MoveInNotice,
  MoveInNoticeBody,
} from './cs-messages';
export type {
  CertificateInfoRequest,
  CertificateInfoRequestBody,
  MoveOutCertificateInfo,
  MoveOutCertificateInfoBody,
  MoveOutCertificateWithdrawal,
} from './cs-move-messages';

/** A field the CS objected to: JSON pointer and rule name only. */
export type CsFieldRef = PartnerFieldRef;

export class CsRejectedError extends PartnerRejectedError {
  /** code e.g. 'ALREADY_REGISTERED', 'MOVE_WITHIN_CHANGES_MORE_THAN_ADDRESS', 'SEQUENCE_OUT_OF_ORDER', 'INVALID_MESSAGE'. */
  override readonly name = 'CsRejectedError';

  constructor(code: string, opts: RejectedErrorOptions = {}) {
    super('CS', code, opts);
  }
}

/** Transient: the CS did not answer usefully (503, other 5xx, network error, timeout). Retry. */
export class CsUnavailableError extends PartnerUnavailableError {
  override readonly name = 'CsUnavailableError';
}

export interface CsGateway {
  /** 本人確認情報 update (記載 / 消除 / 修正) towards the 都道府県サーバ. Idempotent on `u.idempotencyKey`. */
  sendIdentityUpdate(u: IdentityUpdate): Promise<CsAck>;
  /** 転入通知 to the 前住所地 (no 特定個人情報). Idempotent on `n.idempotencyKey`. */
  sendMoveInNotice(n: MoveInNotice): Promise<CsAck>;
  /** 転出証明書情報 (carries the 個人番号) from the origin (us) to the 転入予定地. Idempotent on `m.idempotencyKey`. */
  sendMoveOutCertificateInfo(m: MoveOutCertificateInfo): Promise<CsAck>;
  /** 送信依頼 (no 特定個人情報) from the destination (us) to the 転出地. Idempotent on `m.idempotencyKey`. */
  sendCertificateInfoRequest(m: CertificateInfoRequest): Promise<CsAck>;
  /** 転出証明書情報の取消 (no 特定個人情報) from the origin (us) to the 転入予定地 after a cancelled 転出. Idempotent. */
  sendCertificateWithdrawal(m: MoveOutCertificateWithdrawal): Promise<CsAck>;
  /** 戸籍の附票記載事項通知 (no 特定個人情報) from us to the 本籍地 (住基法第19条). Idempotent on `n.idempotencyKey`. */
  sendAddressAnnexNotice(n: AddressAnnexNotice): Promise<CsAck>;
  /** A batch of unused 住民票コード for the pool (domain.md §4.7 step 1). Idempotent on `r.idempotencyKey`. */
  requestResidentCodes(r: ResidentCodeBatchRequest): Promise<ResidentCodeBatch>;
}

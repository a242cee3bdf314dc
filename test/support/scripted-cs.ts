import { Context } from '@temporalio/activity';
import { residentCodeWithCheckDigit } from '../../src/partners/cs-resident-codes';
import {
  type AddressAnnexNotice,
  CsRejectedError,
  CsUnavailableError,
  type CertificateInfoRequest,
  type CsAck,
  type CsGateway,
  type IdentityUpdate,
  type MoveInNotice,
  type MoveOutCertificateInfo,
  type MoveOutCertificateWithdrawal,
} from '../../src/partners/cs-gateway';

/**
 * An in-process CsGateway for the workflow layer (time-skipping): it keeps what it received, de-duplicates by
 * idempotency key, and can be down until a point in *Temporal* time (the activity attempt's scheduled time), so a
 * 2-hour outage passes in seconds. Integration tests use the real HTTP simulator instead.
 */
export class ScriptedCs implements CsGateway {
  readonly identityUpdates: IdentityUpdate[] = [];
  readonly moveInNotices: MoveInNotice[] = [];
  readonly moveOutCertificates: MoveOutCertificateInfo[] = [];
  readonly certificateRequests: CertificateInfoRequest[] = [];
  readonly withdrawals: MoveOutCertificateWithdrawal[] = [];
  readonly annexNotices: AddressAnnexNotice[] = [];
  calls = 0;
  downUntilMs = 0;
  /** Only 附票記載事項通知 fail (503) until this Temporal time: a 本籍地 delivery failing on its own. */
  annexDownUntilMs = 0;
  rejectWith?: string;
  private readonly acks = new Map<string, CsAck>();

  /** 住民票コード handed out, in order (valid check digits, never repeated). */
  private codeSerial = 0;
  async requestResidentCodes(r: { count: number; idempotencyKey: string }) {
    const codes = Array.from({ length: r.count }, () =>
      residentCodeWithCheckDigit(String(1_000_000_000 + ++this.codeSerial).slice(-10)),
    );
    return {
      batchId: `RCB-${r.idempotencyKey.slice(-12)}`,
      codes,
      receivedAt: new Date().toISOString(),
      duplicate: false,
    };
  }

  sendIdentityUpdate(u: IdentityUpdate) {
    return this.accept(u.idempotencyKey, () => this.identityUpdates.push(u));
  }

  sendMoveInNotice(n: MoveInNotice) {
    return this.accept(n.idempotencyKey, () => this.moveInNotices.push(n));
  }

  sendMoveOutCertificateInfo(m: MoveOutCertificateInfo) {
    return this.accept(m.idempotencyKey, () => this.moveOutCertificates.push(m));
  }

  sendCertificateInfoRequest(m: CertificateInfoRequest) {
    return this.accept(m.idempotencyKey, () => this.certificateRequests.push(m));
  }

  sendCertificateWithdrawal(m: MoveOutCertificateWithdrawal) {
    return this.accept(m.idempotencyKey, () => this.withdrawals.push(m));
  }

  sendAddressAnnexNotice(n: AddressAnnexNotice) {
    if (Context.current().info.currentAttemptScheduledTimestampMs < this.annexDownUntilMs) {
      this.calls++;
      return Promise.reject(new CsUnavailableError('CS unavailable (HTTP 503)', { httpStatus: 503 }));
    }
    return this.accept(n.idempotencyKey, () => this.annexNotices.push(n));
  }

  private async accept(key: string, store: () => void): Promise<CsAck> {
    this.calls++;
    if (Context.current().info.currentAttemptScheduledTimestampMs < this.downUntilMs)
      throw new CsUnavailableError('CS unavailable (HTTP 503)', { httpStatus: 503 });
    if (this.rejectWith) throw new CsRejectedError(this.rejectWith, { httpStatus: 422 });
    const seen = this.acks.get(key);
    if (seen) return { ...seen, duplicate: true };
    store();
    const ack = { messageId: `CS-${this.acks.size + 1}`, receivedAt: new Date().toISOString(), duplicate: false };
    this.acks.set(key, ack);
    return ack;
  }
}

import { Context } from '@temporalio/activity';
import { PortalUnavailableError, type Portal, type PortalAck, type PortalNotice } from '../../src/partners/portal';

/** An in-process Portal for the workflow layer: keeps the notices, de-duplicates by key, can be down (Temporal time). */
export class ScriptedPortal implements Portal {
  readonly notices: PortalNotice[] = [];
  downUntilMs = 0;
  private readonly acks = new Map<string, PortalAck>();

  async sendNotice(n: PortalNotice): Promise<PortalAck> {
    if (Context.current().info.currentAttemptScheduledTimestampMs < this.downUntilMs)
      throw new PortalUnavailableError('portal unavailable (HTTP 503)', { httpStatus: 503 });
    const seen = this.acks.get(n.idempotencyKey);
    if (seen) return { ...seen, duplicate: true };
    this.notices.push(n);
    const ack = { noticeId: `PN-${this.acks.size + 1}`, duplicate: false };
    this.acks.set(n.idempotencyKey, ack);
    return ack;
  }
}

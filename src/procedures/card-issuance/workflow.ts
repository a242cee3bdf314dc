import { CancellationScope, condition } from '@temporalio/workflow';
import { CardEventKind, CardEventOrigin, CardEventReason } from '../../domain/card-status';
import { AttentionReason, CaseStatus } from '../../domain/case-status';
import { addDays, jstStartOfDay } from '../../domain/dates';
import type { SharedActivities } from '../../activities';
import { cancelWithCompensation } from '../../workflows/cancellation';
import { caseWorkflow, type CaseFrame, type CaseWorkflowInputBase } from '../../workflows/case-workflow';
import { activityProxies } from '../../workflows/proxies';
import type { CardIssuanceActivities } from './activities';
import { CardIssuanceStatus, cardIssuanceDefinition } from './definition';

export { caseStateQuery } from '../../workflows/case-workflow';

/** One workflow per card: its J-LIS card management number is the key. */
export const cardIssuanceWorkflowId = (cardId: string): string => `card-issuance/${cardId}`;

/** IDs and dates only: the card, and the two days of its storage period (computed at intake from the configuration). */
export interface CardIssuanceWorkflowInput extends CaseWorkflowInputBase {
  cardId: string;
  /** The last day the card is kept (YYYY-MM-DD); at 00:00 JST the next day it is cancelled (廃止). */
  storageLimitDate: string;
  /** The day the reminder 交付通知書 goes out and the case shows on the supervisor console (YYYY-MM-DD). */
  reminderDate: string;
}

export interface CardIssuanceWorkflowResult {
  caseId: string;
  status: string;
  cardId: string;
}

/** Sends the card's unsent events to J-LIS: retried until accepted, retry-now, a refusal waits for a supervisor. */
const sendEvents = (c: CaseFrame, cardId: string): Promise<void> =>
  c.deliverAll(CaseStatus.DELIVERING, () =>
    activityProxies<CardIssuanceActivities & SharedActivities>(c.timings).delivery.sendCardEvents({ cardId }),
  );

/**
 * 個人番号カードの交付 (domain spec §4.8 steps 2–3), one case per card, started by J-LIS's production report:
 * the card is AT_OFFICE → the 交付通知書 (PDF; the card NOTICE_SENT) → the handover at the counter, recorded by a
 * clerk as the 審査 step (`confirm-review` with the checklist; no PIN ever) → four-eyes 決裁 → ISSUED with its expiry
 * date, the 交付 event to J-LIS (exactly once, in the person's order) → completed. Not collected: a reminder notice on
 * the reminder day (and the case on the supervisor console), then at the storage limit the card is cancelled (廃止,
 * NOT_COLLECTED) and the case ends STORAGE_EXPIRED.
 */
export async function cardIssuanceWorkflow(input: CardIssuanceWorkflowInput): Promise<CardIssuanceWorkflowResult> {
  const { caseId, cardId } = input;
  const { registry } = activityProxies<CardIssuanceActivities & SharedActivities>(input.timings);
  const c = caseWorkflow({
    caseId,
    definition: cardIssuanceDefinition,
    enteredBy: 'jlis',
    initial: CardIssuanceStatus.CARD_AT_OFFICE,
    timings: input.timings,
  });
  const done = (status: string) => ({ caseId, status, cardId });
  return c.body(
    async () => {
      await c.status.set(CardIssuanceStatus.CARD_AT_OFFICE);
      await registry.issueCardNotice({ caseId, cardId, kind: 'notice' });

      // the visit: the clerk records the handover (confirm-review) — or the storage period runs out
      await c.status.set(CaseStatus.AWAITING_REVIEW, {
        dueAt: jstStartOfDay(addDays(input.storageLimitDate, 1)).toISOString(),
      });
      const visited = () =>
        (c.status.status !== CaseStatus.AWAITING_REVIEW && c.status.status !== CaseStatus.CONTACT_REQUESTED) ||
        c.decision() !== undefined;
      const until = async (day: string): Promise<boolean> => {
        const ms = jstStartOfDay(day).getTime() - Date.now();
        return ms > 0 ? condition(visited, ms) : visited();
      };
      if (!(await until(input.reminderDate))) {
        await registry.issueCardNotice({ caseId, cardId, kind: 'reminder' });
        await c.status.set(c.status.status, {
          needsAttention: true,
          attentionReason: AttentionReason.CARD_STORAGE_LIMIT,
        });
        if (!(await until(addDays(input.storageLimitDate, 1)))) {
          await CancellationScope.nonCancellable(() =>
            registry.recordCardEvent({
              cardId,
              kind: CardEventKind.CANCELLED,
              reason: CardEventReason.NOT_COLLECTED,
              origin: CardEventOrigin.SYSTEM,
              recordedBy: 'system',
              requestKey: `${caseId}:not-collected`,
              caseId,
            }),
          );
          await c.status.set(CaseStatus.DELIVERING, { needsAttention: false });
          await sendEvents(c, cardId);
          await c.status.set(CardIssuanceStatus.STORAGE_EXPIRED);
          return done(CardIssuanceStatus.STORAGE_EXPIRED);
        }
      }

      const decision = await c.awaitDecision();
      if (decision.kind === 'REJECTED') {
        // the card stays at the office (NOTICE_SENT); a new visit is a new handover (or 廃止 through the card's events)
        await c.status.set(CaseStatus.REJECTED);
        return done(CaseStatus.REJECTED);
      }
      await c.status.set(CaseStatus.APPROVED, { needsAttention: false });
      await CancellationScope.nonCancellable(() =>
        registry.handOverCard({ caseId, cardId, approvedBy: decision.by, terminalId: decision.terminalId }),
      );
      await c.status.set(CaseStatus.DELIVERING);
      await sendEvents(c, cardId);
      await c.status.set(CaseStatus.COMPLETED);
      return done(CaseStatus.COMPLETED);
    },
    async (cancel) => ({ ...(await cancelWithCompensation(c, caseId, cancel)), cardId }),
  );
}

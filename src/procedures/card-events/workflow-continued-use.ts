import { jstDate } from '../../domain/dates';
import type { WorkflowTimings } from '../../domain/retry-policies';
import type { SharedActivities } from '../../activities';
import { activityProxies } from '../../workflows/proxies';
import type { CardEventsProcedureActivities } from './activities';

/**
 * Patch: the card 継続利用 of a 転入 / 特例転入 only for the persons who presented their own card, queued after the
 * 本登録 (lapsed at once past 転入届 + continuedUseDays), and settled after the delivery — J-LIS's ack makes the card
 * ISSUED again, a lapse cancels it (廃止 sent). Histories from before it queued the request in the commit (the 特例転入
 * for everybody) and left the card CONTINUED_USE_PENDING.
 */
export const CARD_CONTINUED_USE = 'card-continued-use';

type Activities = SharedActivities & CardEventsProcedureActivities;

/**
 * The card steps around a 転入's delivery (domain spec §4.1 step 4.7, §4.2 step 6.3, §4.8 item 6). `before` runs right
 * after the 本登録 (the workflow's date decides a lapse: the 転入届 was filed more than continuedUseDays ago),
 * `after` once the case's outbox is delivered. Every 廃止 is sent before the case completes.
 */
export function continuedUseSteps(caseId: string, timings?: Partial<WorkflowTimings>) {
  const { registry, delivery } = activityProxies<Activities>(timings);
  const sendCancellations = async (cardIds: string[]) => {
    for (const cardId of cardIds) await delivery.sendCardEvents({ cardId });
  };
  return {
    /** The 廃止 of the cards whose 継続利用 lapsed, when the commit step queued the 継続利用 (a 転入's). */
    cancelLapsed: sendCancellations,
    async before(addresseeNumbers: string[]): Promise<void> {
      const today = jstDate(Date.now());
      const { lapsed } = await registry.queueContinuedUse({ caseId, addresseeNumbers, today });
      await sendCancellations(lapsed);
    },
    async after(): Promise<void> {
      const { lapsed } = await registry.settleContinuedUse({ caseId });
      await sendCancellations(lapsed);
    },
    /** A 特例転入 that missed its deadline: the presented cards are cancelled (廃止 sent). */
    async missedDeadline(): Promise<void> {
      const { cancelled } = await registry.cancelCardsAfterMissedDeadline({ caseId });
      await sendCancellations(cancelled);
    },
  };
}

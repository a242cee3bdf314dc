import {
  allHandlersFinished,
  condition,
  continueAsNew,
  defineSignal,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { WorkflowTimings } from '../../domain/retry-policies';
import type { SharedActivities } from '../../activities';
import { activityProxies } from '../../workflows/proxies';

/**
 * Input of the card event sender: IDs only. `cardId` is any card of the person (J-LIS's 更新順番号 runs per person, so
 * the sender sends the unsent events of all their cards).
 */
export interface CardEventsInput {
  addresseeNumber: string;
  cardId: string;
  timings?: Partial<WorkflowTimings>;
}

/**
 * One sender per person of a town: the 更新順番号 of the card events run per person, so one workflow sends them in
 * order. The municipality code keeps the towns sharing a Temporal namespace apart.
 */
export const cardEventsWorkflowId = (municipalityCode: string, person: string): string =>
  `card-events/${municipalityCode}/${person}`;

/** A card event of the person was recorded (the registry has it); send what is unsent. Carries the card ID only. */
export const cardEventRecordedSignal = defineSignal<[{ cardId: string }]>('cardEventRecorded');

/**
 * A run continues as new after this many history events (a sender that keeps receiving events would otherwise grow
 * without bound); each round is one activity call and a few workflow task events.
 */
export const CARD_EVENTS_HISTORY_LIMIT = 200;

/** How long an idle sender waits for the next event before its run ends. */
export const CARD_EVENTS_IDLE_WAIT = '1 minute';

/**
 * The card status events of one person to J-LIS (domain spec §4.8 item 5: each sent exactly once, in order,
 * idempotently). The state lives in the registry: `recordCardEvent` (src/db/cards.ts) writes the event with the
 * person's next 更新順番号 and its idempotency key in the transaction that checks the transition; this workflow is
 * started or signalled afterwards (signal-with-start, `cardEventRecordedSignal`) and calls `sendCardEvents`, which
 * sends every unsent event of the person in 更新順番号 order and marks each acknowledged. Being the person's only
 * sender keeps them in order; J-LIS outages are retried by the activity's retry policy with the same keys, so a resend
 * is a duplicate ack. Signals that arrive while a send runs are folded into the next round. When nothing has come for
 * CARD_EVENTS_IDLE_WAIT the run ends (the next event starts a new one), and a sender past CARD_EVENTS_HISTORY_LIMIT
 * history events continues as new (with the last card, whose unsent events — if any — it sends first), so a card's
 * history stays small over years of events: a run holds at most the limit plus the signals of one send.
 */
export async function cardEventsWorkflow(input: CardEventsInput): Promise<{ rounds: number }> {
  const { delivery } = activityProxies<SharedActivities>(input.timings);
  let next: string | undefined = input.cardId;
  setHandler(cardEventRecordedSignal, ({ cardId }) => {
    next = cardId;
  });
  let rounds = 0;
  // events of a card come in bursts (a counter visit, a call to J-LIS): wait a little for the next before ending
  while (next !== undefined || (await condition(() => next !== undefined, CARD_EVENTS_IDLE_WAIT))) {
    const cardId: string = next!;
    next = undefined;
    await delivery.sendCardEvents({ cardId });
    rounds++;
    if (workflowInfo().historyLength >= CARD_EVENTS_HISTORY_LIMIT) {
      await condition(allHandlersFinished);
      return continueAsNew<typeof cardEventsWorkflow>({ ...input, cardId: next ?? cardId });
    }
  }
  await condition(allHandlersFinished);
  return { rounds };
}

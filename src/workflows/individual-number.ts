import {
  ActivityFailure,
  allHandlersFinished,
  CancellationScope,
  condition,
  defineSignal,
  executeChild,
  isCancellation,
  ParentClosePolicy,
  setHandler,
  startChild,
} from '@temporalio/workflow';
import { msToNumber } from '@temporalio/common';
import type { SharedActivities } from '../activities';
import type { IndividualNumberActivities } from '../activities/individual-number';
import type { WorkflowTimings } from '../domain/retry-policies';
import { activityProxies, timingsOf } from './proxies';

/** Input of the generation sub-flow: IDs only (domain.md §2.3 item 6). */
export interface IndividualNumberInput {
  caseId: string;
  addresseeNumber: string;
  timings?: Partial<WorkflowTimings>;
}

export const individualNumberWorkflowId = (caseId: string, addresseeNumber: string): string =>
  `individual-number/${caseId}/${addresseeNumber}`;
export const deliveryAddressWorkflowId = (caseId: string, addresseeNumber: string): string =>
  `delivery-address/${caseId}/${addresseeNumber}`;

/** J-LIS answered a generation request; the answer is stored (number encrypted) and named here by its row ID. */
export const individualNumberAnsweredSignal = defineSignal<[{ answerId: number }]>('individualNumberAnswered');

type Activities = SharedActivities & IndividualNumberActivities;

/**
 * 個人番号 generation for one person who has a 住民票コード and no number (domain.md §4.7 step 3.2; I-9): the request
 * goes to J-LIS (outbox, idempotent); the workflow waits durably for the answer signal. No answer within
 * `timings.individualNumberWait` opens a task on the supervisor console and the wait goes on; an answer for another
 * 住民票コード is refused (console task, nothing recorded); a second answer is ignored. The number is recorded as an
 * appended 異動 (個人番号（職権記載）) and its 本人確認情報 update is delivered through the CS; then the 送付先情報 is
 * handed to `deliveryAddressWorkflow` (started, not awaited), and this workflow returns to its parent.
 */
export async function individualNumberWorkflow(
  input: IndividualNumberInput,
): Promise<{ caseId: string; addresseeNumber: string }> {
  const { caseId, addresseeNumber } = input;
  const t = timingsOf(input.timings);
  const { registry, delivery } = activityProxies<Activities>(input.timings);
  const pending: number[] = [];
  const seen = new Set<number>();
  let recorded = false;
  setHandler(individualNumberAnsweredSignal, ({ answerId }) => {
    if (recorded || seen.has(answerId)) return; // a repeated delivery, or an answer after the recording
    seen.add(answerId);
    pending.push(answerId);
  });

  await registry.requestIndividualNumber({ caseId, addresseeNumber });
  await delivery.deliverCsMessages({ caseId });
  let flagged = false;
  while (!recorded) {
    // without a timeout, condition() resolves to undefined: only a timed wait can report "no answer"
    if (flagged) await condition(() => pending.length > 0);
    else if (!(await condition(() => pending.length > 0, t.individualNumberWait))) {
      await registry.flagIndividualNumberRequest({ caseId, addresseeNumber, reason: 'NO_ANSWER' });
      flagged = true;
      continue;
    }
    const { outcome } = await registry.recordIndividualNumber({ caseId, addresseeNumber, answerId: pending.shift()! });
    recorded = outcome === 'RECORDED';
  }
  await delivery.deliverCsMessages({ caseId });
  await startChild(deliveryAddressWorkflow, {
    workflowId: deliveryAddressWorkflowId(caseId, addresseeNumber),
    args: [{ caseId, addresseeNumber, timings: input.timings }],
    parentClosePolicy: ParentClosePolicy.ABANDON,
  });
  await condition(allHandlersFinished);
  return { caseId, addresseeNumber };
}

/**
 * 送付先情報 to the 個人番号カード管理システム (domain.md §3.6, §4.7 step 3.4; I-10) so that J-LIS mails the
 * 個人番号通知書: queued in the outbox, delivered, and purged as soon as J-LIS has confirmed receipt (its ack) — or,
 * if it never does, when `timings.deliveryAddressRetention` has passed (less than one year:
 * `000_6eda969c340266a8.txt L2466`; kept out of backups and exports, L5203–5204), by a durable timer.
 */
export async function deliveryAddressWorkflow(
  input: IndividualNumberInput,
): Promise<{ caseId: string; addresseeNumber: string; purged: 'RECEIPT' | 'LIMIT' }> {
  const { caseId, addresseeNumber } = input;
  const { registry, delivery } = activityProxies<Activities>(input.timings);
  const retentionMs = msToNumber(timingsOf(input.timings).deliveryAddressRetention);
  const { purgeAt } = await registry.queueDeliveryAddressInfo({
    caseId,
    addresseeNumber,
    createdAt: new Date(Date.now()).toISOString(),
    retentionMs,
  });
  let received = false;
  const scope = new CancellationScope();
  const sending = scope
    .run(() => delivery.deliverCsMessages({ caseId }))
    .then(
      () => {
        received = true;
      },
      (err: unknown) => {
        // cancelled at the limit, or refused by J-LIS: either way the data is purged at the limit
        if (!isCancellation(err) && !(err instanceof ActivityFailure)) throw err;
      },
    );
  const left = new Date(purgeAt).getTime() - Date.now();
  if (left > 0) await condition(() => received, left);
  if (!received) scope.cancel();
  await sending;
  const reason = received ? 'RECEIPT' : 'LIMIT';
  await registry.purgeDeliveryAddressInfo({ caseId, addresseeNumber, reason });
  return { caseId, addresseeNumber, purged: reason };
}

/**
 * The shared generation step of every procedure that registers a person without a 個人番号 (出生, 国外転入, …):
 * called by the parent after its commit and its 本人確認情報 delivery, it runs one `individualNumberWorkflow` per
 * person and returns when every number is recorded and its 本人確認情報 update sent. The 送付先情報 of each person
 * goes on in its own `deliveryAddressWorkflow`.
 */
export async function generateIndividualNumbers(
  caseId: string,
  addresseeNumbers: string[],
  timings?: Partial<WorkflowTimings>,
): Promise<void> {
  await Promise.all(
    addresseeNumbers.map((addresseeNumber) =>
      executeChild(individualNumberWorkflow, {
        workflowId: individualNumberWorkflowId(caseId, addresseeNumber),
        args: [{ caseId, addresseeNumber, timings }],
      }),
    ),
  );
}

import type { Duration } from '@temporalio/common';
import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  condition,
  defineSignal,
  patched,
  setHandler,
} from '@temporalio/workflow';
import type { SharedActivities } from '../../activities';
import { AttentionReason, CaseStatus } from '../../domain/case-status';
import { FailureType } from '../../domain/failures';
import { cancelWithCompensation } from '../../workflows/cancellation';
import { caseWorkflow, type CaseWorkflowInputBase } from '../../workflows/case-workflow';
import { activityProxies } from '../../workflows/proxies';
import { CARD_CONTINUED_USE, continuedUseSteps } from '../card-events/workflow-continued-use';
import { wakeHeldCertificates } from '../held-certificate/workflow';
import { commitStep, SPECIAL_MOVE_IN_COMMIT_STEP } from '../move-in/workflow-commit-step';
import type { SpecialMoveInActivities } from './activities';
import { specialMoveInDefinition, SpecialMoveInStatus } from './definition';

export const specialMoveInWorkflowId = (caseId: string): string => `special-move-in/${caseId}`;

export interface SpecialMoveInWorkflowInput extends CaseWorkflowInputBase {
  enteredBy: string;
  terminalId?: string;
  requestCertificate: boolean;
  /** Older histories carry the wait for the 転出証明書情報 here; new cases carry it in `timings.certificateWait`. */
  certificateWait?: Duration;
}

/** 転出証明書情報 for one of this case's persons arrived (the inbound endpoint signals waiting cases). */
export const certificateArrivedSignal = defineSignal<[{ heldId: string }]>('certificateArrived');
/** The origin withdrew a 転出証明書情報 this case has reserved (the inbound endpoint tells the case). */
export const certificateWithdrawnSignal = defineSignal<[{ heldId: string }]>('certificateWithdrawn');

/**
 * Patch: a withdrawn 転出証明書情報 ends the case on the paper path (CERTIFICATE_WITHDRAWN) instead of waiting for a
 * 決裁 that would commit it; the wait for the 決裁 is interrupted by the withdrawal.
 */
export const WITHDRAWAL_ENDS_CASE = 'special-move-in-withdrawal-ends-case';
/**
 * Patch: the wait for a 送信依頼's answer ends on a withdrawal too — the certificate arrived already withdrawn (its
 * 取消 came first) or one reserved earlier was withdrawn — and the case ends CERTIFICATE_WITHDRAWN instead of asking
 * again and being flagged overdue (issue 15).
 */
export const WITHDRAWAL_ENDS_WAIT = 'special-move-in-withdrawal-ends-wait';

const isWithdrawnFailure = (e: unknown): boolean =>
  e instanceof ActivityFailure &&
  e.cause instanceof ApplicationFailure &&
  e.cause.type === FailureType.CERTIFICATE_WITHDRAWN;

/**
 * 特例転入 (domain.md §4.2): the held 転出証明書情報 is reserved (or requested by 送信依頼 and awaited) → the deadline
 * min(P + 30, 転入日 + 14) is enforced against the filing date (past it: the paper path is needed) → 決裁 → the
 * records are written from the certificate, which becomes USED → 本人確認情報 update and 転入通知 together → the
 * card's 継続利用 request to J-LIS → optional 住民票の写し. A cancellation gives the certificates back. A certificate
 * the origin withdraws (its 転出 was cancelled) ends the case as CERTIFICATE_WITHDRAWN: a 転入届 with the paper
 * 転出証明書 is needed (§4.2 Failures); the 決裁 is refused from then on and the commit checks it once more.
 */
export async function specialMoveInWorkflow(
  input: SpecialMoveInWorkflowInput,
): Promise<{ caseId: string; status: string }> {
  const { caseId } = input;
  const { registry } = activityProxies<SpecialMoveInActivities & SharedActivities>(input.timings);
  let arrived = false;
  setHandler(certificateArrivedSignal, () => {
    arrived = true;
  });
  const c = caseWorkflow({
    caseId,
    definition: specialMoveInDefinition,
    enteredBy: input.enteredBy,
    initial: SpecialMoveInStatus.AWAITING_CERTIFICATE_INFO,
    timings: input.timings,
  });
  let withdrawn = false;
  setHandler(certificateWithdrawnSignal, async () => {
    withdrawn = true;
    await c.status.set(c.status.status, {
      needsAttention: true,
      attentionReason: AttentionReason.CERTIFICATE_WITHDRAWN,
      assignTo: c.status.assignedTo,
    });
  });
  const end = async (status: string) => {
    await wakeHeldCertificates((await registry.releaseHeldCertificates({ caseId })).heldIds);
    await c.status.set(status);
    return { caseId, status };
  };
  /** The paper path after a withdrawal: the status first, so that a 決裁 arriving now is refused. */
  const endWithdrawn = async () => {
    await c.status.set(SpecialMoveInStatus.CERTIFICATE_WITHDRAWN);
    return end(SpecialMoveInStatus.CERTIFICATE_WITHDRAWN);
  };

  return c.body(
    async () => {
      let held = await registry.reserveHeldCertificates({ caseId });
      for (let round = 1; held.missing.length > 0; round++) {
        arrived = false;
        await registry.queueCertificateInfoRequests({ caseId, residentRecordCodes: held.missing, round });
        await c.status.set(SpecialMoveInStatus.AWAITING_CERTIFICATE_INFO);
        await c.deliverAll(SpecialMoveInStatus.AWAITING_CERTIFICATE_INFO);
        const endsOnWithdrawal = patched(WITHDRAWAL_ENDS_WAIT);
        const answered = () => arrived || (endsOnWithdrawal && withdrawn);
        if (!(await condition(answered, input.certificateWait ?? c.timings.certificateWait))) {
          await c.status.set(SpecialMoveInStatus.AWAITING_CERTIFICATE_INFO, {
            needsAttention: true,
            attentionReason: AttentionReason.CERTIFICATE_INFO_OVERDUE,
          });
          await condition(answered);
        }
        if (endsOnWithdrawal && withdrawn) return endWithdrawn();
        held = await registry.reserveHeldCertificates({ caseId });
      }
      await wakeHeldCertificates(held.heldIds);
      if (!held.inTime) {
        // the card path is refused and the presented cards lose their validity: 廃止 (patch: see card-events)
        if (patched(CARD_CONTINUED_USE)) await continuedUseSteps(caseId, input.timings).missedDeadline();
        return end(SpecialMoveInStatus.DEADLINE_PASSED);
      }

      const watchWithdrawal = patched(WITHDRAWAL_ENDS_CASE);
      if (watchWithdrawal && withdrawn) return endWithdrawn();
      const decision = watchWithdrawal
        ? await Promise.race([c.awaitDecision(), condition(() => withdrawn).then(() => undefined)])
        : await c.awaitDecision();
      if (!decision || (watchWithdrawal && withdrawn)) return endWithdrawn();
      if (decision.kind === 'REJECTED') return end(CaseStatus.REJECTED);
      await c.status.set(CaseStatus.APPROVED);
      const step = commitStep(caseId, input, SPECIAL_MOVE_IN_COMMIT_STEP);
      let committed;
      try {
        committed = await CancellationScope.nonCancellable(() =>
          registry.commitSpecialMoveIn({
            caseId,
            approvedBy: decision.by,
            terminalId: decision.terminalId,
            ...step.args,
          }),
        );
      } catch (e) {
        if (isWithdrawnFailure(e)) return endWithdrawn(); // withdrawn between the 決裁 and the commit
        throw e;
      }
      await wakeHeldCertificates(committed.heldIds);
      // the card 継続利用 for the persons who presented their own card, the 住民票の写し right after the commit
      // (independent of the CS delivery), the 附票 notices: in the commit step, or as their own steps in old histories
      const { copy, settleCard } = await step.afterCommit(committed, {
        delivering: () => c.status.set(CaseStatus.DELIVERING, { subjects: committed.addresseeNumbers }),
        issueCopy: () =>
          registry.issueResidentRecordCopy({ caseId, operatorId: input.enteredBy, terminalId: input.terminalId }),
      });
      await c.deliverAll(CaseStatus.DELIVERING);
      await settleCard();
      if (input.requestCertificate && !copy.issuedEarly) await c.status.set(CaseStatus.ISSUING_CERTIFICATE);
      await copy.afterDelivery();
      await c.status.set(CaseStatus.COMPLETED);
      return { caseId, status: CaseStatus.COMPLETED };
    },
    (cancel) => cancelWithCompensation(c, caseId, cancel, (r) => wakeHeldCertificates(r.heldIds)),
  );
}

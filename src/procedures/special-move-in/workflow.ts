import type { Duration } from '@temporalio/common';
import { CancellationScope, condition, defineSignal, setHandler } from '@temporalio/workflow';
import type { SharedActivities } from '../../activities';
import { AttentionReason, CaseStatus } from '../../domain/case-status';
import { queueAddressAnnexNotices } from '../../workflows/address-annex';
import { cancelWithCompensation } from '../../workflows/cancellation';
import { caseWorkflow, type CaseWorkflowInputBase } from '../../workflows/case-workflow';
import { activityProxies } from '../../workflows/proxies';
import { wakeHeldCertificates } from '../held-certificate/workflow';
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
 * 特例転入 (domain.md §4.2): the held 転出証明書情報 is reserved (or requested by 送信依頼 and awaited) → the deadline
 * min(P + 30, 転入日 + 14) is enforced against the filing date (past it: the paper path is needed) → 決裁 → the
 * records are written from the certificate, which becomes USED → 本人確認情報 update and 転入通知 together → the
 * card's 継続利用 request to J-LIS → optional 住民票の写し. A cancellation gives the certificates back.
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
  setHandler(certificateWithdrawnSignal, async () => {
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

  return c.body(
    async () => {
      let held = await registry.reserveHeldCertificates({ caseId });
      for (let round = 1; held.missing.length > 0; round++) {
        arrived = false;
        await registry.queueCertificateInfoRequests({ caseId, residentRecordCodes: held.missing, round });
        await c.status.set(SpecialMoveInStatus.AWAITING_CERTIFICATE_INFO);
        await c.deliverAll(SpecialMoveInStatus.AWAITING_CERTIFICATE_INFO);
        if (!(await condition(() => arrived, input.certificateWait ?? c.timings.certificateWait))) {
          await c.status.set(SpecialMoveInStatus.AWAITING_CERTIFICATE_INFO, {
            needsAttention: true,
            attentionReason: AttentionReason.CERTIFICATE_INFO_OVERDUE,
          });
          await condition(() => arrived);
        }
        held = await registry.reserveHeldCertificates({ caseId });
      }
      await wakeHeldCertificates(held.heldIds);
      if (!held.inTime) return end(SpecialMoveInStatus.DEADLINE_PASSED);

      const decision = await c.awaitDecision();
      if (decision.kind === 'REJECTED') return end(CaseStatus.REJECTED);
      await c.status.set(CaseStatus.APPROVED);
      const committed = await CancellationScope.nonCancellable(() =>
        registry.commitSpecialMoveIn({ caseId, approvedBy: decision.by, terminalId: decision.terminalId }),
      );
      await wakeHeldCertificates(committed.heldIds);
      await c.status.set(CaseStatus.DELIVERING, { subjects: committed.addresseeNumbers });
      await queueAddressAnnexNotices(caseId, input.timings);
      await c.deliverAll(CaseStatus.DELIVERING);
      if (input.requestCertificate) {
        await c.status.set(CaseStatus.ISSUING_CERTIFICATE);
        await registry.issueResidentRecordCopy({ caseId, operatorId: input.enteredBy, terminalId: input.terminalId });
      }
      await c.status.set(CaseStatus.COMPLETED);
      return { caseId, status: CaseStatus.COMPLETED };
    },
    (cancel) => cancelWithCompensation(c, caseId, cancel, (r) => wakeHeldCertificates(r.heldIds)),
  );
}

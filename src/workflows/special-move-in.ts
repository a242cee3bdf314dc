import type { Duration } from '@temporalio/common';
import { CancellationScope, condition, defineSignal, setHandler } from '@temporalio/workflow';
import { AttentionReason, CaseStatus, Procedure } from '../domain/case-status';
import { registry } from './shared/proxies';
import { cancelWithCompensation, wakeHeldCertificates } from './shared/cancellation';
import { caseWorkflow } from './shared/case-workflow';

export interface SpecialMoveInWorkflowInput {
  caseId: string;
  enteredBy: string;
  terminalId?: string;
  requestCertificate: boolean;
  /** How long to wait for 転出証明書情報 after a 送信依頼 before flagging the case (design default 1 day, §4.2 step 3). */
  certificateWait?: Duration;
}

/** 転出証明書情報 for one of this case's persons arrived (the inbound endpoint signals waiting cases). */
export const certificateArrivedSignal = defineSignal<[{ heldId: string }]>('certificateArrived');

/**
 * 特例転入 (domain.md §4.2): the held 転出証明書情報 is reserved (or requested by 送信依頼 and awaited) → the deadline
 * min(P + 30, 転入日 + 14) is enforced against the filing date (past it: the paper path is needed) → 決裁 → the
 * records are written from the certificate, which becomes USED → 本人確認情報 update and 転入通知 together → the
 * card's 継続利用 request to J-LIS → optional 住民票の写し. A cancellation gives the certificates back.
 */
export async function specialMoveInWorkflow(
  input: SpecialMoveInWorkflowInput,
): Promise<{ caseId: string; status: CaseStatus }> {
  const { caseId } = input;
  let arrived = false;
  setHandler(certificateArrivedSignal, () => {
    arrived = true;
  });
  const c = caseWorkflow({
    caseId,
    procedure: Procedure.SPECIAL_MOVE_IN,
    enteredBy: input.enteredBy,
    initial: CaseStatus.AWAITING_CERTIFICATE_INFO,
  });
  const end = async (status: CaseStatus) => {
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
        await c.status.set(CaseStatus.AWAITING_CERTIFICATE_INFO);
        await c.deliverAll(CaseStatus.AWAITING_CERTIFICATE_INFO);
        if (!(await condition(() => arrived, input.certificateWait ?? '1 day'))) {
          await c.status.set(CaseStatus.AWAITING_CERTIFICATE_INFO, {
            needsAttention: true,
            attentionReason: AttentionReason.CERTIFICATE_INFO_OVERDUE,
          });
          await condition(() => arrived);
        }
        held = await registry.reserveHeldCertificates({ caseId });
      }
      await wakeHeldCertificates(held.heldIds);
      if (!held.inTime) return end(CaseStatus.DEADLINE_PASSED);

      const decision = await c.awaitDecision();
      if (decision.kind === 'REJECTED') return end(CaseStatus.REJECTED);
      await c.status.set(CaseStatus.APPROVED);
      const committed = await CancellationScope.nonCancellable(() =>
        registry.commitSpecialMoveIn({ caseId, approvedBy: decision.by, terminalId: decision.terminalId }),
      );
      await wakeHeldCertificates(committed.heldIds);
      await c.status.set(CaseStatus.DELIVERING);
      await c.deliverAll(CaseStatus.DELIVERING);
      if (input.requestCertificate) {
        await c.status.set(CaseStatus.ISSUING_CERTIFICATE);
        await registry.issueResidentRecordCopy({ caseId, operatorId: input.enteredBy, terminalId: input.terminalId });
      }
      await c.status.set(CaseStatus.COMPLETED);
      return { caseId, status: CaseStatus.COMPLETED };
    },
    (cancel) => cancelWithCompensation(c, caseId, cancel),
  );
}

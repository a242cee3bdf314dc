import { condition, defineSignal, setHandler } from '@temporalio/workflow';
import { CaseStatus, Procedure } from '../domain/case-status';
import { addDays, jstStartOfDay } from '../domain/dates';
import { DEFAULT_MOVE_RULES } from '../domain/move-deadlines';
import { caseWorkflow } from './shared/case-workflow';
import { registry } from './shared/delivery';

export interface MoveOutWorkflowInput {
  caseId: string;
  enteredBy: string;
  terminalId?: string;
  /** Started by signal-with-start for a 転入通知 that arrived after the case had closed: record it and end. */
  mode?: 'noticeOnly';
  /** 転入通知未着 is flagged this many days after the planned date (design default 30; domain.md §4.6). */
  noticeOverdueDays?: number;
}

/** A 転入通知 for this case arrived through the CS (the body is in inbound_message; only its row ID travels). */
export const moveInNoticeSignal = defineSignal<[{ inboundId: number }]>('moveInNotice');
/** The destination asked, by 送信依頼, for the 転出証明書情報 again. */
export const certificateInfoRequestSignal = defineSignal<[{ inboundId: number }]>('certificateInfoRequest');

/**
 * 転出 at the counter (domain.md §4.3, §4.6): 決裁 → 転出予定者 + 本人確認情報 update (+ 転出証明書情報 on the
 * special path) → 転出証明書 on the paper path → the 住民票 becomes a 除票 on the earlier of the planned date and
 * the 転入日 in a 転入通知 → the 転入通知 is recorded next to the planned values; missing by P + 30 → flagged.
 */
export async function moveOutWorkflow(input: MoveOutWorkflowInput): Promise<{ caseId: string; status: CaseStatus }> {
  const { caseId } = input;
  const notices: number[] = [];
  const requests: number[] = [];
  setHandler(moveInNoticeSignal, ({ inboundId }) => void notices.push(inboundId));
  setHandler(certificateInfoRequestSignal, ({ inboundId }) => void requests.push(inboundId));

  if (input.mode === 'noticeOnly') {
    await condition(() => notices.length > 0, '1 minute');
    for (const inboundId of notices) await registry.recordMoveInNotice({ caseId, inboundId });
    return { caseId, status: CaseStatus.COMPLETED };
  }

  const c = caseWorkflow({ caseId, procedure: Procedure.MOVE_OUT, enteredBy: input.enteredBy });
  const decision = await c.awaitDecision();
  if (decision.kind === 'REJECTED') {
    await c.status.set(CaseStatus.REJECTED);
    return { caseId, status: CaseStatus.REJECTED };
  }
  await c.status.set(CaseStatus.APPROVED);
  const commit = await registry.commitMoveOut({ caseId, approvedBy: decision.by, terminalId: decision.terminalId });
  await c.status.set(CaseStatus.DELIVERING);
  await c.deliverAll(CaseStatus.DELIVERING);
  if (commit.path === 'paper') {
    await c.status.set(CaseStatus.ISSUING_CERTIFICATE);
    await registry.issueMoveOutCertificate({ caseId, operatorId: input.enteredBy, terminalId: input.terminalId });
  }

  const planned = commit.plannedMoveOutDate;
  const pending = new Set(commit.addresseeNumbers);
  let allNoticesReceived = false;
  const handleInbox = async () => {
    for (let id = requests.shift(); id !== undefined; id = requests.shift()) {
      if ((await registry.queueCertificateInfoResend({ caseId, inboundId: id })).queued) await c.deliverAll(c.status.status);
    }
    for (let id = notices.shift(); id !== undefined; id = notices.shift()) {
      const n = await registry.recordMoveInNotice({ caseId, inboundId: id });
      allNoticesReceived = n.allReceived;
      if (n.addresseeNumber && n.moveInDate && pending.has(n.addresseeNumber) && n.moveInDate < planned) {
        await registry.applyRemoval({ caseId, removalDate: n.moveInDate, addresseeNumbers: [n.addresseeNumber] });
        pending.delete(n.addresseeNumber);
      }
    }
  };
  const inbox = () => notices.length + requests.length > 0;

  // 転出予定者 until the planned date (00:00 JST) or an earlier 転入日
  await c.status.set(CaseStatus.AWAITING_MOVE_OUT_DATE);
  const removalAt = jstStartOfDay(planned).getTime();
  while (pending.size > 0 && Date.now() < removalAt) {
    await condition(inbox, removalAt - Date.now());
    await handleInbox();
  }
  if (pending.size > 0) await registry.applyRemoval({ caseId, removalDate: planned });
  pending.clear();

  // domestic move: wait for every 転入通知; flag 転入通知未着 after P + N days (and keep waiting)
  if (!commit.abroad) {
    const overdueAt = jstStartOfDay(addDays(planned, (input.noticeOverdueDays ?? DEFAULT_MOVE_RULES.moveInNoticeOverdueDays) + 1)).getTime();
    let flagged = false;
    await c.status.set(CaseStatus.AWAITING_MOVE_IN_NOTICE);
    while (!allNoticesReceived) {
      const arrived = flagged ? (await condition(inbox), true) : await condition(inbox, Math.max(overdueAt - Date.now(), 1));
      if (!arrived && !flagged) {
        flagged = true;
        await c.status.set(CaseStatus.AWAITING_MOVE_IN_NOTICE, { needsAttention: true, attentionReason: 'MOVE_IN_NOTICE_OVERDUE' });
        continue;
      }
      await handleInbox();
      if (requests.length === 0 && notices.length === 0 && flagged && !allNoticesReceived) {
        await c.status.set(CaseStatus.AWAITING_MOVE_IN_NOTICE, { needsAttention: true, attentionReason: 'MOVE_IN_NOTICE_OVERDUE' });
      }
    }
  }
  await c.status.set(CaseStatus.COMPLETED);
  return { caseId, status: CaseStatus.COMPLETED };
}

import {
  allHandlersFinished,
  CancellationScope,
  condition,
  defineSignal,
  patched,
  setHandler,
} from '@temporalio/workflow';
import type { SharedActivities } from '../../activities';
import { AttentionReason, CaseStatus } from '../../domain/case-status';
import { addDays, jstStartOfDay } from '../../domain/dates';
import { DEFAULT_MOVE_RULES } from '../../domain/move-deadlines';
import type { WorkflowTimings } from '../../domain/retry-policies';
import { queueAddressAnnexNotices } from '../../workflows/address-annex';
import { certificateAfterCommit } from '../../workflows/certificate-at-commit';
import type { CaseFrame } from '../../workflows/case-workflow';
import type { Decision } from '../../workflows/case-types';
import { activityProxies } from '../../workflows/proxies';
import type { MoveOutActivities } from './activities';
import { MoveOutStatus } from './definition';

/** A 転入通知 for this case arrived through the CS (the body is in inbound_message; only its row ID travels). */
export const moveInNoticeSignal = defineSignal<[{ inboundId: number }]>('moveInNotice');
/** The destination asked, by 送信依頼, for the 転出証明書情報 again. */
export const certificateInfoRequestSignal = defineSignal<[{ inboundId: number }]>('certificateInfoRequest');

/**
 * Patch: after the commit of a 転出 recorded ex officio — the 世帯主 moved out and members stayed (世帯主変更), or the
 * 転出届 came after the 14-day limit (職権記載) — its notices are issued (domain.md §3.2, §4.3 step 1, §5.2).
 */
export const EX_OFFICIO_NOTICES = 'move-out-ex-officio-notices';

/** Patch: a repeated inbound message (same inbound row) is handled once. */
export const DEDUPE_INBOUND_SIGNALS = 'dedupe-inbound-signals';

/**
 * Patch (issue 15, CPU per case): the 附票 notices, the paper 転出証明書 and the 職権 notices of a counter 転出 are steps
 * of its commit activity (`afterCommit` in move-out/activities.ts), as the 転入's (`move-in-commit-step`): three
 * activities to 転出予定者 instead of up to five. Histories from before ran them as their own activities.
 */
export const MOVE_OUT_COMMIT_STEP = 'move-out-commit-step';

export interface MoveOutCommit {
  plannedMoveOutDate: string;
  abroad: boolean;
  addresseeNumbers: string[];
}

/**
 * 本登録 of a 転出 (counter or online) after 決裁 and delivery of its messages; the commit cannot be interrupted.
 * `paperCertificate` issues the paper 転出証明書: right after the commit on the paper path (patch
 * `copy-before-delivery`), so a CS outage does not hold it back; `certificateIssued` says whether it was.
 * `commitStep`: behind its patch, the 附票 notices, the 職権 notices and (the counter's paper path) that certificate,
 * issued for `certificateFor`, are steps of the commit activity — the counter (`move-out-commit-step`) and the online
 * 転出 (`online-move-out-commit-step`, no certificate: the online path never issues one).
 */
export async function commitAndDeliverMoveOut(
  c: CaseFrame,
  caseId: string,
  decision: Decision,
  paperCertificate?: () => Promise<unknown>,
  commitStep?: { patchId: string; certificateFor?: { operatorId: string; terminalId?: string } },
) {
  const { registry } = activityProxies<MoveOutActivities & SharedActivities>(c.timings);
  await c.status.set(CaseStatus.APPROVED);
  const oneStep = commitStep !== undefined && patched(commitStep.patchId);
  const afterCommit = oneStep
    ? {
        ...(paperCertificate && commitStep.certificateFor ? { certificateFor: commitStep.certificateFor } : {}),
        noticesBy: { operatorId: decision.by, terminalId: decision.terminalId },
      }
    : undefined;
  const commit = await CancellationScope.nonCancellable(() =>
    registry.commitMoveOut({
      caseId,
      approvedBy: decision.by,
      terminalId: decision.terminalId,
      ...(afterCommit ? { afterCommit } : {}),
    }),
  );
  await c.status.set(CaseStatus.DELIVERING);
  if (oneStep) {
    await c.deliverAll(CaseStatus.DELIVERING);
    return { ...commit, certificateIssued: commit.certificateIssued ?? false };
  }
  const certificate = await certificateAfterCommit(paperCertificate ?? (async () => undefined), {
    wanted: Boolean(paperCertificate) && commit.path === 'paper',
  });
  await queueAddressAnnexNotices(caseId, c.timings);
  await c.deliverAll(CaseStatus.DELIVERING);
  if ((commit.headChange || commit.late) && patched(EX_OFFICIO_NOTICES))
    await CancellationScope.nonCancellable(() =>
      registry.issueExOfficioNotices({ caseId, operatorId: decision.by, terminalId: decision.terminalId }),
    );
  return { ...commit, certificateIssued: certificate.issuedEarly };
}

/**
 * What follows the 本登録 of a 転出 (counter or online; domain.md §4.3 Status/Timers, §4.6): the persons stay
 * 転出予定者 until 00:00 JST on the planned date or an earlier 転入日 of a 転入通知, then become 除票; every
 * 転入通知 is recorded beside the planned values; a 送信依頼 is answered by re-sending the 転出証明書情報; a 国内転出
 * without 転入通知 is flagged 転入通知未着 after P + N days and keeps waiting. Install before the first await.
 */
export function moveOutTail(caseId: string, timings?: Partial<WorkflowTimings>) {
  const { registry } = activityProxies<MoveOutActivities & SharedActivities>(timings);
  const notices: number[] = [];
  const requests: number[] = [];
  const seen = new Set<number>();
  let removedAny = false;
  /**
   * The CS inbound endpoint signals again when a message is delivered twice (its first signal may have been lost), so
   * the same message can arrive more than once: it is handled once. Histories recorded before this rule handled every
   * delivery, so the skip is a patch (README: Changing workflow code).
   */
  const accept = (list: number[], inboundId: number) => {
    if (seen.has(inboundId) && patched(DEDUPE_INBOUND_SIGNALS)) return;
    seen.add(inboundId);
    list.push(inboundId);
  };
  setHandler(moveInNoticeSignal, ({ inboundId }) => accept(notices, inboundId));
  setHandler(certificateInfoRequestSignal, ({ inboundId }) => accept(requests, inboundId));
  const inbox = () => notices.length + requests.length > 0;

  return {
    /** A 除票 has taken effect for at least one person: the 転出 can no longer be cancelled. */
    get removedAny() {
      return removedAny;
    },
    /** Started by signal-with-start for a 転入通知 that arrived after the case had closed: record it and end. */
    async noticeOnly(): Promise<void> {
      await condition(() => notices.length > 0, '1 minute');
      for (const inboundId of notices) await registry.recordMoveInNotice({ caseId, inboundId });
      await condition(allHandlersFinished);
    },
    async run(
      c: CaseFrame,
      commit: MoveOutCommit,
      // a case started before its input carried the number keeps the spec's default (domain spec §4.6)
      noticeOverdueDays = DEFAULT_MOVE_RULES.moveInNoticeOverdueDays,
    ): Promise<void> {
      const planned = commit.plannedMoveOutDate;
      const pending = new Set(commit.addresseeNumbers);
      let allNoticesReceived = false;
      const handleInbox = async () => {
        for (let id = requests.shift(); id !== undefined; id = requests.shift()) {
          if ((await registry.queueCertificateInfoResend({ caseId, inboundId: id })).queued)
            await c.deliverAll(c.status.status);
        }
        for (let id = notices.shift(); id !== undefined; id = notices.shift()) {
          const n = await registry.recordMoveInNotice({ caseId, inboundId: id });
          allNoticesReceived = n.allReceived;
          if (n.addresseeNumber && n.moveInDate && pending.has(n.addresseeNumber) && n.moveInDate < planned) {
            removedAny = true;
            await registry.applyRemoval({ caseId, removalDate: n.moveInDate, addresseeNumbers: [n.addresseeNumber] });
            pending.delete(n.addresseeNumber);
          }
        }
      };

      await c.status.set(MoveOutStatus.AWAITING_MOVE_OUT_DATE);
      const removalAt = jstStartOfDay(planned).getTime();
      while (pending.size > 0 && Date.now() < removalAt) {
        await condition(inbox, removalAt - Date.now());
        await handleInbox();
      }
      if (pending.size > 0) {
        removedAny = true;
        await registry.applyRemoval({ caseId, removalDate: planned });
      }
      pending.clear();

      if (commit.abroad) return;
      const overdueAt = jstStartOfDay(addDays(planned, noticeOverdueDays + 1)).getTime();
      const overdue = { needsAttention: true, attentionReason: AttentionReason.MOVE_IN_NOTICE_OVERDUE };
      let flagged = false;
      await c.status.set(MoveOutStatus.AWAITING_MOVE_IN_NOTICE);
      while (!allNoticesReceived) {
        const arrived = flagged
          ? (await condition(inbox), true)
          : await condition(inbox, Math.max(overdueAt - Date.now(), 1));
        if (!arrived && !flagged) {
          flagged = true;
          await c.status.set(MoveOutStatus.AWAITING_MOVE_IN_NOTICE, overdue);
          continue;
        }
        await handleInbox();
        if (!inbox() && flagged && !allNoticesReceived)
          await c.status.set(MoveOutStatus.AWAITING_MOVE_IN_NOTICE, overdue);
      }
    },
  };
}

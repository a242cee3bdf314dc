import { patched } from '@temporalio/workflow';
import { jstDate } from '../../domain/dates';
import type { WorkflowTimings } from '../../domain/retry-policies';
import { queueAddressAnnexNotices } from '../../workflows/address-annex';
import { certificateAfterCommit } from '../../workflows/certificate-at-commit';
import { CARD_CONTINUED_USE, continuedUseSteps } from '../card-events/workflow-continued-use';
import type { AfterCommit, CommitResult } from './commit';

/**
 * Patches (issue 15, CPU per case): the card 継続利用, the 附票記載事項通知 and the early 住民票の写し are steps of the
 * commit's activity (`afterCommit`, move-in/commit.ts), and the card's settling after the delivery only runs when a
 * 継続利用 was queued — so a 転入 runs three activities (決裁 log, commit, CS delivery) instead of five or six, the
 * Temporal shape of the no-op ceiling. Histories from before ran them as their own activities and replay that way.
 */
export const MOVE_IN_COMMIT_STEP = 'move-in-commit-step';
export const SPECIAL_MOVE_IN_COMMIT_STEP = 'special-move-in-commit-step';

interface CommitStepInput {
  enteredBy: string;
  terminalId?: string;
  requestCertificate: boolean;
  timings?: Partial<WorkflowTimings>;
}

/**
 * The 本登録 step of a 転入 or 特例転入 and what follows it up to the delivery. Call right before the commit activity
 * (the patch is decided there) and pass `args` to it; then `afterCommit` with its result. Histories from before the
 * patch met the card patch after the commit and replay it there.
 */
export function commitStep(caseId: string, o: CommitStepInput, patchId: string) {
  const oneStep = patched(patchId);
  const cardSteps = () => (patched(CARD_CONTINUED_USE) ? continuedUseSteps(caseId, o.timings) : undefined);
  const earlyCard = oneStep ? cardSteps() : undefined;
  const afterCommit: AfterCommit = {
    ...(o.requestCertificate ? { copyFor: { operatorId: o.enteredBy, terminalId: o.terminalId } } : {}),
    ...(earlyCard ? { continuedUse: { today: jstDate(Date.now()) } } : {}),
  };
  return {
    /** The commit activity's extra argument: empty in histories from before the patch. */
    args: oneStep ? { afterCommit } : {},
    /**
     * After the commit returned: the card 継続利用 (queued here in old histories, else its lapsed cards' 廃止),
     * `delivering` (the status change with the case's subjects), the 写し (`issueCopy` where the commit step did not
     * issue it; `earlyCopy: false` keeps it after the delivery) and, in old histories, the 附票 notices.
     */
    async afterCommit<T>(
      committed: CommitResult & { copy?: T },
      p: { delivering: () => Promise<void>; issueCopy: () => Promise<T>; earlyCopy?: boolean },
    ) {
      const card = oneStep ? earlyCard : cardSteps();
      if (oneStep) await card?.cancelLapsed(committed.continuedUse?.lapsed ?? []);
      else await card?.before(committed.addresseeNumbers);
      await p.delivering();
      const issued = committed.copy;
      const copy = oneStep
        ? {
            issuedEarly: issued !== undefined,
            afterDelivery: async (): Promise<T | undefined> =>
              issued ?? (o.requestCertificate ? await p.issueCopy() : undefined),
          }
        : await certificateAfterCommit(p.issueCopy, { wanted: o.requestCertificate, early: p.earlyCopy });
      if (!oneStep) await queueAddressAnnexNotices(caseId, o.timings);
      return {
        copy,
        /** After the delivery: settles the card 継続利用 (a one-step commit knows whether one was queued). */
        async settleCard(): Promise<void> {
          if (!oneStep || committed.continuedUse?.pending.length) await card?.after();
        },
      };
    },
  };
}

import { condition, defineSignal, setHandler } from '@temporalio/workflow';
import { CaseStatus, Procedure } from '../domain/case-status';
import { registry } from './shared/proxies';
import { caseStatusTracker } from './shared/status';

/** The held row changed: a newer message replaced it, or a 特例転入 reserved, released or used it. */
export const certificateUpdatedSignal = defineSignal('certificateUpdated');

/**
 * Destination side (domain.md §4.5): holds received 転出証明書情報 and purges it — deleting the personal data and
 * keeping a non-personal stub — at 00:00 JST on 転出予定日 + 31 unless a 特例転入 used it. A certificate whose
 * deadline has already passed on arrival is purged at once; a newer message restarts the timer; while a 特例転入
 * has it IN_USE the purge waits for that case to end.
 */
export async function heldCertificateWorkflow(input: {
  heldId: string;
}): Promise<{ heldId: string; status: CaseStatus }> {
  const { heldId } = input;
  const status = caseStatusTracker(heldId, Procedure.HELD_MOVE_OUT_CERTIFICATE, CaseStatus.HELD);
  let changed = false;
  setHandler(certificateUpdatedSignal, () => {
    changed = true;
  });
  for (;;) {
    changed = false;
    const held = await registry.loadHeldCertificate({ heldId });
    if (held.state === 'USED') {
      await status.set(CaseStatus.USED);
      return { heldId, status: CaseStatus.USED };
    }
    if (held.state === 'PURGED') {
      await status.set(CaseStatus.PURGED); // purged at once (e.g. withdrawn by the origin)
      return { heldId, status: CaseStatus.PURGED };
    }
    const wait = new Date(held.purgeAt).getTime() - Date.now();
    if (status.status !== (held.state === 'IN_USE' ? CaseStatus.IN_USE : CaseStatus.HELD)) {
      await status.set(held.state === 'IN_USE' ? CaseStatus.IN_USE : CaseStatus.HELD, { dueAt: held.purgeAt });
    }
    if (wait > 0 || held.state === 'IN_USE') {
      await (wait > 0 ? condition(() => changed, wait) : condition(() => changed));
      continue;
    }
    const purged = await registry.purgeHeldCertificate({ heldId, asOf: new Date(Date.now()).toISOString() });
    if (purged) {
      await status.set(CaseStatus.PURGED);
      return { heldId, status: CaseStatus.PURGED };
    }
  }
}

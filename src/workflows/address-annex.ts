import { patched } from '@temporalio/workflow';
import type { SharedActivities } from '../activities';
import type { WorkflowTimings } from '../domain/retry-policies';
import { activityProxies } from './proxies';

/**
 * Patch: after the 本登録 of a move (転入, 特例転入, 転出 at the counter or online) the 戸籍の附票記載事項通知 are queued
 * in the outbox, so that the case's delivery sends them with its other messages (domain.md §4.1 step 4.4, §4.2 step
 * 6.4, §4.3 step 5.5). Histories recorded before went straight from the commit to the delivery.
 */
export const ADDRESS_ANNEX_NOTICES = 'address-annex-notices-after-commit';

/** Queues the 附票記載事項通知 of a committed move (one per moving person with a 本籍); call before `deliverAll`. */
export async function queueAddressAnnexNotices(caseId: string, timings?: Partial<WorkflowTimings>): Promise<void> {
  if (!patched(ADDRESS_ANNEX_NOTICES)) return;
  const { registry } = activityProxies<SharedActivities>(timings);
  await registry.queueAddressAnnexNotices({ caseId });
}

import { patched } from '@temporalio/workflow';

/**
 * Patch (issue 14 bug 8): the certificate a case issues to the person at the counter (住民票の写し requested at
 * intake, the paper 転出証明書) is issued right after the registry commit, before the CS delivery, so that a CS
 * outage no longer holds it back (the registry is already written; domain spec §5.2). Histories recorded before
 * issued it after the delivery and replay that way.
 */
export const COPY_BEFORE_DELIVERY = 'copy-before-delivery';

/**
 * Call right after the commit (once the case's subjects are on its row). Issues the certificate now in new
 * executions and returns the step for the old place after the delivery: in new executions it only returns the result,
 * in histories from before the patch it issues the certificate there, as they recorded. `early: false` keeps the
 * old place for a certificate that needs what the delivery brings (a 個人番号 J-LIS generates after it).
 */
export async function certificateAfterCommit<T>(
  issue: () => Promise<T>,
  opts: { wanted: boolean; early?: boolean },
): Promise<{ issuedEarly: boolean; afterDelivery: () => Promise<T | undefined> }> {
  if (!opts.wanted) return { issuedEarly: false, afterDelivery: async () => undefined };
  if (opts.early !== false && patched(COPY_BEFORE_DELIVERY)) {
    const result = await issue();
    return { issuedEarly: true, afterDelivery: async () => result };
  }
  return { issuedEarly: false, afterDelivery: issue };
}

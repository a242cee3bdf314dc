/** The ceiling workflow's activities: they return at once (IDs in, IDs out, like the product's). */
export const ceilingActivities = {
  async ceilingStep(a: { caseId: string; step: string }): Promise<{ caseId: string; step: string }> {
    return a;
  },
  /**
   * With BENCH_CEILING_NOTIFY_URL (the bench's), the first projection (決裁待ち) tells the bench, which then sends the
   * 決裁: it reaches the server while this workflow task runs and so takes a task of its own, as a 転入's 決裁 does
   * (it comes after the intake's answer). The POST costs this worker what the intake's answer costs the API.
   */
  async ceilingProject(a: { caseId: string; status: string }): Promise<void> {
    const url = process.env.BENCH_CEILING_NOTIFY_URL;
    if (url && a.status === 'AWAITING_APPROVAL')
      await fetch(`${url}/${encodeURIComponent(a.caseId)}`, { method: 'POST' }).then((r) => r.arrayBuffer());
  },
};
export type CeilingActivities = typeof ceilingActivities;

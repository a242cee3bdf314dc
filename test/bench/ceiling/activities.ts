/** The ceiling workflow's activities: they return at once (IDs in, IDs out, like the product's). */
export const ceilingActivities = {
  async ceilingStep(a: { caseId: string; step: string }): Promise<{ caseId: string; step: string }> {
    return a;
  },
  async ceilingProject(a: { caseId: string; status: string }): Promise<void> {
    void a;
  },
};
export type CeilingActivities = typeof ceilingActivities;

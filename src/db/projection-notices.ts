/**
 * In-process notices of case projection writes (issue 15: statements per 転入). The worker's `projectCase` activity
 * tells, after its write has committed, which status it wrote for which case; the API's human steps that wait for the
 * workflow to project the new status (決裁, 却下, 取下げ: `watchStatus` in src/api/case-service.ts) listen instead of
 * polling the case row, when the worker runs in the same process (`npm start` on one machine, SQLite). In a process
 * without a worker nothing is told, and the API polls the row as before. Case IDs and status codes only.
 */
type Listener = (status: string) => void;

const listeners = new Map<string, Set<Listener>>();
let projectedHere = false;

/** Whether a projection has been written by a worker in this process (so that notices can be expected). */
export const projectionsInThisProcess = (): boolean => projectedHere;

/** Called by `projectCase` once its write of `status` for `caseId` has committed. */
export function caseProjected(caseId: string, status: string): void {
  projectedHere = true;
  const set = listeners.get(caseId);
  if (set) for (const fn of [...set]) fn(status);
}

/** Listens to the projection writes of one case in this process; returns the function that stops listening. */
export function onCaseProjected(caseId: string, fn: Listener): () => void {
  let set = listeners.get(caseId);
  if (!set) listeners.set(caseId, (set = new Set()));
  set.add(fn);
  return () => {
    set.delete(fn);
    if (!set.size && listeners.get(caseId) === set) listeners.delete(caseId);
  };
}

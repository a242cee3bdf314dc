import type { MikroORM } from '@mikro-orm/core';
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { WorkflowStartRequest } from '../db/entities';
import { CaseStatusKey, ProcedureKey } from '../workflows/search-attributes';

/**
 * The workflow start of a case, from its `workflow_start_request` row (written in the intake's transaction), and the
 * reconciler that starts the ones an API never started (issue 15: an API process killed between the case row and
 * the workflow start left the case without its workflow: 決裁 impossible, the case lost). Starting is idempotent:
 * the workflow ID is the case's and a second start is refused by Temporal (REJECT_DUPLICATE), which counts as started.
 */
export async function startCaseWorkflow(orm: MikroORM, temporal: Client, req: WorkflowStartRequest): Promise<void> {
  try {
    await temporal.workflow.start(req.workflowType, {
      workflowId: req.workflowId,
      taskQueue: req.taskQueue,
      args: [req.input],
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      typedSearchAttributes: [
        { key: CaseStatusKey, value: req.caseStatus },
        { key: ProcedureKey, value: req.procedure },
      ],
    });
  } catch (e) {
    if (!(e instanceof WorkflowExecutionAlreadyStartedError)) throw e;
  }
  await orm.em
    .fork()
    .nativeUpdate(WorkflowStartRequest, { caseId: req.caseId, startedAt: null }, { startedAt: new Date() });
}

/** Starts every workflow whose request is older than `graceMs` and not marked started. Returns how many it started. */
export async function startMissingWorkflows(orm: MikroORM, temporal: Client, graceMs: number): Promise<number> {
  const due = await orm.em
    .fork()
    .find(
      WorkflowStartRequest,
      { startedAt: null, createdAt: { $lt: new Date(Date.now() - graceMs) } },
      { orderBy: { createdAt: 'asc' }, limit: 100 },
    );
  for (const req of due) await startCaseWorkflow(orm, temporal, req);
  return due.length;
}

/**
 * Runs `startMissingWorkflows` every `intervalMs` (each API process; two at once are harmless). The log line names
 * the count only. Returns the stop function.
 */
export function runWorkflowStartReconciler(
  orm: MikroORM,
  temporal: Client,
  intervalMs: number,
  log: (line: string) => void = console.log,
): () => void {
  let running = false;
  const tick = async () => {
    if (running) return;
    running = true;
    try {
      const n = await startMissingWorkflows(orm, temporal, intervalMs);
      if (n) log(`workflow starts reconciled: ${n}`);
    } catch (e) {
      log(`workflow start reconciler: ${e instanceof Error ? e.name : 'error'} (retried in ${intervalMs} ms)`);
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void tick(), intervalMs);
  timer.unref();
  void tick();
  return () => clearInterval(timer);
}

import { patched } from '@temporalio/workflow';
import type { CaseAction } from '../domain/case-status';
import type { Actor, ReasonRef } from './case-types';
import type { ActivityProxies } from './proxies';
import { frameLocalActivities } from './status';

/**
 * The patch of the human steps' log (documented, and exported, with the case frame's other patches in
 * `src/workflows/case-workflow.ts`): `recordCaseAction` run as a local activity instead of an activity.
 */
export const CASE_ACTIONS_LOGGED_LOCALLY = 'case-actions-logged-locally';

/**
 * Where a human step is logged: the case, and the activities to call — `registry`'s `recordCaseAction` for histories
 * from before patch `case-actions-logged-locally`, the frame's local activity since.
 */
export type StepLog = { caseId: string; registry: ActivityProxies['registry'] };

/**
 * Writes one entry of the case action log (and its audit record) for a human step. Since patch
 * `case-actions-logged-locally` inside the workflow task that took the step (a local activity, idempotent by its
 * execution like the activity); a history from before replays the activity it recorded.
 */
export async function logAction(
  log: StepLog,
  action: CaseAction,
  actor: Actor,
  reason?: ReasonRef,
  detail: Record<string, unknown> = {},
): Promise<void> {
  const input = {
    caseId: log.caseId,
    action,
    actorId: actor.userId,
    actorRoles: actor.roles,
    terminalId: actor.terminalId,
    // the activity reads the text of `reasonId` from case_note: no staff-typed text in the workflow history
    detail: {
      ...detail,
      ...(reason?.reasonId
        ? { reasonId: reason.reasonId }
        : reason?.reason?.trim()
          ? { reason: reason.reason.trim() }
          : {}),
    },
  };
  if (patched(CASE_ACTIONS_LOGGED_LOCALLY)) await frameLocalActivities.recordCaseAction(input);
  else await log.registry.recordCaseAction(input);
}

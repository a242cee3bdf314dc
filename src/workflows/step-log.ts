import type { CaseAction } from '../domain/case-status';
import type { Actor, ReasonRef } from './case-types';
import type { ActivityProxies } from './proxies';

/** Where a human step is logged: the case, and the activities to call. */
export type StepLog = { caseId: string; registry: ActivityProxies['registry'] };

/** Writes one entry of the case action log (and its audit record) for a human step. */
export async function logAction(
  log: StepLog,
  action: CaseAction,
  actor: Actor,
  reason?: ReasonRef,
  detail: Record<string, unknown> = {},
): Promise<void> {
  await log.registry.recordCaseAction({
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
  });
}

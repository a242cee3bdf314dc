import { commitMoveInActivity } from './commit-move-in';
import { deliverCsMessagesActivity } from './cs-delivery';
import type { ActivityDeps } from './deps';
import { issueResidentRecordCopyActivity } from './issue-certificate';
import { projectionActivities } from './projection';

export type { ActivityDeps } from './deps';

/** All activities, bound to their dependencies (architecture: createActivities(deps) factory). */
export function createActivities(deps: ActivityDeps) {
  return {
    ...projectionActivities(deps),
    commitMoveIn: commitMoveInActivity(deps),
    deliverCsMessages: deliverCsMessagesActivity(deps),
    issueResidentRecordCopy: issueResidentRecordCopyActivity(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;

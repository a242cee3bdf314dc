import { commitMoveInActivity } from './commit-move-in';
import { compensationActivities } from './compensation';
import { counterCertificateActivities } from './counter-certificate';
import { deliverCsMessagesActivity } from './cs-delivery';
import type { ActivityDeps } from './deps';
import { certificateActivities } from './issue-certificate';
import { heldCertificateActivities } from './held-certificate';
import { moveOutActivities } from './move-out';
import { portalNoticeActivities } from './portal-notice';
import { projectionActivities } from './projection';
import { specialMoveInActivities } from './special-move-in';

export type { ActivityDeps } from './deps';

/** All activities, bound to their dependencies (architecture: createActivities(deps) factory). */
export function createActivities(deps: ActivityDeps) {
  return {
    ...projectionActivities(deps),
    ...moveOutActivities(deps),
    ...heldCertificateActivities(deps),
    ...specialMoveInActivities(deps),
    commitMoveIn: commitMoveInActivity(deps),
    deliverCsMessages: deliverCsMessagesActivity(deps),
    ...certificateActivities(deps),
    ...counterCertificateActivities(deps),
    ...compensationActivities(deps),
    ...portalNoticeActivities(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;

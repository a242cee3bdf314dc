import { addressAnnexActivities } from './address-annex-notices';
import { cardEventActivities } from './card-events';
import { certificateActivities } from './certificates';
import { compensationActivities } from './compensation';
import { deliverCsMessagesActivity } from './cs-delivery';
import type { ActivityDeps } from './deps';
import { individualNumberActivities } from './individual-number';
import { projectionActivities } from './projection';

export type { ActivityDeps } from './deps';

/**
 * The activities of the shared case frame, bound to their dependencies (architecture: createActivities(deps)):
 * the projection and case log, partner delivery, certificates, compensation. Each procedure adds its own
 * (`src/procedures/<name>/activities.ts`); the worker registers them all (src/worker/create-worker.ts).
 */
export function sharedActivities(deps: ActivityDeps) {
  return {
    ...projectionActivities(deps),
    deliverCsMessages: deliverCsMessagesActivity(deps),
    ...certificateActivities(deps),
    ...compensationActivities(deps),
    ...addressAnnexActivities(deps),
    ...individualNumberActivities(deps),
    ...cardEventActivities(deps),
  };
}

export type SharedActivities = ReturnType<typeof sharedActivities>;

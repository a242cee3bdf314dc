import { join } from 'node:path';
import type { CounterServiceModule } from '../module';
import { cardEventsProcedureActivities } from './activities';
import { cardEventPaths, cardEventSchemas } from './openapi';
import { cardEventsRouter } from './service';

/**
 * 個人番号カード status events after the handover (domain spec §4.8 item 5) and the card 継続利用 after a 転入 (item 6):
 * the per-person sender workflow, the 継続利用 activities the 転入 workflows call, the clerk's
 * `POST /api/cards/{cardId}/events`; J-LIS's `POST /jlis-inbound/v1/card-suspensions` (src/api/jlis-inbound-router.ts)
 * records through `recordCardSuspension`.
 */
export const cardEvents = {
  kind: 'counter',
  name: 'card-events',
  workflowFile: join(__dirname, 'workflow'),
  activities: cardEventsProcedureActivities,
  openapi: { paths: cardEventPaths, schemas: cardEventSchemas },
  mounts: [{ path: '/api/cards', router: cardEventsRouter }],
} satisfies CounterServiceModule;

import { join } from 'node:path';
import type { CaseProcedureModule } from '../module';
import { cardIssuanceActivities } from './activities';
import { cardIssuanceDefinition } from './definition';
import { cardPaths, cardSchemas } from './openapi';
import { cardIssuancePanel } from './panel';
import { reviewCardHandover } from './review';

/**
 * 個人番号カードの交付: domain spec §4.8. Cases arrive from J-LIS's production report (`POST
 * /jlis-inbound/v1/cards-produced`, src/api/jlis-inbound-router.ts); the handover is the `confirm-review` step.
 */
export const cardIssuance = {
  kind: 'case',
  definition: cardIssuanceDefinition,
  workflowFile: join(__dirname, 'workflow'),
  activities: cardIssuanceActivities,
  review: reviewCardHandover,
  openapi: { paths: cardPaths, schemas: cardSchemas },
  web: { panel: cardIssuancePanel },
} satisfies CaseProcedureModule;

import { join } from 'node:path';
import type { CaseProcedureModule } from '../module';
import { cardIssuanceActivities } from './activities';
import { cardIssuanceDefinition } from './definition';
import { cardPaths, cardSchemas } from './openapi';
import { cardIssuancePanel } from './panel';
import { handoverPanelParts } from './handover-page';
import { reviewCardHandover } from './review';
import { installCardWeb } from './routes';

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
  installWeb: installCardWeb,
  openapi: { paths: cardPaths, schemas: cardSchemas },
  web: { panel: { ...cardIssuancePanel, ...handoverPanelParts } },
} satisfies CaseProcedureModule;

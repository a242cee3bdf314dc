import { join } from 'node:path';
import type { CaseProcedureModule } from '../module';
import { onlineMoveOutActivities } from './activities';
import { onlineMoveOutDefinition } from './definition';
import { portalPaths, portalSchemas } from './openapi';
import { onlineMoveOutPanel } from './panel';
import { portalRouter } from './portal-router';
import { reviewOnlineMoveOut } from './review';
import { installHeadChangeReview } from './head-change-review';

/** オンライン転出 from マイナポータル: domain.md §4.4. Cases arrive through the portal's signed intake. */
export const onlineMoveOut = {
  kind: 'case',
  definition: onlineMoveOutDefinition,
  workflowFile: join(__dirname, 'workflow'),
  activities: onlineMoveOutActivities,
  mounts: [{ path: '/portal/v1', rawBody: true, router: portalRouter }],
  openapi: { paths: portalPaths, schemas: portalSchemas },
  review: reviewOnlineMoveOut,
  installWeb: installHeadChangeReview,
  web: { panel: onlineMoveOutPanel },
} satisfies CaseProcedureModule;

import { join } from 'node:path';
import type { CaseProcedureModule } from '../module';
import { moveWithinActivities } from './commit';
import { moveWithinFormValues } from './form';
import { moveWithinDefinition } from './definition';
import { moveWithinIntake } from './intake';
import { installMoveWithinRoutes } from './page';
import { moveWithinPanel } from './panel';

/** 転居 (a move inside the municipality): domain spec §4.9. */
export const moveWithin = {
  kind: 'case',
  definition: moveWithinDefinition,
  workflowFile: join(__dirname, 'workflow'),
  activities: moveWithinActivities,
  intake: moveWithinIntake,
  web: {
    panel: moveWithinPanel,
    menu: {
      title: '転居届',
      text: '市内で住所を変更する方（世帯全員または一部の方）。住民検索で本人を探し、検索結果または住民票の画面の「転居届を作成」から始めます（世帯員が一覧に表示されます）。',
      links: [{ href: '/search', label: '住民検索から転居届を作成', id: 'menu-move-within', primary: true }],
    },
    installForm: installMoveWithinRoutes,
    formValues: moveWithinFormValues,
  },
} satisfies CaseProcedureModule;

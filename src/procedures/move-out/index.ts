import { join } from 'node:path';
import type { CaseProcedureModule } from '../module';
import { moveOutActivities } from './activities';
import { moveOutDefinition } from './definition';
import { moveOutFormValues } from './form';
import { moveOutIntake } from './intake';
import { installMoveOutRoutes } from './page';
import { moveOutPanel } from './panel';

/** 転出 at the counter (paper or special path): domain.md §4.3, §4.6. */
export const moveOut = {
  kind: 'case',
  definition: moveOutDefinition,
  workflowFile: join(__dirname, 'workflow'),
  activities: moveOutActivities,
  intake: moveOutIntake,
  web: {
    panel: moveOutPanel,
    menu: {
      title: '転出届',
      text: '本市から転出する方。住民検索で本人を探し、検索結果または住民票の画面の「転出届を作成」から始めます（世帯員が一覧に表示されます）。',
      links: [{ href: '/search', label: '住民検索から転出届を作成', id: 'menu-move-out', primary: true }],
    },
    installForm: installMoveOutRoutes,
    formValues: moveOutFormValues,
  },
} satisfies CaseProcedureModule;

import { join } from 'node:path';
import type { CaseProcedureModule } from '../module';
import { householdChangeActivities } from './commit';
import { householdChangeDefinition } from './definition';
import { householdChangeFormValues } from './form';
import { householdChangeIntake } from './intake';
import { householdChangePanel } from './panel';
import { installHouseholdChangeRoutes } from './routes';

/** 世帯変更 (世帯主変更 / 世帯分離 / 世帯合併 / 世帯構成変更): standard spec 4.1.4, domain spec §3.2, §3.3. */
export const householdChange = {
  kind: 'case',
  definition: householdChangeDefinition,
  workflowFile: join(__dirname, 'workflow'),
  activities: householdChangeActivities,
  intake: householdChangeIntake,
  web: {
    panel: householdChangePanel,
    menu: {
      title: '世帯変更届',
      text: '同じ住所での世帯主変更・世帯分離・世帯合併・世帯構成変更です。住民検索で世帯員を探し「世帯変更届を作成」から開くと、世帯の全員が並びます。',
      links: [{ href: '/search', label: '住民検索から世帯を選ぶ', id: 'menu-household-change', primary: true }],
    },
    installForm: installHouseholdChangeRoutes,
    formValues: householdChangeFormValues,
  },
} satisfies CaseProcedureModule;

import { join } from 'node:path';
import type { CaseProcedureModule } from '../module';
import { birthActivities } from './commit';
import { birthDefinition } from './definition';
import { birthFormValues } from './form';
import { birthIntake } from './intake';
import { birthPanel } from './panel';
import { installBirthRoutes } from './routes';

/** 出生: domain spec §4.7. */
export const birth = {
  kind: 'case',
  definition: birthDefinition,
  workflowFile: join(__dirname, 'workflow'),
  activities: birthActivities,
  intake: birthIntake,
  web: {
    panel: birthPanel,
    menu: {
      title: '出生届',
      text: '戸籍の出生届を受理した子の住民票を記載します。住民検索で父母を探し「出生届を作成」から開くと、入る世帯が選ばれます。',
      links: [
        { href: '/intake/birth', label: '出生届を入力する', id: 'menu-birth', primary: true },
        { href: '/search', label: '住民検索から世帯を選ぶ', id: 'menu-birth-search' },
      ],
    },
    installForm: installBirthRoutes,
    formValues: birthFormValues,
  },
} satisfies CaseProcedureModule;

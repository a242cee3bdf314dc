import { join } from 'node:path';
import type { CaseProcedureModule } from '../module';
import { deathActivities } from './commit';
import { deathDefinition } from './definition';
import { deathFormValues } from './form';
import { deathIntake } from './intake';
import { deathPanel } from './panel';
import { installDeathRoutes } from './routes';

/** 死亡: standard spec 4.2.2 (glossary `death`), the 除票 from the 戸籍 side's 死亡届. */
export const death = {
  kind: 'case',
  definition: deathDefinition,
  workflowFile: join(__dirname, 'workflow'),
  activities: deathActivities,
  intake: deathIntake,
  web: {
    panel: deathPanel,
    menu: {
      title: '死亡',
      text: '戸籍の担当が受理した死亡届から、住民票を除票にします。住民検索で亡くなった方を探し「死亡届を作成」から開きます。世帯主が亡くなった場合は新しい世帯主を選びます。',
      links: [{ href: '/search', label: '住民検索から亡くなった方を選ぶ', id: 'menu-death', primary: true }],
    },
    installForm: installDeathRoutes,
    formValues: deathFormValues,
  },
} satisfies CaseProcedureModule;

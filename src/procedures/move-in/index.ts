import { join } from 'node:path';
import type { CaseProcedureModule } from '../module';
import { moveInActivities } from './commit';
import { moveInDefinition } from './definition';
import { moveInFormValues } from './form';
import { moveInIntake } from './intake';
import { moveInPanel } from './panel';
import { installMoveInRoutes } from './routes';

/** 転入 (paper 転出証明書): domain.md §4.1. */
export const moveIn = {
  kind: 'case',
  definition: moveInDefinition,
  workflowFile: join(__dirname, 'workflow'),
  activities: moveInActivities,
  intake: moveInIntake,
  web: {
    panel: moveInPanel,
    menu: {
      title: '転入届（転出証明書あり）',
      text: '他の市区町村から転入した方。紙の転出証明書を見ながら、転入者・新住所・転入日・前住所・世帯を入力します。',
      links: [{ href: '/intake/move-in', label: '転入届を入力する', id: 'menu-move-in', primary: true }],
    },
    installForm: installMoveInRoutes,
    formValues: moveInFormValues,
  },
} satisfies CaseProcedureModule;

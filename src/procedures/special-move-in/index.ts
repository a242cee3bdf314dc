import { join } from 'node:path';
import type { CaseProcedureModule } from '../module';
import { specialMoveInActivities } from './activities';
import { specialMoveInDefinition } from './definition';
import { specialMoveInFormValues } from './form';
import { specialMoveInIntake } from './intake';
import { installSpecialMoveInRoutes } from './page';
import { specialMoveInPanel } from './panel';

/** 特例転入 with the 個人番号カード: domain.md §4.2. */
export const specialMoveIn = {
  kind: 'case',
  definition: specialMoveInDefinition,
  workflowFile: join(__dirname, 'workflow'),
  activities: specialMoveInActivities,
  intake: specialMoveInIntake,
  web: {
    panel: specialMoveInPanel,
    menu: {
      title: '特例転入届（個人番号カード）',
      text: 'カードを提示して転入する方。本日の来庁予定（保管中の転出証明書情報）から始めると、転出証明書情報の内容が入力済みになります。届いていない場合は空の様式から入力します。',
      links: [
        { href: '/queues?queue=visitors', label: '本日の来庁予定から受付', id: 'menu-visitors', primary: true },
        { href: '/intake/special-move-in', label: '空の様式で入力する', id: 'menu-special' },
      ],
    },
    installForm: installSpecialMoveInRoutes,
    formValues: specialMoveInFormValues,
  },
} satisfies CaseProcedureModule;

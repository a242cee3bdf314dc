import { join } from 'node:path';
import type { CaseProcedureModule } from '../module';
import { heldCertificateActivities } from './activities';
import { heldCertificateDefinition } from './definition';
import { heldCertificatePanel } from './panel';

/** 転出証明書情報 held for a 特例転入 (destination side): domain.md §4.5. Cases arrive from the CS. */
export const heldCertificate = {
  kind: 'case',
  definition: heldCertificateDefinition,
  workflowFile: join(__dirname, 'workflow'),
  activities: heldCertificateActivities,
  web: { panel: heldCertificatePanel },
} satisfies CaseProcedureModule;

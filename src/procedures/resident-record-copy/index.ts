import { join } from 'node:path';
import type { CounterServiceModule } from '../module';
import { residentRecordCopyActivities } from './activities';

/**
 * 住民票の写し and 除票の写し at the counter, outside a procedure (domain.md §5.2): its workflow and activity; the API route is
 * POST /api/certificates/resident-record-copy, the form sits on the resident record (page.ts).
 */
export const residentRecordCopy = {
  kind: 'counter',
  name: 'resident-record-copy',
  workflowFile: join(__dirname, 'workflow'),
  activities: residentRecordCopyActivities,
  menu: {
    title: '住民票の写しの交付（窓口）',
    text: '住民検索で請求者の住民票を開き、「住民票の写しの交付」から交付します（除票の方は「除票の写しの交付」）。',
    links: [{ href: '/search', label: '住民検索へ', id: 'menu-copy' }],
  },
} satisfies CounterServiceModule;

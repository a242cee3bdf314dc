import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261123182629 } from './initial-schema';
import { Migration20261123185942 } from './move-pair';
import { Migration20261201185834 } from './work-frame';
import { Migration20261206200000 } from './idempotent-steps';
import { Migration20261207001000 } from './purge';
import { Migration20261207090000Household } from './20261207-household';
import { Migration20261207100000_support } from './support-measures';
import { Migration20261207120000 } from './koseki-annex-notice';
import { Migration20261208000000_foundation } from './20261208-foundation';
import { Migration20261208010000_cards } from './20261208010000-cards';
import { Migration20261208050000_staff_login } from './staff-login';
import { Migration20261208060000_audit_chain } from './20261208060000-audit-chain';
import { Migration20261208060100_portal_signed } from './20261208060100-portal-signed';
import { Migration20261208070000_case_note } from './20261208070000-case-note';
import { Migration20261209030000_application_versions } from './20261209030000-application-versions';
import { Migration20261210120000_workflow_start } from './20261210120000-workflow-start';
import { Migration20261212140000_withdrawal_match_key } from './20261212140000-withdrawal-match-key';
import { Migration20261212150000_audit_head_trigger } from './20261212150000-audit-head-trigger';
import { Migration20261212190000_withdrawal_match_until } from './20261212190000-withdrawal-match-until';
import { Migration20261209060000_staff_admin } from './20261209060000-staff-admin';
import { Migration20261210150000_search_scale } from './20261210150000-search-scale';

/** Applied in order; names are stable identifiers recorded in mikro_orm_migrations. */
export const sqliteMigrations: MigrationObject[] = [
  { name: 'Migration20261123182629', class: Migration20261123182629 },
  { name: 'Migration20261123185942', class: Migration20261123185942 },
  { name: 'Migration20261201185834', class: Migration20261201185834 },
  { name: 'Migration20261206200000', class: Migration20261206200000 },
  { name: 'Migration20261207001000_purge', class: Migration20261207001000 },
  { name: 'Migration20261207090000_household', class: Migration20261207090000Household },
  { name: 'Migration20261207100000_support', class: Migration20261207100000_support },
  { name: 'Migration20261207120000_koseki', class: Migration20261207120000 },
  { name: 'Migration20261208000000_foundation', class: Migration20261208000000_foundation },
  { name: 'Migration20261208010000_cards', class: Migration20261208010000_cards },
  { name: 'Migration20261208050000_staff_login', class: Migration20261208050000_staff_login },
  { name: 'Migration20261208060000_audit_chain', class: Migration20261208060000_audit_chain },
  { name: 'Migration20261208060100_portal_signed', class: Migration20261208060100_portal_signed },
  { name: 'Migration20261208070000_case_note', class: Migration20261208070000_case_note },
  { name: 'Migration20261209030000_application_versions', class: Migration20261209030000_application_versions },
  { name: 'Migration20261209060000_staff_admin', class: Migration20261209060000_staff_admin },
  { name: 'Migration20261210150000_search_scale', class: Migration20261210150000_search_scale },
  { name: 'Migration20261210120000_workflow_start', class: Migration20261210120000_workflow_start },
  { name: 'Migration20261212140000_withdrawal_match_key', class: Migration20261212140000_withdrawal_match_key },
  { name: 'Migration20261212150000_audit_head_trigger', class: Migration20261212150000_audit_head_trigger },
  { name: 'Migration20261212190000_withdrawal_match_until', class: Migration20261212190000_withdrawal_match_until },
];

import { Migration } from '@mikro-orm/migrations';

/** Human steps keyed by the activity execution that wrote them (a retried activity writes no second row). */
export class Migration20261206200000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table \`case_action_log\` add column \`step_key\` text null;`);
    this.addSql(`create unique index \`case_action_log_step_key_unique\` on \`case_action_log\` (\`step_key\`);`);
  }
}

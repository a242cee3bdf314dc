import { Migration } from '@mikro-orm/migrations';

/** Human steps keyed by the activity execution that wrote them (a retried activity writes no second row). */
export class Migration20261206200000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table \`case_action_log\` add \`step_key\` varchar(200) null;`);
    this.addSql(`alter table \`case_action_log\` add unique \`case_action_log_step_key_unique\`(\`step_key\`);`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table \`case_action_log\` drop index \`case_action_log_step_key_unique\`;`);
    this.addSql(`alter table \`case_action_log\` drop column \`step_key\`;`);
  }
}

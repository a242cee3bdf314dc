import { Migration } from '@mikro-orm/migrations';

export class Migration20261210120000_workflow_start extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table \`workflow_start_request\` (\`case_id\` varchar(64) not null, \`workflow_type\` varchar(64) not null, \`workflow_id\` varchar(128) not null, \`task_queue\` varchar(128) not null, \`input\` json not null, \`case_status\` varchar(40) not null, \`procedure\` varchar(40) not null, \`created_at\` datetime not null, \`started_at\` datetime null, primary key (\`case_id\`)) default character set utf8mb4 engine = InnoDB;`,
    );
    this.addSql(
      `alter table \`workflow_start_request\` add index \`workflow_start_request_started_at_created_at_index\`(\`started_at\`, \`created_at\`);`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists \`workflow_start_request\`;`);
  }
}

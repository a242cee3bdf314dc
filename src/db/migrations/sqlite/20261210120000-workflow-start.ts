import { Migration } from '@mikro-orm/migrations';

export class Migration20261210120000_workflow_start extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table \`workflow_start_request\` (\`case_id\` text not null, \`workflow_type\` text not null, \`workflow_id\` text not null, \`task_queue\` text not null, \`input\` json not null, \`case_status\` text not null, \`procedure\` text not null, \`created_at\` datetime not null, \`started_at\` datetime null, primary key (\`case_id\`));`,
    );
    this.addSql(
      `create index \`workflow_start_request_started_at_created_at_index\` on \`workflow_start_request\` (\`started_at\`, \`created_at\`);`,
    );
  }
}

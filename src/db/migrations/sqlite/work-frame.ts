import { Migration } from '@mikro-orm/migrations';

export class Migration20261201185834 extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table \`partner_call\` (\`id\` integer not null primary key autoincrement, \`partner\` text not null, \`operation\` text not null, \`ok\` integer not null, \`http_status\` integer null, \`error_code\` text null, \`duration_ms\` integer not null, \`case_id\` text null, \`at\` datetime not null);`,
    );
    this.addSql(`create index \`partner_call_partner_at_index\` on \`partner_call\` (\`partner\`, \`at\`);`);
    this.addSql(`create index \`partner_call_at_index\` on \`partner_call\` (\`at\`);`);

    this.addSql(
      `create table \`portal_nonce\` (\`id\` text not null, \`expires_at\` datetime not null, primary key (\`id\`));`,
    );
    this.addSql(`create index \`portal_nonce_expires_at_index\` on \`portal_nonce\` (\`expires_at\`);`);

    this.addSql(
      `create table \`portal_rejection\` (\`id\` integer not null primary key autoincrement, \`application_id\` text not null, \`stage\` text not null, \`reasons\` json not null, \`signer_serial\` text null, \`received_at\` datetime not null);`,
    );
    this.addSql(`create index \`portal_rejection_application_id_index\` on \`portal_rejection\` (\`application_id\`);`);
    this.addSql(`create index \`portal_rejection_received_at_index\` on \`portal_rejection\` (\`received_at\`);`);

    this.addSql(`alter table \`case_record\` add column \`maker_id\` text null;`);
    this.addSql(`alter table \`case_record\` add column \`awaiting_role\` text null;`);
    this.addSql(`alter table \`case_record\` add column \`escalated\` integer not null default false;`);
    this.addSql(`alter table \`case_record\` add column \`planned_visit_date\` text null;`);
    this.addSql(`alter table \`case_record\` add column \`revision\` integer not null default 0;`);
    this.addSql(
      `create index \`case_record_awaiting_role_assigned_to_index\` on \`case_record\` (\`awaiting_role\`, \`assigned_to\`);`,
    );
    this.addSql(`create index \`case_record_planned_visit_date_index\` on \`case_record\` (\`planned_visit_date\`);`);

    this.addSql(`alter table \`held_move_out_certificate\` add column \`withdrawn_at\` datetime null;`);
  }
}

import { Migration } from '@mikro-orm/migrations';

export class Migration20261123185942 extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table \`held_move_out_certificate\` (\`held_id\` text not null, \`origin_municipality_code\` text not null, \`message_id\` text not null, \`resident_record_code\` text null, \`planned_move_out_date\` text null, \`payload_enc\` text null, \`planned_visit_date\` text null, \`state\` text not null default 'HELD', \`received_at\` datetime not null, \`purge_at\` datetime null, \`purged_at\` datetime null, \`replaced_count\` integer not null default 0, \`used_by_case_id\` text null, primary key (\`held_id\`));`,
    );
    this.addSql(
      `create index \`held_move_out_certificate_resident_record_code_state_index\` on \`held_move_out_certificate\` (\`resident_record_code\`, \`state\`);`,
    );
    this.addSql(
      `create index \`held_move_out_certificate_state_purge_at_index\` on \`held_move_out_certificate\` (\`state\`, \`purge_at\`);`,
    );

    this.addSql(
      `create table \`inbound_message\` (\`id\` integer not null primary key autoincrement, \`kind\` text not null, \`idempotency_key\` text not null, \`from_municipality_code\` text not null, \`body_enc\` text null, \`status\` text not null, \`case_id\` text null, \`received_at\` datetime not null);`,
    );
    this.addSql(
      `create unique index \`inbound_message_idempotency_key_unique\` on \`inbound_message\` (\`idempotency_key\`);`,
    );
  }
}

import { Migration } from '@mikro-orm/migrations';

/** Issue 11 (branch foundation): the 住民票コード pool, 個人番号 generation requests and answers, 送付先情報. */
export class Migration20261208000000_foundation extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table \`resident_code_pool\` (\`code\` text not null primary key, \`batch_id\` text not null, \`received_at\` datetime not null, \`used_at\` datetime null, \`used_by_case_id\` text null);`,
    );
    this.addSql(`create index \`resident_code_pool_used_at_index\` on \`resident_code_pool\` (\`used_at\`);`);
    this.addSql(
      `create table \`individual_number_request\` (\`request_key\` text not null primary key, \`case_id\` text not null, \`addressee_number\` text not null, \`resident_record_code\` text not null, \`state\` text not null, \`requested_at\` datetime not null, \`recorded_at\` datetime null, \`attention_reason\` text null, \`attention_at\` datetime null, \`mismatch_count\` integer not null);`,
    );
    this.addSql(
      `create unique index \`individual_number_request_case_id_addressee_number_unique\` on \`individual_number_request\` (\`case_id\`, \`addressee_number\`);`,
    );
    this.addSql(
      `create index \`individual_number_request_attention_reason_index\` on \`individual_number_request\` (\`attention_reason\`);`,
    );
    this.addSql(
      `create table \`individual_number_answer\` (\`id\` integer not null primary key autoincrement, \`answer_key\` text not null, \`request_key\` text not null, \`resident_record_code\` text not null, \`number_enc\` text null, \`number_index\` text null, \`status\` text not null, \`received_at\` datetime not null);`,
    );
    this.addSql(
      `create unique index \`individual_number_answer_answer_key_unique\` on \`individual_number_answer\` (\`answer_key\`);`,
    );
    this.addSql(
      `create index \`individual_number_answer_request_key_index\` on \`individual_number_answer\` (\`request_key\`);`,
    );
    this.addSql(
      `create table \`delivery_address_info\` (\`key\` text not null primary key, \`case_id\` text not null, \`addressee_number\` text not null, \`outbox_key\` text not null, \`state\` text not null, \`created_at\` datetime not null, \`purge_at\` datetime not null, \`receipt_at\` datetime null, \`purged_at\` datetime null, \`purge_reason\` text null);`,
    );
    this.addSql(
      `create index \`delivery_address_info_state_purge_at_index\` on \`delivery_address_info\` (\`state\`, \`purge_at\`);`,
    );
  }
}

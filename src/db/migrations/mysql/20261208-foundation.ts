import { Migration } from '@mikro-orm/migrations';

/** Issue 11 (branch foundation): the 住民票コード pool, 個人番号 generation requests and answers, 送付先情報. */
export class Migration20261208000000_foundation extends Migration {
  override async up(): Promise<void> {
    const engine = 'default character set utf8mb4 engine = InnoDB';
    this.addSql(
      `create table \`resident_code_pool\` (\`code\` varchar(11) not null, \`batch_id\` varchar(64) not null, \`received_at\` datetime not null, \`used_at\` datetime null, \`used_by_case_id\` varchar(64) null, primary key (\`code\`)) ${engine};`,
    );
    this.addSql(`alter table \`resident_code_pool\` add index \`resident_code_pool_used_at_index\`(\`used_at\`);`);
    this.addSql(
      `create table \`individual_number_request\` (\`request_key\` varchar(128) not null, \`case_id\` varchar(64) not null, \`addressee_number\` varchar(16) not null, \`resident_record_code\` varchar(11) not null, \`state\` varchar(20) not null, \`requested_at\` datetime not null, \`recorded_at\` datetime null, \`attention_reason\` varchar(40) null, \`attention_at\` datetime null, \`mismatch_count\` int not null, primary key (\`request_key\`)) ${engine};`,
    );
    this.addSql(
      `alter table \`individual_number_request\` add unique \`individual_number_request_case_id_addressee_number_unique\`(\`case_id\`, \`addressee_number\`);`,
    );
    this.addSql(
      `alter table \`individual_number_request\` add index \`individual_number_request_attention_reason_index\`(\`attention_reason\`);`,
    );
    this.addSql(
      `create table \`individual_number_answer\` (\`id\` int unsigned not null auto_increment primary key, \`answer_key\` varchar(128) not null, \`request_key\` varchar(128) not null, \`resident_record_code\` varchar(11) not null, \`number_enc\` text null, \`number_index\` varchar(64) null, \`status\` varchar(20) not null, \`received_at\` datetime not null) ${engine};`,
    );
    this.addSql(
      `alter table \`individual_number_answer\` add unique \`individual_number_answer_answer_key_unique\`(\`answer_key\`);`,
    );
    this.addSql(
      `alter table \`individual_number_answer\` add index \`individual_number_answer_request_key_index\`(\`request_key\`);`,
    );
    this.addSql(
      `create table \`delivery_address_info\` (\`key\` varchar(128) not null, \`case_id\` varchar(64) not null, \`addressee_number\` varchar(16) not null, \`outbox_key\` varchar(128) not null, \`state\` varchar(10) not null, \`created_at\` datetime not null, \`purge_at\` datetime not null, \`receipt_at\` datetime null, \`purged_at\` datetime null, \`purge_reason\` varchar(10) null, primary key (\`key\`)) ${engine};`,
    );
    this.addSql(
      `alter table \`delivery_address_info\` add index \`delivery_address_info_state_purge_at_index\`(\`state\`, \`purge_at\`);`,
    );
  }

  override async down(): Promise<void> {
    for (const t of [
      'delivery_address_info',
      'individual_number_answer',
      'individual_number_request',
      'resident_code_pool',
    ])
      this.addSql(`drop table if exists \`${t}\`;`);
  }
}

import { Migration } from '@mikro-orm/migrations';

export class Migration20261123185942 extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table \`held_move_out_certificate\` (\`held_id\` varchar(36) not null, \`origin_municipality_code\` varchar(6) not null, \`message_id\` varchar(128) not null, \`resident_record_code\` varchar(11) null, \`planned_move_out_date\` varchar(10) null, \`payload_enc\` text null, \`planned_visit_date\` varchar(10) null, \`state\` varchar(10) not null default 'HELD', \`received_at\` datetime not null, \`purge_at\` datetime null, \`purged_at\` datetime null, \`replaced_count\` int not null default 0, \`used_by_case_id\` varchar(64) null, primary key (\`held_id\`)) default character set utf8mb4 engine = InnoDB;`,
    );
    this.addSql(
      `alter table \`held_move_out_certificate\` add index \`held_move_out_certificate_resident_record_code_state_index\`(\`resident_record_code\`, \`state\`);`,
    );
    this.addSql(
      `alter table \`held_move_out_certificate\` add index \`held_move_out_certificate_state_purge_at_index\`(\`state\`, \`purge_at\`);`,
    );

    this.addSql(
      `create table \`inbound_message\` (\`id\` int unsigned not null auto_increment primary key, \`kind\` varchar(40) not null, \`idempotency_key\` varchar(128) not null, \`from_municipality_code\` varchar(6) not null, \`body_enc\` text null, \`status\` varchar(20) not null, \`case_id\` varchar(64) null, \`received_at\` datetime not null) default character set utf8mb4 engine = InnoDB;`,
    );
    this.addSql(
      `alter table \`inbound_message\` add unique \`inbound_message_idempotency_key_unique\`(\`idempotency_key\`);`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists \`held_move_out_certificate\`;`);

    this.addSql(`drop table if exists \`inbound_message\`;`);
  }
}

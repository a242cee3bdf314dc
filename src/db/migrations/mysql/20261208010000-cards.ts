import { Migration } from '@mikro-orm/migrations';

/** Issue 12 (branch card-core): 個人番号カード records and their status events (domain spec §4.8). */
export class Migration20261208010000_cards extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table \`card_event\` (\`id\` int unsigned not null auto_increment primary key, \`card_id\` varchar(32) not null, \`resident_record_code\` varchar(11) not null, \`kind\` varchar(30) not null, \`event_date\` varchar(10) not null, \`reason\` varchar(40) null, \`origin\` varchar(10) not null, \`recorded_by\` varchar(64) not null, \`sequence_number\` int null, \`idempotency_key\` varchar(128) null, \`sent_at\` datetime null, \`ack_id\` varchar(128) null, \`request_key\` varchar(160) not null, \`from_status\` varchar(30) not null, \`to_status\` varchar(30) not null, \`recorded_at\` datetime not null) default character set utf8mb4 engine = InnoDB;`,
    );
    this.addSql(`alter table \`card_event\` add index \`card_event_card_id_index\` (\`card_id\`);`);
    this.addSql(
      `alter table \`card_event\` add index \`card_event_resident_record_code_sent_at_index\` (\`resident_record_code\`, \`sent_at\`);`,
    );
    this.addSql(`alter table \`card_event\` add unique \`card_event_request_key_unique\` (\`request_key\`);`);
    this.addSql(
      `alter table \`card_event\` add unique \`card_event_resident_record_code_sequence_number_unique\` (\`resident_record_code\`, \`sequence_number\`);`,
    );
    this.addSql(
      `create table \`my_number_card\` (\`card_id\` varchar(32) not null, \`addressee_number\` varchar(16) not null, \`resident_record_code\` varchar(11) not null, \`status\` varchar(30) not null, \`produced_on\` varchar(10) not null, \`at_office_on\` varchar(10) null, \`notice_sent_on\` varchar(10) null, \`storage_limit_date\` varchar(10) null, \`issued_on\` varchar(10) null, \`expiry_date\` varchar(10) null, \`has_signing_cert\` tinyint(1) not null default false, \`signing_cert_issued\` tinyint(1) null, \`case_id\` varchar(64) null, \`created_at\` datetime not null, \`updated_at\` datetime not null, \`version\` int not null default 1, primary key (\`card_id\`)) default character set utf8mb4 engine = InnoDB;`,
    );
    this.addSql(
      `alter table \`my_number_card\` add index \`my_number_card_addressee_number_index\` (\`addressee_number\`);`,
    );
    this.addSql(
      `alter table \`my_number_card\` add index \`my_number_card_resident_record_code_index\` (\`resident_record_code\`);`,
    );
    this.addSql(
      `alter table \`my_number_card\` add index \`my_number_card_status_storage_limit_date_index\` (\`status\`, \`storage_limit_date\`);`,
    );
    this.addSql(
      `alter table \`my_number_card\` add index \`my_number_card_status_expiry_date_index\` (\`status\`, \`expiry_date\`);`,
    );
  }
}

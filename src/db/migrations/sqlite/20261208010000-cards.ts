import { Migration } from '@mikro-orm/migrations';

/** Issue 12 (branch card-core): 個人番号カード records and their status events (domain spec §4.8). */
export class Migration20261208010000_cards extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table \`card_event\` (\`id\` integer not null primary key autoincrement, \`card_id\` text not null, \`resident_record_code\` text not null, \`kind\` text not null, \`event_date\` text not null, \`reason\` text null, \`origin\` text not null, \`recorded_by\` text not null, \`sequence_number\` integer null, \`idempotency_key\` text null, \`sent_at\` datetime null, \`ack_id\` text null, \`request_key\` text not null, \`from_status\` text not null, \`to_status\` text not null, \`recorded_at\` datetime not null);`,
    );
    this.addSql(`create index \`card_event_card_id_index\` on \`card_event\` (\`card_id\`);`);
    this.addSql(
      `create index \`card_event_resident_record_code_sent_at_index\` on \`card_event\` (\`resident_record_code\`, \`sent_at\`);`,
    );
    this.addSql(`create unique index \`card_event_request_key_unique\` on \`card_event\` (\`request_key\`);`);
    this.addSql(
      `create unique index \`card_event_resident_record_code_sequence_number_unique\` on \`card_event\` (\`resident_record_code\`, \`sequence_number\`);`,
    );
    this.addSql(
      `create table \`my_number_card\` (\`card_id\` text not null primary key, \`addressee_number\` text not null, \`resident_record_code\` text not null, \`status\` text not null, \`produced_on\` text not null, \`at_office_on\` text null, \`notice_sent_on\` text null, \`storage_limit_date\` text null, \`issued_on\` text null, \`expiry_date\` text null, \`has_signing_cert\` integer not null default false, \`signing_cert_issued\` integer null, \`case_id\` text null, \`created_at\` datetime not null, \`updated_at\` datetime not null, \`version\` integer not null default 1);`,
    );
    this.addSql(`create index \`my_number_card_addressee_number_index\` on \`my_number_card\` (\`addressee_number\`);`);
    this.addSql(
      `create index \`my_number_card_resident_record_code_index\` on \`my_number_card\` (\`resident_record_code\`);`,
    );
    this.addSql(
      `create index \`my_number_card_status_storage_limit_date_index\` on \`my_number_card\` (\`status\`, \`storage_limit_date\`);`,
    );
    this.addSql(
      `create index \`my_number_card_status_expiry_date_index\` on \`my_number_card\` (\`status\`, \`expiry_date\`);`,
    );
  }
}

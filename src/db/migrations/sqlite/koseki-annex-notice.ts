import { Migration } from '@mikro-orm/migrations';

/** 戸籍の附票記載事項通知 (branch koseki): the 本籍地's municipality code on the 住民票, and the notices kept here. */
export class Migration20261207120000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table \`resident\` add column \`domicile_municipality_code\` text null;`);
    this.addSql(
      `create table \`address_annex_notice\` (\`id\` integer not null primary key autoincrement, \`message_id\` text not null, \`direction\` text not null, \`from_municipality_code\` text not null, \`resident_record_code\` text not null, \`event\` text not null, \`case_id\` text null, \`body_enc\` text not null, \`received_at\` datetime not null);`,
    );
    this.addSql(
      `create unique index \`address_annex_notice_message_id_unique\` on \`address_annex_notice\` (\`message_id\`);`,
    );
    this.addSql(
      `create index \`address_annex_notice_resident_record_code_index\` on \`address_annex_notice\` (\`resident_record_code\`);`,
    );
    this.addSql(`create index \`address_annex_notice_case_id_index\` on \`address_annex_notice\` (\`case_id\`);`);
  }
}

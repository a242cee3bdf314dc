import { Migration } from '@mikro-orm/migrations';

/** 戸籍の附票記載事項通知 (branch koseki): the 本籍地's municipality code on the 住民票, and the notices kept here. */
export class Migration20261207120000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table \`resident\` add \`domicile_municipality_code\` varchar(6) null;`);
    this.addSql(
      `create table \`address_annex_notice\` (\`id\` int unsigned not null auto_increment primary key, \`message_id\` varchar(128) not null, \`direction\` varchar(20) not null, \`from_municipality_code\` varchar(6) not null, \`resident_record_code\` varchar(11) not null, \`event\` varchar(20) not null, \`case_id\` varchar(64) null, \`body_enc\` text not null, \`received_at\` datetime not null) default character set utf8mb4 engine = InnoDB;`,
    );
    this.addSql(
      `alter table \`address_annex_notice\` add unique \`address_annex_notice_message_id_unique\`(\`message_id\`);`,
    );
    this.addSql(
      `alter table \`address_annex_notice\` add index \`address_annex_notice_resident_record_code_index\`(\`resident_record_code\`);`,
    );
    this.addSql(`alter table \`address_annex_notice\` add index \`address_annex_notice_case_id_index\`(\`case_id\`);`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists \`address_annex_notice\`;`);
    this.addSql(`alter table \`resident\` drop column \`domicile_municipality_code\`;`);
  }
}

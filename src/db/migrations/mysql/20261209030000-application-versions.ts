import { Migration } from '@mikro-orm/migrations';

/** Issue 14 item 4: earlier versions of a corrected application (訂正して再提出), encrypted like case_application. */
export class Migration20261209030000_application_versions extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      'create table `case_application_version` (`id` int unsigned not null auto_increment primary key, `case_id` varchar(64) not null, `version` int not null, `payload` json not null, `replaced_by` varchar(64) not null, `replaced_at` datetime not null) default character set utf8mb4 engine = InnoDB;',
    );
    this.addSql(
      'alter table `case_application_version` add unique `case_application_version_case_id_version_unique`(`case_id`, `version`);',
    );
  }
}

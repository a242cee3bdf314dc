import { Migration } from '@mikro-orm/migrations';

/** Issue 14 item 4: earlier versions of a corrected application (訂正して再提出), encrypted like case_application. */
export class Migration20261209030000_application_versions extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      'create table `case_application_version` (`id` integer not null primary key autoincrement, `case_id` text not null, `version` integer not null, `payload` json not null, `replaced_by` text not null, `replaced_at` datetime not null);',
    );
    this.addSql(
      'create unique index `case_application_version_case_id_version_unique` on `case_application_version` (`case_id`, `version`);',
    );
  }
}

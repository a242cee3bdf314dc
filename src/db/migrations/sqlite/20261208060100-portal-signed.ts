import { Migration } from '@mikro-orm/migrations';

/** Issue 13 item 9: the digests of accepted signed online applications (a replay under another ID is refused). */
export class Migration20261208060100_portal_signed extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      'create table `portal_signed_application` (`digest` text not null primary key, `application_id` text not null, `received_at` datetime not null);',
    );
  }
}

import { Migration } from '@mikro-orm/migrations';

/** Issue 13 item 9: the digests of accepted signed online applications (a replay under another ID is refused). */
export class Migration20261208060100_portal_signed extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      'create table `portal_signed_application` (`digest` varchar(64) not null, `application_id` varchar(64) not null, `received_at` datetime not null, primary key (`digest`)) default character set utf8mb4 engine = InnoDB;',
    );
  }
}

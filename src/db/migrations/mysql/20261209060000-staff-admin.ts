import { Migration } from '@mikro-orm/migrations';

/**
 * Issue 14 item 7: staff users managed on screen — the start of a user's validity, the forced password change (first
 * login, after a reset) and the four-eyes password resets.
 */
export class Migration20261209060000_staff_admin extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      'alter table `staff_user` add `valid_from` datetime null, add `must_change_password` tinyint(1) not null default 0;',
    );
    this.addSql(
      'create table `password_reset` (`id` varchar(36) not null, `user_id` varchar(64) not null, `requested_by` varchar(64) not null, `requested_at` datetime not null, `approved_by` varchar(64) null, `approved_at` datetime null, `state` varchar(8) not null, primary key (`id`)) default character set utf8mb4 engine = InnoDB;',
    );
  }
}

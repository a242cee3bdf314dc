import { Migration } from '@mikro-orm/migrations';

/**
 * Issue 14 item 7: staff users managed on screen — the start of a user's validity, the forced password change (first
 * login, after a reset) and the four-eyes password resets.
 */
export class Migration20261209060000_staff_admin extends Migration {
  override async up(): Promise<void> {
    this.addSql('alter table `staff_user` add column `valid_from` datetime null;');
    this.addSql('alter table `staff_user` add column `must_change_password` integer not null default 0;');
    this.addSql(
      'create table `password_reset` (`id` text not null primary key, `user_id` text not null, `requested_by` text not null, `requested_at` datetime not null, `approved_by` text null, `approved_at` datetime null, `state` text not null);',
    );
  }
}

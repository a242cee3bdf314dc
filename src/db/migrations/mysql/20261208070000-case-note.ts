import { Migration } from '@mikro-orm/migrations';

/** Issue 13 item 1: the texts staff type for a human step, encrypted, referenced by ID in the workflow updates. */
export class Migration20261208070000_case_note extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      'create table `case_note` (`id` varchar(36) not null, `case_id` varchar(64) not null, `kind` varchar(40) not null, `text` text not null, `author_id` varchar(64) not null, `created_at` datetime not null, primary key (`id`)) default character set utf8mb4 engine = InnoDB;',
    );
    this.addSql('alter table `case_note` add index `case_note_case_id_index`(`case_id`);');
  }
}

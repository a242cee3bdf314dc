import { Migration } from '@mikro-orm/migrations';

/** Issue 13 item 1: the texts staff type for a human step, encrypted, referenced by ID in the workflow updates. */
export class Migration20261208070000_case_note extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      'create table `case_note` (`id` text not null primary key, `case_id` text not null, `kind` text not null, `text` text not null, `author_id` text not null, `created_at` datetime not null);',
    );
    this.addSql('create index `case_note_case_id_index` on `case_note` (`case_id`);');
  }
}

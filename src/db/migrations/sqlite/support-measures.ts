import { Migration } from '@mikro-orm/migrations';

/** The 支援措置 / 抑止 register and its history (domain.md §8.6), branch support. */
export class Migration20261207100000_support extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table \`support_measure\` (\`measure_id\` text not null primary key, \`kind\` text not null, \`state\` text not null, \`provisional_reason\` text null, \`target_addressee_number\` text not null, \`addressee_numbers\` json not null, \`processes\` json not null, \`level\` text not null, \`start_date\` text not null, \`end_date\` text null, \`personal_enc\` text null, \`pending\` json null, \`entered_by\` text not null, \`confirmed_by\` text null, \`released_until\` datetime null, \`released_by\` text null, \`created_at\` datetime not null, \`updated_at\` datetime not null);`,
    );
    this.addSql(
      `create index \`support_measure_target_addressee_number_index\` on \`support_measure\` (\`target_addressee_number\`);`,
    );
    this.addSql(`create index \`support_measure_state_index\` on \`support_measure\` (\`state\`);`);

    this.addSql(
      `create table \`support_measure_event\` (\`id\` integer not null primary key autoincrement, \`measure_id\` text not null, \`at\` datetime not null, \`actor_id\` text not null, \`action\` text not null, \`state\` text not null, \`detail\` json null);`,
    );
    this.addSql(
      `create index \`support_measure_event_measure_id_index\` on \`support_measure_event\` (\`measure_id\`);`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists \`support_measure\`;`);
    this.addSql(`drop table if exists \`support_measure_event\`;`);
  }
}

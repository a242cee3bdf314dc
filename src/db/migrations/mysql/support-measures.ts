import { Migration } from '@mikro-orm/migrations';

/** The 支援措置 / 抑止 register and its history (domain.md §8.6), branch support. */
export class Migration20261207100000_support extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table \`support_measure\` (\`measure_id\` varchar(36) not null, \`kind\` varchar(12) not null, \`state\` varchar(12) not null, \`provisional_reason\` varchar(12) null, \`target_addressee_number\` varchar(16) not null, \`addressee_numbers\` json not null, \`processes\` json not null, \`level\` varchar(8) not null, \`start_date\` varchar(10) not null, \`end_date\` varchar(10) null, \`personal_enc\` text null, \`pending\` json null, \`entered_by\` varchar(64) not null, \`confirmed_by\` varchar(64) null, \`released_until\` datetime null, \`released_by\` varchar(64) null, \`created_at\` datetime not null, \`updated_at\` datetime not null, primary key (\`measure_id\`)) default character set utf8mb4 engine = InnoDB;`,
    );
    this.addSql(
      `alter table \`support_measure\` add index \`support_measure_target_addressee_number_index\` (\`target_addressee_number\`);`,
    );
    this.addSql(`alter table \`support_measure\` add index \`support_measure_state_index\` (\`state\`);`);

    this.addSql(
      `create table \`support_measure_event\` (\`id\` int unsigned not null auto_increment primary key, \`measure_id\` varchar(36) not null, \`at\` datetime not null, \`actor_id\` varchar(64) not null, \`action\` varchar(20) not null, \`state\` varchar(12) not null, \`detail\` json null) default character set utf8mb4 engine = InnoDB;`,
    );
    this.addSql(
      `alter table \`support_measure_event\` add index \`support_measure_event_measure_id_index\` (\`measure_id\`);`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists \`support_measure\`;`);
    this.addSql(`drop table if exists \`support_measure_event\`;`);
  }
}

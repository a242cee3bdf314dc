import { Migration } from '@mikro-orm/migrations';

/** Issue 13 item 6: the audit hash chain (position, previous hash, own hash per row) and its head row. */
export class Migration20261208060000_audit_chain extends Migration {
  override async up(): Promise<void> {
    this.addSql('alter table `audit_log` add column `chain_seq` integer null;');
    this.addSql('alter table `audit_log` add column `prev_hash` text null;');
    this.addSql('alter table `audit_log` add column `row_hash` text null;');
    this.addSql('create unique index `audit_log_chain_seq_unique` on `audit_log` (`chain_seq`);');
    this.addSql(
      'create table `audit_chain_head` (`id` integer not null primary key, `last_seq` integer not null, `last_hash` text not null);',
    );
    this.addSql(
      `insert into \`audit_chain_head\` (\`id\`, \`last_seq\`, \`last_hash\`) values (1, 0, '${'0'.repeat(64)}');`,
    );
  }
}

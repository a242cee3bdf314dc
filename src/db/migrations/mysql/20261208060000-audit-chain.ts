import { Migration } from '@mikro-orm/migrations';

/** Issue 13 item 6: the audit hash chain (position, previous hash, own hash per row) and its head row. */
export class Migration20261208060000_audit_chain extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      'alter table `audit_log` add `chain_seq` int unsigned null, add `prev_hash` varchar(64) null, add `row_hash` varchar(64) null;',
    );
    this.addSql('alter table `audit_log` add unique `audit_log_chain_seq_unique`(`chain_seq`);');
    this.addSql(
      'create table `audit_chain_head` (`id` int unsigned not null, `last_seq` int unsigned not null, `last_hash` varchar(64) not null, primary key (`id`)) default character set utf8mb4 engine = InnoDB;',
    );
    this.addSql(
      `insert into \`audit_chain_head\` (\`id\`, \`last_seq\`, \`last_hash\`) values (1, 0, '${'0'.repeat(64)}');`,
    );
  }
}

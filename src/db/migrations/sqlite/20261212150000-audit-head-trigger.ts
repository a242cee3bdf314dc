import { Migration } from '@mikro-orm/migrations';

/**
 * Issue 15 (statements per 転入): on SQLite the chain head follows each chained audit row by a trigger, inside the
 * row's INSERT, instead of a separate UPDATE from the application (src/db/audit-chain.ts). MySQL / MariaDB keep the
 * application's UPDATE: creating a trigger there needs SUPER on a server that writes a binary log.
 */
export class Migration20261212150000_audit_head_trigger extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      'create trigger `audit_chain_head_follows` after insert on `audit_log` when new.`chain_seq` is not null begin ' +
        'update `audit_chain_head` set `last_seq` = new.`chain_seq`, `last_hash` = new.`row_hash` where `id` = 1; end;',
    );
  }

  override async down(): Promise<void> {
    this.addSql('drop trigger if exists `audit_chain_head_follows`;');
  }
}

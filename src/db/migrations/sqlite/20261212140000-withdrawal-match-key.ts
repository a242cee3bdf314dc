import { Migration } from '@mikro-orm/migrations';

/** A 転出証明書情報の取消 that arrived before its certificate waits, by a blind index of what it names (issue 15). */
export class Migration20261212140000_withdrawal_match_key extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table \`inbound_message\` add column \`match_key\` text null;`);
    this.addSql(`create index \`inbound_message_match_key_index\` on \`inbound_message\` (\`match_key\`);`);
  }
}

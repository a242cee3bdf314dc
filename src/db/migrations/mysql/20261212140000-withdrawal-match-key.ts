import { Migration } from '@mikro-orm/migrations';

/** A 転出証明書情報の取消 that arrived before its certificate waits, by a blind index of what it names (issue 15). */
export class Migration20261212140000_withdrawal_match_key extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table \`inbound_message\` add \`match_key\` varchar(64) null;`);
    this.addSql(`alter table \`inbound_message\` add index \`inbound_message_match_key_index\`(\`match_key\`);`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table \`inbound_message\` drop index \`inbound_message_match_key_index\`;`);
    this.addSql(`alter table \`inbound_message\` drop column \`match_key\`;`);
  }
}

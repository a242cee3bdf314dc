import { Migration } from '@mikro-orm/migrations';

/** How long an unmatched 取消's match key is kept: until its certificate's purge instant (issue 15). */
export class Migration20261212190000_withdrawal_match_until extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table \`inbound_message\` add \`match_until\` datetime null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table \`inbound_message\` drop column \`match_until\`;`);
  }
}

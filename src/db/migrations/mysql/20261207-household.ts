import { Migration } from '@mikro-orm/migrations';

/** 異動 recorded ex officio: 職権（申出） (a late 転出, the filing kept as 申出日) or 職権 (世帯主変更), domain.md §3.3. */
export class Migration20261207090000Household extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table \`resident_history\` add \`basis\` varchar(20) null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table \`resident_history\` drop column \`basis\`;`);
  }
}

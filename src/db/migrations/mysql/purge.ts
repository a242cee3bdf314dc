import { Migration } from '@mikro-orm/migrations';

/**
 * Purge means gone (domain spec §4.5; seed 000 L439–440): the CS inbound no longer keeps the body of a 転出証明書情報
 * or of its withdrawal (the held row holds the one copy), so the bodies stored before are erased; purged stubs keep
 * only what §4.5 allows (no deadline derived from the planned date).
 */
export class Migration20261207001000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `update \`inbound_message\` set \`body_enc\` = null where \`kind\` in ('MOVE_OUT_CERTIFICATE_INFO', 'MOVE_OUT_CERTIFICATE_WITHDRAWAL');`,
    );
    this.addSql(
      `update \`held_move_out_certificate\` set \`purge_at\` = null, \`replaced_count\` = 0 where \`state\` = 'PURGED';`,
    );
  }
}

import { Migration } from '@mikro-orm/migrations';

/** Two-factor staff login (issue 13 items 2, 5): WebAuthn credentials, challenges, recoveries, login attempts. */
export class Migration20261208050000_staff_login extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table \`staff_user\` add column \`last_login_at\` datetime null;`);
    this.addSql(`alter table \`terminal\` add column \`revoked_at\` datetime null;`);
    this.addSql(`alter table \`terminal\` add column \`revoked_by\` text null;`);
    this.addSql(
      `create table \`login_attempt\` (\`id\` integer not null primary key autoincrement, \`at\` datetime not null, \`user_id\` text not null, \`ip\` text null, \`outcome\` text not null);`,
    );
    this.addSql(`create index \`login_attempt_user_id_at_index\` on \`login_attempt\` (\`user_id\`, \`at\`);`);
    this.addSql(`create index \`login_attempt_ip_at_index\` on \`login_attempt\` (\`ip\`, \`at\`);`);
    this.addSql(
      `create table \`staff_credential\` (\`credential_id\` text not null primary key, \`user_id\` text not null, \`terminal_id\` text not null, \`public_key\` text not null, \`counter\` integer not null, \`transports\` json null, \`enrolled_by\` text not null, \`created_at\` datetime not null, \`revoked_at\` datetime null, \`revoked_by\` text null);`,
    );
    this.addSql(`create index \`staff_credential_user_id_index\` on \`staff_credential\` (\`user_id\`);`);
    this.addSql(
      `create table \`auth_challenge\` (\`id\` text not null primary key, \`challenge\` text not null, \`purpose\` text not null, \`user_id\` text null, \`terminal_id\` text null, \`created_by\` text null, \`expires_at\` datetime not null, \`used_at\` datetime null);`,
    );
    this.addSql(
      `create table \`credential_recovery\` (\`id\` text not null primary key, \`user_id\` text not null, \`reason\` text not null, \`requested_by\` text not null, \`requested_at\` datetime not null, \`approved_by\` text null, \`approved_at\` datetime null, \`state\` text not null);`,
    );
  }

  override async down(): Promise<void> {
    for (const t of ['login_attempt', 'staff_credential', 'auth_challenge', 'credential_recovery'])
      this.addSql(`drop table if exists \`${t}\`;`);
  }
}

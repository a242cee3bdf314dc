import { Migration } from '@mikro-orm/migrations';

/** Two-factor staff login (issue 13 items 2, 5): WebAuthn credentials, challenges, recoveries, login attempts. */
export class Migration20261208050000_staff_login extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table \`staff_user\` add \`last_login_at\` datetime null;`);
    this.addSql(`alter table \`terminal\` add \`revoked_at\` datetime null, add \`revoked_by\` varchar(64) null;`);
    this.addSql(
      `create table \`login_attempt\` (\`id\` int unsigned not null auto_increment primary key, \`at\` datetime not null, \`user_id\` varchar(64) not null, \`ip\` varchar(64) null, \`outcome\` varchar(8) not null) default character set utf8mb4 engine = InnoDB;`,
    );
    this.addSql(`alter table \`login_attempt\` add index \`login_attempt_user_id_at_index\` (\`user_id\`, \`at\`);`);
    this.addSql(`alter table \`login_attempt\` add index \`login_attempt_ip_at_index\` (\`ip\`, \`at\`);`);
    this.addSql(
      `create table \`staff_credential\` (\`credential_id\` varchar(255) not null, \`user_id\` varchar(64) not null, \`terminal_id\` varchar(64) not null, \`public_key\` text not null, \`counter\` int not null, \`transports\` json null, \`enrolled_by\` varchar(64) not null, \`created_at\` datetime not null, \`revoked_at\` datetime null, \`revoked_by\` varchar(64) null, primary key (\`credential_id\`)) default character set utf8mb4 engine = InnoDB;`,
    );
    this.addSql(`alter table \`staff_credential\` add index \`staff_credential_user_id_index\` (\`user_id\`);`);
    this.addSql(
      `create table \`auth_challenge\` (\`id\` varchar(64) not null, \`challenge\` varchar(128) not null, \`purpose\` varchar(8) not null, \`user_id\` varchar(64) null, \`terminal_id\` varchar(64) null, \`created_by\` varchar(64) null, \`expires_at\` datetime not null, \`used_at\` datetime null, primary key (\`id\`)) default character set utf8mb4 engine = InnoDB;`,
    );
    this.addSql(
      `create table \`credential_recovery\` (\`id\` varchar(36) not null, \`user_id\` varchar(64) not null, \`reason\` varchar(200) not null, \`requested_by\` varchar(64) not null, \`requested_at\` datetime not null, \`approved_by\` varchar(64) null, \`approved_at\` datetime null, \`state\` varchar(8) not null, primary key (\`id\`)) default character set utf8mb4 engine = InnoDB;`,
    );
  }

  override async down(): Promise<void> {
    for (const t of ['login_attempt', 'staff_credential', 'auth_challenge', 'credential_recovery'])
      this.addSql(`drop table if exists \`${t}\`;`);
  }
}

import { Migration } from '@mikro-orm/migrations';

export class Migration20261201185834 extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table \`partner_call\` (\`id\` int unsigned not null auto_increment primary key, \`partner\` varchar(10) not null, \`operation\` varchar(40) not null, \`ok\` tinyint(1) not null, \`http_status\` int null, \`error_code\` varchar(64) null, \`duration_ms\` int not null, \`case_id\` varchar(64) null, \`at\` datetime not null) default character set utf8mb4 engine = InnoDB;`,
    );
    this.addSql(`alter table \`partner_call\` add index \`partner_call_partner_at_index\`(\`partner\`, \`at\`);`);
    this.addSql(`alter table \`partner_call\` add index \`partner_call_at_index\`(\`at\`);`);

    this.addSql(
      `create table \`portal_nonce\` (\`id\` varchar(200) not null, \`expires_at\` datetime not null, primary key (\`id\`)) default character set utf8mb4 engine = InnoDB;`,
    );
    this.addSql(`alter table \`portal_nonce\` add index \`portal_nonce_expires_at_index\`(\`expires_at\`);`);

    this.addSql(
      `create table \`portal_rejection\` (\`id\` int unsigned not null auto_increment primary key, \`application_id\` varchar(64) not null, \`stage\` varchar(20) not null, \`reasons\` json not null, \`signer_serial\` varchar(64) null, \`received_at\` datetime not null) default character set utf8mb4 engine = InnoDB;`,
    );
    this.addSql(
      `alter table \`portal_rejection\` add index \`portal_rejection_application_id_index\`(\`application_id\`);`,
    );
    this.addSql(`alter table \`portal_rejection\` add index \`portal_rejection_received_at_index\`(\`received_at\`);`);

    this.addSql(
      `alter table \`case_record\` add \`maker_id\` varchar(64) null, add \`awaiting_role\` varchar(20) null, add \`escalated\` tinyint(1) not null default false, add \`planned_visit_date\` varchar(10) null, add \`revision\` int not null default 0;`,
    );
    this.addSql(
      `alter table \`case_record\` add index \`case_record_awaiting_role_assigned_to_index\`(\`awaiting_role\`, \`assigned_to\`);`,
    );
    this.addSql(
      `alter table \`case_record\` add index \`case_record_planned_visit_date_index\`(\`planned_visit_date\`);`,
    );

    this.addSql(`alter table \`held_move_out_certificate\` add \`withdrawn_at\` datetime null;`);

    this.addSql(`alter table \`outbox_message\` modify \`kind\` varchar(40) not null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists \`partner_call\`;`);

    this.addSql(`drop table if exists \`portal_nonce\`;`);

    this.addSql(`drop table if exists \`portal_rejection\`;`);

    this.addSql(`alter table \`held_move_out_certificate\` drop column \`withdrawn_at\`;`);

    this.addSql(`alter table \`outbox_message\` modify \`kind\` varchar(30) not null;`);

    this.addSql(`alter table \`case_record\` drop index \`case_record_awaiting_role_assigned_to_index\`;`);
    this.addSql(`alter table \`case_record\` drop index \`case_record_planned_visit_date_index\`;`);
    this.addSql(
      `alter table \`case_record\` drop column \`maker_id\`, drop column \`awaiting_role\`, drop column \`escalated\`, drop column \`planned_visit_date\`, drop column \`revision\`;`,
    );
  }
}

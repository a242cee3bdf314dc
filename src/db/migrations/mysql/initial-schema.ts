import { Migration } from '@mikro-orm/migrations';

export class Migration20261123182630 extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table \`audit_log\` (\`id\` int unsigned not null auto_increment primary key, \`at\` datetime not null, \`actor_id\` varchar(64) not null, \`actor_roles\` json not null, \`terminal_id\` varchar(64) null, \`ip\` varchar(64) null, \`action\` varchar(40) not null, \`function\` varchar(128) not null, \`target_addressee_number\` varchar(16) null, \`case_id\` varchar(64) null, \`individual_number_accessed\` tinyint(1) not null default false, \`outcome\` varchar(10) not null default 'ok', \`detail\` json null) default character set utf8mb4 engine = InnoDB;`,
    );
    this.addSql(
      `alter table \`audit_log\` add index \`audit_log_target_addressee_number_index\`(\`target_addressee_number\`);`,
    );
    this.addSql(`alter table \`audit_log\` add index \`audit_log_actor_id_at_index\`(\`actor_id\`, \`at\`);`);
    this.addSql(`alter table \`audit_log\` add index \`audit_log_case_id_index\`(\`case_id\`);`);

    this.addSql(
      `create table \`case_action_log\` (\`id\` int unsigned not null auto_increment primary key, \`case_id\` varchar(64) not null, \`action\` varchar(40) not null, \`actor_id\` varchar(64) not null, \`terminal_id\` varchar(64) null, \`detail\` json null, \`at\` datetime not null) default character set utf8mb4 engine = InnoDB;`,
    );
    this.addSql(`alter table \`case_action_log\` add index \`case_action_log_case_id_index\`(\`case_id\`);`);

    this.addSql(
      `create table \`case_application\` (\`case_id\` varchar(64) not null, \`procedure\` varchar(40) not null, \`idempotency_key\` varchar(128) not null, \`payload_hash\` varchar(64) not null, \`payload\` json not null, \`created_at\` datetime not null, primary key (\`case_id\`)) default character set utf8mb4 engine = InnoDB;`,
    );
    this.addSql(
      `alter table \`case_application\` add unique \`case_application_idempotency_key_unique\`(\`idempotency_key\`);`,
    );

    this.addSql(
      `create table \`case_record\` (\`case_id\` varchar(64) not null, \`procedure\` varchar(40) not null, \`status\` varchar(40) not null, \`workflow_id\` varchar(128) not null, \`entered_by\` varchar(64) not null, \`terminal_id\` varchar(64) null, \`assigned_to\` varchar(64) null, \`decided_by\` varchar(64) null, \`subject_addressee_numbers\` json null, \`flags\` json null, \`needs_attention\` tinyint(1) not null default false, \`attention_reason\` varchar(64) null, \`failing_step\` varchar(64) null, \`attempt\` int null, \`last_error\` varchar(500) null, \`next_retry_at\` datetime null, \`due_at\` datetime null, \`created_at\` datetime not null, \`updated_at\` datetime not null, \`completed_at\` datetime null, primary key (\`case_id\`)) default character set utf8mb4 engine = InnoDB;`,
    );
    this.addSql(
      `alter table \`case_record\` add index \`case_record_status_procedure_index\`(\`status\`, \`procedure\`);`,
    );
    this.addSql(`alter table \`case_record\` add index \`case_record_needs_attention_index\`(\`needs_attention\`);`);
    this.addSql(`alter table \`case_record\` add index \`case_record_created_at_index\`(\`created_at\`);`);

    this.addSql(
      `create table \`certificate_issuance\` (\`certificate_id\` varchar(36) not null, \`issue_number\` varchar(128) not null, \`certificate_type\` varchar(40) not null, \`case_id\` varchar(64) null, \`issued_at\` datetime not null, \`place\` varchar(100) not null, \`target_addressee_numbers\` json not null, \`printed_items\` json not null, \`pages\` int not null, \`terminal_id\` varchar(64) null, \`operator_id\` varchar(64) not null, \`disposal\` varchar(200) null, \`pdf\` longblob not null, primary key (\`certificate_id\`)) default character set utf8mb4 engine = InnoDB;`,
    );
    this.addSql(
      `alter table \`certificate_issuance\` add unique \`certificate_issuance_issue_number_unique\`(\`issue_number\`);`,
    );
    this.addSql(`alter table \`certificate_issuance\` add index \`certificate_issuance_case_id_index\`(\`case_id\`);`);

    this.addSql(
      `create table \`counter\` (\`name\` varchar(64) not null, \`value\` int not null, primary key (\`name\`)) default character set utf8mb4 engine = InnoDB;`,
    );

    this.addSql(
      `create table \`household\` (\`household_number\` varchar(16) not null, \`head_addressee_number\` varchar(16) null, \`active\` tinyint(1) not null default true, \`created_at\` datetime not null, \`updated_at\` datetime not null, primary key (\`household_number\`)) default character set utf8mb4 engine = InnoDB;`,
    );

    this.addSql(
      `create table \`outbox_message\` (\`id\` int unsigned not null auto_increment primary key, \`case_id\` varchar(64) not null, \`kind\` varchar(30) not null, \`resident_record_code\` varchar(11) not null, \`sequence\` int not null, \`idempotency_key\` varchar(128) not null, \`payload_enc\` text not null, \`status\` varchar(20) not null default 'PENDING', \`attempts\` int not null default 0, \`last_error\` varchar(500) null, \`ack_message_id\` varchar(128) null, \`created_at\` datetime not null, \`sent_at\` datetime null) default character set utf8mb4 engine = InnoDB;`,
    );
    this.addSql(
      `alter table \`outbox_message\` add unique \`outbox_message_idempotency_key_unique\`(\`idempotency_key\`);`,
    );
    this.addSql(`alter table \`outbox_message\` add index \`outbox_message_case_id_index\`(\`case_id\`);`);
    this.addSql(`alter table \`outbox_message\` add index \`outbox_message_status_index\`(\`status\`);`);
    this.addSql(
      `alter table \`outbox_message\` add unique \`outbox_message_kind_resident_record_code_sequence_unique\`(\`kind\`, \`resident_record_code\`, \`sequence\`);`,
    );

    this.addSql(
      `create table \`resident\` (\`addressee_number\` varchar(16) not null, \`household_number\` varchar(16) not null, \`resident_record_code\` varchar(11) null, \`former_resident_record_codes\` json null, \`individual_number_enc\` text null, \`individual_number_index\` varchar(64) null, \`family_name\` varchar(100) not null, \`given_name\` varchar(100) not null, \`family_name_kana\` varchar(200) not null, \`given_name_kana\` varchar(200) not null, \`name_kana_confirmed\` tinyint(1) not null default false, \`former_surname\` varchar(100) null, \`former_surname_kana\` varchar(200) null, \`birth_date\` varchar(10) not null, \`birth_date_qualifier\` varchar(40) null, \`sex\` varchar(1) not null, \`relationship_to_head\` varchar(40) not null, \`household_head_name\` varchar(200) null, \`registered_domicile\` varchar(255) null, \`family_register_head\` varchar(200) null, \`address\` varchar(255) not null, \`address_supplement\` varchar(255) null, \`address_code\` varchar(20) null, \`postal_code\` varchar(8) null, \`became_resident_date\` varchar(10) not null, \`address_established_date\` varchar(10) not null, \`ceased_resident_date\` varchar(10) null, \`notification_date\` varchar(10) not null, \`previous_address\` varchar(255) null, \`last_registered_address\` varchar(255) null, \`planned_destination_address\` varchar(255) null, \`planned_move_out_date\` varchar(10) null, \`confirmed_destination_address\` varchar(255) null, \`confirmed_move_out_date\` varchar(10) null, \`move_in_notice_date\` varchar(10) null, \`removal_reason\` varchar(40) null, \`removal_date\` varchar(10) null, \`status\` varchar(20) not null, \`program_eligibility\` json null, \`card_status\` varchar(30) not null, \`legacy_card_status\` varchar(20) not null, \`signing_cert_serial\` varchar(64) null, \`auth_cert_serial\` varchar(64) null, \`change_reason\` varchar(40) not null, \`change_date\` varchar(10) not null, \`is_foreign_resident\` tinyint(1) not null default false, \`nationality_region\` varchar(100) null, \`alphabet_name\` varchar(200) null, \`alias\` varchar(200) null, \`residence_card_number\` varchar(12) null, \`foreign_resident_category\` varchar(20) null, \`status_of_residence\` varchar(100) null, \`period_of_stay\` varchar(40) null, \`period_of_stay_expiry\` varchar(10) null, \`became_foreign_resident_date\` varchar(10) null, \`is_adult_ward\` tinyint(1) not null default false, \`remarks\` varchar(255) null, \`process_id\` varchar(64) null, \`terminal_id\` varchar(64) null, \`updated_by\` varchar(64) null, \`history_number\` int not null, \`updated_at\` datetime not null, \`version\` int not null default 1, primary key (\`addressee_number\`)) default character set utf8mb4 engine = InnoDB;`,
    );
    this.addSql(`alter table \`resident\` add index \`resident_household_number_index\`(\`household_number\`);`);
    this.addSql(
      `alter table \`resident\` add index \`resident_family_name_kana_given_name_kana_index\`(\`family_name_kana\`, \`given_name_kana\`);`,
    );
    this.addSql(`alter table \`resident\` add index \`resident_birth_date_index\`(\`birth_date\`);`);
    this.addSql(`alter table \`resident\` add index \`resident_status_index\`(\`status\`);`);
    this.addSql(
      `alter table \`resident\` add unique \`resident_resident_record_code_unique\`(\`resident_record_code\`);`,
    );
    this.addSql(
      `alter table \`resident\` add unique \`resident_individual_number_index_unique\`(\`individual_number_index\`);`,
    );

    this.addSql(
      `create table \`resident_history\` (\`addressee_number\` varchar(16) not null, \`history_number\` int unsigned not null, \`change_reason\` varchar(40) not null, \`change_date\` varchar(10) not null, \`notification_date\` varchar(10) null, \`processing_date\` varchar(10) not null, \`case_id\` varchar(64) null, \`operator_id\` varchar(64) not null, \`terminal_id\` varchar(64) null, \`place\` varchar(100) null, \`notes\` varchar(255) null, \`snapshot\` json not null, \`created_at\` datetime not null, primary key (\`addressee_number\`, \`history_number\`)) default character set utf8mb4 engine = InnoDB;`,
    );
    this.addSql(`alter table \`resident_history\` add index \`resident_history_case_id_index\`(\`case_id\`);`);

    this.addSql(
      `create table \`staff_session\` (\`token_hash\` varchar(64) not null, \`user_id\` varchar(64) not null, \`terminal_id\` varchar(64) not null, \`ip\` varchar(64) null, \`created_at\` datetime not null, \`last_seen_at\` datetime not null, \`expires_at\` datetime not null, \`revoked_at\` datetime null, primary key (\`token_hash\`)) default character set utf8mb4 engine = InnoDB;`,
    );

    this.addSql(
      `create table \`staff_user\` (\`user_id\` varchar(64) not null, \`display_name\` varchar(100) not null, \`roles\` json not null, \`password_hash\` varchar(255) not null, \`active\` tinyint(1) not null default true, \`failed_logins\` int not null default 0, \`locked_until\` datetime null, \`valid_until\` datetime null, \`created_at\` datetime not null, primary key (\`user_id\`)) default character set utf8mb4 engine = InnoDB;`,
    );

    this.addSql(
      `create table \`terminal\` (\`terminal_id\` varchar(64) not null, \`name\` varchar(64) not null, \`place\` varchar(100) not null, \`printer_name\` varchar(64) not null, \`active\` tinyint(1) not null default true, primary key (\`terminal_id\`)) default character set utf8mb4 engine = InnoDB;`,
    );
  }
}

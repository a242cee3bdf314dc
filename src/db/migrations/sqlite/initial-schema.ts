import { Migration } from '@mikro-orm/migrations';

export class Migration20261123182629 extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table \`audit_log\` (\`id\` integer not null primary key autoincrement, \`at\` datetime not null, \`actor_id\` text not null, \`actor_roles\` json not null, \`terminal_id\` text null, \`ip\` text null, \`action\` text not null, \`function\` text not null, \`target_addressee_number\` text null, \`case_id\` text null, \`individual_number_accessed\` integer not null default false, \`outcome\` text not null default 'ok', \`detail\` json null);`,
    );
    this.addSql(
      `create index \`audit_log_target_addressee_number_index\` on \`audit_log\` (\`target_addressee_number\`);`,
    );
    this.addSql(`create index \`audit_log_actor_id_at_index\` on \`audit_log\` (\`actor_id\`, \`at\`);`);
    this.addSql(`create index \`audit_log_case_id_index\` on \`audit_log\` (\`case_id\`);`);

    this.addSql(
      `create table \`case_action_log\` (\`id\` integer not null primary key autoincrement, \`case_id\` text not null, \`action\` text not null, \`actor_id\` text not null, \`terminal_id\` text null, \`detail\` json null, \`at\` datetime not null);`,
    );
    this.addSql(`create index \`case_action_log_case_id_index\` on \`case_action_log\` (\`case_id\`);`);

    this.addSql(
      `create table \`case_application\` (\`case_id\` text not null, \`procedure\` text not null, \`idempotency_key\` text not null, \`payload_hash\` text not null, \`payload\` json not null, \`created_at\` datetime not null, primary key (\`case_id\`));`,
    );
    this.addSql(
      `create unique index \`case_application_idempotency_key_unique\` on \`case_application\` (\`idempotency_key\`);`,
    );

    this.addSql(
      `create table \`case_record\` (\`case_id\` text not null, \`procedure\` text not null, \`status\` text not null, \`workflow_id\` text not null, \`entered_by\` text not null, \`terminal_id\` text null, \`assigned_to\` text null, \`decided_by\` text null, \`subject_addressee_numbers\` json null, \`flags\` json null, \`needs_attention\` integer not null default false, \`attention_reason\` text null, \`failing_step\` text null, \`attempt\` integer null, \`last_error\` text null, \`next_retry_at\` datetime null, \`due_at\` datetime null, \`created_at\` datetime not null, \`updated_at\` datetime not null, \`completed_at\` datetime null, primary key (\`case_id\`));`,
    );
    this.addSql(`create index \`case_record_status_procedure_index\` on \`case_record\` (\`status\`, \`procedure\`);`);
    this.addSql(`create index \`case_record_needs_attention_index\` on \`case_record\` (\`needs_attention\`);`);
    this.addSql(`create index \`case_record_created_at_index\` on \`case_record\` (\`created_at\`);`);

    this.addSql(
      `create table \`certificate_issuance\` (\`certificate_id\` text not null, \`issue_number\` text not null, \`certificate_type\` text not null, \`case_id\` text null, \`issued_at\` datetime not null, \`place\` text not null, \`target_addressee_numbers\` json not null, \`printed_items\` json not null, \`pages\` integer not null, \`terminal_id\` text null, \`operator_id\` text not null, \`disposal\` text null, \`pdf\` longblob not null, primary key (\`certificate_id\`));`,
    );
    this.addSql(
      `create unique index \`certificate_issuance_issue_number_unique\` on \`certificate_issuance\` (\`issue_number\`);`,
    );
    this.addSql(`create index \`certificate_issuance_case_id_index\` on \`certificate_issuance\` (\`case_id\`);`);

    this.addSql(
      `create table \`counter\` (\`name\` text not null, \`value\` integer not null, primary key (\`name\`));`,
    );

    this.addSql(
      `create table \`household\` (\`household_number\` text not null, \`head_addressee_number\` text null, \`active\` integer not null default true, \`created_at\` datetime not null, \`updated_at\` datetime not null, primary key (\`household_number\`));`,
    );

    this.addSql(
      `create table \`outbox_message\` (\`id\` integer not null primary key autoincrement, \`case_id\` text not null, \`kind\` text not null, \`resident_record_code\` text not null, \`sequence\` integer not null, \`idempotency_key\` text not null, \`payload_enc\` text not null, \`status\` text not null default 'PENDING', \`attempts\` integer not null default 0, \`last_error\` text null, \`ack_message_id\` text null, \`created_at\` datetime not null, \`sent_at\` datetime null);`,
    );
    this.addSql(
      `create unique index \`outbox_message_idempotency_key_unique\` on \`outbox_message\` (\`idempotency_key\`);`,
    );
    this.addSql(`create index \`outbox_message_case_id_index\` on \`outbox_message\` (\`case_id\`);`);
    this.addSql(`create index \`outbox_message_status_index\` on \`outbox_message\` (\`status\`);`);
    this.addSql(
      `create unique index \`outbox_message_kind_resident_record_code_sequence_unique\` on \`outbox_message\` (\`kind\`, \`resident_record_code\`, \`sequence\`);`,
    );

    this.addSql(
      `create table \`resident\` (\`addressee_number\` text not null, \`household_number\` text not null, \`resident_record_code\` text null, \`former_resident_record_codes\` json null, \`individual_number_enc\` text null, \`individual_number_index\` text null, \`family_name\` text not null, \`given_name\` text not null, \`family_name_kana\` text not null, \`given_name_kana\` text not null, \`name_kana_confirmed\` integer not null default false, \`former_surname\` text null, \`former_surname_kana\` text null, \`birth_date\` text not null, \`birth_date_qualifier\` text null, \`sex\` text not null, \`relationship_to_head\` text not null, \`household_head_name\` text null, \`registered_domicile\` text null, \`family_register_head\` text null, \`address\` text not null, \`address_supplement\` text null, \`address_code\` text null, \`postal_code\` text null, \`became_resident_date\` text not null, \`address_established_date\` text not null, \`ceased_resident_date\` text null, \`notification_date\` text not null, \`previous_address\` text null, \`last_registered_address\` text null, \`planned_destination_address\` text null, \`planned_move_out_date\` text null, \`confirmed_destination_address\` text null, \`confirmed_move_out_date\` text null, \`move_in_notice_date\` text null, \`removal_reason\` text null, \`removal_date\` text null, \`status\` text not null, \`program_eligibility\` json null, \`card_status\` text not null, \`legacy_card_status\` text not null, \`signing_cert_serial\` text null, \`auth_cert_serial\` text null, \`change_reason\` text not null, \`change_date\` text not null, \`is_foreign_resident\` integer not null default false, \`nationality_region\` text null, \`alphabet_name\` text null, \`alias\` text null, \`residence_card_number\` text null, \`foreign_resident_category\` text null, \`status_of_residence\` text null, \`period_of_stay\` text null, \`period_of_stay_expiry\` text null, \`became_foreign_resident_date\` text null, \`is_adult_ward\` integer not null default false, \`remarks\` text null, \`process_id\` text null, \`terminal_id\` text null, \`updated_by\` text null, \`history_number\` integer not null, \`updated_at\` datetime not null, \`version\` integer not null default 1, primary key (\`addressee_number\`));`,
    );
    this.addSql(`create index \`resident_household_number_index\` on \`resident\` (\`household_number\`);`);
    this.addSql(
      `create index \`resident_family_name_kana_given_name_kana_index\` on \`resident\` (\`family_name_kana\`, \`given_name_kana\`);`,
    );
    this.addSql(`create index \`resident_birth_date_index\` on \`resident\` (\`birth_date\`);`);
    this.addSql(`create index \`resident_status_index\` on \`resident\` (\`status\`);`);
    this.addSql(
      `create unique index \`resident_resident_record_code_unique\` on \`resident\` (\`resident_record_code\`);`,
    );
    this.addSql(
      `create unique index \`resident_individual_number_index_unique\` on \`resident\` (\`individual_number_index\`);`,
    );

    this.addSql(
      `create table \`resident_history\` (\`addressee_number\` text not null, \`history_number\` integer not null, \`change_reason\` text not null, \`change_date\` text not null, \`notification_date\` text null, \`processing_date\` text not null, \`case_id\` text null, \`operator_id\` text not null, \`terminal_id\` text null, \`place\` text null, \`notes\` text null, \`snapshot\` json not null, \`created_at\` datetime not null, primary key (\`addressee_number\`, \`history_number\`));`,
    );
    this.addSql(`create index \`resident_history_case_id_index\` on \`resident_history\` (\`case_id\`);`);

    this.addSql(
      `create table \`staff_session\` (\`token_hash\` text not null, \`user_id\` text not null, \`terminal_id\` text not null, \`ip\` text null, \`created_at\` datetime not null, \`last_seen_at\` datetime not null, \`expires_at\` datetime not null, \`revoked_at\` datetime null, primary key (\`token_hash\`));`,
    );

    this.addSql(
      `create table \`staff_user\` (\`user_id\` text not null, \`display_name\` text not null, \`roles\` json not null, \`password_hash\` text not null, \`active\` integer not null default true, \`failed_logins\` integer not null default 0, \`locked_until\` datetime null, \`valid_until\` datetime null, \`created_at\` datetime not null, primary key (\`user_id\`));`,
    );

    this.addSql(
      `create table \`terminal\` (\`terminal_id\` text not null, \`name\` text not null, \`place\` text not null, \`printer_name\` text not null, \`active\` integer not null default true, primary key (\`terminal_id\`));`,
    );
  }
}

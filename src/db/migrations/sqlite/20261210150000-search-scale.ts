import { Migration } from '@mikro-orm/migrations';

/**
 * Issue 15 item 4, resident search at 720 000 residents: the person → case side table `case_subject` (filled from
 * `case_record.subject_addressee_numbers`, kept in step by src/db/case-subjects.ts) instead of a JSON scan of every
 * case; an index on the kanji 氏名 beside the kana one (the 氏名 search ORs both); an indexed flag of the rare records
 * with 旧住民票コード, so a 住民票コード search reads those few instead of the JSON column of every record.
 */
export class Migration20261210150000_search_scale extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      'create table `case_subject` (`addressee_number` text not null, `case_id` text not null, primary key (`addressee_number`, `case_id`));',
    );
    this.addSql('create index `case_subject_case_id_index` on `case_subject` (`case_id`);');
    this.addSql(
      'insert or ignore into `case_subject` (`addressee_number`, `case_id`) select j.value, c.case_id from `case_record` c, json_each(c.subject_addressee_numbers) j where c.subject_addressee_numbers is not null and j.value is not null;',
    );
    this.addSql(
      'alter table `resident` add column `has_former_record_codes` integer as (`former_resident_record_codes` is not null and json_array_length(`former_resident_record_codes`) > 0) virtual;',
    );
    this.addSql('create index `resident_family_name_given_name_index` on `resident` (`family_name`, `given_name`);');
    this.addSql('create index `resident_has_former_record_codes_index` on `resident` (`has_former_record_codes`);');
  }
}

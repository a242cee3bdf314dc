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
      'create table `case_subject` (`addressee_number` varchar(16) not null, `case_id` varchar(64) not null, primary key (`addressee_number`, `case_id`), index `case_subject_case_id_index` (`case_id`)) default character set utf8mb4 engine = InnoDB;',
    );
    this.addSql(
      "insert ignore into `case_subject` (`addressee_number`, `case_id`) select j.a, c.case_id from `case_record` c, json_table(c.subject_addressee_numbers, '$[*]' columns (a varchar(16) path '$')) j where c.subject_addressee_numbers is not null and j.a is not null;",
    );
    this.addSql(
      'alter table `resident` add `has_former_record_codes` tinyint(1) as (`former_resident_record_codes` is not null and json_length(`former_resident_record_codes`) > 0) virtual, add index `resident_family_name_given_name_index` (`family_name`, `given_name`), add index `resident_has_former_record_codes_index` (`has_former_record_codes`);',
    );
  }
}

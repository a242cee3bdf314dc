import { raw, type EntityManager, type EventArgs, type EventSubscriber } from '@mikro-orm/core';
import { CaseRecord } from './entities';

/**
 * The person → case side table (`case_subject`, one row per 宛名番号 in `case_record.subject_addressee_numbers`):
 * "この方の案件" and the search's pending-case flag look a person up by its index instead of scanning the JSON column
 * of every case (issue 15 item 4). `CaseSubjectSubscriber` keeps it in step with every write of the column through the
 * ORM, in the same transaction; a native update of the column calls `syncCaseSubjects` itself.
 */
export async function syncCaseSubjects(
  em: EntityManager,
  cases: ReadonlyArray<readonly [caseId: string, subjects: readonly string[]]>,
): Promise<void> {
  if (!cases.length) return;
  const conn = em.getConnection();
  const ctx = em.getTransactionContext();
  await conn.execute(
    `delete from case_subject where case_id in (${cases.map(() => '?').join(', ')})`,
    cases.map(([id]) => id),
    'run',
    ctx,
  );
  const rows = caseSubjectRows(cases);
  if (!rows.length) return;
  await conn.execute(
    `insert into case_subject (case_id, addressee_number) values ${rows.map(() => '(?, ?)').join(', ')}`,
    rows.flat(),
    'run',
    ctx,
  );
}

/** The case_subject rows (case, person) of cases: each distinct 宛名番号 of a case once (also the search bench's loader). */
export const caseSubjectRows = (
  cases: ReadonlyArray<readonly [caseId: string, subjects: readonly string[]]>,
): Array<readonly [caseId: string, addresseeNumber: string]> =>
  cases.flatMap(([id, subjects]) => [...new Set(subjects)].map((a) => [id, a] as const));

/** A filter on case_record: the cases whose subjects include any of the persons (through `case_subject`). */
export function caseOfAnySubject(values: readonly string[]): Record<string, unknown> {
  if (!values.length) return { [raw('1 = 0')]: [] };
  const marks = values.map(() => '?').join(', ');
  return {
    [raw(
      (alias: string) =>
        `${alias}.case_id in (select s.case_id from case_subject s where s.addressee_number in (${marks}))`,
      values,
    )]: [],
  };
}

export class CaseSubjectSubscriber implements EventSubscriber<CaseRecord> {
  getSubscribedEntities() {
    return [CaseRecord];
  }

  async afterCreate(args: EventArgs<CaseRecord>): Promise<void> {
    const subjects = args.entity.subjectAddresseeNumbers ?? [];
    if (subjects.length) await syncCaseSubjects(args.em as EntityManager, [[args.entity.caseId, subjects]]);
  }

  async afterUpdate(args: EventArgs<CaseRecord>): Promise<void> {
    if (!args.changeSet || !('subjectAddresseeNumbers' in args.changeSet.payload)) return;
    await syncCaseSubjects(args.em as EntityManager, [[args.entity.caseId, args.entity.subjectAddresseeNumbers ?? []]]);
  }
}

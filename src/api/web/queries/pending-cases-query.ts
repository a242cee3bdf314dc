import type { EntityManager } from '@mikro-orm/core';
import { CaseRecord } from '../../../db/entities';
import { caseOfAnySubject } from '../../../db/case-subjects';
import type { ProcedureTable } from '../../../procedures/table';

/** The cases whose subjects include any of the persons, newest first (the resident record's 「この方の案件」). */
export async function casesOfPersons(em: EntityManager, addresseeNumbers: readonly string[], limit = 20) {
  return em.find(CaseRecord, caseOfAnySubject(addresseeNumbers) as never, {
    orderBy: { createdAt: 'desc' },
    limit,
  });
}

/** What a pending-case flag shows: the case, its procedure and status. */
export type PendingCase = Pick<CaseRecord, 'caseId' | 'procedure' | 'status'>;

/**
 * The pending cases of each person: open, neither completed nor cancelled nor rejected (the procedure table's final
 * statuses), by 宛名番号. Search results flag them and the intake forms warn before the clerk fills the form
 * (issue 14 bug 1).
 */
export async function pendingCasesOf(
  em: EntityManager,
  procedures: ProcedureTable,
  addresseeNumbers: readonly string[],
  /** The case being corrected on its own form (訂正して再提出): not pending against itself. */
  exceptCaseId?: string,
): Promise<Map<string, PendingCase[]>> {
  const out = new Map<string, PendingCase[]>();
  if (!addresseeNumbers.length) return out;
  const rows = await em.find(CaseRecord, caseOfAnySubject(addresseeNumbers) as never, {
    orderBy: { createdAt: 'desc' },
    fields: ['caseId', 'procedure', 'status', 'subjectAddresseeNumbers'],
  });
  const wanted = new Set(addresseeNumbers);
  for (const c of rows) {
    if (c.caseId === exceptCaseId || procedures.isFinal(c.procedure, c.status)) continue;
    for (const a of c.subjectAddresseeNumbers ?? [])
      if (wanted.has(a))
        out.set(a, [...(out.get(a) ?? []), { caseId: c.caseId, procedure: c.procedure, status: c.status }]);
  }
  return out;
}

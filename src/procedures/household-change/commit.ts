import { ApplicationFailure } from '@temporalio/activity';
import type { EntityManager } from '@mikro-orm/core';
import { CaseAction } from '../../domain/case-status';
import { localNumber } from '../../domain/check-digits';
import { FailureType } from '../../domain/failures';
import { ResidentStatus } from '../../domain/registry-values';
import { audit } from '../../db/audit-writer';
import { CounterName, nextSerial } from '../../db/counters';
import { AuditAction, CaseActionLog, Household, Resident } from '../../db/entities';
import { fullName } from '../../db/registry-lookup';
import type { ActivityDeps } from '../../activities/deps';
import { appendHistory } from '../../activities/history-writer';
import { commitOnce, type CommitResult } from '../move-in/commit';
import { HOUSEHOLD_CHANGE_REASON, type StoredHouseholdChangeApplication } from './schema';

export interface CommitHouseholdChangeInput {
  caseId: string;
  approvedBy: string;
  terminalId?: string;
}

const changed = () =>
  ApplicationFailure.nonRetryable('a person or household changed after the intake', FailureType.CASE_DATA_MISSING);

/**
 * 本登録 of a 世帯変更 (standard spec 4.1.4; domain spec §3.2, §3.3) in ONE transaction: every person of the application
 * gets the household, 続柄 and 世帯主名 after the change and an appended snapshot with 異動事由 世帯主変更 / 世帯分離 /
 * 世帯合併 / 世帯変更 on the 異動日; the household rows follow (the new 世帯主; a new 世帯番号 for a 世帯分離; the
 * merged household closed). No 本人確認情報: 世帯 and 続柄 are not among its items (domain spec §3.4;
 * docs/partner-contracts.md), and the address stays. Idempotent: a retry finds the history rows of this case.
 */
export function householdChangeActivities(deps: ActivityDeps) {
  return {
    commitHouseholdChange: (input: CommitHouseholdChangeInput): Promise<CommitResult> =>
      commitOnce<StoredHouseholdChangeApplication>(deps, input.caseId, (em, app) =>
        writeHouseholdChange(em, deps, input, app),
      ),
  };
}

export type HouseholdChangeActivities = ReturnType<typeof householdChangeActivities>;

async function writeHouseholdChange(
  em: EntityManager,
  deps: ActivityDeps,
  input: CommitHouseholdChangeInput,
  app: StoredHouseholdChangeApplication,
): Promise<CommitResult> {
  const numbers = app.persons.map((p) => p.addresseeNumber);
  const persons = await em.find(Resident, { addresseeNumber: { $in: numbers } });
  if (
    persons.length !== numbers.length ||
    persons.some((r) => r.status !== ResidentStatus.RESIDENT || r.householdNumber !== app.householdNumber)
  )
    throw changed();
  let householdNumber = app.householdNumber;
  if (app.kind === 'separation') {
    householdNumber = localNumber(await nextSerial(em, CounterName.HOUSEHOLD));
    em.persist(em.create(Household, { householdNumber, active: true, createdAt: new Date(), updatedAt: new Date() }));
  } else if (app.kind === 'merge' || app.kind === 'composition') householdNumber = app.targetHouseholdNumber!;
  const newHead =
    persons.find((r) => r.addresseeNumber === app.newHeadAddresseeNumber) ??
    (await em.findOne(Resident, { addresseeNumber: app.newHeadAddresseeNumber, status: ResidentStatus.RESIDENT }));
  if (!newHead || newHead.householdNumber !== (app.kind === 'separation' ? app.householdNumber : householdNumber))
    throw changed();
  const headName = fullName(newHead);
  const reason = HOUSEHOLD_CHANGE_REASON[app.kind];
  const p = { caseId: input.caseId, operatorId: input.approvedBy, terminalId: input.terminalId };
  for (const r of persons) {
    Object.assign(r, {
      householdNumber,
      relationshipToHead: app.persons.find((x) => x.addresseeNumber === r.addresseeNumber)!.relationshipToHead,
      householdHeadName: headName,
      changeReason: reason,
      changeDate: app.changeDate,
      notificationDate: app.notificationDate,
      processId: input.caseId,
      terminalId: input.terminalId,
      updatedBy: input.approvedBy,
    });
    appendHistory(em, deps, r, p);
    audit(em, {
      actorId: input.approvedBy,
      actorRoles: ['approver'],
      terminalId: input.terminalId,
      action: AuditAction.CHANGE_COMMITTED,
      function: 'commitHouseholdChange',
      targetAddresseeNumber: r.addresseeNumber,
      caseId: input.caseId,
    });
  }
  const household = async (n: string) =>
    (await em.findOne(Household, { householdNumber: n })) ??
    em.create(Household, { householdNumber: n, active: true, createdAt: new Date(), updatedAt: new Date() });
  if (app.kind === 'headChange' || app.kind === 'separation')
    (await household(householdNumber)).headAddresseeNumber = newHead.addresseeNumber;
  if (app.kind === 'merge') Object.assign(await household(app.householdNumber), { active: false });
  em.persist(
    em.create(CaseActionLog, {
      caseId: input.caseId,
      action: CaseAction.COMMIT,
      actorId: input.approvedBy,
      terminalId: input.terminalId,
      detail: { addresseeNumbers: numbers, kind: app.kind, householdNumber, outbox: 0 },
      at: new Date(),
    }),
  );
  await em.flush();
  return { addresseeNumbers: [...numbers].sort(), householdNumber, outboxMessages: 0 };
}

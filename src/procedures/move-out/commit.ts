import { ApplicationFailure } from '@temporalio/activity';
import type { EntityManager } from '@mikro-orm/core';
import { ChangeReason, EntryBasis } from '../../domain/change-reason';
import { FailureType } from '../../domain/failures';
import { ResidentStatus } from '../../domain/registry-values';
import { audit } from '../../db/audit-writer';
import { AuditAction, Household, Resident } from '../../db/entities';
import { fullName } from '../../db/registry-lookup';
import type { ActivityDeps } from '../../activities/deps';
import { appendHistory } from '../../activities/history-writer';
import type { HouseholdHeadChange } from './schema';

/**
 * A 世帯主変更 applied in the commit of a 異動 that takes the 世帯主 out of the household: a 転出 (the planned date)
 * or a 死亡 (`cause`, `changeDate`: the date of death). `exOfficio: false`: the new 世帯主 was named with the
 * notification (a 届出 basis); otherwise it is recorded 職権.
 */
export interface HeadChangeToCommit {
  headChange?: HouseholdHeadChange;
  householdNumber: string;
  plannedMoveOutDate?: string;
  changeDate?: string;
  cause?: '転出' | '死亡';
  exOfficio?: boolean;
}

/**
 * 世帯主変更 ex officio at the commit of a 転出 whose 世帯主 moves out while members stay (domain.md §3.2; standard spec
 * 4.0.4; `004_528b050b7c0b5747.txt` L71): in the commit's transaction the household's head changes, the new 世帯主's
 * 続柄 becomes 世帯主, the others' 続柄 become what was chosen, every staying member's 世帯主名 is the new 世帯主, and each
 * gets a snapshot with 異動事由 世帯主変更, recorded 職権 (no filing) on the 異動日 of the 転出. No 本人確認情報 update:
 * 世帯主 and 続柄 are not among its items (domain.md §3.4).
 */
export async function commitHouseholdHeadChange(
  em: EntityManager,
  deps: ActivityDeps,
  app: HeadChangeToCommit,
  p: {
    caseId: string;
    operatorId: string;
    terminalId?: string;
    /** The change was filed (a 転居届 naming the remaining household's 世帯主): recorded on the 届出 of that date. */
    filedOn?: string;
    notes?: string;
    function?: string;
  },
): Promise<void> {
  const change = app.headChange;
  if (!change) return;
  const cause = app.cause ?? '転出';
  const members = await em.find(Resident, {
    addresseeNumber: { $in: change.relationships.map((r) => r.addresseeNumber) },
  });
  const newHead = members.find((m) => m.addresseeNumber === change.newHeadAddresseeNumber);
  if (
    !newHead ||
    members.length !== change.relationships.length ||
    members.some((m) => m.status !== ResidentStatus.RESIDENT || m.householdNumber !== app.householdNumber)
  )
    throw ApplicationFailure.nonRetryable(
      'a staying member of the household changed after the intake',
      FailureType.CASE_DATA_MISSING,
    );
  const headName = fullName(newHead);
  for (const m of members) {
    Object.assign(m, {
      relationshipToHead: change.relationships.find((r) => r.addresseeNumber === m.addresseeNumber)!.relationshipToHead,
      householdHeadName: headName,
      changeReason: ChangeReason.HOUSEHOLD_HEAD_CHANGE,
      changeDate: app.changeDate ?? app.plannedMoveOutDate,
      ...(p.filedOn ? { notificationDate: p.filedOn } : {}),
      processId: p.caseId,
      terminalId: p.terminalId,
      updatedBy: p.operatorId,
    });
    const filed = app.exOfficio === false || p.filedOn !== undefined;
    appendHistory(em, deps, m, {
      caseId: p.caseId,
      operatorId: p.operatorId,
      terminalId: p.terminalId,
      basis: filed ? undefined : EntryBasis.EX_OFFICIO,
      notes: p.notes ?? (filed ? `世帯主の${cause}に伴う世帯主変更（届出）` : `世帯主の${cause}による職権の世帯主変更`),
    });
    audit(em, {
      actorId: p.operatorId,
      actorRoles: ['approver'],
      terminalId: p.terminalId,
      action: AuditAction.CHANGE_COMMITTED,
      function: p.function ?? `${cause === '死亡' ? 'commitDeath' : 'commitMoveOut'} (世帯主変更)`,
      targetAddresseeNumber: m.addresseeNumber,
      caseId: p.caseId,
    });
  }
  const household = await em.findOne(Household, { householdNumber: app.householdNumber });
  if (household) household.headAddresseeNumber = newHead.addresseeNumber;
  else
    em.persist(
      Object.assign(new Household(), {
        householdNumber: app.householdNumber,
        headAddresseeNumber: newHead.addresseeNumber,
      }),
    );
}

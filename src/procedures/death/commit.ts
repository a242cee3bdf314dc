import { ApplicationFailure } from '@temporalio/activity';
import type { EntityManager } from '@mikro-orm/core';
import { CardEventKind, CardEventReason } from '../../domain/card-status';
import { CaseAction } from '../../domain/case-status';
import { ChangeReason } from '../../domain/change-reason';
import { FailureType } from '../../domain/failures';
import { CardStatus, ResidentStatus } from '../../domain/registry-values';
import { audit } from '../../db/audit-writer';
import { recordCardEvent } from '../../db/cards';
import {
  AuditAction,
  CaseActionLog,
  CaseApplication,
  Household,
  MyNumberCard,
  OutboxKind,
  Resident,
} from '../../db/entities';
import type { ActivityDeps } from '../../activities/deps';
import { appendHistory } from '../../activities/history-writer';
import { enqueue, identityUpdateOf } from '../../activities/outbox-writer';
import { commitHouseholdHeadChange } from '../move-out/commit';
import { deathChangeDate } from './rules';
import type { StoredDeathApplication } from './schema';

export interface CommitDeathInput {
  caseId: string;
  approvedBy: string;
  terminalId?: string;
}

export interface DeathCommitResult {
  addresseeNumbers: string[];
  householdNumber: string;
  outboxMessages: number;
  /** Cards of the deceased cancelled (廃止, reason DEATH): their events go to J-LIS next. */
  cancelledCards: string[];
  /** A 世帯主 was set ex officio (one member remained): the 世帯主変更通知書 follows. */
  headChangeNotice: boolean;
}

/** Card statuses a 死亡 cancels: every card not yet cancelled (in use, or waiting at the office). */
const CANCELLABLE: CardStatus[] = [
  CardStatus.ISSUED,
  CardStatus.SUSPENDED,
  CardStatus.CONTINUED_USE_PENDING,
  CardStatus.AT_OFFICE,
  CardStatus.NOTICE_SENT,
];

/**
 * 本登録 of a 死亡 (standard spec 4.2.2; domain spec §3.1–§3.4) in ONE transaction, in event order: the 除票 (appended
 * snapshot: 消除事由 死亡, 事由の生じた年月日 = the date of death, residentStatus REMOVED) and its 本人確認情報 (reason 死亡)
 * in the outbox; then the 世帯主変更 of the remaining members as its own 異動 (their snapshots follow the 除票); then
 * the 廃止 (reason DEATH) of each card of the deceased through `recordCardEvent` (its 更新順番号 and J-LIS key).
 * Idempotent: a retry returns the result of the committed transaction.
 */
export function deathActivities(deps: ActivityDeps) {
  return {
    commitDeath: (input: CommitDeathInput): Promise<DeathCommitResult> =>
      deps.orm.em.fork().transactional(async (em) => {
        const done = await em.findOne(CaseActionLog, { caseId: input.caseId, action: CaseAction.COMMIT });
        if (done) return done.detail as unknown as DeathCommitResult;
        const row = await em.findOne(CaseApplication, { caseId: input.caseId });
        if (!row) throw ApplicationFailure.nonRetryable('case application not found', FailureType.CASE_DATA_MISSING);
        return writeDeath(em, deps, input, row.payload as unknown as StoredDeathApplication);
      }),
  };
}

export type DeathActivities = ReturnType<typeof deathActivities>;

async function writeDeath(
  em: EntityManager,
  deps: ActivityDeps,
  input: CommitDeathInput,
  app: StoredDeathApplication,
): Promise<DeathCommitResult> {
  const r = await em.findOne(Resident, { addresseeNumber: app.addresseeNumber });
  if (!r || r.status !== ResidentStatus.RESIDENT || r.householdNumber !== app.householdNumber)
    throw ApplicationFailure.nonRetryable('the deceased changed after the intake', FailureType.CASE_DATA_MISSING);
  const p = { caseId: input.caseId, operatorId: input.approvedBy, terminalId: input.terminalId };
  const reason = ChangeReason.DEATH;
  Object.assign(r, {
    status: ResidentStatus.REMOVED,
    removalReason: reason,
    removalDate: app.deathDate,
    ceasedResidentDate: app.deathDate,
    changeReason: reason,
    changeDate: app.deathDate,
    notificationDate: app.notificationDate,
    processId: input.caseId,
    terminalId: input.terminalId,
    updatedBy: input.approvedBy,
  });
  appendHistory(em, deps, r, {
    ...p,
    notes:
      `戸籍の死亡届（届出人 ${app.familyRegisterNotice.notifierName}）による消除${app.deathTime ? `、死亡時刻 ${app.deathTime}` : ''}`.slice(
        0,
        200,
      ),
  });
  await enqueue(em, deps, {
    caseId: input.caseId,
    kind: OutboxKind.IDENTITY_UPDATE,
    residentRecordCode: r.residentRecordCode!,
    keyPart: `iu-${r.addresseeNumber}`,
    build: identityUpdateOf(
      deps,
      r,
      r.individualNumberEnc ? deps.pii.decrypt(r.individualNumberEnc) : undefined,
      reason,
      deathChangeDate(app.deathDate, app.notificationDate),
    ),
  });
  audit(em, {
    actorId: input.approvedBy,
    actorRoles: ['approver'],
    terminalId: input.terminalId,
    action: AuditAction.CHANGE_COMMITTED,
    function: 'commitDeath',
    targetAddresseeNumber: r.addresseeNumber,
    caseId: input.caseId,
    individualNumberAccessed: Boolean(r.individualNumberEnc),
  });
  // the 世帯主変更 of the remaining members, after the 除票 (domain spec §3.2; move-out's commit step, cause 死亡)
  await commitHouseholdHeadChange(
    em,
    deps,
    {
      headChange: app.headChange,
      householdNumber: app.householdNumber,
      changeDate: app.deathDate,
      cause: '死亡',
      exOfficio: app.headChangeExOfficio,
    },
    p,
  );
  const remaining = await em.count(Resident, {
    householdNumber: app.householdNumber,
    status: { $ne: ResidentStatus.REMOVED },
    addresseeNumber: { $ne: r.addresseeNumber },
  });
  if (!remaining) {
    const household = await em.findOne(Household, { householdNumber: app.householdNumber });
    if (household) household.active = false;
  }
  // the card ceases with its holder (domain spec §4.8 item 5: 廃止 on death), recorded with its J-LIS 更新順番号
  const cards = await em.find(MyNumberCard, { addresseeNumber: r.addresseeNumber, status: { $in: CANCELLABLE } });
  const cancelledCards: string[] = [];
  for (const card of cards) {
    await recordCardEvent(em, {
      cardId: card.cardId,
      kind: CardEventKind.CANCELLED,
      reason: CardEventReason.DEATH,
      eventDate: deathChangeDate(app.deathDate, app.notificationDate),
      origin: 'COUNTER',
      recordedBy: input.approvedBy,
      actorRoles: ['approver'],
      terminalId: input.terminalId,
      requestKey: `death:${input.caseId}:${card.cardId}`,
      caseId: input.caseId,
      municipalityCode: deps.config.municipalityCode,
    });
    cancelledCards.push(card.cardId);
  }
  const result: DeathCommitResult = {
    addresseeNumbers: [r.addresseeNumber, ...(app.headChange?.relationships.map((x) => x.addresseeNumber) ?? [])],
    householdNumber: app.householdNumber,
    outboxMessages: 1,
    cancelledCards,
    headChangeNotice: Boolean(app.headChange && app.headChangeExOfficio !== false),
  };
  em.persist(
    em.create(CaseActionLog, {
      caseId: input.caseId,
      action: CaseAction.COMMIT,
      actorId: input.approvedBy,
      terminalId: input.terminalId,
      detail: { ...result },
      at: new Date(),
    }),
  );
  await em.flush();
  return result;
}

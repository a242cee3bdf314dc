import { ApplicationFailure } from '@temporalio/activity';
import type { EntityManager } from '@mikro-orm/core';
import { CaseAction } from '../../domain/case-status';
import { ChangeReason } from '../../domain/change-reason';
import { localNumber } from '../../domain/check-digits';
import { addDays, jstDate } from '../../domain/dates';
import { FailureType } from '../../domain/failures';
import { CardStatus, ForeignResidentCategory, LegacyCardStatus, ResidentStatus } from '../../domain/registry-values';
import { audit } from '../../db/audit-writer';
import { CounterName, nextSerial } from '../../db/counters';
import { AuditAction, CaseActionLog, Household, OutboxKind, Resident, ResidentHistory } from '../../db/entities';
import { fullName } from '../../db/registry-lookup';
import { drawResidentRecordCode } from '../../db/resident-code-pool';
import { snapshotOf } from '../../db/snapshot';
import type { ActivityDeps } from '../../activities/deps';
import { enqueue, identityUpdateOf } from '../../activities/outbox-writer';
import { commitOnce, type CommitResult } from '../move-in/commit';
import { BIRTH_STAY, type StoredBirthApplication } from './schema';

export interface CommitBirthInput {
  caseId: string;
  approvedBy: string;
  terminalId?: string;
}

/**
 * 本登録 of a 出生 (domain spec §4.7 steps 1 and 3.1) in ONE transaction: a 住民票コード drawn at random from the pool
 * (marked used), the child's 住民票 with 異動事由 出生 and its first history snapshot, the household (joined, or new
 * with the child as 世帯主), and the 本人確認情報 update in the outbox — without a 個人番号, which J-LIS generates
 * afterwards. Idempotent: a retry finds the history row of this case and returns the same result (and the pool draw of
 * a rolled-back attempt is rolled back with it).
 */
export function birthActivities(deps: ActivityDeps) {
  return {
    commitBirth: (input: CommitBirthInput): Promise<CommitResult> =>
      commitOnce<StoredBirthApplication>(deps, input.caseId, (em, app) => writeBirth(em, deps, input, app)),
  };
}

export type BirthActivities = ReturnType<typeof birthActivities>;

/** Where the child lives and what it copies from the household (domain spec §4.7 inputs: 本籍・筆頭者 from its members). */
async function placeChild(em: EntityManager, app: StoredBirthApplication) {
  if (app.household.mode === 'new') {
    const household = em.create(Household, {
      householdNumber: localNumber(await nextSerial(em, CounterName.HOUSEHOLD)),
      active: true,
      createdAt: new Date(),
      updatedAt: new Date(),
    });
    em.persist(household);
    return { household, address: app.household.address, headName: fullName(app.child), domicileFrom: undefined };
  }
  const household = await em.findOne(Household, { householdNumber: app.household.householdNumber, active: true });
  if (!household) throw ApplicationFailure.nonRetryable('household not found', FailureType.CASE_DATA_MISSING);
  const members = await em.find(
    Resident,
    { householdNumber: household.householdNumber, status: { $ne: ResidentStatus.REMOVED } },
    { orderBy: { addresseeNumber: 'asc' } },
  );
  const head = members.find((m) => m.relationshipToHead === '世帯主') ?? members[0];
  if (!head) throw ApplicationFailure.nonRetryable('household has no members', FailureType.CASE_DATA_MISSING);
  // the parents are usually the head or the head's spouse / child; the 本籍 of the head's family register otherwise
  const domicileFrom =
    members.find((m) => m.registeredDomicile && m.addresseeNumber === head.addresseeNumber) ??
    members.find((m) => m.registeredDomicile);
  return {
    household,
    address: {
      address: head.address,
      addressSupplement: head.addressSupplement,
      postalCode: head.postalCode,
      addressCode: head.addressCode,
    },
    headName: fullName(head),
    domicileFrom,
  };
}

export async function writeBirth(
  em: EntityManager,
  deps: ActivityDeps,
  input: CommitBirthInput,
  app: StoredBirthApplication,
): Promise<CommitResult> {
  const now = deps.now ?? (() => new Date());
  const today = jstDate(now());
  const { child } = app;
  const reason = ChangeReason.BIRTH;
  const place = await placeChild(em, app);
  const foreign = Boolean(child.nationalityRegion);
  const resident = em.create(Resident, {
    addresseeNumber: localNumber(await nextSerial(em, CounterName.ADDRESSEE)),
    historyNumber: 1,
    householdNumber: place.household.householdNumber,
    residentRecordCode: await drawResidentRecordCode(em, input.caseId),
    familyName: child.familyName,
    givenName: child.givenName,
    familyNameKana: child.familyNameKana,
    givenNameKana: child.givenNameKana,
    nameKanaConfirmed: true,
    birthDate: child.birthDate,
    sex: child.sex,
    relationshipToHead: child.relationshipToHead,
    householdHeadName: place.headName,
    // a foreign national's child has no 戸籍 (domain spec §3.7)
    registeredDomicile: foreign ? undefined : place.domicileFrom?.registeredDomicile,
    familyRegisterHead: foreign ? undefined : place.domicileFrom?.familyRegisterHead,
    domicileMunicipalityCode: foreign ? undefined : place.domicileFrom?.domicileMunicipalityCode,
    address: place.address.address,
    addressSupplement: place.address.addressSupplement,
    postalCode: place.address.postalCode,
    addressCode: place.address.addressCode,
    // 住民となった日 and 住所を定めた日 are the birth date (domain spec §4.7 inputs, design)
    becameResidentDate: child.birthDate,
    addressEstablishedDate: child.birthDate,
    notificationDate: app.notificationDate,
    status: ResidentStatus.RESIDENT,
    cardStatus: CardStatus.NONE,
    legacyCardStatus: LegacyCardStatus.NONE,
    changeReason: reason,
    changeDate: child.birthDate,
    isForeignResident: foreign,
    ...(foreign
      ? {
          nationalityRegion: child.nationalityRegion,
          foreignResidentCategory: ForeignResidentCategory.TRANSITIONAL,
          statusOfResidence: BIRTH_STAY.statusOfResidence,
          periodOfStay: BIRTH_STAY.periodOfStay,
          periodOfStayExpiry: addDays(child.birthDate, BIRTH_STAY.days),
          becameForeignResidentDate: child.birthDate,
        }
      : {}),
    isAdultWard: false,
    updatedAt: now(),
    processId: input.caseId,
    terminalId: input.terminalId,
    updatedBy: input.approvedBy,
  } as Resident);
  em.persist(resident);
  em.persist(
    em.create(ResidentHistory, {
      addresseeNumber: resident.addresseeNumber,
      historyNumber: resident.historyNumber,
      changeReason: reason,
      changeDate: child.birthDate,
      notificationDate: app.notificationDate,
      processingDate: today,
      caseId: input.caseId,
      operatorId: input.approvedBy,
      terminalId: input.terminalId,
      place: deps.config.officeName,
      snapshot: snapshotOf(resident),
      createdAt: now(),
    }),
  );
  if (app.household.mode === 'new') place.household.headAddresseeNumber = resident.addresseeNumber;
  // 本人確認情報 of the new record (domain spec §4.7 step 3.1): no 個人番号 yet
  await enqueue(em, deps, {
    caseId: input.caseId,
    kind: OutboxKind.IDENTITY_UPDATE,
    residentRecordCode: resident.residentRecordCode!,
    keyPart: `iu-${resident.addresseeNumber}`,
    build: identityUpdateOf(deps, resident, undefined, reason, child.birthDate),
  });
  audit(em, {
    actorId: input.approvedBy,
    actorRoles: ['approver'],
    terminalId: input.terminalId,
    action: AuditAction.CHANGE_COMMITTED,
    function: 'commitBirth',
    targetAddresseeNumber: resident.addresseeNumber,
    caseId: input.caseId,
    individualNumberAccessed: false,
  });
  const addresseeNumbers = [resident.addresseeNumber];
  em.persist(
    em.create(CaseActionLog, {
      caseId: input.caseId,
      action: CaseAction.COMMIT,
      actorId: input.approvedBy,
      terminalId: input.terminalId,
      detail: { addresseeNumbers, outbox: 1 },
      at: now(),
    }),
  );
  await em.flush();
  return { addresseeNumbers, householdNumber: place.household.householdNumber, outboxMessages: 1 };
}

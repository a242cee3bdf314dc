import { ApplicationFailure } from '@temporalio/activity';
import type { EntityManager } from '@mikro-orm/core';
import { CaseAction } from '../../domain/case-status';
import { ChangeReason } from '../../domain/change-reason';
import { localNumber } from '../../domain/check-digits';
import { jstDate, toCsBirthDate } from '../../domain/dates';
import { FailureType } from '../../domain/failures';
import { CardStatus, LegacyCardStatus, ResidentStatus } from '../../domain/registry-values';
import { audit } from '../../db/audit-writer';
import { CounterName, nextSerial } from '../../db/counters';
import {
  AuditAction,
  CaseActionLog,
  Household,
  OutboxKind,
  OutboxMessage,
  Resident,
  ResidentHistory,
} from '../../db/entities';
import { fullName, matchRegistry } from '../../db/registry-lookup';
import type { MoveInApplication, StoredMoveInApplication, StoredMoveInMover } from './schema';
import type { MoveInNotice } from '../../partners/cs-gateway';
import type { ActivityDeps } from '../../activities/deps';
import { addressAnnexActivities } from '../../activities/address-annex-notices';
import {
  certificateActivities,
  type IssueResult,
  type StoredApplication,
  type WithheldResult,
} from '../../activities/certificates';
import { cardEventsProcedureActivities } from '../card-events/activities';
import { displayAddress, enqueue, identityUpdateOf } from '../../activities/outbox-writer';
import { drawResidentRecordCode } from '../../db/resident-code-pool';
import { snapshotOf } from '../../db/snapshot';
import { readStoredApplication } from '../../db/encrypted-columns';

/**
 * New executions (patches `move-in-commit-step`, `special-move-in-commit-step`): the steps right after the 本登録 run in
 * the commit's activity, each in its own idempotent transaction — the card 継続利用 of the movers who presented their
 * card (as of the workflow's date `continuedUse.today`), the 附票記載事項通知, and the 住民票の写し for `copyFor` when
 * every mover has a 個人番号 (otherwise the workflow issues it after J-LIS's). Absent in histories from before.
 */
export interface AfterCommit {
  copyFor?: { operatorId: string; terminalId?: string };
  continuedUse?: { today: string };
}

export interface CommitMoveInInput {
  caseId: string;
  approvedBy: string;
  terminalId?: string;
  afterCommit?: AfterCommit;
}

export interface CommitResult {
  addresseeNumbers: string[];
  householdNumber: string;
  outboxMessages: number;
  /**
   * Movers recorded without a 個人番号 (a 国外転入 of a person who never had one): J-LIS generates it afterwards
   * (domain spec §4.1 step 4.5). Absent in results recorded before this field existed.
   */
  withoutIndividualNumber?: string[];
  /** The 住民票の写し issued by the commit step (`afterCommit.copyFor`); absent when it was not issued there. */
  copy?: IssueResult | WithheldResult;
  /** The cards whose 継続利用 the commit step queued (`pending`) or cancelled as lapsed (`lapsed`; 廃止 to send). */
  continuedUse?: { pending: string[]; lapsed: string[] };
}

/**
 * 本登録 of a 転入 (domain.md §4.1 step 4.1–4.3) in ONE transaction: the new 住民票 (or the 再転入 record under
 * its old 宛名番号), a full history snapshot per person, the household, and the outgoing CS messages (transactional
 * outbox: 本人確認情報 update per person with its 更新順番号, and the 転入通知 to the 前住所地). Idempotent: a
 * retry after a crash finds the history rows of this case and returns the same result.
 */
export function moveInActivities(deps: ActivityDeps) {
  const after = afterCommitSteps(deps);
  return {
    async commitMoveIn(input: CommitMoveInInput): Promise<CommitResult> {
      let stored: StoredApplication | undefined;
      const committed = await commitOnce<StoredMoveInApplication>(deps, input.caseId, (em, app, read) => {
        stored = read;
        return writeMoveIn(em, deps, input, app);
      });
      return input.afterCommit ? after(input.caseId, committed, input.afterCommit, stored) : committed;
    },
  };
}

/**
 * The steps after a 転入's 本登録 (`AfterCommit`), in the commit's activity: one activity instead of four (issue 15: a
 * 転入's Temporal shape as the no-op ceiling's). Each step is its own idempotent transaction, so a retry finds what
 * an earlier attempt wrote and writes nothing twice.
 */
export function afterCommitSteps(deps: ActivityDeps) {
  const annex = addressAnnexActivities(deps);
  const certificates = certificateActivities(deps);
  const cards = cardEventsProcedureActivities(deps);
  /** `stored`: the case's application as the commit read it (absent on a retry that found the commit done). */
  return async <R extends CommitResult>(
    caseId: string,
    committed: R,
    afterCommit: AfterCommit,
    stored?: StoredApplication,
  ): Promise<R> => {
    const continuedUse = afterCommit.continuedUse
      ? await cards.queueContinuedUse(
          { caseId, addresseeNumbers: committed.addresseeNumbers, today: afterCommit.continuedUse.today },
          stored?.payload,
        )
      : undefined;
    await annex.queueAddressAnnexNotices({ caseId });
    const copy =
      afterCommit.copyFor && !committed.withoutIndividualNumber?.length
        ? await certificates.issueResidentRecordCopy(
            {
              caseId,
              ...afterCommit.copyFor,
              subjects: committed.addresseeNumbers,
            },
            stored,
          )
        : undefined;
    return { ...committed, ...(continuedUse ? { continuedUse } : {}), ...(copy ? { copy } : {}) };
  };
}

export type MoveInActivities = ReturnType<typeof moveInActivities>;

/**
 * The 本登録 of a case that adds residents, once: in one transaction, the result of an earlier commit of this case (an
 * activity retry) or else `write` with the stored application.
 */
export function commitOnce<A>(
  deps: ActivityDeps,
  caseId: string,
  write: (em: EntityManager, app: A, stored: StoredApplication) => Promise<CommitResult>,
): Promise<CommitResult> {
  return deps.orm.em.fork().transactional(async (em) => {
    const done = await alreadyCommitted(em, caseId);
    if (done) return done;
    // read as a row, not an entity: the transaction flushes several times, and a managed application would be
    // re-encrypted and decrypted to be compared at each flush
    const app = await readStoredApplication(em, caseId);
    if (!app) throw ApplicationFailure.nonRetryable('case application not found', FailureType.CASE_DATA_MISSING);
    return write(em, app.payload as unknown as A, app);
  });
}

/** The result of an earlier commit of this case (activity retry after a crash), if any. */
export async function alreadyCommitted(em: EntityManager, caseId: string): Promise<CommitResult | undefined> {
  const rows = await em.find(
    ResidentHistory,
    { caseId },
    { orderBy: { addresseeNumber: 'asc', historyNumber: 'asc' } },
  );
  if (!rows.length) return undefined;
  // the case's first snapshot per person is its 転入 (a later 個人番号（職権記載） of the case appends another)
  const done = rows.filter((h, i) => i === 0 || rows[i - 1]!.addresseeNumber !== h.addresseeNumber);
  const resident = await em.findOneOrFail(Resident, { addresseeNumber: done[0]!.addresseeNumber });
  return {
    addresseeNumbers: done.map((h) => h.addresseeNumber),
    householdNumber: resident.householdNumber,
    outboxMessages: await em.count(OutboxMessage, { caseId }),
    withoutIndividualNumber: done
      .filter((h) => !(h.snapshot as { individualNumberEnc?: string }).individualNumberEnc)
      .map((h) => h.addresseeNumber),
  };
}

/**
 * Writes a 転入 inside the caller's transaction: the 住民票 per mover (or the 再転入 record under its old 宛名番号),
 * a history snapshot each, the household, the CS outbox, the case row, action and audit.
 */
export async function writeMoveIn(
  em: EntityManager,
  deps: ActivityDeps,
  input: CommitMoveInInput,
  payload: StoredMoveInApplication,
): Promise<CommitResult> {
  const now = deps.now ?? (() => new Date());
  const today = jstDate(now());
  const household = await placeHousehold(em, payload.household);
  const headName = await householdHeadName(em, payload, household.householdNumber);
  const reason = payload.fromAbroad ? ChangeReason.MOVE_IN_FROM_ABROAD : ChangeReason.DOMESTIC_MOVE_IN;
  const stamp = { processId: input.caseId, terminalId: input.terminalId, updatedBy: input.approvedBy };
  const addresseeNumbers: string[] = [];
  const withoutIndividualNumber: string[] = [];
  let outbox = 0;

  for (const m of payload.movers) {
    const individualNumber = m.individualNumberEnc ? deps.pii.decrypt(m.individualNumberEnc) : undefined;
    // the commit needs only the matches by key; the 4情報 alert is the intake's (one count less per mover)
    const match = await matchRegistry(em, deps.pii, { ...m, individualNumber }, { fourInfo: false });
    if (match.current)
      throw ApplicationFailure.nonRetryable(
        'a mover is currently registered in this municipality',
        FailureType.ALREADY_REGISTERED,
      );
    const resident =
      match.removed ??
      em.create(Resident, {
        addresseeNumber: localNumber(await nextSerial(em, CounterName.ADDRESSEE)),
        historyNumber: 0,
      } as Resident);
    Object.assign(resident, {
      householdNumber: household.householdNumber,
      // a first registration in Japan (国外転入 without a code): a code from the CS pool (domain spec §7.2, §4.7 step 1)
      residentRecordCode:
        m.residentRecordCode ?? match.removed?.residentRecordCode ?? (await drawResidentRecordCode(em, input.caseId)),
      individualNumberEnc: m.individualNumberEnc,
      individualNumberIndex: individualNumber ? deps.pii.blindIndex(individualNumber) : undefined,
      familyName: m.familyName,
      givenName: m.givenName,
      familyNameKana: m.familyNameKana,
      givenNameKana: m.givenNameKana,
      nameKanaConfirmed: true,
      formerSurname: m.formerSurname,
      birthDate: m.birthDate,
      sex: m.sex,
      relationshipToHead: m.relationshipToHead,
      householdHeadName: headName,
      registeredDomicile: m.registeredDomicile,
      familyRegisterHead: m.familyRegisterHead,
      domicileMunicipalityCode: m.domicileMunicipalityCode,
      address: payload.address.address,
      addressSupplement: payload.address.addressSupplement,
      postalCode: payload.address.postalCode,
      addressCode: payload.address.addressCode,
      becameResidentDate: payload.moveInDate,
      addressEstablishedDate: payload.moveInDate,
      notificationDate: payload.notificationDate,
      previousAddress: payload.previousAddress,
      ceasedResidentDate: undefined,
      removalReason: undefined,
      removalDate: undefined,
      plannedDestinationAddress: undefined,
      plannedMoveOutDate: undefined,
      confirmedDestinationAddress: undefined,
      confirmedMoveOutDate: undefined,
      moveInNoticeDate: undefined,
      status: ResidentStatus.RESIDENT,
      cardStatus: m.cardPresented ? CardStatus.CONTINUED_USE_PENDING : (match.removed?.cardStatus ?? CardStatus.NONE),
      legacyCardStatus: match.removed?.legacyCardStatus ?? LegacyCardStatus.NONE,
      changeReason: reason,
      changeDate: payload.moveInDate,
      ...foreignResidentItemsOf(m, payload.moveInDate),
      isAdultWard: false,
      updatedAt: now(),
      ...stamp,
    });
    resident.historyNumber += 1;
    em.persist(resident);
    em.persist(
      em.create(ResidentHistory, {
        addresseeNumber: resident.addresseeNumber,
        historyNumber: resident.historyNumber,
        changeReason: reason,
        changeDate: payload.moveInDate,
        notificationDate: payload.notificationDate,
        processingDate: today,
        caseId: input.caseId,
        operatorId: input.approvedBy,
        terminalId: input.terminalId,
        place: deps.config.officeName,
        notes: match.removed ? '再転入' : undefined,
        snapshot: snapshotOf(resident),
        createdAt: now(),
      }),
    );
    outbox += await queueCsMessages(em, deps, {
      caseId: input.caseId,
      resident,
      individualNumber,
      reason,
      payload,
      today,
    });
    addresseeNumbers.push(resident.addresseeNumber);
    if (!individualNumber) withoutIndividualNumber.push(resident.addresseeNumber);
    audit(em, {
      actorId: input.approvedBy,
      actorRoles: ['approver'],
      terminalId: input.terminalId,
      action: AuditAction.CHANGE_COMMITTED,
      function: 'commitMoveIn',
      targetAddresseeNumber: resident.addresseeNumber,
      caseId: input.caseId,
      individualNumberAccessed: Boolean(individualNumber),
    });
  }
  if (payload.household.mode === 'new')
    household.headAddresseeNumber =
      addresseeNumbers[payload.movers.findIndex((m) => m.relationshipToHead === '世帯主')];
  em.persist(
    em.create(CaseActionLog, {
      caseId: input.caseId,
      action: CaseAction.COMMIT,
      actorId: input.approvedBy,
      terminalId: input.terminalId,
      detail: { addresseeNumbers, outbox },
      at: now(),
    }),
  );
  await em.flush();
  return {
    addresseeNumbers,
    householdNumber: household.householdNumber,
    outboxMessages: outbox,
    withoutIndividualNumber,
  };
}

/**
 * A mover's 外国人住民 items as recorded (domain.md §3.7): all of them, cleared for a Japanese resident (a 再転入 may
 * reuse a 除票 that had them). 外国人住民となった年月日 is the 転入日 when the person arrives as a foreign resident.
 */
function foreignResidentItemsOf(m: StoredMoveInMover, moveInDate: string): Partial<Resident> {
  const foreign = Boolean(m.foreignResidentCategory);
  return {
    isForeignResident: foreign,
    foreignResidentCategory: m.foreignResidentCategory,
    nationalityRegion: m.nationalityRegion,
    statusOfResidence: m.statusOfResidence,
    periodOfStay: m.periodOfStay,
    periodOfStayExpiry: m.periodOfStayExpiry,
    residenceCardNumber: m.residenceCardNumber,
    alphabetName: m.alphabetName,
    alias: m.alias,
    becameForeignResidentDate: foreign ? moveInDate : undefined,
  };
}

async function placeHousehold(em: EntityManager, h: MoveInApplication['household']): Promise<Household> {
  if (h.mode === 'join') {
    const existing = await em.findOne(Household, { householdNumber: h.householdNumber, active: true });
    if (!existing) throw ApplicationFailure.nonRetryable('household not found', FailureType.CASE_DATA_MISSING);
    return existing;
  }
  const created = em.create(Household, {
    householdNumber: localNumber(await nextSerial(em, CounterName.HOUSEHOLD)),
    active: true,
    createdAt: new Date(),
    updatedAt: new Date(),
  });
  em.persist(created);
  return created;
}

async function householdHeadName(
  em: EntityManager,
  payload: StoredMoveInApplication,
  householdNumber: string,
): Promise<string | undefined> {
  if (payload.household.mode === 'new') {
    const head = payload.movers.find((m) => m.relationshipToHead === '世帯主');
    return head ? fullName(head) : undefined;
  }
  const head = await em.findOne(Resident, {
    householdNumber,
    relationshipToHead: '世帯主',
    status: { $ne: ResidentStatus.REMOVED },
  });
  return head ? fullName(head) : undefined;
}

/**
 * Outbox rows for one person: the 本人確認情報 update (8 items, 更新順番号; without the 個人番号 when the person has
 * none yet) and, for a domestic move, the 転入通知.
 */
async function queueCsMessages(
  em: EntityManager,
  deps: ActivityDeps,
  p: {
    caseId: string;
    resident: Resident;
    individualNumber?: string;
    reason: ChangeReason;
    payload: StoredMoveInApplication;
    today: string;
  },
): Promise<number> {
  const { resident: r, caseId } = p;
  const code = r.residentRecordCode!;
  // always, with or without a 個人番号: the prefecture must learn of every 記載 (domain spec §3.4, §4.1 step 4.2); a
  // number generated later is sent with its own update
  await enqueue(
    em,
    deps,
    {
      caseId,
      kind: OutboxKind.IDENTITY_UPDATE,
      residentRecordCode: code,
      keyPart: `iu-${r.addresseeNumber}`,
      build: identityUpdateOf(deps, r, p.individualNumber, p.reason, r.changeDate),
    },
    // in writeMoveIn's transaction, which flushes the 転入's rows once at its end
    { inTransaction: true },
  );
  let queued = 1;
  if (!p.payload.fromAbroad && p.payload.previousMunicipalityCode) {
    const to = p.payload.previousMunicipalityCode;
    await enqueue(
      em,
      deps,
      {
        caseId,
        kind: OutboxKind.MOVE_IN_NOTICE,
        residentRecordCode: code,
        keyPart: `mn-${r.addresseeNumber}`,
        build: (_seq, idempotencyKey): MoveInNotice => ({
          fromMunicipalityCode: deps.config.municipalityCode,
          toMunicipalityCode: to,
          idempotencyKey,
          notice: {
            residentRecordCode: code,
            name: fullName(r),
            nameKana: `${r.familyNameKana}　${r.givenNameKana}`,
            birthDate: toCsBirthDate(r.birthDate),
            sex: r.sex,
            newAddress: displayAddress(r),
            moveInDate: r.changeDate,
            previousAddress: p.payload.previousAddress,
            notificationDate: r.notificationDate,
          },
        }),
      },
      { inTransaction: true },
    );
    queued++;
  }
  return queued;
}

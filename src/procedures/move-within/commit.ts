import { ApplicationFailure } from '@temporalio/activity';
import type { EntityManager } from '@mikro-orm/core';
import { CaseAction, CaseStatus } from '../../domain/case-status';
import { ChangeReason } from '../../domain/change-reason';
import { localNumber } from '../../domain/check-digits';
import { FailureType } from '../../domain/failures';
import { CardStatus, ResidentStatus } from '../../domain/registry-values';
import { audit } from '../../db/audit-writer';
import { CounterName, nextSerial } from '../../db/counters';
import {
  AuditAction,
  CaseActionLog,
  CaseApplication,
  CaseRecord,
  Household,
  OutboxKind,
  Resident,
  ResidentHistory,
} from '../../db/entities';
import { fullKana, fullName } from '../../db/registry-lookup';
import type { ActivityDeps } from '../../activities/deps';
import { appendHistory } from '../../activities/history-writer';
import { displayAddress, enqueue, identityUpdateOf } from '../../activities/outbox-writer';
import { commitHouseholdHeadChange } from '../move-out/commit';
import { nonAddressChanges } from './rules';
import type { StoredMoveWithinApplication } from './schema';

export interface MoveWithinCommitResult {
  addresseeNumbers: string[];
  /** The movers' household after the 転居 (the same for a whole household, else the new or joined one). */
  householdNumber: string;
  /** The remaining household's 世帯主 was set ex officio: a 世帯主変更通知書 follows. */
  headChangeExOfficio: boolean;
  /** Movers who presented their 個人番号カード: its face gets the new address. */
  cardPresented: string[];
}

interface CommitInput {
  caseId: string;
  approvedBy: string;
  terminalId?: string;
}

const loadApplication = async (em: EntityManager, caseId: string) => {
  const app = await em.findOne(CaseApplication, { caseId });
  if (!app) throw ApplicationFailure.nonRetryable('case application not found', FailureType.CASE_DATA_MISSING);
  return app.payload as unknown as StoredMoveWithinApplication;
};

/** The 本人確認情報 items of a record (the comparison of the 転居 pre-validation; never leaves the activity). */
const identityItems = (deps: ActivityDeps, r: Resident) => ({
  residentRecordCode: r.residentRecordCode,
  name: fullName(r),
  nameKana: fullKana(r),
  birthDate: r.birthDate,
  sex: r.sex,
  individualNumber: r.individualNumberEnc ? deps.pii.decrypt(r.individualNumberEnc) : undefined,
  address: displayAddress(r),
});

/**
 * 転居 (domain spec §4.9, §3.3, §3.4): the 本登録, the card-face endorsement step.
 */
export function moveWithinActivities(deps: ActivityDeps) {
  const result = (app: StoredMoveWithinApplication, rs: Resident[]): MoveWithinCommitResult => ({
    addresseeNumbers: rs.map((r) => r.addresseeNumber),
    householdNumber: rs[0]?.householdNumber ?? app.householdNumber,
    headChangeExOfficio: Boolean(app.headChange && app.headChangeExOfficio),
    cardPresented: app.movers.filter((m) => m.cardPresented).map((m) => m.addresseeNumber),
  });
  return {
    /**
     * 本登録 of a 転居 in ONE transaction, as appended snapshots in order (domain spec §3.3; "a 転居 combined with
     * another change is split into separate, ordered updates", §3.4, §4.9):
     * 1. per mover the 転居: new 住所, 方書, 郵便番号, 住所を定めた年月日 and 前住所 (異動事由 転居), and its 本人確認情報
     *    update in the person's ordered outbox — pre-validated to change nothing but the address
     *    (`003_d62b23c9035e33bb.txt` L1819–1821);
     * 2. when the movers form a new household (世帯分離) or join one at the new address (世帯変更; 世帯合併 when the whole
     *    household joins), a second snapshot per mover with the 世帯番号, 続柄 and 世帯主名 (no 本人確認情報: none of its
     *    items change);
     * 3. when the 世帯主 moved and members stay, the remaining household's 世帯主変更 (filed, or ex officio when one
     *    member stays).
     * Idempotent: a retry finds the case's history rows and returns the same result.
     */
    async commitMoveWithin(input: CommitInput): Promise<MoveWithinCommitResult> {
      return deps.orm.em.fork().transactional(async (em) => {
        const app = await loadApplication(em, input.caseId);
        const row = await em.findOneOrFail(CaseRecord, { caseId: input.caseId });
        const movers = await em.find(
          Resident,
          { addresseeNumber: { $in: row.subjectAddresseeNumbers ?? [] } },
          { orderBy: { addresseeNumber: 'asc' } },
        );
        if (await em.count(ResidentHistory, { caseId: input.caseId })) return result(app, movers);
        if (
          movers.length !== app.movers.length ||
          movers.some((r) => r.status !== ResidentStatus.RESIDENT || r.householdNumber !== app.householdNumber)
        )
          throw ApplicationFailure.nonRetryable(
            'a mover is no longer a current resident of the household',
            FailureType.CASE_DATA_MISSING,
          );
        const stamp = { processId: input.caseId, terminalId: input.terminalId, updatedBy: input.approvedBy };
        const history = { caseId: input.caseId, operatorId: input.approvedBy, terminalId: input.terminalId };
        const committed = (r: Resident, fn: string, individualNumberAccessed = false) =>
          audit(em, {
            actorId: input.approvedBy,
            actorRoles: ['approver'],
            terminalId: input.terminalId,
            action: AuditAction.CHANGE_COMMITTED,
            function: fn,
            targetAddresseeNumber: r.addresseeNumber,
            caseId: input.caseId,
            individualNumberAccessed,
          });

        // 1. the 転居 itself: address items only
        for (const r of movers) {
          const before = identityItems(deps, r);
          Object.assign(r, {
            previousAddress: displayAddress(r),
            address: app.newAddress.address,
            addressSupplement: app.newAddress.addressSupplement,
            postalCode: app.newAddress.postalCode,
            addressCode: app.newAddress.addressCode,
            addressEstablishedDate: app.moveDate,
            changeReason: ChangeReason.MOVE_WITHIN,
            changeDate: app.moveDate,
            notificationDate: app.notificationDate,
            ...stamp,
          });
          appendHistory(em, deps, r, history);
          const changed = nonAddressChanges(before, identityItems(deps, r));
          if (changed.length)
            throw ApplicationFailure.nonRetryable(
              `a 転居 update may change only the address; also changed: ${changed.join(', ')}`,
              FailureType.CASE_DATA_MISSING,
            );
          if (r.residentRecordCode)
            await enqueue(em, deps, {
              caseId: input.caseId,
              kind: OutboxKind.IDENTITY_UPDATE,
              residentRecordCode: r.residentRecordCode,
              keyPart: `iu-${r.addresseeNumber}`,
              build: identityUpdateOf(
                deps,
                r,
                r.individualNumberEnc ? deps.pii.decrypt(r.individualNumberEnc) : undefined,
                ChangeReason.MOVE_WITHIN,
                app.moveDate,
              ),
            });
          committed(r, 'commitMoveWithin (転居)', Boolean(r.individualNumberEnc));
        }

        // 2. the movers' household, as its own 異動 after the 転居
        if (app.household.mode !== 'whole') {
          const { household, headName, reason } = await placeMovers(em, app, movers);
          for (const r of movers) {
            const mover = app.movers.find((m) => m.addresseeNumber === r.addresseeNumber)!;
            const relationshipToHead =
              app.household.mode === 'new' && r.addresseeNumber === app.household.newHeadAddresseeNumber
                ? '世帯主'
                : mover.relationshipToHead!;
            Object.assign(r, {
              householdNumber: household.householdNumber,
              relationshipToHead,
              householdHeadName: relationshipToHead === '世帯主' ? fullName(r) : headName,
              changeReason: reason,
              changeDate: app.moveDate,
              notificationDate: app.notificationDate,
              ...stamp,
            });
            appendHistory(em, deps, r, { ...history, notes: '転居に伴う世帯の変更（転居とは別の異動）' });
            committed(r, `commitMoveWithin (${reason})`);
          }
        }

        // 3. the remaining household's 世帯主 (domain spec §3.2)
        await commitHouseholdHeadChange(
          em,
          deps,
          { headChange: app.headChange, householdNumber: app.householdNumber, plannedMoveOutDate: app.moveDate },
          {
            caseId: input.caseId,
            operatorId: input.approvedBy,
            terminalId: input.terminalId,
            filedOn: app.headChangeExOfficio ? undefined : app.notificationDate,
            notes: app.headChangeExOfficio ? '世帯主の転居による職権の世帯主変更' : '転居届による世帯主変更',
            function: 'commitMoveWithin (世帯主変更)',
          },
        );
        if (
          app.household.mode !== 'whole' &&
          !(await em.count(Resident, { householdNumber: app.householdNumber, status: { $ne: ResidentStatus.REMOVED } }))
        ) {
          const old = await em.findOne(Household, { householdNumber: app.householdNumber });
          if (old) old.active = false;
        }
        Object.assign(row, { status: CaseStatus.COMMITTED, updatedAt: new Date() });
        em.persist(
          em.create(CaseActionLog, {
            caseId: input.caseId,
            action: CaseAction.COMMIT,
            actorId: input.approvedBy,
            terminalId: input.terminalId,
            detail: {
              addresseeNumbers: movers.map((r) => r.addresseeNumber),
              household: app.household.mode,
              headChange: Boolean(app.headChange),
            },
            at: new Date(),
          }),
        );
        await em.flush();
        return result(app, movers);
      });
    },

    /**
     * Card-face endorsement (domain spec §4.9): for each mover who presented a 個人番号カード, the new address is written on
     * the card's 追記欄, recorded as a step of the case with the note that the 署名用電子証明書 lost its validity with
     * the address change and is re-issued on request (law: 公的個人認証法第12条). Idempotent per person.
     */
    async recordCardFaceEndorsements(input: CommitInput): Promise<{ endorsed: string[] }> {
      return deps.orm.em.fork().transactional(async (em) => {
        const app = await loadApplication(em, input.caseId);
        const wanted = app.movers.filter((m) => m.cardPresented).map((m) => m.addresseeNumber);
        const done = new Set(
          (await em.find(CaseActionLog, { caseId: input.caseId, action: CaseAction.CARD_FACE_ENDORSED })).map(
            (l) => (l.detail as { addresseeNumber?: string } | undefined)?.addresseeNumber,
          ),
        );
        const endorsed: string[] = [];
        for (const r of await em.find(
          Resident,
          { addresseeNumber: { $in: wanted } },
          { orderBy: { addresseeNumber: 'asc' } },
        )) {
          endorsed.push(r.addresseeNumber);
          if (done.has(r.addresseeNumber)) continue;
          em.persist(
            em.create(CaseActionLog, {
              caseId: input.caseId,
              action: CaseAction.CARD_FACE_ENDORSED,
              actorId: input.approvedBy,
              terminalId: input.terminalId,
              detail: {
                addresseeNumber: r.addresseeNumber,
                cardIssued: r.cardStatus === CardStatus.ISSUED,
                // 公的個人認証法第12条: the 署名用電子証明書 expires with the change of a 基本4情報 item; re-issued on request
                signingCertificateReissue: true,
              },
              at: new Date(),
            }),
          );
          audit(em, {
            actorId: input.approvedBy,
            actorRoles: ['approver'],
            terminalId: input.terminalId,
            action: AuditAction.CHANGE_COMMITTED,
            function: 'recordCardFaceEndorsements',
            targetAddresseeNumber: r.addresseeNumber,
            caseId: input.caseId,
          });
        }
        await em.flush();
        return { endorsed };
      });
    },
  };
}

export type MoveWithinActivities = ReturnType<typeof moveWithinActivities>;

/** The household at the new address: a new one (世帯分離) or the one joined (世帯変更 / 世帯合併). */
async function placeMovers(em: EntityManager, app: StoredMoveWithinApplication, movers: Resident[]) {
  if (app.household.mode === 'new') {
    const head = movers.find((r) => r.addresseeNumber === app.household.newHeadAddresseeNumber);
    if (!head) throw ApplicationFailure.nonRetryable('the new 世帯主 is not a mover', FailureType.CASE_DATA_MISSING);
    const household = em.create(Household, {
      householdNumber: localNumber(await nextSerial(em, CounterName.HOUSEHOLD)),
      headAddresseeNumber: head.addresseeNumber,
      active: true,
      createdAt: new Date(),
      updatedAt: new Date(),
    });
    em.persist(household);
    return { household, headName: fullName(head), reason: ChangeReason.HOUSEHOLD_SEPARATION };
  }
  const household = await em.findOne(Household, { householdNumber: app.household.householdNumber, active: true });
  const head =
    household &&
    ((household.headAddresseeNumber &&
      (await em.findOne(Resident, { addresseeNumber: household.headAddresseeNumber }))) ||
      (await em.findOne(Resident, {
        householdNumber: household.householdNumber,
        relationshipToHead: '世帯主',
        status: ResidentStatus.RESIDENT,
      })));
  if (!household || !head)
    throw ApplicationFailure.nonRetryable('the household at the new address is gone', FailureType.CASE_DATA_MISSING);
  const everyone = !(await em.count(Resident, {
    householdNumber: app.householdNumber,
    status: ResidentStatus.RESIDENT,
    addresseeNumber: { $nin: movers.map((r) => r.addresseeNumber) },
  }));
  return {
    household,
    headName: fullName(head),
    reason: everyone ? ChangeReason.HOUSEHOLD_MERGE : ChangeReason.HOUSEHOLD_CHANGE,
  };
}

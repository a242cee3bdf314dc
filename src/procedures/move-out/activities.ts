import { ApplicationFailure } from '@temporalio/activity';
import type { EntityManager } from '@mikro-orm/core';
import { CaseAction, CaseStatus } from '../../domain/case-status';
import { ChangeReason, EntryBasis } from '../../domain/change-reason';
import { jstDate, minDate, toCsBirthDate } from '../../domain/dates';
import { FailureType } from '../../domain/failures';
import { ResidentStatus } from '../../domain/registry-values';
import { audit } from '../../db/audit-writer';
import {
  AuditAction,
  CaseActionLog,
  CaseApplication,
  CaseRecord,
  Household,
  InboundMessage,
  OutboxKind,
  Resident,
  ResidentHistory,
} from '../../db/entities';
import { fullKana, fullName } from '../../db/registry-lookup';
import { protectedPersons, provisionalOnMoveOut } from '../../db/support-measures';
import type { StoredMoveOutApplication } from './schema';
import type { MoveInNotice } from '../../partners/cs-gateway';
import type { CertificateInfoRequest, MoveOutCertificateInfo } from '../../partners/cs-move-messages';
import type { ActivityDeps } from '../../activities/deps';
import { appendHistory } from '../../activities/history-writer';
import { displayAddress, enqueue, identityUpdateOf } from '../../activities/outbox-writer';
import { addressAnnexActivities } from '../../activities/address-annex-notices';
import { certificateActivities } from '../../activities/certificates';
import { commitHouseholdHeadChange } from './commit';

export interface MoveOutCommitResult {
  plannedMoveOutDate: string;
  path: 'paper' | 'special';
  late: boolean;
  abroad: boolean;
  addresseeNumbers: string[];
  /** The commit changed the 世帯主 ex officio (a 世帯主変更通知書 follows). Absent in results recorded before. */
  headChange?: boolean;
  /** The paper 転出証明書 was issued by the commit step (`afterCommit.certificateFor`). */
  certificateIssued?: boolean;
}

/**
 * The steps after a 転出's 本登録 that run in its commit activity (patches `move-out-commit-step` at the counter and
 * `online-move-out-commit-step` online, issue 15): the 附票記載事項通知 always, the paper 転出証明書 on the paper path
 * when `certificateFor` is given (the counter), the notices of a 転出 recorded ex officio (世帯主変更, 14 days late) by
 * `noticesBy` (the approver).
 */
export interface MoveOutAfterCommit {
  certificateFor?: { operatorId: string; terminalId?: string };
  noticesBy: { operatorId: string; terminalId?: string };
}

const loadApplication = async (em: EntityManager, caseId: string) => {
  const app = await em.findOne(CaseApplication, { caseId });
  if (!app) throw ApplicationFailure.nonRetryable('case application not found', FailureType.CASE_DATA_MISSING);
  return app.payload as unknown as StoredMoveOutApplication;
};

/** 転出証明書情報 of one person (design model of domain.md §3.5), addressed to the destination. */
const certificateInfoOf =
  (deps: ActivityDeps, r: Resident, app: StoredMoveOutApplication, caseId: string, supportMeasure = false) =>
  (_seq: number, idempotencyKey: string): MoveOutCertificateInfo => ({
    fromMunicipalityCode: deps.config.municipalityCode,
    toMunicipalityCode: app.destination.municipalityCode!,
    idempotencyKey,
    certificate: {
      residentRecordCode: r.residentRecordCode!,
      individualNumber: deps.pii.decrypt(r.individualNumberEnc!),
      name: fullName(r),
      nameKana: fullKana(r),
      ...(r.formerSurname ? { formerSurname: r.formerSurname } : {}),
      birthDate: toCsBirthDate(r.birthDate),
      sex: r.sex,
      relationshipToHead: r.relationshipToHead,
      householdHeadName: r.householdHeadName ?? fullName(r),
      originAddress: displayAddress(r),
      plannedDestinationAddress: app.destination.address,
      plannedMoveOutDate: app.plannedMoveOutDate,
      ...(r.registeredDomicile ? { registeredDomicile: r.registeredDomicile } : {}),
      ...(r.familyRegisterHead ? { familyRegisterHead: r.familyRegisterHead } : {}),
      ...(r.domicileMunicipalityCode ? { domicileMunicipalityCode: r.domicileMunicipalityCode } : {}),
      moverGroupId: caseId,
      ...(app.plannedVisitDate ? { plannedVisitDate: app.plannedVisitDate } : {}),
      ...(supportMeasure ? { supportMeasure: true } : {}),
    },
  });

export function moveOutActivities(deps: ActivityDeps) {
  const annex = addressAnnexActivities(deps);
  const certificates = certificateActivities(deps);
  /**
   * After the commit's transaction, in the same activity: each step its own idempotent transaction (the outbox and
   * local keys per case and person, one certificate per case and type), so a retry writes nothing twice.
   */
  const afterCommit = async (
    caseId: string,
    committed: MoveOutCommitResult,
    after: MoveOutAfterCommit,
  ): Promise<MoveOutCommitResult> => {
    await annex.queueAddressAnnexNotices({ caseId });
    const paper = committed.path === 'paper' && after.certificateFor !== undefined;
    if (paper) await certificates.issueMoveOutCertificate({ caseId, ...after.certificateFor! });
    if (committed.headChange || committed.late)
      await certificates.issueExOfficioNotices({ caseId, ...after.noticesBy });
    return { ...committed, certificateIssued: paper };
  };
  const subjects = async (em: EntityManager, caseId: string) => {
    const row = await em.findOneOrFail(CaseRecord, { caseId });
    return em.find(
      Resident,
      { addresseeNumber: { $in: row.subjectAddresseeNumbers ?? [] } },
      { orderBy: { addresseeNumber: 'asc' } },
    );
  };

  return {
    /**
     * 本登録 of a 転出 (domain.md §4.3 step 5): the movers become 転出予定者 with the planned address and date
     * (history snapshot), and in the same transaction the 本人確認情報 update and, on the special path, the
     * 転出証明書情報 per person to the destination. Idempotent per case.
     */
    async commitMoveOut(input: {
      caseId: string;
      approvedBy: string;
      terminalId?: string;
      afterCommit?: MoveOutAfterCommit;
    }): Promise<MoveOutCommitResult> {
      const committed = await deps.orm.em.fork().transactional(async (em) => {
        const app = await loadApplication(em, input.caseId);
        const result = (rs: Resident[]): MoveOutCommitResult => ({
          plannedMoveOutDate: app.plannedMoveOutDate,
          path: app.path,
          late: app.late,
          abroad: Boolean(app.destination.abroad),
          addresseeNumbers: rs.map((r) => r.addresseeNumber),
          headChange: Boolean(app.headChange),
        });
        const residents = await subjects(em, input.caseId);
        if (await em.count(ResidentHistory, { caseId: input.caseId })) return result(residents);
        const reason = app.destination.abroad ? ChangeReason.MOVE_OUT_ABROAD : ChangeReason.DOMESTIC_MOVE_OUT;
        const supported = await protectedPersons(em, result(residents).addresseeNumbers); // 支援措置 / 抑止 (§8.6)
        for (const r of residents) {
          if (r.status !== ResidentStatus.RESIDENT)
            throw ApplicationFailure.nonRetryable(
              'a mover is no longer a current resident',
              FailureType.CASE_DATA_MISSING,
            );
          Object.assign(r, {
            status: ResidentStatus.PENDING_MOVE_OUT,
            plannedDestinationAddress: app.destination.address,
            plannedMoveOutDate: app.plannedMoveOutDate,
            changeReason: reason,
            changeDate: app.plannedMoveOutDate,
            notificationDate: app.notificationDate,
            processId: input.caseId,
            terminalId: input.terminalId,
            updatedBy: input.approvedBy,
          });
          appendHistory(em, deps, r, {
            caseId: input.caseId,
            operatorId: input.approvedBy,
            terminalId: input.terminalId,
            // 14 days late: recorded ex officio, the filing kept as the 申出 and its date as 申出日 (domain.md §4.3 step 1)
            notes: app.late ? '職権（申出）' : undefined,
            basis: app.late ? EntryBasis.EX_OFFICIO_ON_REQUEST : undefined,
          });
          if (r.individualNumberEnc) {
            await enqueue(em, deps, {
              caseId: input.caseId,
              kind: OutboxKind.IDENTITY_UPDATE,
              residentRecordCode: r.residentRecordCode!,
              keyPart: `iu-${r.addresseeNumber}`,
              build: identityUpdateOf(deps, r, deps.pii.decrypt(r.individualNumberEnc), reason, app.plannedMoveOutDate),
            });
          }
          if (app.path === 'special') {
            await enqueue(em, deps, {
              caseId: input.caseId,
              kind: OutboxKind.MOVE_OUT_CERTIFICATE_INFO,
              residentRecordCode: r.residentRecordCode!,
              keyPart: `ci-${r.addresseeNumber}`,
              build: certificateInfoOf(deps, r, app, input.caseId, supported.has(r.addresseeNumber)),
            });
          }
          audit(em, {
            actorId: input.approvedBy,
            actorRoles: ['approver'],
            terminalId: input.terminalId,
            action: AuditAction.CHANGE_COMMITTED,
            function: 'commitMoveOut',
            targetAddresseeNumber: r.addresseeNumber,
            caseId: input.caseId,
            individualNumberAccessed: true,
          });
        }
        // a protected mover's 支援措置 becomes 仮支援措置 as 前住所地 (domain.md §4.3 step 2, §8.6)
        await provisionalOnMoveOut(em, result(residents).addresseeNumbers, input.caseId, input.approvedBy);
        await commitHouseholdHeadChange(em, deps, app, {
          caseId: input.caseId,
          operatorId: input.approvedBy,
          terminalId: input.terminalId,
        });
        const row = await em.findOneOrFail(CaseRecord, { caseId: input.caseId });
        Object.assign(row, { status: CaseStatus.COMMITTED, updatedAt: new Date() });
        em.persist(
          em.create(CaseActionLog, {
            caseId: input.caseId,
            action: CaseAction.COMMIT,
            actorId: input.approvedBy,
            terminalId: input.terminalId,
            detail: { path: app.path, late: app.late, headChange: Boolean(app.headChange) },
            at: new Date(),
          }),
        );
        await em.flush();
        return result(residents);
      });
      return input.afterCommit ? afterCommit(input.caseId, committed, input.afterCommit) : committed;
    },

    /** 転出予定者 → 除票 on `removalDate` (the planned date, or an earlier 転入日 from a 転入通知). Idempotent. */
    async applyRemoval(input: {
      caseId: string;
      removalDate: string;
      addresseeNumbers?: string[];
    }): Promise<{ removed: string[] }> {
      return deps.orm.em.fork().transactional(async (em) => {
        const removed: string[] = [];
        for (const r of await subjects(em, input.caseId)) {
          if (
            r.status !== ResidentStatus.PENDING_MOVE_OUT ||
            (input.addresseeNumbers && !input.addresseeNumbers.includes(r.addresseeNumber))
          )
            continue;
          Object.assign(r, {
            status: ResidentStatus.REMOVED,
            removalReason: r.changeReason,
            removalDate: input.removalDate,
            ceasedResidentDate: input.removalDate,
            updatedBy: 'system',
          });
          appendHistory(em, deps, r, { caseId: input.caseId, operatorId: 'system', notes: '除票' });
          removed.push(r.addresseeNumber);
          audit(em, {
            actorId: 'system',
            actorRoles: ['system'],
            action: AuditAction.BATCH,
            function: 'applyRemoval',
            targetAddresseeNumber: r.addresseeNumber,
            caseId: input.caseId,
          });
        }
        for (const hn of new Set((await subjects(em, input.caseId)).map((r) => r.householdNumber))) {
          if (!(await em.count(Resident, { householdNumber: hn, status: { $ne: ResidentStatus.REMOVED } }))) {
            const h = await em.findOne(Household, { householdNumber: hn });
            if (h) h.active = false;
          }
        }
        if (removed.length)
          em.persist(
            em.create(CaseActionLog, {
              caseId: input.caseId,
              action: CaseAction.REMOVED,
              actorId: 'system',
              detail: { removed, removalDate: input.removalDate },
              at: new Date(),
            }),
          );
        await em.flush();
        return { removed };
      });
    },

    /**
     * Records a received 転入通知 (domain.md §4.6): 転入通知日, 転出先住所（確定） and 転出年月日（確定）, next to the
     * planned values, never overwriting them. For duplicates the latest wins (standard spec 4.1.3.1.2, §4.6 step 1):
     * a later notice for the same person replaces the confirmed values; the same message again changes nothing. A
     * 除票 already in effect takes the earlier of the planned date and the 転入日 (§4.3 Status, §4.6 step 2, §10.2),
     * whenever the notice arrives. Returns whom it concerned and the 転入日 now recorded.
     */
    async recordMoveInNotice(input: {
      caseId: string;
      inboundId: number;
    }): Promise<{ addresseeNumber?: string; moveInDate?: string; allReceived: boolean }> {
      return deps.orm.em.fork().transactional(async (em) => {
        const msg = await em.findOneOrFail(InboundMessage, { id: input.inboundId });
        const notice = (JSON.parse(deps.pii.decrypt(msg.bodyEnc!)) as MoveInNotice).notice;
        const residents = await subjects(em, input.caseId);
        const r = residents.find((x) => x.residentRecordCode === notice.residentRecordCode);
        const recorded = r
          ? (await em.find(CaseActionLog, { caseId: input.caseId, action: CaseAction.MOVE_IN_NOTICE_RECORDED }))
              .map((l) => l.detail as { addresseeNumber?: string; inboundId?: number } | undefined)
              .filter((d) => d?.addresseeNumber === r.addresseeNumber)
              .map((d) => d!.inboundId ?? 0)
          : [];
        // the latest received (inbound rows are numbered in arrival order); one already recorded is not again
        if (r && (!r.moveInNoticeDate || recorded.every((id) => id < input.inboundId))) {
          const removalDate =
            r.status === ResidentStatus.REMOVED && r.removalDate
              ? minDate(r.plannedMoveOutDate ?? r.removalDate, notice.moveInDate)
              : r.removalDate;
          Object.assign(r, {
            confirmedDestinationAddress: notice.newAddress,
            confirmedMoveOutDate: notice.moveInDate,
            moveInNoticeDate: jstDate(msg.receivedAt),
            ...(removalDate !== r.removalDate ? { removalDate, ceasedResidentDate: removalDate } : {}),
            updatedBy: 'system',
          });
          appendHistory(em, deps, r, {
            caseId: input.caseId,
            operatorId: 'system',
            notes: recorded.length ? '転入通知（更新）' : '転入通知',
          });
          em.persist(
            em.create(CaseActionLog, {
              caseId: input.caseId,
              action: CaseAction.MOVE_IN_NOTICE_RECORDED,
              actorId: 'system',
              detail: { addresseeNumber: r.addresseeNumber, inboundId: input.inboundId },
              at: new Date(),
            }),
          );
          await em.flush();
        }
        return {
          addresseeNumber: r?.addresseeNumber,
          moveInDate: r?.confirmedMoveOutDate,
          allReceived: residents.every((x) => x.moveInNoticeDate),
        };
      });
    },

    /** Answers a 送信依頼: queues the 転出証明書情報 again for the persons asked for (new idempotency keys). */
    async queueCertificateInfoResend(input: { caseId: string; inboundId: number }): Promise<{ queued: number }> {
      return deps.orm.em.fork().transactional(async (em) => {
        const msg = await em.findOneOrFail(InboundMessage, { id: input.inboundId });
        const request = JSON.parse(deps.pii.decrypt(msg.bodyEnc!)) as CertificateInfoRequest;
        const app = await loadApplication(em, input.caseId);
        const r = (await subjects(em, input.caseId)).find(
          (x) => x.residentRecordCode === request.request.residentRecordCode,
        );
        if (!r || app.path !== 'special' || !app.destination.municipalityCode) return { queued: 0 };
        await enqueue(em, deps, {
          caseId: input.caseId,
          kind: OutboxKind.MOVE_OUT_CERTIFICATE_INFO,
          residentRecordCode: r.residentRecordCode!,
          keyPart: `ci-${r.addresseeNumber}-r${input.inboundId}`,
          build: certificateInfoOf(
            deps,
            r,
            { ...app, destination: { ...app.destination, municipalityCode: request.fromMunicipalityCode } },
            input.caseId,
          ),
        });
        em.persist(
          em.create(CaseActionLog, {
            caseId: input.caseId,
            action: CaseAction.CERTIFICATE_INFO_RESENT,
            actorId: 'system',
            detail: { inboundId: input.inboundId },
            at: new Date(),
          }),
        );
        await em.flush();
        return { queued: 1 };
      });
    },
  };
}

export type MoveOutActivities = ReturnType<typeof moveOutActivities>;

import type { EntityManager } from '@mikro-orm/core';
import { CaseAction } from '../domain/case-status';
import { ChangeReason } from '../domain/change-reason';
import { jstDate } from '../domain/dates';
import { ResidentStatus } from '../domain/registry-values';
import { audit } from '../db/audit-writer';
import { caseNoteText } from '../db/case-notes';
import { erasePersonalData } from '../db/registry-lookup';
import {
  AuditAction,
  CaseActionLog,
  CaseApplication,
  CaseRecord,
  HeldCertificateState,
  HeldMoveOutCertificate,
  Household,
  OutboxKind,
  OutboxMessage,
  OutboxStatus,
  Resident,
  ResidentHistory,
  type ResidentItems,
} from '../db/entities';
import type { MoveOutCertificateWithdrawal } from '../partners/cs-move-messages';
import type { ActivityDeps } from './deps';
import { appendHistory } from './history-writer';
import { enqueue, identityUpdateOf } from './outbox-writer';

export interface CompensationResult {
  /** 宛名番号 of the persons whose records were restored by an appended 異動の取消し. */
  compensated: string[];
  /** Outbox messages queued by the compensation (to deliver before the case closes). */
  outbox: number;
  /** Outbox messages of the case that had not been sent and never will be. */
  withdrawnUnsent: number;
  /** Held 転出証明書情報 given back (HELD again): their workflows must be woken or restarted. */
  heldIds: string[];
  /** Messages that reached a partner and have no withdrawal message (e.g. a 転入通知): staff must follow up. */
  followUp: string[];
}

/**
 * Cancellation of a case after (or before) 本登録, as appended history (domain.md §3.3: a cancellation is a new
 * 異動 that restores the prior state; standard spec 4.6), in ONE transaction with its outgoing messages:
 * - each person changed by the case gets a snapshot restoring the state before the case, with 異動事由
 *   異動の取消し（減） (undoing a 転入: a record that did not exist before becomes a 除票), 異動の取消し（増）
 *   (undoing a 転出: the person is a resident again, the planned move-out removed) or 異動の取消し（修正） (undoing a
 *   転居: the prior address and household return; there is no 「転居取消」 reason, domain spec §3.3);
 * - messages of the case not yet sent are withdrawn (never sent); for each one already sent, the partner is told:
 *   a 本人確認情報 update with the cancellation reason to the CS, the 転出証明書情報の取消 to the destination;
 * - held 転出証明書情報 reserved or used by a cancelled 特例転入 is given back (HELD; the purge timer runs again).
 * Idempotent: a second call returns the recorded result. Nothing is deleted.
 */
export function compensationActivities(deps: ActivityDeps) {
  const now = deps.now ?? (() => new Date());
  return {
    async compensateCase(input: {
      caseId: string;
      by: string;
      terminalId?: string;
      /** The text (histories before issue 13 item 1), or the case_note `reasonId` and the requester of a 2-person one. */
      reason?: string;
      reasonId?: string;
      requestedBy?: string;
    }): Promise<CompensationResult> {
      return deps.orm.em.fork().transactional(async (em) => {
        const done = await em.findOne(CaseActionLog, { caseId: input.caseId, action: CaseAction.COMPENSATE });
        if (done) return done.detail as unknown as CompensationResult;
        const row = await em.findOneOrFail(CaseRecord, { caseId: input.caseId });
        // the procedure's definition says which way its cancellation goes (a case that created records removes them)
        const direction = deps.procedures.definitionOf(row.procedure).compensation;
        const reason =
          direction === 'remove'
            ? ChangeReason.CANCELLATION_REMOVE
            : direction === 'amend'
              ? ChangeReason.CANCELLATION_AMEND
              : ChangeReason.CANCELLATION_RECORD;
        const today = jstDate(now());
        const note = input.reason ?? (await caseNoteText(em, deps.pii, input.caseId, input.reasonId)) ?? '';
        const cancelReason = input.requestedBy ? `${note}（申請: ${input.requestedBy}／承認: ${input.by}）` : note;
        // not yet claimed by a delivery attempt: withdrawn, never sent (compare-and-set against a concurrent attempt)
        const withdrawn = await em.nativeUpdate(
          OutboxMessage,
          { caseId: input.caseId, status: { $in: [OutboxStatus.PENDING, OutboxStatus.REJECTED] } },
          { status: OutboxStatus.CANCELLED },
        );
        const outbox = await em.find(OutboxMessage, { caseId: input.caseId }, { orderBy: { id: 'asc' } });
        // SENT, or SENDING (an attempt may have reached the partner): the partner must be told
        const reached = (m: OutboxMessage) => m.status === OutboxStatus.SENT || m.status === OutboxStatus.SENDING;
        const sent = (kind: string, code?: string) =>
          outbox.some((m) => m.kind === kind && reached(m) && m.residentRecordCode === code);
        const result: CompensationResult = {
          compensated: [],
          outbox: 0,
          withdrawnUnsent: withdrawn,
          heldIds: [],
          followUp: [],
        };

        const own = await em.find(ResidentHistory, { caseId: input.caseId }, { orderBy: { historyNumber: 'asc' } });
        const firstOwn = new Map<string, number>();
        own.forEach((h) => firstOwn.has(h.addresseeNumber) || firstOwn.set(h.addresseeNumber, h.historyNumber));
        // the households the case put people in (a 転居 that formed a new one): emptied by the restore, checked below
        const householdsOfCase = own.map((h) => h.snapshot.householdNumber).filter((n): n is string => Boolean(n));
        for (const [addresseeNumber, first] of firstOwn) {
          const r = await em.findOneOrFail(Resident, { addresseeNumber });
          const prior = await em.findOne(
            ResidentHistory,
            { addresseeNumber, historyNumber: { $lt: first } },
            { orderBy: { historyNumber: 'desc' } },
          );
          const code = r.residentRecordCode;
          if (prior) Object.assign(r, restorable(prior.snapshot as ResidentItems));
          else
            Object.assign(r, {
              status: ResidentStatus.REMOVED,
              removalReason: reason,
              removalDate: today,
              ceasedResidentDate: today,
            });
          Object.assign(r, {
            changeReason: reason,
            changeDate: today,
            notificationDate: today,
            processId: input.caseId,
            terminalId: input.terminalId,
            updatedBy: input.by,
          });
          appendHistory(em, deps, r, {
            caseId: input.caseId,
            operatorId: input.by,
            terminalId: input.terminalId,
            notes: `${reason}: ${cancelReason}`.slice(0, 200),
          });
          result.compensated.push(addresseeNumber);
          if (code && sent(OutboxKind.IDENTITY_UPDATE, code) && r.individualNumberEnc) {
            await enqueue(em, deps, {
              caseId: input.caseId,
              kind: OutboxKind.IDENTITY_UPDATE,
              residentRecordCode: code,
              keyPart: `cx-iu-${addresseeNumber}`,
              build: identityUpdateOf(deps, r, deps.pii.decrypt(r.individualNumberEnc), reason, today),
            });
            result.outbox++;
          }
          if (code && sent(OutboxKind.MOVE_OUT_CERTIFICATE_INFO, code)) {
            result.outbox += await queueWithdrawal(em, deps, input.caseId, code, addresseeNumber);
          }
          if (code && sent(OutboxKind.MOVE_IN_NOTICE, code))
            result.followUp.push(`転入通知送付済み（${addresseeNumber}）: 転出地へ取消の連絡が必要`);
          if (code && sent(OutboxKind.CARD_CONTINUED_USE, code))
            result.followUp.push(`継続利用の依頼送付済み（${addresseeNumber}）: J-LIS へ連絡が必要`);
          audit(em, {
            actorId: input.by,
            actorRoles: ['supervisor'],
            terminalId: input.terminalId,
            action: AuditAction.CHANGE_COMMITTED,
            function: 'compensateCase',
            targetAddresseeNumber: addresseeNumber,
            caseId: input.caseId,
            individualNumberAccessed: result.outbox > 0,
          });
        }
        await fixHouseholds(em, result.compensated, householdsOfCase);

        const held = await em.find(HeldMoveOutCertificate, {
          usedByCaseId: input.caseId,
          state: { $in: [HeldCertificateState.IN_USE, HeldCertificateState.USED] },
        });
        held.forEach((h) =>
          h.withdrawnAt // withdrawn by the origin meanwhile: purged, not given back (domain spec §4.5)
            ? erasePersonalData(h, now())
            : Object.assign(h, { state: HeldCertificateState.HELD, usedByCaseId: undefined }),
        );
        result.heldIds = held.map((h) => h.heldId);

        em.persist(
          em.create(CaseActionLog, {
            caseId: input.caseId,
            action: CaseAction.COMPENSATE,
            actorId: input.by,
            terminalId: input.terminalId,
            detail: { ...result },
            at: now(),
          }),
        );
        await em.flush();
        return result;
      });
    },
  };
}

/** The items of a snapshot that a restore may take back (the keys and the stamp stay as they are). */
function restorable(s: ResidentItems): Partial<ResidentItems> {
  const { addresseeNumber: _a, processId: _p, terminalId: _t, updatedBy: _u, ...items } = s;
  // items the snapshot did not have must be cleared, not kept from the cancelled state
  const cleared = Object.fromEntries(
    [
      'plannedDestinationAddress',
      'plannedMoveOutDate',
      'removalReason',
      'removalDate',
      'ceasedResidentDate',
      'confirmedDestinationAddress',
      'confirmedMoveOutDate',
      'moveInNoticeDate',
      // a cancelled 転居 restores an address without 方書 / 郵便番号, or a household without a recorded 世帯主名
      'addressSupplement',
      'postalCode',
      'addressCode',
      'previousAddress',
      'householdHeadName',
    ].map((k) => [k, undefined]),
  );
  return { ...cleared, ...items };
}

/**
 * A household whose members were all removed becomes inactive; one with a current member again becomes active; its
 * head is the current member whose 続柄 is 世帯主 (restored with the others' by a cancelled 世帯主変更).
 */
async function fixHouseholds(
  em: EntityManager,
  addresseeNumbers: string[],
  alsoHouseholds: readonly string[] = [],
): Promise<void> {
  const residents = await em.find(Resident, { addresseeNumber: { $in: addresseeNumbers } });
  await em.flush(); // the restored 世帯番号 count below
  for (const hn of new Set([...residents.map((r) => r.householdNumber), ...alsoHouseholds])) {
    const h = await em.findOne(Household, { householdNumber: hn });
    if (!h) continue;
    h.active = (await em.count(Resident, { householdNumber: hn, status: { $ne: ResidentStatus.REMOVED } })) > 0;
    // a cancelled 転出 that changed the 世帯主 restored everyone's 続柄: the household's head follows them
    const head = await em.findOne(Resident, {
      householdNumber: hn,
      relationshipToHead: '世帯主',
      status: { $ne: ResidentStatus.REMOVED },
    });
    if (head) h.headAddresseeNumber = head.addresseeNumber;
  }
}

/** 転出証明書情報の取消 to the destination the certificate went to (no 特定個人情報). */
async function queueWithdrawal(
  em: EntityManager,
  deps: ActivityDeps,
  caseId: string,
  residentRecordCode: string,
  addresseeNumber: string,
): Promise<number> {
  const app = (await em.findOneOrFail(CaseApplication, { caseId })).payload as {
    destination?: { municipalityCode?: string };
    plannedMoveOutDate?: string;
  };
  const to = app.destination?.municipalityCode;
  if (!to || !app.plannedMoveOutDate) return 0;
  await enqueue(em, deps, {
    caseId,
    kind: OutboxKind.MOVE_OUT_CERTIFICATE_WITHDRAWAL,
    residentRecordCode,
    keyPart: `cx-wd-${addresseeNumber}`,
    build: (_s, idempotencyKey): MoveOutCertificateWithdrawal => ({
      fromMunicipalityCode: deps.config.municipalityCode,
      toMunicipalityCode: to,
      idempotencyKey,
      withdrawal: { residentRecordCode, moverGroupId: caseId, plannedMoveOutDate: app.plannedMoveOutDate! },
    }),
  });
  return 1;
}

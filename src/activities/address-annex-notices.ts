import { CaseAction } from '../domain/case-status';
import { ChangeReason } from '../domain/change-reason';
import { domicileTarget } from '../domain/domicile';
import { audit, SYSTEM_ACTOR } from '../db/audit-writer';
import {
  AddressAnnexNoticeRecord,
  AnnexNoticeDirection,
  AuditAction,
  CaseActionLog,
  OutboxKind,
  OutboxMessage,
  ResidentHistory,
  type ResidentItems,
} from '../db/entities';
import { fullName } from '../db/registry-lookup';
import { AnnexEvent, type AddressAnnexNotice, type AddressAnnexNoticeBody } from '../partners/cs-messages';
import type { ActivityDeps } from './deps';
import { displayAddress, enqueue } from './outbox-writer';

/** The 異動事由 of the moves that change the address the 附票 records. */
const ANNEX_EVENTS: Partial<Record<ChangeReason, AnnexEvent>> = {
  [ChangeReason.DOMESTIC_MOVE_IN]: AnnexEvent.MOVE_IN,
  [ChangeReason.MOVE_IN_FROM_ABROAD]: AnnexEvent.MOVE_IN,
  [ChangeReason.DOMESTIC_MOVE_OUT]: AnnexEvent.MOVE_OUT,
  [ChangeReason.MOVE_OUT_ABROAD]: AnnexEvent.MOVE_OUT_ABROAD,
  [ChangeReason.MOVE_WITHIN]: AnnexEvent.MOVE_WITHIN,
};

/** The 附票記載事項 of one person after a move, from the snapshot the move wrote (domain.md §3.1, §4.1–§4.3). */
export function annexNoticeBody(s: ResidentItems, event: AnnexEvent): AddressAnnexNoticeBody {
  const common = {
    residentRecordCode: s.residentRecordCode!,
    name: fullName(s),
    event,
    registeredDomicile: s.registeredDomicile!,
    familyRegisterHead: s.familyRegisterHead ?? '',
  };
  if (event === AnnexEvent.MOVE_IN || event === AnnexEvent.MOVE_WITHIN)
    return { ...common, address: displayAddress(s), addressEstablishedDate: s.addressEstablishedDate };
  return {
    ...common,
    ...(s.plannedDestinationAddress ? { destinationAddress: s.plannedDestinationAddress } : {}),
    moveOutDate: s.plannedMoveOutDate ?? s.changeDate,
  };
}

export interface QueuedAnnexNotices {
  /** Queued in the outbox for the 本籍地 (sent by deliverCsMessages). */
  queued: number;
  /** 本籍 in this city: recorded locally, nothing sent. */
  local: number;
  /** 本籍地 unknown (no code, 本籍 outside the city): recorded for staff, nothing sent. */
  unaddressed: number;
}

/**
 * 戸籍の附票記載事項通知 after the 本登録 of a move (住基法第19条; domain.md §4.1 step 4.4, §4.2 step 6.4, §4.3 step
 * 5.5): one per moving person with a 本籍, built from the snapshot the commit wrote, in one transaction: queued in the
 * outbox to the 本籍地 (delivered by deliverCsMessages after the case's other messages), or, when the 本籍地 is this
 * city, recorded locally for the city's 戸籍 system. Idempotent: the outbox key / local message ID is per case and
 * person, so a retried activity writes nothing twice. Input and result are IDs and counts only.
 */
export function addressAnnexActivities(deps: ActivityDeps) {
  return {
    async queueAddressAnnexNotices(input: { caseId: string }): Promise<QueuedAnnexNotices> {
      const { caseId } = input;
      const town = deps.config;
      // the committed history rows do not change: read without a transaction, and open one only when a notice is due
      // (issue 15: no begin / commit around a read alone)
      const rows = await deps.orm.em
        .fork()
        .find(
          ResidentHistory,
          { caseId, changeReason: { $in: Object.keys(ANNEX_EVENTS) as ChangeReason[] } },
          { orderBy: { addresseeNumber: 'asc', historyNumber: 'asc' } },
        );
      const firstPerPerson = new Map<string, ResidentHistory>();
      for (const h of rows) if (!firstPerPerson.has(h.addresseeNumber)) firstPerPerson.set(h.addresseeNumber, h);
      const due = [...firstPerPerson.values()].filter((h) => {
        const s = h.snapshot;
        return ANNEX_EVENTS[h.changeReason] && s.residentRecordCode && domicileTarget(s, town).kind !== 'none';
      });
      const out: QueuedAnnexNotices = { queued: 0, local: 0, unaddressed: 0 };
      if (!due.length) return out;
      return deps.orm.em.fork().transactional(async (em) => {
        for (const h of due) {
          const s = h.snapshot;
          const event = ANNEX_EVENTS[h.changeReason]!;
          const target = domicileTarget(s, town);
          if (!s.residentRecordCode || target.kind === 'none') continue;
          const keyPart = `annex-${h.addresseeNumber}`;
          const messageId = `${town.municipalityCode}-${caseId}-${keyPart}`;
          const notice = annexNoticeBody(s, event);
          if (target.kind === 'remote') {
            if (!(await em.count(OutboxMessage, { idempotencyKey: messageId })))
              await enqueue(em, deps, {
                caseId,
                kind: OutboxKind.ADDRESS_ANNEX_NOTICE,
                residentRecordCode: s.residentRecordCode,
                keyPart,
                build: (_seq, idempotencyKey): AddressAnnexNotice => ({
                  fromMunicipalityCode: town.municipalityCode,
                  toMunicipalityCode: target.municipalityCode,
                  idempotencyKey,
                  notice,
                }),
              });
            out.queued++;
          } else {
            // 本籍 in this city, or a 本籍地 nobody can address: kept here (for the 戸籍 system / for staff)
            if (!(await em.count(AddressAnnexNoticeRecord, { messageId }))) {
              em.persist(
                em.create(AddressAnnexNoticeRecord, {
                  messageId,
                  direction: target.kind === 'local' ? AnnexNoticeDirection.LOCAL : AnnexNoticeDirection.UNADDRESSED,
                  fromMunicipalityCode: town.municipalityCode,
                  residentRecordCode: s.residentRecordCode,
                  event,
                  caseId,
                  bodyEnc: deps.pii.encrypt(JSON.stringify(notice)),
                  receivedAt: new Date(),
                }),
              );
              em.persist(
                em.create(CaseActionLog, {
                  caseId,
                  action: CaseAction.ANNEX_NOTICE_RECORDED,
                  actorId: 'system',
                  detail: { addresseeNumber: h.addresseeNumber, direction: target.kind },
                  at: new Date(),
                }),
              );
            }
            if (target.kind === 'local') out.local++;
            else out.unaddressed++;
          }
          audit(em, {
            ...SYSTEM_ACTOR,
            action: AuditAction.BATCH,
            function: 'address-annex-notice',
            targetAddresseeNumber: h.addresseeNumber,
            caseId,
            detail: { target: target.kind },
          });
        }
        await em.flush();
        return out;
      });
    },
  };
}

export type AddressAnnexActivities = ReturnType<typeof addressAnnexActivities>;

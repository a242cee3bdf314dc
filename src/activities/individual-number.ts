import { ApplicationFailure } from '@temporalio/activity';
import { ChangeReason, EntryBasis } from '../domain/change-reason';
import { isIndividualNumber } from '../domain/check-digits';
import { jstDate, toCsBirthDate } from '../domain/dates';
import { FailureType } from '../domain/failures';
import { audit } from '../db/audit-writer';
import {
  AuditAction,
  DeliveryAddressInfo,
  DeliveryAddressState,
  IndividualNumberAnswer,
  IndividualNumberRequest,
  IndividualNumberRequestState,
  OutboxKind,
  OutboxMessage,
  OutboxStatus,
  Resident,
} from '../db/entities';
import { fullKana, fullName } from '../db/registry-lookup';
import type { DeliveryAddressInfoMessage, IndividualNumberRequestMessage } from '../partners/jlis-number-messages';
import type { ActivityDeps } from './deps';
import { appendHistory } from './history-writer';
import { displayAddress, enqueue, identityUpdateOf } from './outbox-writer';

/** Why a generation request is on the supervisor console. */
export const IndividualNumberAttention = {
  NO_ANSWER: 'NO_ANSWER',
  ANSWER_FOR_OTHER_CODE: 'ANSWER_FOR_OTHER_CODE',
} as const;
export type IndividualNumberAttention = (typeof IndividualNumberAttention)[keyof typeof IndividualNumberAttention];

const SYSTEM = 'system';
const requestKeyOf = (deps: Pick<ActivityDeps, 'config'>, caseId: string, addresseeNumber: string) =>
  `${deps.config.municipalityCode}-${caseId}-number-request-${addresseeNumber}`;
const deliveryKeyOf = (deps: Pick<ActivityDeps, 'config'>, caseId: string, addresseeNumber: string) =>
  `${deps.config.municipalityCode}-${caseId}-delivery-address-${addresseeNumber}`;

/**
 * The activities of the 個人番号 generation sub-flow (src/workflows/individual-number.ts). Each is idempotent: a
 * retry after a commit finds its own result. Arguments and results are IDs and outcomes, never the number.
 */
export function individualNumberActivities(deps: ActivityDeps) {
  const now = deps.now ?? (() => new Date());
  return {
    /** Queues the generation request for the person's 住民票コード (once per case and person). */
    async requestIndividualNumber(input: { caseId: string; addresseeNumber: string }): Promise<void> {
      await deps.orm.em.fork().transactional(async (em) => {
        const requestKey = requestKeyOf(deps, input.caseId, input.addresseeNumber);
        if (await em.findOne(IndividualNumberRequest, { requestKey })) return;
        const r = await em.findOne(Resident, { addresseeNumber: input.addresseeNumber });
        if (!r?.residentRecordCode)
          throw ApplicationFailure.nonRetryable('no 住民票コード for the person', FailureType.CASE_DATA_MISSING);
        const residentRecordCode = r.residentRecordCode;
        em.persist(
          em.create(IndividualNumberRequest, {
            requestKey,
            caseId: input.caseId,
            addresseeNumber: input.addresseeNumber,
            residentRecordCode,
            state: IndividualNumberRequestState.REQUESTED,
            requestedAt: now(),
            mismatchCount: 0,
          }),
        );
        await enqueue(em, deps, {
          caseId: input.caseId,
          kind: OutboxKind.INDIVIDUAL_NUMBER_REQUEST,
          residentRecordCode,
          keyPart: `number-request-${input.addresseeNumber}`,
          build: (_seq, idempotencyKey): IndividualNumberRequestMessage => ({
            municipalityCode: deps.config.municipalityCode,
            idempotencyKey,
            residentRecordCode,
          }),
        });
      });
    },

    /** Opens (or keeps) the console task of a request: J-LIS has not answered within the limit. */
    async flagIndividualNumberRequest(input: {
      caseId: string;
      addresseeNumber: string;
      reason: IndividualNumberAttention;
    }): Promise<void> {
      const em = deps.orm.em.fork();
      await em.nativeUpdate(
        IndividualNumberRequest,
        {
          requestKey: requestKeyOf(deps, input.caseId, input.addresseeNumber),
          state: IndividualNumberRequestState.REQUESTED,
        },
        { attentionReason: input.reason, attentionAt: now() },
      );
    },

    /**
     * Records a stored answer: refused (console task, number not kept) if it names another 住民票コード than the
     * request; ignored if the number is already recorded; else the 個人番号 is written to the 住民票 as an appended
     * 異動 (個人番号（職権記載）, domain.md §3.3, §4.7 step 3.2) and its 本人確認情報 update is queued, in one transaction.
     */
    async recordIndividualNumber(input: {
      caseId: string;
      addresseeNumber: string;
      answerId: number;
    }): Promise<{ outcome: 'RECORDED' | 'DUPLICATE' | 'MISMATCH' }> {
      return deps.orm.em.fork().transactional(async (em) => {
        const request = await em.findOneOrFail(IndividualNumberRequest, {
          requestKey: requestKeyOf(deps, input.caseId, input.addresseeNumber),
        });
        const answer = await em.findOneOrFail(IndividualNumberAnswer, { id: input.answerId });
        if (answer.status === 'RECORDED') return { outcome: 'RECORDED' as const }; // a retry after the commit
        if (answer.status === 'REJECTED') return { outcome: 'MISMATCH' as const };
        if (request.state === IndividualNumberRequestState.RECORDED) {
          Object.assign(answer, { status: 'DUPLICATE', numberEnc: undefined, numberIndex: undefined });
          return { outcome: 'DUPLICATE' as const };
        }
        const number = answer.numberEnc && deps.pii.decrypt(answer.numberEnc);
        if (
          answer.requestKey !== request.requestKey ||
          answer.residentRecordCode !== request.residentRecordCode ||
          !number ||
          !isIndividualNumber(number)
        ) {
          Object.assign(answer, { status: 'REJECTED', numberEnc: undefined, numberIndex: undefined });
          Object.assign(request, {
            attentionReason: IndividualNumberAttention.ANSWER_FOR_OTHER_CODE,
            attentionAt: now(),
            mismatchCount: request.mismatchCount + 1,
          });
          return { outcome: 'MISMATCH' as const };
        }
        const r = await em.findOneOrFail(Resident, { addresseeNumber: input.addresseeNumber });
        const changeDate = jstDate(now());
        Object.assign(r, {
          individualNumberEnc: deps.pii.encrypt(number),
          individualNumberIndex: deps.pii.blindIndex(number),
          changeReason: ChangeReason.INDIVIDUAL_NUMBER_EX_OFFICIO_RECORD,
          changeDate,
          processId: input.caseId,
          updatedBy: SYSTEM,
        });
        appendHistory(em, deps, r, {
          caseId: input.caseId,
          operatorId: SYSTEM,
          basis: EntryBasis.EX_OFFICIO,
          notes: '機構が生成した個人番号の職権記載',
        });
        audit(em, {
          actorId: SYSTEM,
          actorRoles: [],
          action: AuditAction.CHANGE_COMMITTED,
          function: 'recordIndividualNumber',
          targetAddresseeNumber: r.addresseeNumber,
          caseId: input.caseId,
          individualNumberAccessed: true,
        });
        // the resident row holds the number now: the answer keeps no copy
        Object.assign(answer, { status: 'RECORDED', numberEnc: undefined, numberIndex: undefined });
        Object.assign(request, {
          state: IndividualNumberRequestState.RECORDED,
          recordedAt: now(),
          attentionReason: undefined,
          attentionAt: undefined,
        });
        await em.flush();
        await enqueue(em, deps, {
          caseId: input.caseId,
          kind: OutboxKind.IDENTITY_UPDATE,
          residentRecordCode: r.residentRecordCode!,
          keyPart: `identity-number-${input.addresseeNumber}`,
          build: identityUpdateOf(deps, r, number, ChangeReason.INDIVIDUAL_NUMBER_EX_OFFICIO_RECORD, changeDate),
        });
        return { outcome: 'RECORDED' as const };
      });
    },

    /** Extracts the 送付先情報 of a person whose number is recorded and queues it for J-LIS (once). */
    async queueDeliveryAddressInfo(input: {
      caseId: string;
      addresseeNumber: string;
      /** Workflow time of the extraction, and how long it may be kept at most (`deliveryAddressRetention`). */
      createdAt: string;
      retentionMs: number;
    }): Promise<{ purgeAt: string }> {
      return deps.orm.em.fork().transactional(async (em) => {
        const key = deliveryKeyOf(deps, input.caseId, input.addresseeNumber);
        const held = await em.findOne(DeliveryAddressInfo, { key });
        if (held) return { purgeAt: held.purgeAt.toISOString() };
        const r = await em.findOneOrFail(Resident, { addresseeNumber: input.addresseeNumber });
        if (!r.individualNumberEnc || !r.residentRecordCode)
          throw ApplicationFailure.nonRetryable('no 個人番号 recorded for the person', FailureType.CASE_DATA_MISSING);
        const individualNumber = deps.pii.decrypt(r.individualNumberEnc);
        const created = new Date(input.createdAt);
        const purgeAt = new Date(created.getTime() + input.retentionMs);
        const address = displayAddress(r);
        const office = {
          name: `${deps.config.municipalityName}${deps.config.officeName}`,
          address: deps.config.municipalityName,
        };
        await enqueue(em, deps, {
          caseId: input.caseId,
          kind: OutboxKind.DELIVERY_ADDRESS_INFO,
          residentRecordCode: r.residentRecordCode,
          keyPart: `delivery-address-${input.addresseeNumber}`,
          build: (_seq, idempotencyKey): DeliveryAddressInfoMessage => ({
            municipalityCode: deps.config.municipalityCode,
            idempotencyKey,
            recipient: { name: fullName(r), address, ...(r.postalCode ? { postcode: r.postalCode } : {}) },
            municipality: { code: deps.config.municipalityCode, name: deps.config.municipalityName },
            issuePlace: office,
            batch: { persons: 1, processingDate: jstDate(created) },
            person: {
              residentRecordCode: r.residentRecordCode!,
              name: fullName(r),
              nameKana: fullKana(r),
              ...(r.postalCode ? { postcode: r.postalCode } : {}),
              address,
              birthDate: toCsBirthDate(r.birthDate),
              sex: r.sex,
              individualNumber,
              ...(r.isForeignResident && r.periodOfStayExpiry ? { residenceExpiryDate: r.periodOfStayExpiry } : {}),
            },
          }),
        });
        em.persist(
          em.create(DeliveryAddressInfo, {
            key,
            caseId: input.caseId,
            addresseeNumber: input.addresseeNumber,
            outboxKey: key,
            state: DeliveryAddressState.HELD,
            createdAt: created,
            purgeAt,
          }),
        );
        audit(em, {
          actorId: SYSTEM,
          actorRoles: [],
          action: AuditAction.BATCH,
          function: 'queueDeliveryAddressInfo (送付先情報)',
          targetAddresseeNumber: r.addresseeNumber,
          caseId: input.caseId,
          individualNumberAccessed: true,
        });
        await em.flush();
        return { purgeAt: purgeAt.toISOString() };
      });
    },

    /**
     * Purges the 送付先情報 (domain.md §8.5): the outbox body is overwritten (an unsent one is cancelled), and the row
     * keeps only the non-personal stub with the reason (RECEIPT: J-LIS confirmed it; LIMIT: the retention ran out).
     */
    async purgeDeliveryAddressInfo(input: {
      caseId: string;
      addresseeNumber: string;
      reason: 'RECEIPT' | 'LIMIT';
    }): Promise<void> {
      await deps.orm.em.fork().transactional(async (em) => {
        const key = deliveryKeyOf(deps, input.caseId, input.addresseeNumber);
        const row = await em.findOneOrFail(DeliveryAddressInfo, { key });
        if (row.state === DeliveryAddressState.PURGED) return;
        const m = await em.findOne(OutboxMessage, { idempotencyKey: row.outboxKey });
        if (m) {
          m.payloadEnc = deps.pii.encrypt('{"purged":true}');
          if (m.status !== OutboxStatus.SENT) m.status = OutboxStatus.CANCELLED;
        }
        Object.assign(row, {
          state: DeliveryAddressState.PURGED,
          purgedAt: now(),
          purgeReason: input.reason,
          ...(input.reason === 'RECEIPT' ? { receiptAt: m?.sentAt ?? now() } : {}),
        });
        audit(em, {
          actorId: SYSTEM,
          actorRoles: [],
          action: AuditAction.BATCH,
          function: `purgeDeliveryAddressInfo (${input.reason})`,
          targetAddresseeNumber: input.addresseeNumber,
          caseId: input.caseId,
        });
      });
    },
  };
}

export type IndividualNumberActivities = ReturnType<typeof individualNumberActivities>;

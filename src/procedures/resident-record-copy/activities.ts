import { ApplicationFailure } from '@temporalio/activity';
import { jstDate, toWareki } from '../../domain/dates';
import { ResidentStatus } from '../../domain/registry-values';
import type { CounterCopyInput } from './schema';
import { actorRolesOf, audit } from '../../db/audit-writer';
import { issuanceBlocked } from '../../db/issuance-blocks';
import { useReleases } from '../../db/support-measures';
import { AuditAction, CertificateIssuance, Resident } from '../../db/entities';
import type { ActivityDeps } from '../../activities/deps';
import {
  becameResidentReasons,
  byHouseholdOrder,
  CertificateType,
  countPages,
  nextIssueNumber,
  removedRecordCopyDoc,
  residentRecordCopyDoc,
  type IssueResult,
} from '../../activities/certificates';

export const CounterFailure = {
  REMOVED_RECORD: 'REMOVED_RECORD',
  NOT_REMOVED: 'NOT_REMOVED',
  NOT_FOUND: 'NOT_FOUND',
  ISSUANCE_BLOCKED: 'ISSUANCE_BLOCKED',
} as const;

/**
 * 住民票の写し at the counter (domain.md §5.1, §5.2), in the style of the case certificates: the current registry
 * rows (仮登録 data is never in them: it is written at 本登録 only, domain.md §4 common rule 1), a fresh 発行番号, the
 * PDF and its 交付履歴 row (with the printed items and who requested), and an audit row per person saying whether
 * the 個人番号 was printed. A 除票 person is refused (a 除票の写し is another certificate).
 *
 * With kind 'removedRecord' the same activity issues the 除票の写し (domain spec §5.2): one 除票 person, the copy's items
 * plus 消除事由, 事由の生じた年月日 and, for a 転出, the 転出先 (確定 if known, else 予定).
 */
export function residentRecordCopyActivities(deps: ActivityDeps) {
  return {
    async issueCounterResidentRecordCopy(input: CounterCopyInput): Promise<IssueResult> {
      const now = deps.now ?? (() => new Date());
      return deps.orm.em.fork().transactional(async (em) => {
        const existing = await em.findOne(CertificateIssuance, { certificateId: input.requestId });
        if (existing)
          return { issueNumber: existing.issueNumber, certificateId: existing.certificateId, pages: existing.pages };
        const persons = (await em.find(Resident, { addresseeNumber: { $in: input.addresseeNumbers } })).sort(
          byHouseholdOrder,
        );
        if (persons.length !== input.addresseeNumbers.length)
          throw ApplicationFailure.nonRetryable('person not found', CounterFailure.NOT_FOUND);
        const removedCopy = input.kind === 'removedRecord';
        if (persons.some((p) => (p.status === ResidentStatus.REMOVED) !== removedCopy))
          throw ApplicationFailure.nonRetryable(
            removedCopy ? 'not a removed record' : 'removed record',
            removedCopy ? CounterFailure.NOT_REMOVED : CounterFailure.REMOVED_RECORD,
          );
        // 支援措置 / 抑止 (domain.md §8.6): the service refused it already; a block entered in between stops it here
        if ((await issuanceBlocked(em, input.addresseeNumbers, now())).size)
          throw ApplicationFailure.nonRetryable(
            'issuance blocked by a support measure',
            CounterFailure.ISSUANCE_BLOCKED,
          );
        await useReleases(em, input.addresseeNumbers, input.operatorId, { certificateId: input.requestId });
        const reasons = await becameResidentReasons(em, persons);
        const issuedAt = now();
        const day = jstDate(issuedAt);
        const issueNumber = await nextIssueNumber(deps, em, day, input.terminalId);
        const doc = residentRecordCopyDoc(
          deps,
          persons,
          { issueNumber, issueDate: day },
          input.options,
          (a) => reasons[a],
        );
        const pdf = await deps.certificates.renderResidentRecordCopy(
          removedCopy ? removedRecordCopyDoc(doc, persons) : doc,
        );
        const printedItems = { ...input.options, counter: true, [`requestedBy_${input.requester}`]: true };
        const pages = countPages(pdf);
        em.persist(
          em.create(CertificateIssuance, {
            certificateId: input.requestId,
            issueNumber,
            certificateType: removedCopy ? CertificateType.REMOVED_RECORD_COPY : CertificateType.RESIDENT_RECORD_COPY,
            issuedAt,
            place: deps.config.officeName,
            targetAddresseeNumbers: persons.map((p) => p.addresseeNumber),
            printedItems,
            pages,
            terminalId: input.terminalId,
            operatorId: input.operatorId,
            pdf,
          }),
        );
        const actorRoles = await actorRolesOf(em, input.operatorId);
        audit(
          em,
          ...persons.map((p) => ({
            actorId: input.operatorId,
            actorRoles,
            terminalId: input.terminalId,
            action: AuditAction.CERTIFICATE,
            function: `issue ${removedCopy ? 'removedRecordCopy' : 'residentRecordCopy'} (窓口)`,
            targetAddresseeNumber: p.addresseeNumber,
            individualNumberAccessed: input.options.includeIndividualNumber,
            detail: { certificateId: input.requestId, issueDate: toWareki(day), requester: input.requester },
          })),
        );
        await em.flush();
        return { issueNumber, certificateId: input.requestId, pages };
      });
    },
  };
}

export type ResidentRecordCopyActivities = ReturnType<typeof residentRecordCopyActivities>;

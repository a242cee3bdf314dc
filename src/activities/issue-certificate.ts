import { randomUUID } from 'node:crypto';
import { CaseAction } from '../domain/case-status';
import { toWareki } from '../domain/dates';
import { jstDate } from '../domain/dates';
import { relationshipRank, sexLabel } from '../domain/registry-values';
import { audit } from '../db/audit-writer';
import { CounterName, nextSerial } from '../db/counters';
import { AuditAction, CaseActionLog, CaseApplication, CertificateIssuance, Resident, ResidentHistory, Terminal } from '../db/entities';
import { fullKana, fullName } from '../db/registry-lookup';
import type { MoveInApplication } from '../domain/applications/move-in-application';
import type { ResidentRecordCopyInput } from '../../templates/resident-record-copy';
import type { ActivityDeps } from './deps';

export const CertificateType = { RESIDENT_RECORD_COPY: 'residentRecordCopy' } as const;

export interface IssueInput {
  caseId: string;
  operatorId: string;
  terminalId?: string;
}

const countPages = (pdf: Buffer): number => (pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) ?? []).length;

/**
 * 住民票の写し for the persons a case recorded (domain.md §5): options from the request (世帯主・続柄, 本籍・筆頭者,
 * 住民票コード and 個人番号 omitted unless requested), a fresh 発行番号, the rendered PDF and its 交付履歴 row, and
 * an audit record per person (with whether the 個人番号 was printed). Idempotent per case.
 */
export function issueResidentRecordCopyActivity(deps: ActivityDeps) {
  const now = deps.now ?? (() => new Date());
  return async function issueResidentRecordCopy(input: IssueInput): Promise<{ issueNumber: string; certificateId: string; pages: number }> {
    return deps.orm.em.fork().transactional(async (em) => {
      const existing = await em.findOne(CertificateIssuance, { caseId: input.caseId, certificateType: CertificateType.RESIDENT_RECORD_COPY });
      if (existing) return { issueNumber: existing.issueNumber, certificateId: existing.certificateId, pages: existing.pages };
      const app = await em.findOneOrFail(CaseApplication, { caseId: input.caseId });
      const req = (app.payload as unknown as MoveInApplication).certificateRequest ?? {};
      const options = {
        includeHouseholdHead: Boolean(req.includeHouseholdHead), includeDomicile: Boolean(req.includeDomicile),
        includeResidentRecordCode: Boolean(req.includeResidentRecordCode), includeIndividualNumber: Boolean(req.includeIndividualNumber),
      };
      const history = await em.find(ResidentHistory, { caseId: input.caseId });
      const persons = (await em.find(Resident, { addresseeNumber: { $in: history.map((h) => h.addresseeNumber) } }))
        .sort((a, b) => relationshipRank(a.relationshipToHead) - relationshipRank(b.relationshipToHead) || a.birthDate.localeCompare(b.birthDate) || a.addresseeNumber.localeCompare(b.addresseeNumber));
      const first = persons[0];
      if (!first) throw new Error('no persons recorded for this case');
      const issuedAt = now();
      const day = jstDate(issuedAt);
      const terminal = input.terminalId ? await em.findOne(Terminal, { terminalId: input.terminalId }) : null;
      const serial = await nextSerial(em, CounterName.issueSerial(day.replaceAll('-', '')));
      const issueNumber = [day.replaceAll('-', ''), deps.config.municipalityName, terminal?.name ?? deps.config.officeName, terminal?.printerName ?? 'プリンタ001', String(serial).padStart(6, '0')].join(' ');
      const doc: ResidentRecordCopyInput = {
        municipalityName: deps.config.municipalityName,
        mayorTitle: `${deps.config.prefectureName}${deps.config.municipalityName}長`,
        mayorName: deps.config.mayorName,
        issueDate: day,
        issueNumber,
        householdHeadName: first.householdHeadName,
        address: first.address,
        addressSupplement: first.addressSupplement,
        options,
        persons: persons.map((r) => ({
          name: fullName(r), nameKana: fullKana(r), birthDate: r.birthDate, birthDateSeireki: r.isForeignResident, sex: sexLabel(r.sex),
          relationshipToHead: r.relationshipToHead, becameResidentDate: r.becameResidentDate, becameResidentReason: '転入',
          addressEstablishedDate: r.addressEstablishedDate, notificationDate: r.notificationDate, previousAddress: r.previousAddress,
          registeredDomicile: r.registeredDomicile, familyRegisterHead: r.familyRegisterHead,
          residentRecordCode: options.includeResidentRecordCode ? r.residentRecordCode : undefined,
          individualNumber: options.includeIndividualNumber && r.individualNumberEnc ? deps.pii.decrypt(r.individualNumberEnc) : undefined,
          remarks: r.remarks,
        })),
      };
      const pdf = await deps.certificates.renderResidentRecordCopy(doc);
      const pages = countPages(pdf);
      const certificateId = randomUUID();
      em.persist(em.create(CertificateIssuance, {
        certificateId, issueNumber, certificateType: CertificateType.RESIDENT_RECORD_COPY, caseId: input.caseId, issuedAt,
        place: deps.config.officeName, targetAddresseeNumbers: persons.map((p) => p.addresseeNumber), printedItems: options,
        pages, terminalId: input.terminalId, operatorId: input.operatorId, pdf,
      }));
      em.persist(em.create(CaseActionLog, { caseId: input.caseId, action: CaseAction.CERTIFICATE_ISSUED, actorId: input.operatorId, terminalId: input.terminalId, detail: { certificateId, pages }, at: issuedAt }));
      audit(em, ...persons.map((p) => ({
        actorId: input.operatorId, actorRoles: ['clerk'], terminalId: input.terminalId, action: AuditAction.CERTIFICATE,
        function: 'issueResidentRecordCopy', targetAddresseeNumber: p.addresseeNumber, caseId: input.caseId,
        individualNumberAccessed: options.includeIndividualNumber, detail: { certificateId, issueDate: toWareki(day) },
      })));
      await em.flush();
      return { issueNumber, certificateId, pages };
    });
  };
}

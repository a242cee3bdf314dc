import { createHash, randomUUID } from 'node:crypto';
import { ApplicationFailure, Context } from '@temporalio/activity';
import type { EntityManager } from '@mikro-orm/core';
import { CaseAction } from '../domain/case-status';
import { ChangeReason } from '../domain/change-reason';
import { jstDate, toWareki } from '../domain/dates';
import { relationshipRank, sexLabel } from '../domain/registry-values';
import { actorRolesOf, audit } from '../db/audit-writer';
import { issuanceBlocked } from '../db/issuance-blocks';
import { measuresFor, useReleases } from '../db/support-measures';
import { CounterName, nextSerial } from '../db/counters';
import {
  AuditAction,
  CaseActionLog,
  CaseApplication,
  CaseRecord,
  CertificateIssuance,
  MyNumberCard,
  Resident,
  ResidentHistory,
  Terminal,
} from '../db/entities';
import { fullKana, fullName } from '../db/registry-lookup';
import type { MoveInApplication } from '../procedures/move-in/schema';
import type { StoredMoveOutApplication } from '../procedures/move-out/schema';
import type { CopyOptions } from '../procedures/resident-record-copy/schema';
import type { ResidentRecordCopyInput } from '../../templates/resident-record-copy';
import type { ActivityDeps } from './deps';

export const CertificateType = {
  RESIDENT_RECORD_COPY: 'residentRecordCopy',
  /** 除票の写し at the counter (domain spec §5.2: 個人票 only). */
  REMOVED_RECORD_COPY: 'removedRecordCopy',
  MOVE_OUT_CERTIFICATE: 'moveOutCertificate',
  /** 世帯主変更通知書 (domain.md §3.2, §5.2). */
  HOUSEHOLD_HEAD_CHANGE_NOTICE: 'householdHeadChangeNotice',
  /** 職権記載等通知書 (domain.md §4.3 step 1, §5.2). */
  EX_OFFICIO_RECORD_NOTICE: 'exOfficioRecordNotice',
  /** 住民票コード通知票 (domain spec §4.7 step 3.3, §5.2). */
  RESIDENT_CODE_NOTICE: 'residentCodeNotice',
  /** 個人番号カード交付通知書 (domain spec §4.8 step 2) and its reminder before the storage limit. */
  CARD_ISSUANCE_NOTICE: 'cardIssuanceNotice',
  CARD_REMINDER_NOTICE: 'cardReminderNotice',
} as const;
export type CertificateType = (typeof CertificateType)[keyof typeof CertificateType];

export interface IssueInput {
  caseId: string;
  operatorId: string;
  terminalId?: string;
}

export interface IssueResult {
  issueNumber: string;
  certificateId: string;
  pages: number;
  withheld?: false;
}
/** Nothing issued: a person is under 支援措置 / 抑止 (domain.md §8.6); the refusal is audited and on the case. */
export interface WithheldResult {
  withheld: true;
  issueNumber?: undefined;
}

const REASON_TEXT: Partial<Record<string, string>> = {
  [ChangeReason.DOMESTIC_MOVE_IN]: '転入',
  [ChangeReason.MOVE_IN_FROM_ABROAD]: '転入',
  [ChangeReason.BIRTH]: '出生',
};

/** The 住民となった事由 of each person: the reason of their first history row (転入, 出生), by 宛名番号. */
export async function becameResidentReasons(
  em: EntityManager,
  persons: ReadonlyArray<Pick<Resident, 'addresseeNumber'>>,
): Promise<Record<string, string | undefined>> {
  const reasons: Record<string, string | undefined> = {};
  for (const p of persons) {
    const [first] = await em.find(
      ResidentHistory,
      { addresseeNumber: p.addresseeNumber },
      { orderBy: { historyNumber: 'asc' }, limit: 1, fields: ['changeReason'] },
    );
    reasons[p.addresseeNumber] = first ? REASON_TEXT[first.changeReason] : undefined;
  }
  return reasons;
}

export const countPages = (pdf: Buffer): number => (pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) ?? []).length;
export const byHouseholdOrder = (a: Resident, b: Resident) =>
  relationshipRank(a.relationshipToHead) - relationshipRank(b.relationshipToHead) ||
  a.birthDate.localeCompare(b.birthDate) ||
  a.addresseeNumber.localeCompare(b.addresseeNumber);

/**
 * Issues one certificate for the persons of a case: a fresh 発行番号 (date, municipality, terminal, printer, daily
 * serial), the rendered PDF stored with its 交付履歴 row (standard spec 1.3.8), an action, and an audit record per
 * person saying whether the 個人番号 was printed. Idempotent per case and certificate type.
 */
type Render = (
  em: EntityManager,
  persons: Resident[],
  base: { issueNumber: string; issueDate: string; reissue?: boolean },
) => Promise<{ pdf: Buffer; printedItems: Record<string, boolean> }>;

/** A 再交付 of a counter 住民票の写し: no case (the persons and the printed items come from the first issue). */
interface CounterReissueInput {
  caseId?: undefined;
  operatorId: string;
  terminalId?: string;
}

/** Whom a certificate of a case is about: the case's subjects unless the type says otherwise. */
type PersonsOf = (em: EntityManager, caseId: string) => Promise<Resident[]>;

/** A case's stored application as read (case_application: its procedure and decrypted payload). */
export type StoredApplication = Pick<CaseApplication, 'procedure' | 'payload'>;
const caseSubjects: PersonsOf = async (em, caseId) =>
  em.find(Resident, {
    addresseeNumber: { $in: (await em.findOneOrFail(CaseRecord, { caseId })).subjectAddresseeNumbers ?? [] },
  });

async function issue(
  deps: ActivityDeps,
  input: IssueInput | CounterReissueInput,
  type: CertificateType,
  render: Render,
  reissueOf?: CertificateIssuance,
  personsOf: PersonsOf = caseSubjects,
): Promise<IssueResult | WithheldResult> {
  const now = deps.now ?? (() => new Date());
  return deps.orm.em.fork().transactional(async (em) => {
    // a 再交付 is keyed by its activity execution: a retry after a lost acknowledgement returns the same copy
    const reissueId = reissueOf ? reissueCertificateId() : undefined;
    const existing = reissueId
      ? await em.findOne(CertificateIssuance, { certificateId: reissueId })
      : await em.findOne(CertificateIssuance, { caseId: input.caseId, certificateType: type });
    if (existing)
      return { issueNumber: existing.issueNumber, certificateId: existing.certificateId, pages: existing.pages };
    const persons = (reissueOf ? await stateAt(em, reissueOf) : await personsOf(em, input.caseId!)).sort(
      byHouseholdOrder,
    );
    if (!persons.length) throw new Error('no persons recorded for this case');
    const issuedAt = now();
    // 支援措置 / 抑止 (domain.md §5.1, §8.6): not issued without the 支援措置責任者's 一時解除, which one issuance uses up
    const subjects = persons.map((p) => p.addresseeNumber);
    const actorRoles = await actorRolesOf(em, input.operatorId);
    const measures = await measuresFor(em, subjects); // read once for the block and the 一時解除 it uses up
    const blocked = await issuanceBlocked(em, subjects, issuedAt, measures);
    if (blocked.size) {
      const caseId = input.caseId;
      if (caseId && !(await em.count(CaseActionLog, { caseId, action: CaseAction.CERTIFICATE_WITHHELD })))
        em.persist(
          em.create(CaseActionLog, {
            caseId,
            action: CaseAction.CERTIFICATE_WITHHELD,
            actorId: input.operatorId,
            terminalId: input.terminalId,
            detail: { type, rule: 'SUPPORT_MEASURE', ...(reissueOf ? { reissueOf: reissueOf.certificateId } : {}) },
            at: issuedAt,
          }),
        );
      audit(
        em,
        ...[...blocked].map((a) => ({
          actorId: input.operatorId,
          actorRoles,
          terminalId: input.terminalId,
          action: AuditAction.DENIED,
          function: `issue ${type}`,
          targetAddresseeNumber: a,
          caseId: input.caseId,
          outcome: 'denied' as const,
          detail: { rule: 'SUPPORT_MEASURE', blocked: true },
        })),
      );
      await em.flush();
      return { withheld: true as const };
    }
    await useReleases(em, subjects, input.operatorId, { caseId: input.caseId, type }, new Date(), measures);
    const day = jstDate(issuedAt);
    const issueNumber = await nextIssueNumber(deps, em, day, input.terminalId);
    const rendered = await render(em, persons, {
      issueNumber,
      issueDate: day,
      ...(reissueOf ? { reissue: true } : {}),
    });
    const { pdf } = rendered;
    const printedItems = reissueOf ? { ...rendered.printedItems, reissue: true } : rendered.printedItems;
    const pages = countPages(pdf);
    const certificateId = reissueId ?? randomUUID();
    // inserted as a statement, not left in the unit of work: the transaction's closing flush would re-encrypt the PDF
    // and decrypt both copies to compare them (random IV; issue 15, MikroORM CPU per 転入); still through its column
    // type, so the PDF is stored encrypted
    await em.insert(
      em.create(
        CertificateIssuance,
        {
          certificateId,
          issueNumber,
          certificateType: type,
          caseId: input.caseId,
          issuedAt,
          place: deps.config.officeName,
          targetAddresseeNumbers: persons.map((p) => p.addresseeNumber),
          printedItems,
          pages,
          terminalId: input.terminalId,
          operatorId: input.operatorId,
          pdf,
        },
        { persist: false },
      ),
    );
    if (input.caseId)
      em.persist(
        em.create(CaseActionLog, {
          caseId: input.caseId,
          action: CaseAction.CERTIFICATE_ISSUED,
          actorId: input.operatorId,
          terminalId: input.terminalId,
          detail: { certificateId, type, pages, ...(reissueOf ? { reissueOf: reissueOf.certificateId } : {}) },
          at: issuedAt,
        }),
      );
    audit(
      em,
      ...persons.map((p) => ({
        actorId: input.operatorId,
        actorRoles,
        terminalId: input.terminalId,
        action: AuditAction.CERTIFICATE,
        function: `issue ${type}`,
        targetAddresseeNumber: p.addresseeNumber,
        caseId: input.caseId,
        individualNumberAccessed: Boolean(printedItems.includeIndividualNumber),
        detail: {
          certificateId,
          issueDate: toWareki(day),
          ...(reissueOf ? { reissueOf: reissueOf.certificateId } : {}),
        },
      })),
    );
    await em.flush();
    return { issueNumber, certificateId, pages };
  });
}

/** 発行番号 (domain.md §5.1): date, municipality, issuing terminal, printer, daily serial (the page n/m is added per page). */
export async function nextIssueNumber(
  deps: ActivityDeps,
  em: EntityManager,
  day: string,
  terminalId: string | undefined,
): Promise<string> {
  const terminal = terminalId ? await em.findOne(Terminal, { terminalId }) : null;
  const serial = await nextSerial(em, CounterName.issueSerial(day.replaceAll('-', '')));
  return [
    day.replaceAll('-', ''),
    deps.config.municipalityName,
    terminal?.name ?? deps.config.officeName,
    terminal?.printerName ?? 'プリンタ001',
    String(serial).padStart(6, '0'),
  ].join(' ');
}

/** The persons as they were recorded when `first` was issued (a 再交付 prints the state at first issue). */
async function stateAt(em: EntityManager, first: CertificateIssuance): Promise<Resident[]> {
  const out: Resident[] = [];
  for (const a of first.targetAddresseeNumbers) {
    const [h] = await em.find(
      ResidentHistory,
      { addresseeNumber: a, createdAt: { $lte: first.issuedAt } },
      { orderBy: { historyNumber: 'desc' }, limit: 1 },
    );
    if (h) out.push(Object.assign(new Resident(), h.snapshot, { historyNumber: h.historyNumber }));
  }
  return out;
}

/** The items a 住民票の写し printed on request (the rest of `printedItems` records how it was issued). */
export const copyOptionsOf = (printed: Record<string, unknown>): CopyOptions => ({
  includeHouseholdHead: Boolean(printed.includeHouseholdHead),
  includeDomicile: Boolean(printed.includeDomicile),
  includeResidentRecordCode: Boolean(printed.includeResidentRecordCode),
  includeIndividualNumber: Boolean(printed.includeIndividualNumber),
});

/**
 * The 住民票の写し document: omitted items are not printed (domain.md §5.2); `reasonOf` gives each person's 住民となった
 * 事由 (転入, 出生, …): the case's procedure decides it for a case certificate, the first history entry at the counter.
 */
export function residentRecordCopyDoc(
  deps: ActivityDeps,
  persons: Resident[],
  base: { issueNumber: string; issueDate: string; reissue?: boolean },
  options: CopyOptions,
  reasonOf: (addresseeNumber: string) => string | undefined,
): ResidentRecordCopyInput {
  const first = persons[0]!;
  return {
    ...letterhead(deps),
    issueNumber: base.issueNumber,
    issueDate: base.issueDate,
    householdHeadName: first.householdHeadName,
    address: first.address,
    addressSupplement: first.addressSupplement,
    options: { ...options, reissue: base.reissue },
    persons: persons.map((r) => ({
      name: fullName(r),
      nameKana: fullKana(r),
      birthDate: r.birthDate,
      seireki: r.isForeignResident,
      sex: sexLabel(r.sex),
      relationshipToHead: r.relationshipToHead,
      becameResidentDate: r.becameResidentDate,
      becameResidentReason: reasonOf(r.addresseeNumber),
      addressEstablishedDate: r.addressEstablishedDate,
      notificationDate: r.notificationDate,
      previousAddress: r.previousAddress,
      registeredDomicile: r.registeredDomicile,
      familyRegisterHead: r.familyRegisterHead,
      residentRecordCode: options.includeResidentRecordCode ? r.residentRecordCode : undefined,
      individualNumber: options.includeIndividualNumber ? number(deps, r) || undefined : undefined,
      remarks: r.remarks,
      foreignResident:
        r.isForeignResident && r.foreignResidentCategory
          ? {
              nationalityRegion: r.nationalityRegion,
              category: r.foreignResidentCategory,
              statusOfResidence: r.statusOfResidence,
              periodOfStay: r.periodOfStay,
              periodOfStayExpiry: r.periodOfStayExpiry,
              residenceCardNumber: r.residenceCardNumber,
              alias: r.alias,
            }
          : undefined,
    })),
  };
}

const MOVE_OUT_REASONS: ReadonlySet<string> = new Set([ChangeReason.DOMESTIC_MOVE_OUT, ChangeReason.MOVE_OUT_ABROAD]);

/**
 * 除票の写し (domain spec §5.2: 個人票 only): the copy's document for one 除票 person, plus 消除事由, 事由の生じた年月日
 * (the removal date) and, for a 転出, the 転出先 (確定 if known, else 予定).
 */
export function removedRecordCopyDoc(doc: ResidentRecordCopyInput, persons: Resident[]): ResidentRecordCopyInput {
  return {
    ...doc,
    removedRecord: true,
    persons: doc.persons.map((d, i) => {
      const r = persons[i]!;
      const destination = MOVE_OUT_REASONS.has(r.removalReason ?? '')
        ? (r.confirmedDestinationAddress ?? r.plannedDestinationAddress ?? '')
        : undefined;
      return {
        ...d,
        removal: { reason: r.removalReason ?? '', date: r.removalDate ?? r.ceasedResidentDate ?? '', destination },
      };
    }),
  };
}

const moveOutApplicationOf = async (em: EntityManager, caseId: string) =>
  (await em.findOneOrFail(CaseApplication, { caseId })).payload as unknown as StoredMoveOutApplication;

/** Each person's 続柄 just before the case changed it (the snapshot preceding the case's first one). */
async function relationshipsBefore(em: EntityManager, caseId: string, persons: Resident[]) {
  const out = new Map<string, string>();
  for (const p of persons) {
    const [own] = await em.find(
      ResidentHistory,
      { addresseeNumber: p.addresseeNumber, caseId },
      { orderBy: { historyNumber: 'asc' }, limit: 1 },
    );
    const [prior] = await em.find(
      ResidentHistory,
      { addresseeNumber: p.addresseeNumber, historyNumber: { $lt: own?.historyNumber ?? p.historyNumber + 1 } },
      { orderBy: { historyNumber: 'desc' }, limit: 1 },
    );
    if (prior) out.set(p.addresseeNumber, (prior.snapshot as { relationshipToHead: string }).relationshipToHead);
  }
  return out;
}

const letterhead = (deps: ActivityDeps) => ({
  municipalityName: deps.config.municipalityName,
  mayorTitle: `${deps.config.prefectureName}${deps.config.municipalityName}長`,
  mayorName: deps.config.mayorName,
});
const number = (deps: ActivityDeps, r: Resident) =>
  r.individualNumberEnc ? deps.pii.decrypt(r.individualNumberEnc) : '';

export function certificateActivities(deps: ActivityDeps) {
  /** 個人番号カード交付通知書 (or its reminder) to the holder of the case's card: no 個人番号, no PIN. */
  const cardNotice =
    (reminder: boolean) =>
    (input: IssueInput): Render =>
    async (em, persons, base) => {
      const app = await em.findOneOrFail(CaseApplication, { caseId: input.caseId });
      const card = await em.findOneOrFail(MyNumberCard, { cardId: (app.payload as { cardId: string }).cardId });
      const r = persons[0]!;
      const pdf = await deps.certificates.renderCardIssuanceNotice({
        ...letterhead(deps),
        ...base,
        addressee: { name: fullName(r), address: r.address, addressSupplement: r.addressSupplement },
        name: fullName(r),
        nameKana: fullKana(r),
        birthDate: r.birthDate,
        birthDateSeireki: r.isForeignResident,
        pickupPlace: deps.config.cardPickup.place,
        pickupHours: deps.config.cardPickup.hours,
        deadline: card.storageLimitDate ?? '',
        reminder,
      });
      return { pdf, printedItems: { cardId: true, ...(reminder ? { reminder: true } : {}) } };
    };
  /**
   * 住民票の写し (domain.md §5.2): 世帯主・続柄, 本籍・筆頭者, 住民票コード and 個人番号 only when requested. `stored`: the
   * case's application when the caller has just read it (a 転入's commit step; issue 15: one read and one decryption
   * of it per 転入 instead of three), else it is read here.
   */
  const residentRecordCopy =
    (input: IssueInput, stored?: StoredApplication): Render =>
    async (em, persons, base) => {
      if (!input.caseId) throw new Error('a case 住民票の写し needs its case');
      const app = stored ?? (await em.findOneOrFail(CaseApplication, { caseId: input.caseId }));
      // the procedure of the case says what made these persons residents (転入, 出生, …); a case that makes nobody a
      // resident (a 世帯変更: null, a 転居): each person's own reason, from their first history row
      const reason = deps.procedures.definitionOf(app.procedure).certificateReason;
      const reasons = reason && reason !== '転居' ? undefined : await becameResidentReasons(em, persons);
      const req = (app.payload as unknown as Pick<MoveInApplication, 'certificateRequest'>).certificateRequest ?? {};
      const options = {
        includeHouseholdHead: Boolean(req.includeHouseholdHead),
        includeDomicile: Boolean(req.includeDomicile),
        includeResidentRecordCode: Boolean(req.includeResidentRecordCode),
        includeIndividualNumber: Boolean(req.includeIndividualNumber),
      };
      return {
        pdf: await deps.certificates.renderResidentRecordCopy(
          residentRecordCopyDoc(deps, persons, base, options, (a) =>
            reason && reason !== '転居' ? reason : reasons?.[a],
          ),
        ),
        printedItems: options,
      };
    };
  const renders: Record<CertificateType, (input: IssueInput) => Render> = {
    cardIssuanceNotice: cardNotice(false),
    cardReminderNotice: cardNotice(true),
    removedRecordCopy: () => async () => {
      throw ApplicationFailure.nonRetryable('a 除票の写し is issued at the counter only', 'NOT_A_CASE_CERTIFICATE');
    },
    /** 住民票の写し (domain.md §5.2): 世帯主・続柄, 本籍・筆頭者, 住民票コード and 個人番号 only when requested. */
    residentRecordCopy: (input) => residentRecordCopy(input),
    /**
     * 転出証明書 (paper path, domain.md §5.2): always with 住民票コード and 個人番号; a 転出証明書に準ずる証明書 after the
     * 14-day limit. 個別事項情報 comes from other departments' feeds, which do not exist yet (printed as 「―」).
     */
    moveOutCertificate: (input) => async (em, persons, base) => {
      const app = await moveOutApplicationOf(em, input.caseId);
      const first = persons[0]!;
      const pdf = await deps.certificates.renderMoveOutCertificate({
        ...letterhead(deps),
        ...base,
        kind: app.late ? 'equivalent' : 'certificate',
        address: first.address,
        addressSupplement: first.addressSupplement,
        householdHeadName: first.householdHeadName ?? fullName(first),
        plannedDestinationAddress: app.destination.address,
        plannedMoveOutDate: app.plannedMoveOutDate,
        notificationDate: app.notificationDate,
        persons: persons.map((r) => ({
          name: fullName(r),
          nameKana: fullKana(r),
          birthDate: r.birthDate,
          birthDateSeireki: r.isForeignResident,
          sex: sexLabel(r.sex),
          relationshipToHead: r.relationshipToHead,
          registeredDomicile: r.registeredDomicile,
          familyRegisterHead: r.familyRegisterHead,
          residentRecordCode: r.residentRecordCode ?? '',
          individualNumber: number(deps, r),
          becameResidentDate: r.becameResidentDate,
          addressEstablishedDate: r.addressEstablishedDate,
          programs: {},
        })),
      });
      return {
        pdf,
        printedItems: { includeIndividualNumber: true, includeResidentRecordCode: true, equivalent: app.late },
      };
    },

    /** 世帯主変更通知書 to the new 世帯主: the old and new 世帯主 and every staying member's 続柄 before and after. */
    householdHeadChangeNotice: (input) => async (em, persons, base) => {
      const app = await moveOutApplicationOf(em, input.caseId);
      const death = app as unknown as { deathDate?: string };
      const change = app.headChange;
      if (!change) throw new Error('this case changed no 世帯主');
      const newHead = persons.find((p) => p.addresseeNumber === change.newHeadAddresseeNumber) ?? persons[0]!;
      const previousHead = await em.findOneOrFail(Resident, { addresseeNumber: change.previousHeadAddresseeNumber });
      const before = await relationshipsBefore(em, input.caseId, persons);
      const pdf = await deps.certificates.renderHouseholdHeadChangeNotice({
        ...letterhead(deps),
        ...base,
        addressee: { name: fullName(newHead), address: newHead.address, addressSupplement: newHead.addressSupplement },
        address: newHead.address,
        addressSupplement: newHead.addressSupplement,
        // a 世帯主 who died (死亡, src/procedures/death) or moved out
        changeDate: death?.deathDate ?? app.plannedMoveOutDate,
        cause: death ? '死亡' : '転出',
        previousHeadName: fullName(previousHead),
        newHeadName: fullName(newHead),
        members: persons.map((r) => ({
          name: fullName(r),
          birthDate: r.birthDate,
          birthDateSeireki: r.isForeignResident,
          relationshipBefore: before.get(r.addresseeNumber) ?? '',
          relationshipAfter: r.relationshipToHead,
        })),
      });
      return { pdf, printedItems: { exOfficio: true } };
    },

    /** 職権記載等通知書 for a 転出 filed after the 14-day limit, sent to the movers at the 転出先. */
    exOfficioRecordNotice: (input) => async (em, persons, base) => {
      const app = await moveOutApplicationOf(em, input.caseId);
      const first = persons[0]!;
      const pdf = await deps.certificates.renderExOfficioRecordNotice({
        ...letterhead(deps),
        ...base,
        addressee: { name: fullName(first), address: app.destination.address },
        changeReason: app.destination.abroad ? ChangeReason.MOVE_OUT_ABROAD : ChangeReason.DOMESTIC_MOVE_OUT,
        changeDate: app.plannedMoveOutDate,
        requestDate: app.notificationDate,
        previousAddress: first.address,
        previousAddressSupplement: first.addressSupplement,
        destinationAddress: app.destination.address,
        persons: persons.map((r) => ({
          name: fullName(r),
          birthDate: r.birthDate,
          birthDateSeireki: r.isForeignResident,
          relationshipToHead: r.relationshipToHead,
        })),
      });
      return { pdf, printedItems: { exOfficio: true } };
    },

    /** 住民票コード通知票 to each person the case recorded (domain spec §4.7 step 3.3): the code, never the 個人番号. */
    residentCodeNotice: (input) => async (em, persons, base) => {
      const app = await em.findOneOrFail(CaseApplication, { caseId: input.caseId });
      const reason = deps.procedures.definitionOf(app.procedure).certificateReason ?? '';
      const pdfs = persons.map((r) =>
        deps.certificates.renderResidentCodeNotice({
          ...letterhead(deps),
          ...base,
          addressee: { name: fullName(r), address: r.address, addressSupplement: r.addressSupplement },
          name: fullName(r),
          nameKana: fullKana(r),
          birthDate: r.birthDate,
          birthDateSeireki: r.isForeignResident,
          sex: sexLabel(r.sex),
          residentRecordCode: r.residentRecordCode!,
          recordedDate: base.issueDate,
          reason,
        }),
      );
      if (pdfs.length !== 1) throw new Error('one 住民票コード通知票 per person: issue it per case of one person');
      return { pdf: await pdfs[0]!, printedItems: { includeResidentRecordCode: true } };
    },
  };
  /** The staying members of a 世帯主変更 (the persons of its notice). */
  const headChangeMembers: PersonsOf = async (em, caseId) => {
    const app = await moveOutApplicationOf(em, caseId);
    const members = app.headChange?.relationships.map((r) => r.addresseeNumber) ?? [];
    return em.find(Resident, { addresseeNumber: { $in: members } });
  };
  return {
    /**
     * The notices of a 転出 recorded ex officio (domain.md §5.2), after its commit: the 世帯主変更通知書 when the 世帯主
     * moved out and members stayed, the 職権記載等通知書 when the 転出届 came after the 14-day limit. Idempotent.
     */
    async issueExOfficioNotices(input: IssueInput): Promise<Array<IssueResult | WithheldResult>> {
      const app = await moveOutApplicationOf(deps.orm.em.fork(), input.caseId);
      const out: Array<IssueResult | WithheldResult> = [];
      // a head chosen with the notification (死亡 with two or more staying) was not set ex officio: no notice
      if (app.headChange && (app as { headChangeExOfficio?: boolean }).headChangeExOfficio !== false) {
        const type = CertificateType.HOUSEHOLD_HEAD_CHANGE_NOTICE;
        out.push(await issue(deps, input, type, renders[type](input), undefined, headChangeMembers));
      }
      if (app.late) {
        const type = CertificateType.EX_OFFICIO_RECORD_NOTICE;
        out.push(await issue(deps, input, type, renders[type](input)));
      }
      return out;
    },
    /**
     * `subjects`: the persons, when the caller knows them before the case row names them (a 転入's commit step);
     * `stored`: the case's application, when the caller has just read it (not part of the activity's input).
     */
    issueResidentRecordCopy: (input: IssueInput & { subjects?: string[] }, stored?: StoredApplication) =>
      issue(
        deps,
        input,
        CertificateType.RESIDENT_RECORD_COPY,
        residentRecordCopy(input, stored),
        undefined,
        input.subjects ? (em) => em.find(Resident, { addresseeNumber: { $in: input.subjects! } }) : undefined,
      ),
    issueCardIssuanceNotice: (input: IssueInput) =>
      issue(deps, input, CertificateType.CARD_ISSUANCE_NOTICE, renders.cardIssuanceNotice(input)),
    issueCardReminderNotice: (input: IssueInput) =>
      issue(deps, input, CertificateType.CARD_REMINDER_NOTICE, renders.cardReminderNotice(input)),
    issueResidentCodeNotice: (input: IssueInput) =>
      issue(deps, input, CertificateType.RESIDENT_CODE_NOTICE, renders.residentCodeNotice(input)),
    issueMoveOutCertificate: (input: IssueInput) =>
      issue(deps, input, CertificateType.MOVE_OUT_CERTIFICATE, renders.moveOutCertificate(input)),
    /** 再交付 (domain.md §5.2, standard spec 4.1.3.0.3): a new copy and 発行番号, marked 「再交付」, showing the state at first issue. */
    async reissueCertificate(input: {
      certificateId: string;
      operatorId: string;
      terminalId?: string;
    }): Promise<IssueResult> {
      const first = await deps.orm.em.fork().findOneOrFail(CertificateIssuance, { certificateId: input.certificateId });
      const type = first.certificateType as CertificateType;
      // a counter 住民票の写し has no case (issue 14 bug 10): the same items and requester as its first issue
      const issueInput = first.caseId
        ? { caseId: first.caseId, operatorId: input.operatorId, terminalId: input.terminalId }
        : { operatorId: input.operatorId, terminalId: input.terminalId };
      const render: Render = issueInput.caseId
        ? renders[type](issueInput)
        : async (em, persons, base) => {
            if (type !== CertificateType.RESIDENT_RECORD_COPY && type !== CertificateType.REMOVED_RECORD_COPY)
              throw ApplicationFailure.nonRetryable(
                '再交付できるのは住民票の写し・除票の写しだけです',
                'NOT_REISSUABLE',
              );
            const options = copyOptionsOf(first.printedItems);
            const reasons = await becameResidentReasons(em, persons);
            const doc = residentRecordCopyDoc(deps, persons, base, options, (a) => reasons[a]);
            const pdf = await deps.certificates.renderResidentRecordCopy(
              type === CertificateType.REMOVED_RECORD_COPY ? removedRecordCopyDoc(doc, persons) : doc,
            );
            return { pdf, printedItems: { ...first.printedItems, ...options } };
          };
      const result = await issue(deps, issueInput, type, render, first);
      // the API refuses a blocked 再交付 before it starts; a block entered in between stops it here (audited)
      if (result.withheld)
        throw ApplicationFailure.nonRetryable('issuance blocked by a support measure', 'ISSUANCE_BLOCKED');
      return result;
    },
  };
}

/** The certificate ID of a 再交付: derived from the activity execution, so every retry of it names the same copy. */
function reissueCertificateId(): string {
  let key: string;
  try {
    const { workflowExecution, activityId } = Context.current().info;
    key = `${workflowExecution?.workflowId}/${workflowExecution?.runId}/${activityId}`;
  } catch {
    return randomUUID(); // called outside an activity (scripts): nothing to repeat
  }
  const h = createHash('sha256').update(`reissue:${key}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/**
 * 住民票の写し (residentRecordCopy), 世帯連記式, A4 portrait: a pure pdfmake document-definition builder
 * (domain.md §5.1, §5.2). With `removedRecord` it is the 除票の写し (removedRecordCopy, 個人票): the same items plus
 * 消除事由, 事由の生じた年月日 and, for a 転出, the 転出先, under its own title and 認証文. It only lays out display-ready values; choosing the persons, their order (standard spec
 * 5.2, domain.md §3.2) and which items the requester may see is the caller's job.
 *
 * Omitted items (standard spec 5.1; law: 住基法第12条第5項): an item that was not requested is not printed at all —
 * no row, no label and no 「省略」 text — as on the certificates municipalities issue. Concretely:
 * - 世帯主 row and 続柄 cell only with `includeHouseholdHead`;
 * - 本籍 / 筆頭者 row only with `includeDomicile`, and only for persons that have one (foreign residents have none);
 * - 住民票コード / 個人番号 row only with `includeResidentRecordCode` / `includeIndividualNumber` (blank if unknown).
 * 方書 is never omitted (standard spec 5.4). 前住所 and 備考 are always shown, blank when empty.
 *
 * Dates are 'YYYY-MM-DD' and printed in 和暦 (every date of a foreign resident in 西暦, standard spec 1.1.9); any other
 * string (e.g. 「年月日不詳」, 「昭和○○年頃」) is printed as given. The 認証文, the mayor and the 電子公印 close the
 * content flow, so they appear on the last page only. The footer carries the 発行番号 with this page's n/total.
 */
import type { Content, TableCell, TDocumentDefinitions } from 'pdfmake/interfaces';
import {
  attestationBlock,
  BODY_SIZE,
  type Cell,
  certificatePage,
  displayDate as date,
  endOfEntries,
  fit,
  label,
  nameLabel,
  nameValue,
  LABEL_WIDTH,
  NAME_WIDTH,
  PERSON_WIDTHS,
  RIGHT_WIDTH,
  ruled,
  spanned,
  value,
  WIDE_WIDTH,
} from './certificate-parts';

export { CERTIFICATE_FONTS, pagedIssueNumber } from './certificate-parts';

export interface ResidentRecordCopyPerson {
  name: string;
  nameKana: string;
  birthDate: string;
  /** A foreign resident: every date of the person in 西暦 (standard spec 1.1.9; one rule for all their dates). */
  seireki?: boolean;
  /** A foreign resident's items (domain.md §3.7), printed below 前住所. */
  foreignResident?: {
    nationalityRegion?: string;
    category: string;
    statusOfResidence?: string;
    periodOfStay?: string;
    periodOfStayExpiry?: string;
    residenceCardNumber?: string;
    alias?: string;
  };
  sex: '男' | '女';
  relationshipToHead?: string;
  becameResidentDate: string;
  /** e.g. '転入', '出生'. */
  becameResidentReason?: string;
  addressEstablishedDate: string;
  notificationDate: string;
  previousAddress?: string;
  registeredDomicile?: string;
  familyRegisterHead?: string;
  residentRecordCode?: string;
  individualNumber?: string;
  remarks?: string;
  /** A 除票 (除票の写し only): 消除事由, 事由の生じた年月日 and, for a 転出, the 転出先 (domain spec §5.2). */
  removal?: { reason: string; date: string; destination?: string };
}

export interface ResidentRecordCopyInput {
  /** 除票の写し (個人票, domain spec §5.2): its title and 認証文; otherwise a 住民票の写し. */
  removedRecord?: boolean;
  /** e.g. 'さくら市'. */
  municipalityName: string;
  /** 職名 including the prefecture, e.g. '東京都さくら市長' (standard spec 5.6). */
  mayorTitle: string;
  mayorName: string;
  /** YYYY-MM-DD. */
  issueDate: string;
  /** 発行番号, e.g. '20261123 さくら市 本庁1 プリンタ001 000123 1/1'; a trailing n/m is replaced per page. */
  issueNumber: string;
  /** Printed only with options.includeHouseholdHead. */
  householdHeadName?: string;
  address: string;
  /** 方書: never omitted. */
  addressSupplement?: string;
  options: {
    includeHouseholdHead: boolean;
    includeDomicile: boolean;
    includeResidentRecordCode: boolean;
    includeIndividualNumber: boolean;
    /** 「公用」 mark (standard spec 5.7). */
    official?: boolean;
    /** 「再交付」 mark. */
    reissue?: boolean;
  };
  persons: ResidentRecordCopyPerson[];
}

export const ATTESTATION_TEXT = 'この写しは、住民票の原本と相違ないことを証明する。';
export const REMOVED_RECORD_ATTESTATION_TEXT = 'この写しは、除票の原本と相違ないことを証明する。';

function addressTable(input: ResidentRecordCopyInput): Content {
  const body: TableCell[][] = [];
  const address: Content[] = [fit(input.address, WIDE_WIDTH, 10.5)];
  if (input.addressSupplement) address.push(fit(input.addressSupplement, WIDE_WIDTH, 10.5));
  body.push([label('住　所'), value(address)]);
  if (input.options.includeHouseholdHead)
    body.push([label('世帯主'), value(fit(input.householdHeadName ?? '', WIDE_WIDTH, 10.5))]);
  return { table: { widths: [LABEL_WIDTH, '*'], body }, layout: ruled, margin: [0, 0, 0, 6] };
}

function personBlock(p: ResidentRecordCopyPerson, o: ResidentRecordCopyInput['options']): Content {
  const body: TableCell[][] = [];
  body.push([
    nameLabel(),
    nameValue(p.name, p.nameKana, NAME_WIDTH),
    label('生年月日'),
    value(date(p.birthDate, p.seireki)),
  ]);
  body.push(
    o.includeHouseholdHead
      ? [label('性　別'), value(p.sex), label('続　柄'), value(fit(p.relationshipToHead ?? '', RIGHT_WIDTH, BODY_SIZE))]
      : [label('性　別'), ...spanned(value(p.sex), 3)],
  );
  const became = date(p.becameResidentDate, p.seireki) + (p.becameResidentReason ? `　${p.becameResidentReason}` : '');
  body.push([
    label('住民となった\n年月日'),
    value(became),
    label('住所を定めた\n年月日'),
    value([
      date(p.addressEstablishedDate, p.seireki),
      { text: `${date(p.notificationDate, p.seireki)}届出`, fontSize: 8 },
    ]),
  ]);
  body.push([label('前住所'), ...spanned(value(fit(p.previousAddress ?? '', WIDE_WIDTH, BODY_SIZE)), 3)]);
  const r = p.removal;
  if (r) {
    body.push([
      label('消除事由'),
      value(fit(r.reason, NAME_WIDTH, BODY_SIZE)),
      label('事由の生じた\n年月日'),
      value(date(r.date, p.seireki)),
    ]);
    if (r.destination !== undefined)
      body.push([label('転出先'), ...spanned(value(fit(r.destination, WIDE_WIDTH, BODY_SIZE)), 3)]);
  }
  const f = p.foreignResident;
  if (f) {
    // two rows, so that a household of 4 still fits one page
    const status = [f.category, f.statusOfResidence].filter(Boolean).join('／');
    const expiry = f.periodOfStayExpiry ? `${date(f.periodOfStayExpiry, p.seireki)}まで` : '';
    const period = [f.periodOfStay, expiry].filter(Boolean).join('　');
    body.push(
      [
        label('国籍・地域'),
        value(fit(f.nationalityRegion ?? '', NAME_WIDTH, BODY_SIZE)),
        label('在留カード等'),
        value(f.residenceCardNumber ?? ''),
      ],
      [
        label('在留資格等'),
        value(fit(status, NAME_WIDTH, BODY_SIZE)),
        label('在留期間'),
        value(fit(period, RIGHT_WIDTH, BODY_SIZE)),
      ],
    );
    if (f.alias) body.push([label('通　称'), ...spanned(value(fit(f.alias, WIDE_WIDTH, BODY_SIZE)), 3)]);
  }
  if (o.includeDomicile && (p.registeredDomicile !== undefined || p.familyRegisterHead !== undefined)) {
    body.push([
      label('本　籍'),
      value(fit(p.registeredDomicile ?? '', NAME_WIDTH, BODY_SIZE)),
      label('筆頭者'),
      value(fit(p.familyRegisterHead ?? '', RIGHT_WIDTH, BODY_SIZE)),
    ]);
  }
  const ids: Array<[Cell, Cell]> = [];
  if (o.includeResidentRecordCode) ids.push([label('住民票コード'), value(p.residentRecordCode ?? '')]);
  if (o.includeIndividualNumber) ids.push([label('個人番号'), value(p.individualNumber ?? '')]);
  const [first, second] = ids;
  if (first && second) body.push([...first, ...second]);
  else if (first) body.push([first[0], ...spanned(first[1], 3)]);
  body.push([label('備　考'), ...spanned(value(p.remarks ?? ''), 3)]);
  // A person's block is never split over two pages.
  return {
    stack: [{ table: { widths: PERSON_WIDTHS, body, dontBreakRows: true }, layout: ruled }],
    unbreakable: true,
    margin: [0, 0, 0, 5],
  };
}

export function residentRecordCopyDoc(input: ResidentRecordCopyInput): TDocumentDefinitions {
  const marks = [...(input.options.official ? ['公用'] : []), ...(input.options.reissue ? ['再交付'] : [])];
  return {
    ...certificatePage(input.removedRecord ? '除票の写し' : '住民票の写し', input, marks),
    content: [
      addressTable(input),
      ...input.persons.map((p) => personBlock(p, input.options)),
      endOfEntries(),
      attestationBlock(input.removedRecord ? REMOVED_RECORD_ATTESTATION_TEXT : ATTESTATION_TEXT, input),
    ],
  };
}

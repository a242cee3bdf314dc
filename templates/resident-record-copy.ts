/**
 * 住民票の写し (residentRecordCopy), 世帯連記式, A4 portrait: a pure pdfmake document-definition builder
 * (domain.md §5.1, §5.2). It only lays out display-ready values; choosing the persons, their order (standard spec
 * 5.2, domain.md §3.2) and which items the requester may see is the caller's job.
 *
 * Omitted items (standard spec 5.1; law: 住基法第12条第5項): an item that was not requested is not printed at all —
 * no row, no label and no 「省略」 text — as on the certificates municipalities issue. Concretely:
 * - 世帯主 row and 続柄 cell only with `includeHouseholdHead`;
 * - 本籍 / 筆頭者 row only with `includeDomicile`, and only for persons that have one (foreign residents have none);
 * - 住民票コード / 個人番号 row only with `includeResidentRecordCode` / `includeIndividualNumber` (blank if unknown).
 * 方書 is never omitted (standard spec 5.4). 前住所 and 備考 are always shown, blank when empty.
 *
 * Dates are 'YYYY-MM-DD' and printed in 和暦 (西暦 for a foreign resident's birth date, standard spec 1.1.9); any other
 * string (e.g. 「年月日不詳」, 「昭和○○年頃」) is printed as given. The 認証文, the mayor and the 電子公印 close the
 * content flow, so they appear on the last page only. The footer carries the 発行番号 with this page's n/total.
 */
import type {
  Column,
  Content,
  ContentStack,
  ContentTable,
  ContentText,
  TableCell,
  TableCellProperties,
  TDocumentDefinitions,
} from 'pdfmake/interfaces';
import { isIsoDate, toSeireki, toWareki } from '../src/domain/dates';

export interface ResidentRecordCopyPerson {
  name: string;
  nameKana: string;
  birthDate: string;
  /** Foreign residents: birth date in 西暦. */
  birthDateSeireki?: boolean;
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
}

export interface ResidentRecordCopyInput {
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

/** pdfmake font family names; the renderer maps them to the bundled IPAex fonts. */
export const CERTIFICATE_FONTS = { mincho: 'IPAexMincho', gothic: 'IPAexGothic' } as const;

export const ATTESTATION_TEXT = 'この写しは、住民票の原本と相違ないことを証明する。';

const PAGE_MARGINS: [number, number, number, number] = [42, 78, 42, 54];
const CONTENT_WIDTH = 595.28 - PAGE_MARGINS[0] - PAGE_MARGINS[2];
const LABEL_WIDTH = 64;
const CELL_PADDING = 4;
const NAME_WIDTH = 186;
/** Widths of a person block: label | value | label | value (the last takes the rest of the line). */
const PERSON_WIDTHS = [LABEL_WIDTH, NAME_WIDTH, LABEL_WIDTH, '*'];
/** Approximate text widths of the last column and of a value spanning the three value columns. */
const RIGHT_WIDTH = CONTENT_WIDTH - NAME_WIDTH - 2 * LABEL_WIDTH - 8 * CELL_PADDING - 4;
const WIDE_WIDTH = CONTENT_WIDTH - LABEL_WIDTH - 4 * CELL_PADDING;
const SEAL_SIZE = 64; // pt, 22.6 mm: the 電子公印 is at most 25 mm square (standard spec 5.6)
const BODY_SIZE = 9;
const LABEL_SIZE = 8;

const date = (d: string, seireki = false): string => (isIsoDate(d) ? (seireki ? toSeireki(d) : toWareki(d)) : d);

/** Estimated width in em: full-width characters 1, others about half. */
const emWidth = (s: string): number => [...s].reduce((w, c) => w + ((c.codePointAt(0) ?? 0) > 0xff && !/[\uff61-\uff9f]/.test(c) ? 1 : 0.55), 0);

/** Shrinks a one-line value to fit its cell (standard spec 5.8); below `min` pt it wraps instead. */
const fit = (text: string, width: number, size: number, min = 6.5): { text: string; fontSize: number } => {
  const em = emWidth(text);
  const room = width * 0.97; // the estimate is not exact; a value shrunk to the exact width may still wrap
  const fitted = em * size > room ? Math.max(min, Math.floor((room / em) * 10) / 10) : size;
  return { text, fontSize: fitted };
};

type Cell = (ContentText | ContentStack) & TableCellProperties;
const label = (text: string): Cell => ({ text, fontSize: LABEL_SIZE, alignment: 'center', verticalAlignment: 'middle' });
const value = (content: Content): Cell => ({ stack: [content], verticalAlignment: 'middle' });
const spanned = (cell: Cell, n: number): TableCell[] => [{ ...cell, colSpan: n }, ...Array.from({ length: n - 1 }, () => ({}))];

const ruled = {
  hLineWidth: (i: number, node: ContentTable) => (i === 0 || i === node.table.body.length ? 1 : 0.5),
  vLineWidth: (i: number, node: ContentTable) => (i === 0 || i === (node.table.widths?.length ?? 0) ? 1 : 0.5),
  paddingLeft: () => CELL_PADDING,
  paddingRight: () => CELL_PADDING,
  paddingTop: () => 2.5,
  paddingBottom: () => 2,
};

function addressTable(input: ResidentRecordCopyInput): Content {
  const body: TableCell[][] = [];
  const address: Content[] = [fit(input.address, WIDE_WIDTH, 10.5)];
  if (input.addressSupplement) address.push(fit(input.addressSupplement, WIDE_WIDTH, 10.5));
  body.push([label('住　所'), value(address)]);
  if (input.options.includeHouseholdHead) body.push([label('世帯主'), value(fit(input.householdHeadName ?? '', WIDE_WIDTH, 10.5))]);
  return { table: { widths: [LABEL_WIDTH, '*'], body }, layout: ruled, margin: [0, 0, 0, 6] };
}

function personBlock(p: ResidentRecordCopyPerson, o: ResidentRecordCopyInput['options']): Content {
  const body: TableCell[][] = [];
  body.push([
    { stack: [{ text: 'フリガナ', fontSize: 5.5 }, { text: '氏　名', fontSize: LABEL_SIZE, margin: [0, 2, 0, 0] }], alignment: 'center', verticalAlignment: 'middle' },
    value([fit(p.nameKana, NAME_WIDTH, 7), fit(p.name, NAME_WIDTH, 12.5, 8)]),
    label('生年月日'),
    value(date(p.birthDate, p.birthDateSeireki)),
  ]);
  body.push(
    o.includeHouseholdHead
      ? [label('性　別'), value(p.sex), label('続　柄'), value(fit(p.relationshipToHead ?? '', RIGHT_WIDTH, BODY_SIZE))]
      : [label('性　別'), ...spanned(value(p.sex), 3)],
  );
  const became = date(p.becameResidentDate) + (p.becameResidentReason ? `　${p.becameResidentReason}` : '');
  body.push([
    label('住民となった\n年月日'),
    value(became),
    label('住所を定めた\n年月日'),
    value([date(p.addressEstablishedDate), { text: `${date(p.notificationDate)}届出`, fontSize: 8 }]),
  ]);
  body.push([label('前住所'), ...spanned(value(fit(p.previousAddress ?? '', WIDE_WIDTH, BODY_SIZE)), 3)]);
  if (o.includeDomicile && (p.registeredDomicile !== undefined || p.familyRegisterHead !== undefined)) {
    body.push([label('本　籍'), value(fit(p.registeredDomicile ?? '', NAME_WIDTH, BODY_SIZE)), label('筆頭者'), value(fit(p.familyRegisterHead ?? '', RIGHT_WIDTH, BODY_SIZE))]);
  }
  const ids: Array<[Cell, Cell]> = [];
  if (o.includeResidentRecordCode) ids.push([label('住民票コード'), value(p.residentRecordCode ?? '')]);
  if (o.includeIndividualNumber) ids.push([label('個人番号'), value(p.individualNumber ?? '')]);
  const [first, second] = ids;
  if (first && second) body.push([...first, ...second]);
  else if (first) body.push([first[0], ...spanned(first[1], 3)]);
  body.push([label('備　考'), ...spanned(value(p.remarks ?? ''), 3)]);
  // A person's block is never split over two pages.
  return { stack: [{ table: { widths: PERSON_WIDTHS, body, dontBreakRows: true }, layout: ruled }], unbreakable: true, margin: [0, 0, 0, 5] };
}

/** 電子公印: black square frame with the 職名 + 「之印」 set in vertical columns read right to left. */
function seal(input: ResidentRecordCopyInput): Content[] {
  const text = `${input.mayorTitle}之印`;
  const suffix = `${input.municipalityName}長`;
  const prefecture = input.mayorTitle.endsWith(suffix) ? input.mayorTitle.slice(0, -suffix.length) : '';
  const columns =
    prefecture && [...prefecture].length <= 4 && [...input.municipalityName].length <= 5
      ? [prefecture, input.municipalityName, '長之印']
      : splitEvenly([...text], Math.max(2, Math.ceil(Math.sqrt([...text].length))));
  const inner = SEAL_SIZE - 10;
  const colWidth = inner / columns.length;
  const glyphColumns = columns.reverse().map((col): Column => {
    const chars = [...col];
    const size = Math.min(colWidth * 0.95, inner / chars.length);
    const top = (inner - size * chars.length) / 2;
    return { width: colWidth, stack: chars.map((c) => ({ text: c, fontSize: size, lineHeight: 1, alignment: 'center' })), margin: [0, top, 0, 0] };
  });
  return [
    { canvas: [{ type: 'rect', x: 0, y: 0, w: SEAL_SIZE, h: SEAL_SIZE, lineWidth: 2.2, lineColor: '#000000' }, { type: 'rect', x: 3, y: 3, w: SEAL_SIZE - 6, h: SEAL_SIZE - 6, lineWidth: 0.6, lineColor: '#000000' }], relativePosition: { x: 0, y: 0 } },
    { columns: glyphColumns, columnGap: 0, margin: [5, 5, 5, 5], font: CERTIFICATE_FONTS.gothic, color: '#000000' },
  ];
}

function splitEvenly(chars: string[], n: number): string[] {
  const per = Math.ceil(chars.length / n);
  return Array.from({ length: n }, (_, i) => chars.slice(i * per, (i + 1) * per).join('')).filter((s) => s.length > 0);
}

function attestation(input: ResidentRecordCopyInput): Content {
  const sealX = CONTENT_WIDTH - SEAL_SIZE - 6;
  return {
    unbreakable: true,
    margin: [0, 10, 0, 0],
    stack: [
      { text: ATTESTATION_TEXT, fontSize: 11, margin: [12, 0, 0, 8] },
      { text: date(input.issueDate), fontSize: 11, margin: [24, 0, 0, 12] },
      {
        columns: [
          { width: '*', text: '' },
          { width: 'auto', text: input.mayorTitle, fontSize: 12.5, characterSpacing: 1 },
          { width: 'auto', text: input.mayorName, fontSize: 12.5, characterSpacing: 3, margin: [14, 0, SEAL_SIZE + 14, 0] },
        ],
      },
      { stack: seal(input), relativePosition: { x: sealX, y: -SEAL_SIZE / 2 - 8 } },
      { text: '', margin: [0, SEAL_SIZE / 2 - 8, 0, 0] }, // keeps the seal's lower half out of the footer
    ],
  };
}

function header(input: ResidentRecordCopyInput): Content {
  const marks: Column[] = [];
  const mark = (text: string): Content => ({
    table: { body: [[{ text, font: CERTIFICATE_FONTS.gothic, fontSize: 11, characterSpacing: 2, margin: [3, 1, 1, 0] }]] },
    layout: { hLineWidth: () => 1.2, vLineWidth: () => 1.2 },
    margin: [0, 0, 6, 0],
  });
  if (input.options.official) marks.push({ width: 'auto', stack: [mark('公用')] });
  if (input.options.reissue) marks.push({ width: 'auto', stack: [mark('再交付')] });
  return {
    margin: [PAGE_MARGINS[0], 30, PAGE_MARGINS[2], 0],
    stack: [
      { columns: marks, margin: [0, 0, 0, 0], relativePosition: { x: 0, y: 4 } },
      { text: '住民票の写し', font: CERTIFICATE_FONTS.gothic, fontSize: 19, characterSpacing: 5, alignment: 'center' },
    ],
  };
}

/** Issue number with the trailing 'n/m' (if any) replaced by this page's number and the page total. */
export const pagedIssueNumber = (issueNumber: string, page: number, total: number): string =>
  `${issueNumber.replace(/\s+\d+\s*\/\s*\d+\s*$/, '')} ${page}/${total}`;

export function residentRecordCopyDoc(input: ResidentRecordCopyInput): TDocumentDefinitions {
  return {
    pageSize: 'A4',
    pageOrientation: 'portrait',
    pageMargins: PAGE_MARGINS,
    info: { title: '住民票の写し', subject: `${input.municipalityName} 住民票の写し`, creator: input.municipalityName, producer: 'juki-cases' },
    defaultStyle: { font: CERTIFICATE_FONTS.mincho, fontSize: BODY_SIZE, lineHeight: 1.15 },
    header: () => header(input),
    footer: (currentPage: number, pageCount: number): Content => ({
      margin: [PAGE_MARGINS[0], 16, PAGE_MARGINS[2], 0],
      columns: [{ text: pagedIssueNumber(input.issueNumber, currentPage, pageCount), fontSize: 8 }],
    }),
    content: [
      addressTable(input),
      ...input.persons.map((p) => personBlock(p, input.options)),
      // 「以下余白」 closes the entries so that nothing can be added below them.
      { text: '以下余白', fontSize: 8, alignment: 'right', margin: [0, -2, 4, 0] },
      attestation(input),
    ],
  };
}

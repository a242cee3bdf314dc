/**
 * Parts shared by the certificate templates (domain.md §5.1): fonts, the A4 page grid, ruled tables with fitted values,
 * the marks and title of the header, the 発行番号 footer with this page's n/total, 「以下余白」, and the 認証文 with
 * the date, the 職名 and name and the 電子公印. Pure pdfmake document-definition helpers: no I/O.
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
import { formatBirthDate, isIsoDate, toSeireki, toWareki } from '../src/domain/dates';

/** pdfmake font family names; the renderer maps them to the bundled IPAex fonts. */
export const CERTIFICATE_FONTS = { mincho: 'IPAexMincho', gothic: 'IPAexGothic' } as const;

/** A4 portrait (the 個人票 is A4 portrait, standard spec 5.8). */
export const PAGE_MARGINS: [number, number, number, number] = [42, 78, 42, 54];
export const CONTENT_WIDTH = 595.28 - PAGE_MARGINS[0] - PAGE_MARGINS[2];
export const LABEL_WIDTH = 64;
export const CELL_PADDING = 4;
export const NAME_WIDTH = 186;
/** The four-column grid of a person block: label | value | label | value (the last takes the rest of the line). */
export const PERSON_WIDTHS = [LABEL_WIDTH, NAME_WIDTH, LABEL_WIDTH, '*'];
/** Approximate text widths of the last grid column and of a value spanning the three value columns. */
export const RIGHT_WIDTH = CONTENT_WIDTH - NAME_WIDTH - 2 * LABEL_WIDTH - 8 * CELL_PADDING - 4;
export const WIDE_WIDTH = CONTENT_WIDTH - LABEL_WIDTH - 4 * CELL_PADDING;
export const SEAL_SIZE = 64; // pt, 22.6 mm: the 電子公印 is at most 25 mm square (standard spec 5.6)
export const BODY_SIZE = 9;
export const LABEL_SIZE = 8;

/**
 * 'YYYY-MM-DD' in 和暦 (or 西暦 with `seireki`); a partly unknown 生年月日 as 昭和20年8月 日, 昭和20年 月 日 or 不詳
 * (formatBirthDate, domain.md §3.1); any other string (「昭和○○年頃」) as given.
 */
export const displayDate = (d: string, seireki = false): string =>
  isIsoDate(d) ? (seireki ? toSeireki(d) : toWareki(d)) : formatBirthDate(d, { seireki });

/** Estimated width in em: full-width characters 1, others about half. */
export const emWidth = (s: string): number =>
  [...s].reduce((w, c) => w + ((c.codePointAt(0) ?? 0) > 0xff && !/[\uff61-\uff9f]/.test(c) ? 1 : 0.55), 0);

/** Shrinks a one-line value to fit its cell (standard spec 5.8); below `min` pt it wraps instead. */
export const fit = (text: string, width: number, size: number, min = 6.5): { text: string; fontSize: number } => {
  const em = emWidth(text);
  const room = width * 0.97; // the estimate is not exact; a value shrunk to the exact width may still wrap
  const fitted = em * size > room ? Math.max(min, Math.floor((room / em) * 10) / 10) : size;
  return { text, fontSize: fitted };
};

export type Cell = (ContentText | ContentStack) & TableCellProperties;
export const label = (text: string): Cell => ({
  text,
  fontSize: LABEL_SIZE,
  alignment: 'center',
  verticalAlignment: 'middle',
});
export const value = (content: Content): Cell => ({ stack: [content], verticalAlignment: 'middle' });
/** 「フリガナ / 氏名」 label cell of a person block. */
export const nameLabel = (): Cell => ({
  stack: [
    { text: 'フリガナ', fontSize: 5.5 },
    { text: '氏　名', fontSize: LABEL_SIZE, margin: [0, 2, 0, 0] },
  ],
  alignment: 'center',
  verticalAlignment: 'middle',
});
/** The kana over the name, both fitted to `width`. */
export const nameValue = (name: string, kana: string, width: number): Cell =>
  value([fit(kana, width, 7), fit(name, width, 12.5, 8)]);
/** A cell spanning `n` columns, followed by the n − 1 placeholders pdfmake expects. */
export const spanned = (cell: Cell, n: number): TableCell[] => [
  { ...cell, colSpan: n },
  ...Array.from({ length: n - 1 }, () => ({})),
];

/** Table layout: 1 pt frame, 0.5 pt inner rules. */
export const ruled = {
  hLineWidth: (i: number, node: ContentTable) => (i === 0 || i === node.table.body.length ? 1 : 0.5),
  vLineWidth: (i: number, node: ContentTable) => (i === 0 || i === (node.table.widths?.length ?? 0) ? 1 : 0.5),
  paddingLeft: () => CELL_PADDING,
  paddingRight: () => CELL_PADDING,
  paddingTop: () => 2.5,
  paddingBottom: () => 2,
};

/** 「以下余白」 closes the entries so that nothing can be added below them. */
export const endOfEntries = (): Content => ({
  text: '以下余白',
  fontSize: 8,
  alignment: 'right',
  margin: [0, -2, 4, 0],
});

export interface Issuer {
  municipalityName: string;
  /** 職名 including the prefecture, e.g. '東京都さくら市長' (standard spec 5.6). */
  mayorTitle: string;
  mayorName: string;
  /** YYYY-MM-DD. */
  issueDate: string;
  /** 発行番号; a trailing n/m is replaced per page. */
  issueNumber: string;
}

/** 電子公印: black square frame with the 職名 + 「之印」 set in vertical columns read right to left. */
export function seal(issuer: Pick<Issuer, 'municipalityName' | 'mayorTitle'>): Content[] {
  const text = `${issuer.mayorTitle}之印`;
  const suffix = `${issuer.municipalityName}長`;
  const prefecture = issuer.mayorTitle.endsWith(suffix) ? issuer.mayorTitle.slice(0, -suffix.length) : '';
  const columns =
    prefecture && [...prefecture].length <= 4 && [...issuer.municipalityName].length <= 5
      ? [prefecture, issuer.municipalityName, '長之印']
      : splitEvenly([...text], Math.max(2, Math.ceil(Math.sqrt([...text].length))));
  const inner = SEAL_SIZE - 10;
  const colWidth = inner / columns.length;
  const glyphColumns = columns.reverse().map((col): Column => {
    const chars = [...col];
    const size = Math.min(colWidth * 0.95, inner / chars.length);
    const top = (inner - size * chars.length) / 2;
    return {
      width: colWidth,
      stack: chars.map((c) => ({ text: c, fontSize: size, lineHeight: 1, alignment: 'center' })),
      margin: [0, top, 0, 0],
    };
  });
  return [
    {
      canvas: [
        { type: 'rect', x: 0, y: 0, w: SEAL_SIZE, h: SEAL_SIZE, lineWidth: 2.2, lineColor: '#000000' },
        { type: 'rect', x: 3, y: 3, w: SEAL_SIZE - 6, h: SEAL_SIZE - 6, lineWidth: 0.6, lineColor: '#000000' },
      ],
      relativePosition: { x: 0, y: 0 },
    },
    { columns: glyphColumns, columnGap: 0, margin: [5, 5, 5, 5], font: CERTIFICATE_FONTS.gothic, color: '#000000' },
  ];
}

function splitEvenly(chars: string[], n: number): string[] {
  const per = Math.ceil(chars.length / n);
  return Array.from({ length: n }, (_, i) => chars.slice(i * per, (i + 1) * per).join('')).filter((s) => s.length > 0);
}

/** 認証文, issue date in 和暦, 職名 and name, and the 電子公印 over the end of the name line. Unbreakable. */
export function attestationBlock(text: string, issuer: Issuer): ContentStack {
  const sealX = CONTENT_WIDTH - SEAL_SIZE - 6;
  return {
    unbreakable: true,
    margin: [0, 10, 0, 0],
    stack: [
      { text, fontSize: 11, margin: [12, 0, 0, 8] },
      { text: displayDate(issuer.issueDate), fontSize: 11, margin: [24, 0, 0, 12] },
      {
        columns: [
          { width: '*', text: '' },
          { width: 'auto', text: issuer.mayorTitle, fontSize: 12.5, characterSpacing: 1 },
          {
            width: 'auto',
            text: issuer.mayorName,
            fontSize: 12.5,
            characterSpacing: 3,
            margin: [14, 0, SEAL_SIZE + 14, 0],
          },
        ],
      },
      { stack: seal(issuer), relativePosition: { x: sealX, y: -SEAL_SIZE / 2 - 8 } },
      { text: '', margin: [0, SEAL_SIZE / 2 - 8, 0, 0] }, // keeps the seal's lower half out of the footer
    ],
  };
}

const TITLE_SIZE = 19;
const TITLE_SPACING = 5;
const MARK_SIZE = 11;
const MARK_SPACING = 2;
/** A mark's width beyond its characters: cell margin 3 + 1, table padding 2 × 4, frame 2 × 1.2, gap 6. */
const MARK_EXTRA = 4 + 8 + 2.4 + 6;

/**
 * Title centred on every page, with the framed marks (「公用」, 「再交付」, 「特例による転出処理済」) at its top left.
 * The marks sit on the title's line; if they would run into the title they get a line of their own above it.
 */
export function certificateHeader(title: string, marks: readonly string[]): Content {
  const mark = (text: string): Content => ({
    table: {
      body: [
        [
          {
            text,
            font: CERTIFICATE_FONTS.gothic,
            fontSize: MARK_SIZE,
            characterSpacing: MARK_SPACING,
            margin: [3, 1, 1, 0],
          },
        ],
      ],
    },
    layout: { hLineWidth: () => 1.2, vLineWidth: () => 1.2 },
    margin: [0, 0, 6, 0],
  });
  const columns: Column[] = marks.map((m) => ({ width: 'auto', stack: [mark(m)] }));
  const titleText: Content = {
    text: title,
    font: CERTIFICATE_FONTS.gothic,
    fontSize: TITLE_SIZE,
    characterSpacing: TITLE_SPACING,
    noWrap: true,
    alignment: 'center',
  };
  const marksWidth = marks.reduce((w, m) => w + emWidth(m) * (MARK_SIZE + MARK_SPACING) + MARK_EXTRA, 0);
  const titleLeft = (CONTENT_WIDTH - emWidth(title) * (TITLE_SIZE + TITLE_SPACING)) / 2;
  if (marksWidth + 8 > titleLeft) {
    return {
      margin: [PAGE_MARGINS[0], 18, PAGE_MARGINS[2], 0],
      stack: [{ columns, margin: [0, 0, 0, 2] }, titleText],
    };
  }
  return {
    margin: [PAGE_MARGINS[0], 30, PAGE_MARGINS[2], 0],
    stack: [{ columns, margin: [0, 0, 0, 0], relativePosition: { x: 0, y: 4 } }, titleText],
  };
}

/** Issue number with the trailing 'n/m' (if any) replaced by this page's number and the page total. */
export const pagedIssueNumber = (issueNumber: string, page: number, total: number): string =>
  `${issueNumber.replace(/\s+\d+\s*\/\s*\d+\s*$/, '')} ${page}/${total}`;

/**
 * The page, fonts, header and footer common to every certificate: A4 portrait, the title and marks on each page, the
 * 発行番号 with this page's n/total in each footer (standard spec 5.5).
 */
export function certificatePage(
  title: string,
  issuer: Pick<Issuer, 'municipalityName' | 'issueNumber'>,
  marks: readonly string[],
): Omit<TDocumentDefinitions, 'content'> {
  return {
    pageSize: 'A4',
    pageOrientation: 'portrait',
    pageMargins: PAGE_MARGINS,
    info: {
      title,
      subject: `${issuer.municipalityName} ${title}`,
      creator: issuer.municipalityName,
      producer: 'juki-cases',
    },
    defaultStyle: { font: CERTIFICATE_FONTS.mincho, fontSize: BODY_SIZE, lineHeight: 1.15 },
    header: () => certificateHeader(title, marks),
    footer: (currentPage: number, pageCount: number): Content => ({
      margin: [PAGE_MARGINS[0], 16, PAGE_MARGINS[2], 0],
      columns: [{ text: pagedIssueNumber(issuer.issueNumber, currentPage, pageCount), fontSize: 8 }],
    }),
  };
}

/**
 * 転出証明書 (moveOutCertificate) and 転出証明書に準ずる証明書, A4 portrait: a pure pdfmake document-definition builder
 * (domain.md §4.3, §5.1, §5.2). It only lays out display-ready values; the caller chooses the kind (a 転出届 filed
 * more than 14 days after the move is recorded ex officio and gets the 準ずる証明書, domain.md §4.3 step 1), the
 * persons and their order (domain.md §3.2), and for a re-issue passes the state at first issue.
 *
 * Printed items (domain.md §5.2): 住所 with 方書, 世帯主, 転出先（予定）, 転出予定年月日 and 届出年月日 for the household;
 * per person 氏名 and フリガナ, 生年月日, 性別, 続柄, 本籍・筆頭者, 住民票コード, 個人番号 (both always printed on this
 * certificate), 住民となった年月日, 住所を定めた年月日 and the 個別事項情報 (six rows, 「―」 when empty). Nothing here is
 * omitted on request, unlike the 住民票の写し.
 *
 * For the 準ずる証明書 the move has already happened and the filing was taken as a 申出, so the labels read 転出先,
 * 転出年月日 and 申出年月日. 「再交付」 and 「特例による転出処理済」 (special path, printed on request) are framed marks
 * at the top left of every page. The last person, 「以下余白」 and the 認証文 with the mayor and the 電子公印 are kept
 * together, so the 認証文 is on the last page only and never alone on it. Each footer carries the 発行番号 with n/total.
 */
import type { Content, TableCell, TDocumentDefinitions } from 'pdfmake/interfaces';
import {
  attestationBlock,
  BODY_SIZE,
  type Cell,
  CELL_PADDING,
  certificatePage,
  displayDate as date,
  endOfEntries,
  fit,
  label,
  LABEL_SIZE,
  LABEL_WIDTH,
  NAME_WIDTH,
  nameLabel,
  nameValue,
  RIGHT_WIDTH,
  ruled,
  spanned,
  value,
  WIDE_WIDTH,
} from './certificate-parts';
import { isIsoDate } from '../src/domain/dates';

/** 個別事項情報 (domain.md §3.1, §5.2): display-ready text per programme, e.g. '登録あり', '第1号被保険者'. */
export interface MoveOutCertificatePrograms {
  /** 選挙人名簿, e.g. '登録あり'. */
  electoralRoll?: string;
  /** 国民健康保険, e.g. '被保険者　記号 12 番号 345678'. */
  nationalHealthInsurance?: string;
  /** 後期高齢者医療. */
  lateStageElderlyMedical?: string;
  /** 介護保険. */
  longTermCare?: string;
  /** 国民年金, e.g. '第1号被保険者'. */
  nationalPension?: string;
  /** 児童手当. */
  childAllowance?: string;
}

export interface MoveOutCertificatePerson {
  name: string;
  nameKana: string;
  /** YYYY-MM-DD (printed in 和暦), or a display string such as 「年月日不詳」. */
  birthDate: string;
  /** A foreign resident: the person's dates (生年月日, 住民となった / 住所を定めた年月日) in 西暦 (standard spec 1.1.9). */
  birthDateSeireki?: boolean;
  sex: '男' | '女';
  relationshipToHead: string;
  /** Japanese residents; a foreign resident has none (the row stays, blank). */
  registeredDomicile?: string;
  familyRegisterHead?: string;
  residentRecordCode: string;
  individualNumber: string;
  becameResidentDate: string;
  addressEstablishedDate: string;
  programs: MoveOutCertificatePrograms;
}

export type MoveOutCertificateKind = 'certificate' | 'equivalent';

export interface MoveOutCertificateInput {
  /** e.g. 'さくら市'. */
  municipalityName: string;
  /** 職名 including the prefecture, e.g. '東京都さくら市長' (standard spec 5.6). */
  mayorTitle: string;
  mayorName: string;
  /** YYYY-MM-DD. */
  issueDate: string;
  /** 発行番号, e.g. '20261123 さくら市 本庁1 プリンタ001 000124 1/1'; a trailing n/m is replaced per page. */
  issueNumber: string;
  /** 転出証明書, or 転出証明書に準ずる証明書 after the 14-day limit (domain.md §4.3 step 1). */
  kind: MoveOutCertificateKind;
  /** 「再交付」 mark; the content must be the state at first issue (standard spec 4.1.3.0.3). */
  reissue?: boolean;
  /** 「特例による転出処理済」 mark: special path, printed on request (standard spec 4.1.3.0.4). Not for the 準ずる証明書. */
  specialProcessed?: boolean;
  address: string;
  /** 方書: never omitted. */
  addressSupplement?: string;
  householdHeadName: string;
  /** 転出先（予定）: may be only a municipality name, or a foreign address for 国外転出. */
  plannedDestinationAddress: string;
  /** YYYY-MM-DD. */
  plannedMoveOutDate: string;
  /** YYYY-MM-DD: 届出年月日 (申出年月日 for the 準ずる証明書). */
  notificationDate: string;
  persons: MoveOutCertificatePerson[];
}

export const MOVE_OUT_TITLES: Readonly<Record<MoveOutCertificateKind, string>> = {
  certificate: '転出証明書',
  equivalent: '転出証明書に準ずる証明書',
};

export const REISSUE_MARK = '再交付';
export const SPECIAL_PROCESSED_MARK = '特例による転出処理済';

/** The six 個別事項情報 rows, in print order. */
export const PROGRAM_ROWS: ReadonlyArray<readonly [keyof MoveOutCertificatePrograms, string]> = [
  ['electoralRoll', '選挙人名簿'],
  ['nationalHealthInsurance', '国民健康保険'],
  ['lateStageElderlyMedical', '後期高齢者医療'],
  ['longTermCare', '介護保険'],
  ['nationalPension', '国民年金'],
  ['childAllowance', '児童手当'],
];

/** Printed in an empty 個別事項情報 row. */
export const NO_ENTRY = '―';

/**
 * 認証文. 転出証明書: the persons named above move (or, when the 届出 came after the move date, moved) out of this
 * municipality — 本市, 本町, 本村 or 本区 after the municipality name. 準ずる証明書: the move out, recorded ex officio,
 * has happened.
 */
export function moveOutAttestationText(
  input: Pick<MoveOutCertificateInput, 'kind' | 'municipalityName' | 'plannedMoveOutDate' | 'notificationDate'>,
): string {
  if (input.kind === 'equivalent') return '上記のとおり転出したことを証明する。';
  const suffix = [...input.municipalityName].at(-1) ?? '';
  const self = ['市', '町', '村', '区'].includes(suffix) ? `本${suffix}` : '本市区町村';
  const moved =
    isIsoDate(input.notificationDate) &&
    isIsoDate(input.plannedMoveOutDate) &&
    input.notificationDate > input.plannedMoveOutDate;
  return `上記の者は、${self}から転出${moved ? 'した' : 'する'}ことを証明する。`;
}

/** Width of the 個別事項 item labels (「後期高齢者医療」 at 8 pt). */
const ITEM_WIDTH = 60;
/** Inner gap of a spanned cell: padding right, a 0.5 pt rule, padding left. */
const GAP = 2 * CELL_PADDING + 0.5;
/**
 * Five-column grid shared by the household table and the person blocks: label | item | value | label | value. Columns
 * 2 and 3 together are exactly the 住民票の写し's value column (NAME_WIDTH); they split only for the 個別事項 rows.
 */
const WIDTHS = [LABEL_WIDTH, ITEM_WIDTH, NAME_WIDTH - ITEM_WIDTH - GAP, LABEL_WIDTH, '*'];
const PROGRAM_WIDTH = WIDE_WIDTH - ITEM_WIDTH - GAP;

/**
 * Top margin that centres 「個別事項」 in its six rows. pdfmake 0.3 misplaces a row-spanning cell with verticalAlignment
 * (inside an unbreakable block moved to the next page, or with dontBreakRows), so it is centred by hand: a row is the
 * 9 pt value line (lineHeight 1.15) plus 4.5 pt padding, 0.5 pt rules between rows, and the label is one 8 pt line.
 */
const SECTION_LABEL_TOP =
  (PROGRAM_ROWS.length * (BODY_SIZE * 1.15 + 4.5) + (PROGRAM_ROWS.length - 1) * 0.5 - 4.5 - LABEL_SIZE * 1.15) / 2;

const pair = (l1: string, v1: Content, l2: string, v2: Content): TableCell[] => [
  label(l1),
  ...spanned(value(v1), 2),
  label(l2),
  value(v2),
];
const wide = (l: string, v: Content): TableCell[] => [label(l), ...spanned(value(v), 4)];

function householdTable(input: MoveOutCertificateInput): Content {
  const equivalent = input.kind === 'equivalent';
  const address: Content[] = [fit(input.address, WIDE_WIDTH, 10.5)];
  if (input.addressSupplement) address.push(fit(input.addressSupplement, WIDE_WIDTH, 10.5));
  const body: TableCell[][] = [
    wide('住　所', address),
    wide('世帯主', fit(input.householdHeadName, WIDE_WIDTH, 10.5)),
    wide(equivalent ? '転出先' : '転出先（予定）', fit(input.plannedDestinationAddress, WIDE_WIDTH, 10.5)),
    pair(
      equivalent ? '転出年月日' : '転出予定年月日',
      { text: date(input.plannedMoveOutDate), fontSize: 10.5 },
      equivalent ? '申出年月日' : '届出年月日',
      { text: date(input.notificationDate), fontSize: 10.5 },
    ),
  ];
  return { table: { widths: WIDTHS, body, dontBreakRows: true }, layout: ruled, margin: [0, 0, 0, 6] };
}

function personBlock(p: MoveOutCertificatePerson): Content {
  const body: TableCell[][] = [
    [
      nameLabel(),
      ...spanned(nameValue(p.name, p.nameKana, NAME_WIDTH), 2),
      label('生年月日'),
      value(date(p.birthDate, p.birthDateSeireki)),
    ],
    pair('性　別', p.sex, '続　柄', fit(p.relationshipToHead, RIGHT_WIDTH, BODY_SIZE)),
    pair(
      '本　籍',
      fit(p.registeredDomicile ?? '', NAME_WIDTH, BODY_SIZE),
      '筆頭者',
      fit(p.familyRegisterHead ?? '', RIGHT_WIDTH, BODY_SIZE),
    ),
    pair('住民票コード', p.residentRecordCode, '個人番号', p.individualNumber),
    pair(
      '住民となった\n年月日',
      date(p.becameResidentDate, p.birthDateSeireki),
      '住所を定めた\n年月日',
      date(p.addressEstablishedDate, p.birthDateSeireki),
    ),
  ];
  PROGRAM_ROWS.forEach(([key, text], i) => {
    const entry = p.programs[key]?.trim() || NO_ENTRY;
    const section: TableCell =
      i === 0
        ? {
            text: '個別事項',
            fontSize: LABEL_SIZE,
            alignment: 'center',
            rowSpan: PROGRAM_ROWS.length,
            margin: [0, SECTION_LABEL_TOP, 0, 0],
          }
        : {};
    const item: Cell = { ...label(text), alignment: 'left' };
    body.push([section, item, ...spanned(value(fit(entry, PROGRAM_WIDTH, BODY_SIZE)), 3)]);
  });
  // A person's block is never split over two pages (unbreakable; no dontBreakRows, see SECTION_LABEL_TOP).
  return { stack: [{ table: { widths: WIDTHS, body }, layout: ruled }], unbreakable: true, margin: [0, 0, 0, 5] };
}

export function moveOutCertificateDoc(input: MoveOutCertificateInput): TDocumentDefinitions {
  if (input.persons.length === 0) throw new RangeError('a 転出証明書 needs at least one person');
  if (input.kind === 'equivalent' && input.specialProcessed) {
    // The special path is unavailable after the 14-day limit (domain.md §4.3 step 1).
    throw new RangeError('「特例による転出処理済」 cannot be marked on a 転出証明書に準ずる証明書');
  }
  const title = MOVE_OUT_TITLES[input.kind];
  const marks = [...(input.reissue ? [REISSUE_MARK] : []), ...(input.specialProcessed ? [SPECIAL_PROCESSED_MARK] : [])];
  const blocks = input.persons.map(personBlock);
  const last = blocks.pop() as Content;
  return {
    ...certificatePage(title, input, marks),
    content: [
      householdTable(input),
      ...blocks,
      // The last person goes with the 認証文, so that the 認証文 never stands alone on a page.
      { unbreakable: true, stack: [last, endOfEntries(), attestationBlock(moveOutAttestationText(input), input)] },
    ],
  };
}

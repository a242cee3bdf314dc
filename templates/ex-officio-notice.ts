/**
 * 世帯主変更通知書 and 職権記載等通知書, A4 portrait: pure pdfmake document-definition builders (domain.md §5.2: sent
 * when a head was set ex officio, or a 異動 was recorded ex officio; standard spec 4.0.4, 4.2). They lay out
 * display-ready values only. A notice is a letter from the mayor to the person concerned, not a certificate: date and
 * 文書番号 (the 発行番号) at the top right, the addressee with 様, the sender with the 電子公印, the statement that the
 * record was changed ex officio (住民基本台帳法施行令第12条), then 「記」 and the items. No 個人番号 and no 住民票コード.
 *
 * - 世帯主変更通知書: the household's address, 異動事由 世帯主変更（職権）, the 異動日 (the day the 世帯主 moves out), the
 *   old and the new 世帯主, and every staying member with the 続柄 before and after.
 * - 職権記載等通知書: a 転出届 filed more than 14 days after the move (domain.md §4.3 step 1): 異動事由 国内転出 or
 *   国外転出 recorded 職権（申出）, the 転出年月日, the 申出年月日, the address before and the 転出先, and the persons.
 */
import type { Content, TableCell, TDocumentDefinitions } from 'pdfmake/interfaces';
import {
  BODY_SIZE,
  certificatePage,
  CONTENT_WIDTH,
  displayDate as date,
  endOfEntries,
  fit,
  type Issuer,
  label,
  LABEL_WIDTH,
  ruled,
  seal,
  SEAL_SIZE,
  value,
  WIDE_WIDTH,
} from './certificate-parts';

export const HOUSEHOLD_HEAD_CHANGE_NOTICE_TITLE = '世帯主変更通知書';
export const EX_OFFICIO_RECORD_NOTICE_TITLE = '職権記載等通知書';

export interface NoticeAddressee {
  /** The person the notice is sent to (the new 世帯主; for a late 転出 the 世帯主 of the movers or the first mover). */
  name: string;
  address: string;
  addressSupplement?: string;
}

export interface NoticePerson {
  name: string;
  /** YYYY-MM-DD (printed in 和暦), or a display string such as 「年月日不詳」. */
  birthDate: string;
  birthDateSeireki?: boolean;
}

export interface HouseholdHeadChangeNoticeInput extends Issuer {
  addressee: NoticeAddressee;
  /** The household's address (with 方書). */
  address: string;
  addressSupplement?: string;
  /** YYYY-MM-DD: the 世帯主 moves out (or died) on this day. */
  changeDate: string;
  /** Why the 世帯主 left: 転出 (default) or 死亡. */
  cause?: '転出' | '死亡';
  previousHeadName: string;
  newHeadName: string;
  /** The staying members, new 世帯主 first, with the 続柄 before and after. */
  members: Array<NoticePerson & { relationshipBefore: string; relationshipAfter: string }>;
}

export interface ExOfficioRecordNoticeInput extends Issuer {
  addressee: NoticeAddressee;
  /** 国内転出 or 国外転出. */
  changeReason: string;
  /** YYYY-MM-DD: 転出年月日 (the 異動日). */
  changeDate: string;
  /** YYYY-MM-DD: 申出年月日 (the day the late 転出届 was filed). */
  requestDate: string;
  previousAddress: string;
  previousAddressSupplement?: string;
  destinationAddress: string;
  persons: Array<NoticePerson & { relationshipToHead: string }>;
}

export const HOUSEHOLD_HEAD_CHANGE_STATEMENT =
  '世帯主の転出に伴い、住民基本台帳法施行令第12条の規定により、職権で下記のとおり世帯主を変更し、住民票の記載を修正しましたので通知します。';
export const EX_OFFICIO_RECORD_STATEMENT =
  '転出の届出が転出した日から14日を経過した後にされたため、この届出を申出として取り扱い、住民基本台帳法施行令第12条の規定により、職権で下記のとおり住民票の記載等をしましたので通知します。';
export const NOTICE_CLOSING = 'この通知の内容についてのお問い合わせは、下記の窓口までお願いします。';

const ITEM_WIDTHS = [LABEL_WIDTH + 24, '*'];
export const ITEM_TEXT_WIDTH = WIDE_WIDTH - 24;

/** Date and 文書番号 at the top right, addressee with 様 at the left, the mayor with the 電子公印 at the right. */
export function letterHead(input: Issuer & { addressee: NoticeAddressee }): Content[] {
  const a = input.addressee;
  return [
    {
      stack: [{ text: date(input.issueDate), fontSize: 10.5 }],
      alignment: 'right',
      margin: [0, 0, 0, 10],
    },
    {
      stack: [
        { text: a.address, fontSize: 10.5 },
        ...(a.addressSupplement ? [{ text: a.addressSupplement, fontSize: 10.5 }] : []),
        { text: `${a.name}　様`, fontSize: 14, margin: [12, 6, 0, 0] },
      ],
      margin: [0, 0, 0, 14],
    },
    {
      columns: [
        { width: '*', text: '' },
        { width: 'auto', text: input.mayorTitle, fontSize: 12.5, characterSpacing: 1 },
        {
          width: 'auto',
          text: input.mayorName,
          fontSize: 12.5,
          characterSpacing: 3,
          margin: [14, 0, SEAL_SIZE + 8, 0],
        },
      ],
      margin: [0, 0, 0, 0],
    },
    { stack: seal(input), relativePosition: { x: CONTENT_WIDTH - SEAL_SIZE - 4, y: -SEAL_SIZE / 2 - 8 } },
    { text: '', margin: [0, SEAL_SIZE / 2 + 6, 0, 0] },
  ];
}

export const statement = (text: string): Content => ({ text, fontSize: 10.5, lineHeight: 1.5, margin: [0, 0, 0, 10] });
export const ki = (): Content => ({ text: '記', fontSize: 11, alignment: 'center', margin: [0, 0, 0, 8] });
export const itemTable = (rows: Array<[string, Content]>): Content => ({
  table: {
    widths: ITEM_WIDTHS,
    body: rows.map(([l, v]): TableCell[] => [label(l), value(v)]),
    dontBreakRows: true,
  },
  layout: ruled,
  margin: [0, 0, 0, 8],
});
export const addressLines = (address: string, supplement?: string): Content[] => [
  fit(address, ITEM_TEXT_WIDTH, 10),
  ...(supplement ? [fit(supplement, ITEM_TEXT_WIDTH, 10)] : []),
];

function personTable(header: string[], rows: string[][], widths: Array<number | string>): Content {
  return {
    table: {
      headerRows: 1,
      widths,
      body: [header.map((h) => label(h)), ...rows.map((r) => r.map((c) => value(fit(c, 150, BODY_SIZE + 1))))],
      dontBreakRows: true,
    },
    layout: ruled,
  };
}

export const closing = (issuer: Issuer): Content => ({
  text: `${NOTICE_CLOSING}\n${issuer.municipalityName}役所　市民課　住民記録担当`,
  fontSize: 9,
  margin: [0, 14, 0, 0],
});

export function householdHeadChangeNoticeDoc(input: HouseholdHeadChangeNoticeInput): TDocumentDefinitions {
  if (input.members.length === 0) throw new RangeError('a 世帯主変更通知書 needs the staying members');
  return {
    ...certificatePage(HOUSEHOLD_HEAD_CHANGE_NOTICE_TITLE, input, []),
    content: [
      ...letterHead(input),
      statement(HOUSEHOLD_HEAD_CHANGE_STATEMENT.replace('転出', input.cause ?? '転出')),
      ki(),
      itemTable([
        ['世帯の住所', addressLines(input.address, input.addressSupplement)],
        ['異動事由', { text: '世帯主変更（職権）', fontSize: 10.5 }],
        ['異動年月日', { text: date(input.changeDate), fontSize: 10.5 }],
        ['変更前の世帯主', fit(input.previousHeadName, ITEM_TEXT_WIDTH, 11)],
        ['変更後の世帯主', fit(input.newHeadName, ITEM_TEXT_WIDTH, 11)],
      ]),
      { text: '世帯員の続柄', fontSize: 9, margin: [0, 2, 0, 3] },
      personTable(
        ['氏　名', '生年月日', '変更前の続柄', '変更後の続柄'],
        input.members.map((m) => [
          m.name,
          date(m.birthDate, m.birthDateSeireki),
          m.relationshipBefore,
          m.relationshipAfter,
        ]),
        ['*', 110, 90, 90],
      ),
      endOfEntries(),
      closing(input),
    ],
  };
}

export function exOfficioRecordNoticeDoc(input: ExOfficioRecordNoticeInput): TDocumentDefinitions {
  if (input.persons.length === 0) throw new RangeError('a 職権記載等通知書 needs at least one person');
  return {
    ...certificatePage(EX_OFFICIO_RECORD_NOTICE_TITLE, input, []),
    content: [
      ...letterHead(input),
      statement(EX_OFFICIO_RECORD_STATEMENT),
      ki(),
      itemTable([
        ['異動事由', { text: `${input.changeReason}（職権）`, fontSize: 10.5 }],
        ['転出年月日', { text: date(input.changeDate), fontSize: 10.5 }],
        ['申出年月日', { text: date(input.requestDate), fontSize: 10.5 }],
        ['転出前の住所', addressLines(input.previousAddress, input.previousAddressSupplement)],
        ['転出先', fit(input.destinationAddress, ITEM_TEXT_WIDTH, 10)],
      ]),
      { text: '異動者', fontSize: 9, margin: [0, 2, 0, 3] },
      personTable(
        ['氏　名', '生年月日', '続　柄'],
        input.persons.map((p) => [p.name, date(p.birthDate, p.birthDateSeireki), p.relationshipToHead]),
        ['*', 130, 110],
      ),
      endOfEntries(),
      closing(input),
    ],
  };
}

/**
 * 住民票コード通知票, A4 portrait (domain spec §5.2: printed in the same flow when a 住民票コード is assigned; standard
 * spec 4.3): a letter from the mayor to the person whose 住民票 was newly recorded, as the law requires (住民基本台帳法
 * 第30条の3第3項). The same letter layout as the other notices (ex-officio-notice.ts): date and 文書番号 (the 発行番号),
 * the addressee with 様, the mayor with the 電子公印, the statement, 「記」 and the items, then the notes. It carries the
 * 住民票コード and never the 個人番号.
 */
import type { TDocumentDefinitions } from 'pdfmake/interfaces';
import { certificatePage, displayDate as date, endOfEntries, fit, type Issuer } from './certificate-parts';
import {
  addressLines,
  closing,
  itemTable,
  ITEM_TEXT_WIDTH,
  ki,
  letterHead,
  statement,
  type NoticeAddressee,
} from './ex-officio-notice';

export const RESIDENT_CODE_NOTICE_TITLE = '住民票コード通知票';
export const RESIDENT_CODE_NOTICE_STATEMENT =
  '住民基本台帳法第30条の3第3項の規定により、あなたの住民票に記載した住民票コードを下記のとおり通知します。';
export const RESIDENT_CODE_NOTICE_NOTES = [
  '住民票コードは、住民基本台帳ネットワークシステムで本人確認を行うための11桁の番号です。大切に保管してください。',
  '住民票コードは、本人の請求により変更することができます（住民基本台帳法第30条の4）。',
  'この通知票は、個人番号を通知するものではありません。個人番号は、地方公共団体情報システム機構から送付される個人番号通知書でお知らせします。',
];

export interface ResidentCodeNoticeInput extends Issuer {
  addressee: NoticeAddressee;
  name: string;
  nameKana: string;
  /** YYYY-MM-DD. */
  birthDate: string;
  birthDateSeireki?: boolean;
  sex: string;
  residentRecordCode: string;
  /** YYYY-MM-DD: the day the code was recorded (記載年月日). */
  recordedDate: string;
  /** 記載の事由: 出生, 国外転入等, … */
  reason: string;
}

/** 12345678901 → 「1234 5678 901」: read aloud and copied without losing a digit. */
export const groupedCode = (code: string): string => code.replace(/(\d{4})(\d{4})(\d{3})/, '$1 $2 $3');

export function residentCodeNoticeDoc(input: ResidentCodeNoticeInput): TDocumentDefinitions {
  if (!/^\d{11}$/.test(input.residentRecordCode)) throw new RangeError('a 住民票コード has 11 digits');
  return {
    ...certificatePage(RESIDENT_CODE_NOTICE_TITLE, input, []),
    content: [
      ...letterHead(input),
      statement(RESIDENT_CODE_NOTICE_STATEMENT),
      ki(),
      itemTable([
        ['氏　名', { stack: [{ text: input.nameKana, fontSize: 8 }, fit(input.name, ITEM_TEXT_WIDTH, 13)] }],
        ['生年月日', { text: date(input.birthDate, input.birthDateSeireki), fontSize: 10.5 }],
        ['性　別', { text: input.sex, fontSize: 10.5 }],
        ['住　所', addressLines(input.addressee.address, input.addressee.addressSupplement)],
        [
          '住民票コード',
          { text: groupedCode(input.residentRecordCode), fontSize: 18, characterSpacing: 3, font: 'IPAexGothic' },
        ],
        ['記載年月日', { text: date(input.recordedDate), fontSize: 10.5 }],
        ['記載の事由', { text: input.reason, fontSize: 10.5 }],
      ]),
      endOfEntries(),
      {
        ol: RESIDENT_CODE_NOTICE_NOTES.map((n) => ({ text: n, fontSize: 9, lineHeight: 1.4 })),
        margin: [0, 10, 0, 0],
      },
      closing(input),
    ],
  };
}

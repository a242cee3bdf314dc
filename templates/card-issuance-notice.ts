/**
 * 個人番号カード交付通知書, A4 portrait (domain spec §4.8 step 2: J-LIS produces the card, the municipality mails the
 * 交付通知書; step 3: the holder brings it to the counter). The letter layout of the other notices
 * (ex-officio-notice.ts): date and 文書番号 (the 発行番号), the addressee with 様, the mayor with the 電子公印, the
 * statement, 「記」 and the items — the holder, the pick-up place and hours, the 交付期限 (the storage limit) — then
 * what to bring and the notes. It names the card by its holder and never carries the 個人番号 or a PIN. The reminder
 * (`reminder: true`) is the same letter titled 再通知, sent before the storage limit.
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

export const CARD_ISSUANCE_NOTICE_TITLE = '個人番号カード交付通知書';
export const CARD_REMINDER_NOTICE_TITLE = '個人番号カード交付通知書（再通知）';
export const CARD_ISSUANCE_NOTICE_STATEMENT =
  '申請いただいた個人番号カードができましたので、下記のとおりお知らせします。交付期限までに、この通知書と下記の持ち物を持って、ご本人が交付場所へお越しください。';
export const CARD_REMINDER_NOTICE_STATEMENT =
  'さきにお知らせした個人番号カードが、まだ受け取られていません。交付期限を過ぎますと、カードは廃止されます（受け取るには改めて申請が必要です）。期限までにお越しください。';
export const CARD_NOTICE_BRING = [
  'この交付通知書',
  '本人確認書類（運転免許証、旅券、在留カード等の顔写真付きのもの1点、またはそれ以外のもの2点）',
  '通知カード（お持ちの方）',
  '住民基本台帳カード（お持ちの方）',
];
export const CARD_NOTICE_NOTES = [
  '交付の際に、暗証番号（署名用電子証明書は英数字6〜16文字、利用者証明用電子証明書・住民基本台帳・券面事項入力補助は数字4桁）をご本人が窓口の端末で設定します。暗証番号を市区町村の職員に伝える必要はありません。',
  '15歳未満の方と成年被後見人の方は、法定代理人と一緒にお越しください。15歳未満の方には署名用電子証明書は発行されません。',
  '病気、身体の障害、長期入院、施設入所等の理由でご本人がお越しになれない場合に限り、代理人に交付できます。必要な書類は窓口へお問い合わせください。',
  'この通知書に個人番号は記載していません。',
];

export interface CardIssuanceNoticeInput extends Issuer {
  addressee: NoticeAddressee;
  name: string;
  nameKana: string;
  /** YYYY-MM-DD. */
  birthDate: string;
  birthDateSeireki?: boolean;
  /** Where and when the card is handed over (configuration: CARD_PICKUP_PLACE, CARD_PICKUP_HOURS). */
  pickupPlace: string;
  pickupHours: string;
  /** YYYY-MM-DD: the last day (the storage limit). */
  deadline: string;
  reminder?: boolean;
}

export function cardIssuanceNoticeDoc(input: CardIssuanceNoticeInput): TDocumentDefinitions {
  const title = input.reminder ? CARD_REMINDER_NOTICE_TITLE : CARD_ISSUANCE_NOTICE_TITLE;
  return {
    ...certificatePage(title, input, []),
    content: [
      ...letterHead(input),
      statement(input.reminder ? CARD_REMINDER_NOTICE_STATEMENT : CARD_ISSUANCE_NOTICE_STATEMENT),
      ki(),
      itemTable([
        ['氏　名', { stack: [{ text: input.nameKana, fontSize: 8 }, fit(input.name, ITEM_TEXT_WIDTH, 13)] }],
        ['生年月日', { text: date(input.birthDate, input.birthDateSeireki), fontSize: 10.5 }],
        ['住　所', addressLines(input.addressee.address, input.addressee.addressSupplement)],
        ['交付場所', fit(input.pickupPlace, ITEM_TEXT_WIDTH, 10.5)],
        ['受付時間', fit(input.pickupHours, ITEM_TEXT_WIDTH, 10.5)],
        ['交付期限', { text: `${date(input.deadline)}まで`, fontSize: 14, font: 'IPAexGothic', characterSpacing: 1 }],
        ['お持ちいただくもの', { ol: CARD_NOTICE_BRING.map((t) => ({ text: t, fontSize: 9.5, lineHeight: 1.3 })) }],
      ]),
      endOfEntries(),
      {
        ul: CARD_NOTICE_NOTES.map((n) => ({ text: n, fontSize: 9, lineHeight: 1.4 })),
        margin: [0, 10, 0, 0],
      },
      closing(input),
    ],
  };
}

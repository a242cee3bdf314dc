/**
 * The Japanese explanation of a failing step for the counter's screens (issue 14 bug 7): the case page, the
 * supervisor console and the bulk results show it; the technical text (`case_record.last_error`, already scrubbed
 * of personal data by safeErrorText) stays in the detail that supervisors may open. Pure: it reads the stored error
 * text, whose shape the partner clients fix (src/partners/http-port-client.ts, partner-errors.ts):
 *
 *   CsUnavailableError: CS POST /cs/v1/… : HTTP 503 CS_UNAVAILABLE          unavailable (5xx, 408, 425, 429)
 *   CardAgencyUnavailableError: J-LIS POST …: no answer within # ms         timeout
 *   PortalUnavailableError: Portal POST …: network error                    network
 *   …UnavailableError: … malformed acknowledgement (HTTP 200)               bad response
 *   ApplicationFailure [PartnerRejected]: IDENTITY_UPDATE refused: CODE     rejected with a code (delivery activity)
 *   CsRejectedError [CODE]: CS rejected the message with CODE (HTTP 409)    rejected with a code (other activities)
 *   ApplicationFailure [RecordNotFound]: …                                  a row the step needs is missing
 */

export type ErrorPartner = 'CS' | 'JLIS' | 'PORTAL';

export interface StepErrorText {
  /** The explanation for the screen, in Japanese. */
  message: string;
  partner?: ErrorPartner;
  /** The system retries by itself (a transient failure). */
  retrying: boolean;
}

const PARTNER_NAME: Record<ErrorPartner, string> = {
  CS: '住基ネット（市町村CS）',
  JLIS: 'J-LIS（個人番号カード管理システム）',
  PORTAL: 'マイナポータル',
};

/** Outbox kinds that go to J-LIS through the delivery activity (src/activities/cs-delivery.ts). */
const JLIS_KINDS = /\b(CARD_CONTINUED_USE|INDIVIDUAL_NUMBER_REQUEST|DELIVERY_ADDRESS_INFO)\b/;

/** What each known refusal code means (partner contracts: CommonErrorCode, CsErrorCode, CardAgencyErrorCode). */
export const REJECTION_TEXT: Readonly<Record<string, string>> = {
  INVALID_MESSAGE: '送信内容が連携仕様に合いません（項目の形式・必須項目）',
  UNAUTHORIZED: '接続の認証に失敗しました（接続用の資格情報を確認してください）',
  IDEMPOTENCY_KEY_REUSED: '同じ送信番号で別の内容が送られました',
  SEQUENCE_OUT_OF_ORDER:
    '更新順番号が前の送信より古いため受け付けられません（同じ方の先の異動の送信を確認してください）',
  NOT_FOUND: '送信先の窓口が見つかりません（接続先の設定を確認してください）',
  ALREADY_REGISTERED: 'この方は他の市区町村で既に住民として記録されています',
  MOVE_WITHIN_CHANGES_MORE_THAN_ADDRESS: '転居の送信で住所以外の項目が変わっています',
  MUNICIPALITY_NOT_SERVED: '宛先の市区町村に住基ネットで送信できません',
  CONTINUED_USE_DEADLINE_PASSED: 'カードの継続利用の期限を過ぎています',
  HTTP_401: '接続の認証に失敗しました（接続用の資格情報を確認してください）',
  HTTP_403: '接続の認証に失敗しました（この送信の権限がありません）',
};

const partnerOfText = (text: string): ErrorPartner | undefined => {
  if (/^Portal|\bPortal POST\b|portal/i.test(text)) return 'PORTAL';
  if (/^CardAgency|J-LIS|JLIS/.test(text) || JLIS_KINDS.test(text)) return 'JLIS';
  if (/^Cs[A-Z]|\bCS\b|PartnerRejected/.test(text)) return 'CS';
  return undefined;
};

/** The Japanese text of a stored (scrubbed) step error; `undefined` for none. */
export function stepErrorText(lastError: string | null | undefined): StepErrorText | undefined {
  if (!lastError) return undefined;
  const partner = partnerOfText(lastError);
  const who = partner ? PARTNER_NAME[partner] : '連携先';
  if (/^ApplicationFailure \[RecordNotFound\]|^NotFoundError/.test(lastError))
    return {
      message: '処理に必要な記録が見つからないため、処理を止めました（システム管理者に連絡してください）',
      retrying: false,
    };
  const rejected =
    /\[PartnerRejected\]: \S+ refused: ([A-Z][A-Z0-9_]*)/.exec(lastError)?.[1] ??
    /RejectedError \[([A-Z][A-Z0-9_]*)/.exec(lastError)?.[1];
  if (rejected) {
    const why = REJECTION_TEXT[rejected] ?? `受け付けられない内容です（コード ${rejected}）`;
    return {
      message: `${who}が受け付けませんでした：${why}。原因を修正して「今すぐ再試行」で再送してください`,
      partner,
      retrying: false,
    };
  }
  if (/UnavailableError/.test(lastError)) {
    const status = /HTTP (\d{3})/.exec(lastError)?.[1];
    const message = /no answer within/.test(lastError)
      ? `${who}から時間内に応答がありません（タイムアウト）`
      : /network error/.test(lastError)
        ? `${who}に接続できません（ネットワーク障害）`
        : /malformed acknowledgement/.test(lastError)
          ? `${who}の応答が不正です（受領確認を読み取れません）`
          : status === '429'
            ? `${who}が混み合っています（HTTP 429）`
            : `${who}が一時的に利用できません${status ? `（HTTP ${status}）` : ''}`;
    return { message: `${message}。自動で再試行します`, partner, retrying: true };
  }
  return { message: '処理中にエラーが発生しました。自動で再試行します', partner, retrying: true };
}

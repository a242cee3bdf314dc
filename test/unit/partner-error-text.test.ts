import { ApplicationFailure } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { safeErrorText } from '../../src/domain/error-text';
import { REJECTION_TEXT, stepErrorText } from '../../src/domain/partner-error-text';
import { CardAgencyRejectedError, CardAgencyUnavailableError } from '../../src/partners/card-agency';
import { CsRejectedError, CsUnavailableError } from '../../src/partners/cs-gateway';
import { CardAgencyErrorCode } from '../../src/partners/card-agency-messages';
import { CsErrorCode } from '../../src/partners/cs-messages';
import { PortalRejectedError, PortalUnavailableError } from '../../src/partners/portal';
import { scrubbed } from '../../src/worker/failure-recorder';

/** The stored text of an error exactly as the failure recorder keeps it (case_record.last_error). */
const stored = (e: Error) => safeErrorText(e);
const ja = (e: Error) => stepErrorText(stored(e))!;

/** Issue 14 bug 7: every partner error class has a Japanese explanation; no English technical text on the screen. */
describe('Japanese texts of partner errors', () => {
  it('unavailable, timeout, network, bad response: per partner, retried automatically', () => {
    const cs503 = new CsUnavailableError('CS POST /cs/v1/identity-updates: HTTP 503 CS_UNAVAILABLE', {
      httpStatus: 503,
    });
    expect(stored(cs503)).toContain('CsUnavailableError'); // the technical text stays for the supervisors' detail
    expect(ja(cs503)).toEqual({
      message: '住基ネット（市町村CS）が一時的に利用できません（HTTP 503）。自動で再試行します',
      partner: 'CS',
      retrying: true,
    });
    expect(
      ja(new CardAgencyUnavailableError('J-LIS POST /jlis/v1/continued-use: no answer within 10000 ms')).message,
    ).toBe('J-LIS（個人番号カード管理システム）から時間内に応答がありません（タイムアウト）。自動で再試行します');
    expect(ja(new PortalUnavailableError('Portal POST /portal-sim/v1/notices: network error')).message).toBe(
      'マイナポータルに接続できません（ネットワーク障害）。自動で再試行します',
    );
    expect(
      ja(new CsUnavailableError('CS POST /cs/v1/move-in-notices: malformed acknowledgement (HTTP 200)')).message,
    ).toBe('住基ネット（市町村CS）の応答が不正です（受領確認を読み取れません）。自動で再試行します');
    expect(ja(new CsUnavailableError('CS POST /cs/v1/identity-updates: HTTP 429')).message).toContain(
      '混み合っています',
    );
  });

  it('a refusal with each known code, also as the delivery activity reports it, and an authentication failure', () => {
    const codes = [...Object.values(CsErrorCode), ...Object.values(CardAgencyErrorCode)].filter(
      (c) => !c.endsWith('_UNAVAILABLE'),
    );
    for (const code of codes) {
      expect(REJECTION_TEXT[code], code).toBeDefined();
      const direct = ja(new CsRejectedError(code, { httpStatus: 409 }));
      expect(direct.message).toBe(
        `住基ネット（市町村CS）が受け付けませんでした：${REJECTION_TEXT[code]}。原因を修正して「今すぐ再試行」で再送してください`,
      );
      expect(direct.retrying).toBe(false);
      // cs-delivery.ts turns a refusal into this ApplicationFailure (type PartnerRejected)
      const delivery = ApplicationFailure.create({
        type: 'PartnerRejected',
        message: `IDENTITY_UPDATE refused: ${code}`,
        nonRetryable: true,
      });
      expect(ja(delivery).message).toContain(REJECTION_TEXT[code]!);
    }
    const jlis = ApplicationFailure.create({
      type: 'PartnerRejected',
      message: 'CARD_CONTINUED_USE refused: CONTINUED_USE_DEADLINE_PASSED',
      nonRetryable: true,
    });
    expect(ja(jlis)).toMatchObject({ partner: 'JLIS', message: expect.stringMatching(/^J-LIS.*継続利用の期限/) });
    expect(ja(new CardAgencyRejectedError('HTTP_401', { httpStatus: 401 })).message).toContain('認証に失敗しました');
    expect(ja(new PortalRejectedError('UNAUTHORIZED', { httpStatus: 401 })).message).toMatch(
      /^マイナポータルが受け付けませんでした：接続の認証に失敗しました/,
    );
    expect(ja(new CsRejectedError('SOMETHING_NEW')).message).toContain('（コード SOMETHING_NEW）');
  });

  it('a missing row (never retried) and any other error in Japanese; nothing for no error', () => {
    const missing = scrubbed(
      Object.assign(new Error('CaseRecord not found ({ caseId: null })'), { name: 'NotFoundError' }),
    );
    expect(ja(missing as Error)).toMatchObject({
      retrying: false,
      message: expect.stringContaining('記録が見つからない'),
    });
    expect(ja(new TypeError('x is undefined')).message).toBe('処理中にエラーが発生しました。自動で再試行します');
    expect(stepErrorText(null)).toBeUndefined();
    for (const e of [new CsUnavailableError('CS POST /cs/v1/x: HTTP 503'), new CsRejectedError('INVALID_MESSAGE')])
      expect(ja(e).message).not.toMatch(/[A-Za-z]{6,}/); // no English words on the screen
  });
});

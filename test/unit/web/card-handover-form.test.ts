import { describe, expect, it } from 'vitest';
import { compileSchema } from '../../../src/domain/ajv';
import { handoverBody, handoverErrors } from '../../../src/procedures/card-issuance/handover-form';
import { CardQueue, cardQueueFilter } from '../../../src/procedures/card-issuance/service';
import { CardHandoverStepSchema } from '../../../src/procedures/card-issuance/schema';
import type { HandoverFacts } from '../../../src/procedures/card-issuance/rules';

const adult: HandoverFacts = {
  birthDate: '1985-06-15',
  isAdultWard: false,
  today: '2026-12-07',
  cardHasSigningCert: true,
};
const child: HandoverFacts = { ...adult, birthDate: '2015-04-01' };

/** Every item ticked by a holder who came in person and took the 署名用電子証明書. */
const complete = {
  visitor: 'self',
  identityCheckMethod: 'photoId',
  issuanceNoticePresented: '1',
  notificationCard: 'collected',
  legacyResidentCard: 'none',
  pinRegistered: '1',
  signingCert: 'issued',
};

describe('the handover checklist form (交付)', () => {
  it('maps a complete checklist to the confirm-review body, which the step schema and the rules accept', () => {
    const body = handoverBody(complete);
    expect(body).toEqual({
      handover: {
        identityCheckMethod: 'photoId',
        issuanceNoticePresented: true,
        notificationCard: 'collected',
        legacyResidentCard: 'none',
        pinRegistered: true,
        signingCert: { issued: true },
      },
    });
    expect(compileSchema(CardHandoverStepSchema)(body).ok).toBe(true);
    expect(handoverErrors(complete, body, adult).summary).toEqual([]);
  });

  it('never carries a PIN: a posted pin field is not in the body', () => {
    const f = { ...complete, pin: '1234', signingPin: 'abc123' };
    expect(JSON.stringify(handoverBody(f))).not.toMatch(/1234|abc123|"pin"/);
  });

  it('shows every problem at once: choices not made (schema) and items not ticked (rules), in checklist order', () => {
    const f = { visitor: 'self', identityCheckMethod: 'photoId', legacyResidentCard: 'none' };
    const e = handoverErrors(f, handoverBody(f), adult);
    expect(e.summary).toEqual([
      '交付通知書の提示を確認してください',
      '通知カードを回収したか、持っていないかを選んでください',
      '暗証番号の設定が済んでいません',
      '署名用電子証明書を発行するかどうかを選んでください',
    ]);
    expect(Object.keys(e.byField)).toEqual([
      'issuanceNoticePresented',
      'notificationCard',
      'pinRegistered',
      'signingCert',
    ]);
  });

  it('an empty form names the visitor and every required item', () => {
    const e = handoverErrors({}, handoverBody({}), adult);
    expect(Object.keys(e.byField)).toEqual([
      'visitor',
      'identityCheckMethod',
      'issuanceNoticePresented',
      'notificationCard',
      'legacyResidentCard',
      'pinRegistered',
      'signingCert',
    ]);
  });

  it('a proxy needs an allowed reason and every document; the seal certificate with a 署名用電子証明書', () => {
    const f = { ...complete, visitor: 'proxy', proxyCannotComeProof: '1' };
    const e = handoverErrors(f, handoverBody(f), adult);
    expect(Object.keys(e.byField)).toEqual([
      'proxyReason',
      'proxyHolderIdentity',
      'proxyIdentity',
      'proxyRelationshipProof',
      'proxySealCertificate',
    ]);
    const ok = {
      ...f,
      proxyReason: 'HOSPITAL',
      proxyHolderIdentity: '1',
      proxyIdentity: '1',
      proxyRelationshipProof: '1',
      proxySealCertificate: '1',
    };
    expect(handoverErrors(ok, handoverBody(ok), adult).summary).toEqual([]);
    const bad = { ...ok, proxyReason: 'BUSY' };
    expect(handoverErrors(bad, handoverBody(bad), adult).byField.proxyReason).toBe('代理人交付の理由を選んでください');
  });

  it('under 15: no 署名用電子証明書 unless an exception reason is recorded; not issuing needs its reason', () => {
    const e = handoverErrors(complete, handoverBody(complete), child);
    expect(e.byField.exceptionReason).toContain('15歳未満の方には署名用電子証明書を発行しません');
    const exception = { ...complete, exceptionReason: '本人の強い希望と法定代理人の同意' };
    expect(handoverErrors(exception, handoverBody(exception), child).summary).toEqual([]);
    const notIssued = { ...complete, signingCert: 'notIssued' };
    expect(handoverErrors(notIssued, handoverBody(notIssued), child).byField.notIssuedReason).toBe(
      '署名用電子証明書を発行しない理由を選んでください',
    );
    const withReason = { ...notIssued, notIssuedReason: 'UNDER_15' };
    expect(handoverErrors(withReason, handoverBody(withReason), child).summary).toEqual([]);
  });
});

describe('the card queues', () => {
  it('本日の交付予定 takes every card waiting at the office; 保管期限間近 those within the lead days of their limit', () => {
    expect(cardQueueFilter(CardQueue.TODAY, '2026-12-07', 30)).toEqual({
      status: { $in: ['AT_OFFICE', 'NOTICE_SENT'] },
    });
    expect(cardQueueFilter(CardQueue.STORAGE_EXPIRING, '2026-12-07', 30)).toEqual({
      status: { $in: ['AT_OFFICE', 'NOTICE_SENT'] },
      storageLimitDate: { $lte: '2027-01-06' },
    });
  });

  it('更新のお知らせ対象: cards in use expiring within 3 months (the end of a shorter month is its last day)', () => {
    expect(cardQueueFilter(CardQueue.RENEWAL, '2026-11-30', 30)).toEqual({
      status: { $in: ['ISSUED', 'SUSPENDED', 'CONTINUED_USE_PENDING'] },
      expiryDate: { $ne: null, $lte: '2027-02-28' },
    });
  });
});

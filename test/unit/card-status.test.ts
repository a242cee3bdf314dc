import { describe, expect, it } from 'vitest';
import { attentionLabel } from '../../src/api/web/labels';
import { attentionReasons } from '../../src/api/web/queries/attention-rules';
import { compileSchema } from '../../src/domain/ajv';
import {
  addMonths,
  cardExpiryDate,
  CardEventKind,
  checkCardTransition,
  renewalFrom,
  signingCertRefusal,
} from '../../src/domain/card-status';
import { CardStatus } from '../../src/domain/registry-values';
import { evaluateHandover } from '../../src/procedures/card-issuance/rules';
import { CardHandoverStepSchema } from '../../src/procedures/card-issuance/schema';
import { handover } from '../support/card-fixtures';

const rules = { cardValidityAgeBoundary: 18 };

// domain spec §4.8 item 7 (002_39806ff4500f9589.txt L7151–7154): to the 10th birthday after issue, the 5th below the boundary
describe('card validity', () => {
  it('a holder who turned 18 the day before the issue day gets 10 years; one day younger, 5 years', () => {
    // born 2008-12-08: attains 18 on 2026-12-07 (the day before the birthday, 年齢計算ニ関スル法律)
    // the 1st birthday after the issue day is the next day: the 10th is 2035-12-08
    expect(cardExpiryDate('2008-12-08', '2026-12-07', rules)).toBe('2035-12-08');
    expect(cardExpiryDate('2008-12-09', '2026-12-07', rules)).toBe('2030-12-09');
  });

  it('counts birthdays after the issue day: issued on the birthday, that birthday does not count', () => {
    expect(cardExpiryDate('1985-06-15', '2026-06-15', rules)).toBe('2036-06-15');
    expect(cardExpiryDate('1985-06-15', '2026-06-14', rules)).toBe('2035-06-15');
  });

  it('follows the configured boundary (the seed says 20)', () => {
    expect(cardExpiryDate('2007-01-10', '2026-12-07', rules)).toBe('2036-01-10');
    expect(cardExpiryDate('2007-01-10', '2026-12-07', { cardValidityAgeBoundary: 20 })).toBe('2031-01-10');
  });

  it('a 29 February birthday falls on 28 February in a common year', () => {
    expect(cardExpiryDate('2000-02-29', '2026-12-07', rules)).toBe('2036-02-29');
    expect(cardExpiryDate('2012-02-29', '2026-12-07', rules)).toBe('2031-02-28');
  });

  it('renewal from 3 months before expiry', () => {
    expect(renewalFrom('2035-12-08')).toBe('2035-09-08');
    expect(renewalFrom('2031-05-31')).toBe('2031-02-28');
    expect(addMonths('2026-12-07', 3)).toBe('2027-03-07');
  });

  it('署名用電子証明書: refused under 15 and for a 成年被後見人', () => {
    expect(signingCertRefusal('2011-12-08', '2026-12-07', false)).toBeUndefined(); // 15 today
    expect(signingCertRefusal('2011-12-09', '2026-12-07', false)).toBe('UNDER_15');
    expect(signingCertRefusal('1950-01-01', '2026-12-07', true)).toBe('ADULT_WARD');
  });
});

describe('card transitions (domain spec §3.6)', () => {
  it('交付 only from AT_OFFICE or NOTICE_SENT', () => {
    for (const s of Object.values(CardStatus))
      expect(checkCardTransition(s, CardEventKind.ISSUED).ok, s).toBe(
        s === CardStatus.AT_OFFICE || s === CardStatus.NOTICE_SENT,
      );
    const refused = checkCardTransition(CardStatus.APPLIED, CardEventKind.ISSUED);
    expect(refused).toEqual({ ok: false, message: '「交付」はカードの状態「申請中」からはできません' });
  });

  it('一時停止 → 解除 returns to ISSUED; 回収 keeps the status; nothing after 廃止 but 回収 and 返還', () => {
    expect(checkCardTransition(CardStatus.SUSPENDED, CardEventKind.SUSPENSION_LIFTED)).toMatchObject({
      ok: true,
      to: CardStatus.ISSUED,
      reported: true,
    });
    expect(checkCardTransition(CardStatus.CANCELLED, CardEventKind.COLLECTED)).toMatchObject({
      ok: true,
      to: CardStatus.CANCELLED,
    });
    expect(checkCardTransition(CardStatus.CANCELLED, CardEventKind.SUSPENDED).ok).toBe(false);
    expect(checkCardTransition(CardStatus.CANCELLED, CardEventKind.ISSUED).ok).toBe(false);
  });
});

describe('the handover record', () => {
  const validate = compileSchema(CardHandoverStepSchema);
  const facts = { birthDate: '1985-06-15', isAdultWard: false, today: '2026-12-07', cardHasSigningCert: true };

  it('refuses a PIN or password anywhere, naming the property', () => {
    for (const [body, field] of [
      [{ handover: { ...handover(), pin: '1234' } }, '/handover/pin'],
      [
        { handover: { ...handover(), signingCert: { issued: true, password: 'abcdef' } } },
        '/handover/signingCert/password',
      ],
      [{ handover: handover(), pin: '1234' }, '/pin'],
    ] as const) {
      const v = validate(body);
      expect(v.ok).toBe(false);
      if (!v.ok) {
        expect(v.errors).toEqual([expect.objectContaining({ field, rule: 'additionalProperties' })]);
        expect(JSON.stringify(v.errors)).not.toMatch(/1234|abcdef/);
      }
    }
  });

  it('needs every checklist item done and the proxy documents', () => {
    expect(evaluateHandover(handover(), facts)).toEqual([]);
    expect(
      evaluateHandover(
        handover({
          pinRegistered: false,
          proxy: {
            reason: 'HOSPITAL',
            documentsChecked: {
              cannotComeProof: true,
              holderIdentity: true,
              proxyIdentity: false,
              relationshipProof: true,
            },
          },
        }),
        facts,
      ).map((e) => e.field),
    ).toEqual([
      '/handover/pinRegistered',
      '/handover/proxy/documentsChecked/proxyIdentity',
      '/handover/proxy/documentsChecked/sealCertificate',
    ]);
  });

  it('署名用電子証明書 under 15 or for a 成年被後見人 only with the exception reason; none on the card: refused', () => {
    const child = { ...facts, birthDate: '2015-01-01' };
    expect(evaluateHandover(handover(), child)).toEqual([
      expect.objectContaining({ field: '/handover/signingCert/exceptionReason', rule: 'under15' }),
    ]);
    expect(
      evaluateHandover(
        handover({ signingCert: { issued: true, exceptionReason: '法定代理人の申出（要件確認済み）' } }),
        child,
      ),
    ).toEqual([]);
    expect(evaluateHandover(handover(), { ...facts, isAdultWard: true })).toEqual([
      expect.objectContaining({ rule: 'adultWard' }),
    ]);
    expect(evaluateHandover(handover({ signingCert: { issued: false, notIssuedReason: 'UNDER_15' } }), child)).toEqual(
      [],
    );
    expect(evaluateHandover(handover({ signingCert: { issued: false } }), facts)).toEqual([
      expect.objectContaining({ field: '/handover/signingCert/notIssuedReason' }),
    ]);
    expect(evaluateHandover(handover(), { ...facts, cardHasSigningCert: false })).toEqual([
      expect.objectContaining({ field: '/handover/signingCert/issued', rule: 'notOnCard' }),
    ]);
  });
});

describe('the supervisor console', () => {
  it('lists a card case near its storage limit with its reason in Japanese', () => {
    const row = { status: 'AWAITING_REVIEW', needsAttention: true, attentionReason: 'CARD_STORAGE_LIMIT' };
    expect(attentionReasons(row, new Date())).toEqual(['CARD_STORAGE_LIMIT']);
    expect(attentionLabel.CARD_STORAGE_LIMIT).toBe('個人番号カードの保管期限が近づいています（未受領）');
  });
});

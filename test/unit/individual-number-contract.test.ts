import { describe, expect, it } from 'vitest';
import { compileSchema } from '../../src/domain/ajv';
import { isIndividualNumber, isResidentRecordCode } from '../../src/domain/check-digits';
import { ResidentCodeIssuer } from '../../src/partners/cs-resident-codes';
import {
  IndividualNumberAnswerMessageSchema,
  IndividualNumberRequestMessageSchema,
} from '../../src/partners/jlis-number-messages';
import { allocateIndividualNumber } from '../../src/partners/jlis-number-simulator';

const answer = {
  answerId: 'JLIS-ANS-0001-abcdef',
  municipalityCode: '139998',
  requestKey: '139998-BR-1-number-request-0000018',
  residentRecordCode: '24727059608',
  individualNumber: '123456789018',
  generatedAt: '2026-12-08T00:00:00.000Z',
};

describe('住民票コード pool codes and generated 個人番号 (domain.md §7.1, §7.2)', () => {
  it('a CS batch holds distinct codes with valid check digits, the same batch again for the same key', () => {
    const cs = new ResidentCodeIssuer(() => new Date());
    const out = cs.accept({ municipalityCode: '139998', idempotencyKey: 'key-0000001', count: 300 });
    if (!('ack' in out)) throw new Error('refused');
    expect(out.ack.codes).toHaveLength(300);
    expect(new Set(out.ack.codes).size).toBe(300);
    expect(out.ack.codes.every(isResidentRecordCode)).toBe(true);
    const again = cs.accept({ municipalityCode: '139998', idempotencyKey: 'key-0000001', count: 300 });
    expect('ack' in again && again.ack).toMatchObject({
      batchId: out.ack.batchId,
      codes: out.ack.codes,
      duplicate: true,
    });
  });

  it('J-LIS numbers have the check digit of 平成26年総務省令第85号 第5条 and are never repeated', () => {
    const taken = new Set<string>();
    const numbers = Array.from({ length: 500 }, () => allocateIndividualNumber(taken));
    expect(numbers.every(isIndividualNumber)).toBe(true);
    expect(new Set(numbers).size).toBe(500);
  });
});

describe('generation contract schemas', () => {
  const validAnswer = compileSchema(IndividualNumberAnswerMessageSchema);
  const validRequest = compileSchema(IndividualNumberRequestMessageSchema);

  it('accepts a well-formed answer and request', () => {
    expect(validAnswer(answer).ok).toBe(true);
    expect(
      validRequest({ municipalityCode: '139998', idempotencyKey: answer.requestKey, residentRecordCode: '24727059608' })
        .ok,
    ).toBe(true);
  });

  it('refuses a bad check digit, a missing code and a stray field, naming the field and not echoing the value', () => {
    const bad = validAnswer({ ...answer, individualNumber: '123456789012' });
    expect(bad.ok).toBe(false);
    if (!bad.ok) {
      expect(bad.errors.map((e) => e.field)).toContain('/individualNumber');
      expect(JSON.stringify(bad.errors)).not.toContain('123456789012');
    }
    const { residentRecordCode: _, ...noCode } = answer;
    const missing = validAnswer(noCode);
    expect(!missing.ok && missing.errors.map((e) => e.field + ' ' + e.rule)).toEqual(['/residentRecordCode required']);
    const stray = validRequest({
      municipalityCode: '139998',
      idempotencyKey: answer.requestKey,
      residentRecordCode: '24727059608',
      name: '山田　太郎',
    });
    expect(stray.ok).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import { mapFieldErrors } from '../../src/api/web/intake/field-errors';
import { formValues } from '../../src/api/web/intake/form-input';
import { compileSchema } from '../../src/domain/ajv';
import {
  ageRangeOn,
  birthDateBounds,
  birthDatePrecision,
  formatBirthDate,
  toCsBirthDate,
} from '../../src/domain/dates';
import { DEFAULT_MOVE_RULES } from '../../src/domain/move-deadlines';
import { parseBirthDateInput } from '../../src/domain/resident-search';
import { IdentityUpdateSchema } from '../../src/partners/cs-messages';
import { moveInBody, moveInErrorMapping } from '../../src/procedures/move-in/form';
import { evaluateMoveIn } from '../../src/procedures/move-in/rules';
import { MoveInApplicationSchema } from '../../src/procedures/move-in/schema';
import { evaluateOnlineMoveOut, OnlineMoveOutRule } from '../../src/procedures/online-move-out/rules';
import { displayDate } from '../../templates/certificate-parts';
import { moveInApplication, moveInFacts, mover } from '../support/fixtures';

// domain spec §3.1 (standard spec 1.1.8): dates must store unknown values such as 「年月日不詳」
describe('a partly unknown 生年月日', () => {
  it('is a date with 00 for its unknown parts, from the day up', () => {
    expect(birthDatePrecision('1945-08-15')).toBe('day');
    expect(birthDatePrecision('1945-08-00')).toBe('month');
    expect(birthDatePrecision('1945-00-00')).toBe('year');
    expect(birthDatePrecision('0000-00-00')).toBe('unknown');
    for (const bad of ['1945-00-15', '0000-08-00', '0000-00-15', '1945-13-00', '1945-02-30', '1945', '不詳', ''])
      expect(birthDatePrecision(bad), bad).toBeUndefined();
  });

  it('has earliest and latest possible days', () => {
    expect(birthDateBounds('1945-08-00')).toEqual({ earliest: '1945-08-01', latest: '1945-08-31' });
    expect(birthDateBounds('2024-02-00')).toEqual({ earliest: '2024-02-01', latest: '2024-02-29' });
    expect(birthDateBounds('1945-12-00')).toEqual({ earliest: '1945-12-01', latest: '1945-12-31' });
    expect(birthDateBounds('1945-00-00')).toEqual({ earliest: '1945-01-01', latest: '1945-12-31' });
    expect(birthDateBounds('0000-00-00')).toEqual({});
  });

  it('is displayed in 和暦 with blanks for the unknown parts, 不詳 when nothing is known', () => {
    expect(formatBirthDate('1945-08-15')).toBe('昭和20年8月15日');
    expect(formatBirthDate('1945-08-00')).toBe('昭和20年8月 日');
    expect(formatBirthDate('1945-00-00')).toBe('昭和20年 月 日');
    expect(formatBirthDate('0000-00-00')).toBe('不詳');
    expect(formatBirthDate('2019-00-00')).toBe('平成31年 月 日'); // the era of the earliest possible day
    expect(formatBirthDate('1945-00-00', { seireki: true })).toBe('1945年 月 日'); // a foreign resident (1.1.9)
    expect(displayDate('1945-08-00')).toBe('昭和20年8月 日'); // certificates
    expect(displayDate('0000-00-00', true)).toBe('不詳');
  });

  it('is read as clerks type it', () => {
    const cases: Array<[string, string | undefined]> = [
      ['昭和20年8月15日', '1945-08-15'],
      ['昭和20年8月', '1945-08-00'],
      ['S20.8', '1945-08-00'],
      ['昭和２０年', '1945-00-00'],
      ['S20', '1945-00-00'],
      ['1945年8月', '1945-08-00'],
      ['1945-08', '1945-08-00'],
      ['1945', '1945-00-00'],
      ['昭和20年8月 日', '1945-08-00'],
      ['昭和20年　月　日', '1945-00-00'],
      ['不詳', '0000-00-00'],
      ['年月日不詳', '0000-00-00'],
      ['1945-00-00', '1945-00-00'],
      ['昭和', undefined],
      ['20', undefined],
    ];
    for (const [input, value] of cases) expect(parseBirthDateInput(input), input).toBe(value);
  });

  it('is accepted by the intake form and schema; a day without its month is refused, naming the field', () => {
    const form = (birth: string) =>
      formValues({
        rows: '1',
        'm0.familyName': '山田',
        'm0.givenName': '太郎',
        'm0.familyNameKana': 'ヤマダ',
        'm0.givenNameKana': 'タロウ',
        'm0.birthDate': birth,
        'm0.sex': '1',
        'm0.relationshipToHead': '世帯主',
        'm0.residentRecordCode': '24727059608',
        'm0.individualNumber': '123456789018',
        address: '東京都さくら市桜ケ丘二丁目3番14号',
        moveInDate: '令和8年11月20日',
        previousAddress: '神奈川県相模原市中央区中央二丁目11番1号',
        previousMunicipalityCode: '14150',
        householdMode: 'new',
        notifierKind: 'self',
        identityDocument: 'driversLicence',
      });
    const validate = compileSchema(MoveInApplicationSchema);
    const { body } = moveInBody(form('昭和20年'));
    expect(body.movers[0]!.birthDate).toBe('1945-00-00');
    expect(validate(body).ok).toBe(true);
    expect(validate(moveInBody(form('不詳')).body).ok).toBe(true);
    const bad = validate(moveInApplication({ movers: [mover({ birthDate: '1945-00-15' })] }));
    expect(bad.ok ? [] : bad.errors).toEqual([
      { field: '/movers/0/birthDate', rule: 'format', message: '/movers/0/birthDate must be a valid birth-date' },
    ]);
    const mapped = mapFieldErrors(bad.ok ? [] : bad.errors, moveInErrorMapping);
    expect(mapped.byField['m0.birthDate']).toMatch(
      /^生年月日が正しくありません（存在しない日付か、元号の期間外です。例: 昭和60年6月15日、一部不詳は/,
    );
  });

  it('goes to the CS with 00 for the unknown parts; the message schema refuses anything else', () => {
    expect(toCsBirthDate('1945-08-00')).toBe('1945-08-00');
    expect(toCsBirthDate('0000-00-00')).toBe('0000-00-00');
    expect(() => toCsBirthDate('1945-00-15')).toThrow(RangeError);
    const update = (birthDate: string) => ({
      municipalityCode: '139998',
      idempotencyKey: '139998-MI-1-iu-0000019',
      sequenceNumber: 1,
      identity: {
        residentRecordCode: '24727059608',
        name: '山田　太郎',
        birthDate,
        sex: '1',
        address: '東京都さくら市桜ケ丘二丁目3番14号',
        individualNumber: '123456789018',
        changeReason: '10',
        changeDate: '2026-11-20',
      },
    });
    const validate = compileSchema(IdentityUpdateSchema);
    expect(validate(update('1945-00-00')).ok).toBe(true);
    expect(validate(update('0000-00-00')).ok).toBe(true);
    expect(validate(update('1945-00-15')).ok).toBe(false);
  });
});

describe('age rules with a partly unknown 生年月日 (never old enough, nor young enough, by an unknown part)', () => {
  it('ages range from the latest to the earliest possible birth day', () => {
    expect(ageRangeOn('2010-00-00', '2025-06-01')).toEqual({ min: 14, max: 15 });
    expect(ageRangeOn('2010-05-00', '2025-05-15')).toEqual({ min: 14, max: 15 });
    expect(ageRangeOn('0000-00-00', '2025-06-01')).toEqual({ min: 0 });
    expect(ageRangeOn('2010-04-02', '2025-04-01')).toEqual({ min: 15, max: 15 });
  });

  it('online signer at least 15: the youngest possible age counts', () => {
    const facts = (birthDate: string) => ({
      applicationDate: '2025-06-01',
      receivedDate: '2025-06-01',
      plannedMoveOutDate: '2025-06-10',
      destinationAbroad: false,
      destinationMunicipalityCode: '141500',
      ownMunicipalityCode: '139998',
      signer: { birthDate, addresseeNumber: '0000019', householdNumber: 'H1' },
      movers: [
        { matched: true, addresseeNumber: '0000019', householdNumber: 'H1', pendingMoveOut: false, blocked: false },
      ],
    });
    const refused = (b: string) =>
      evaluateOnlineMoveOut(facts(b), DEFAULT_MOVE_RULES).rejections.some(
        (r) => r.rule === OnlineMoveOutRule.SIGNER_UNDER_15,
      );
    expect(refused('2010-00-00')).toBe(true); // 14 or 15: not shown to be 15
    expect(refused('0000-00-00')).toBe(true);
    expect(refused('2009-00-00')).toBe(false); // 15 or 16
    expect(refused('2010-05-00')).toBe(false); // at least 15 by 31 May
  });

  it('転入: a 生年月日 after the 転入日 is refused only when even its earliest possible day is after it', () => {
    const errorsFor = (birthDate: string, moveInDate: string) =>
      evaluateMoveIn(moveInApplication({ movers: [mover({ birthDate })], moveInDate }), moveInFacts()).errors.filter(
        (e) => e.field === '/movers/0/birthDate',
      );
    expect(errorsFor('2025-11-00', '2025-11-05')).toEqual([]); // may have been born 1–5 November
    expect(errorsFor('2025-00-00', '2025-01-01')).toEqual([]);
    expect(errorsFor('0000-00-00', '2025-01-01')).toEqual([]);
    expect(errorsFor('2025-12-00', '2025-11-05')).toEqual([expect.objectContaining({ rule: 'notAfterMoveIn' })]);
  });
});

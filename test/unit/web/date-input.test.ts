import { describe, expect, it } from 'vitest';
import { mapFieldErrors } from '../../../src/api/web/intake/field-errors';
import { birthDateOf, dateOf, formValues } from '../../../src/api/web/intake/form-input';
import { compileSchema } from '../../../src/domain/ajv';
import { withMod11CheckDigit } from '../../../src/domain/check-digits';
import { moveInBody, moveInErrorMapping } from '../../../src/procedures/move-in/form';
import { MoveInApplicationSchema } from '../../../src/procedures/move-in/schema';
import { moveOutBody, moveOutErrorMapping } from '../../../src/procedures/move-out/form';
import { MoveOutApplicationSchema } from '../../../src/procedures/move-out/schema';

/** Issue 14 bug 3: dates typed with the IME on, and dates that do not exist in the era they name. */
describe('dates typed at the counter (dateOf)', () => {
  it.each([
    // full-width digits, separators and era letters (IME on)
    ['２０２６－１２－０３', '2026-12-03'],
    ['２０２６／１２／０３', '2026-12-03'],
    ['２０２６．１２．０３', '2026-12-03'],
    ['２０２６ー１２ー０３', '2026-12-03'],
    ['２０２６年１２月３日', '2026-12-03'],
    ['Ｒ８．１２．３', '2026-12-03'],
    ['ｒ８．１２．３', '2026-12-03'],
    ['ｓ60.6.15', '1985-06-15'],
    ['Ｓ６０．６．１５', '1985-06-15'],
    ['s60.6.15', '1985-06-15'],
    ['h1.1.8', '1989-01-08'],
    // one-character era names and the era names
    ['昭60.6.15', '1985-06-15'],
    ['令8.12.3', '2026-12-03'],
    ['平成元年1月8日', '1989-01-08'],
    ['平成元年１月８日', '1989-01-08'],
    ['令和元年5月1日', '2019-05-01'],
    ['R元.5.1', '2019-05-01'],
    ['令和 元年 5月 1日', '2019-05-01'],
    ['昭和元年12月25日', '1926-12-25'],
    ['大正15年12月25日', '1926-12-25'],
    ['大元.7.30', '1912-07-30'],
    ['明治45年7月29日', '1912-07-29'],
    ['M45.7.29', '1912-07-29'],
    ['明治45年7月30日', '1912-07-30'], // the day of the change: domain.md §3.1 names it as a value to store
    ['㍻31.4.30', '2019-04-30'],
    ['S64.1.7', '1989-01-07'],
    ['H31.4.30', '2019-04-30'],
  ])('%s → %s', (typed, iso) => {
    expect(dateOf(typed)).toBe(iso);
  });

  it.each([
    'H31.5.1', // 平成 ended 2019-04-30
    '平成31年5月1日',
    'S64.1.8', // 昭和 ended 1989-01-07
    'H1.1.7', // 平成 began 1989-01-08
    'R1.4.30', // 令和 began 2019-05-01
    '令和元年4月30日',
    '昭和元年12月24日', // 昭和 began 1926-12-25
    'T15.12.26', // 大正 ended 1926-12-25
    'T1.7.29', // 大正 began 1912-07-30
    'M45.7.31', // 明治 ended on 1912-07-30, the day 大正 began
    'Ｈ３１．５．１',
    'R8.2.30', // not a calendar date
    '２０２６－０２－３０',
  ])('%s is not a date: passed on as typed for the schema to refuse', (typed) => {
    expect(dateOf(typed)).toBe(typed);
  });

  it('reads partly unknown 生年月日 with the IME on and refuses a month or year outside its era', () => {
    expect(birthDateOf('昭和２０年８月')).toBe('1945-08-00');
    expect(birthDateOf('Ｓ２０')).toBe('1945-00-00');
    expect(birthDateOf('平成元年')).toBe('1989-00-00');
    expect(birthDateOf('S64')).toBe('1989-00-00');
    expect(birthDateOf('S64.1')).toBe('1989-01-00');
    expect(birthDateOf('H31.4')).toBe('2019-04-00');
    expect(birthDateOf('H31.5')).toBe('H31.5');
    expect(birthDateOf('S65')).toBe('S65');
    expect(birthDateOf('R1.4')).toBe('R1.4');
    expect(birthDateOf('H1.1.7')).toBe('H1.1.7');
  });
});

describe('an impossible era date in a form is refused with a Japanese message naming the field', () => {
  const number = withMod11CheckDigit('12345678901');
  const moveIn = (extra: Record<string, string>) =>
    formValues({
      rows: '1',
      'm0.familyName': '山田',
      'm0.givenName': '太郎',
      'm0.familyNameKana': 'ヤマダ',
      'm0.givenNameKana': 'タロウ',
      'm0.birthDate': 'ｓ60.6.15',
      'm0.sex': '1',
      'm0.relationshipToHead': '世帯主',
      'm0.residentRecordCode': withMod11CheckDigit('2472705960'),
      'm0.individualNumber': number,
      address: '東京都さくら市桜ケ丘二丁目3番14号',
      moveInDate: 'Ｒ８．１１．２０',
      previousAddress: '神奈川県相模原市中央区中央二丁目11番1号',
      previousMunicipalityCode: '14150',
      householdMode: 'new',
      notifierKind: 'self',
      identityDocument: 'driversLicence',
      ...extra,
    });
  const validate = compileSchema(MoveInApplicationSchema);

  it('accepts the IME-typed dates of a 転入届', () => {
    const { body } = moveInBody(moveIn({}));
    expect(body.moveInDate).toBe('2026-11-20');
    expect(body.movers[0]!.birthDate).toBe('1985-06-15');
    expect(validate(body)).toEqual({ ok: true, value: body });
  });

  it('refuses H31.5.1 as 転入日 and H1.1.7 as 生年月日', () => {
    const v = validate(moveInBody(moveIn({ moveInDate: 'H31.5.1', 'm0.birthDate': 'H1.1.7' })).body);
    expect(v.ok).toBe(false);
    const mapped = mapFieldErrors(v.ok ? [] : v.errors, moveInErrorMapping);
    expect(mapped.byField.moveInDate).toMatch(/^転入日の日付が正しくありません（存在しない日付か、元号の期間外です）/);
    expect(mapped.byField['m0.birthDate']).toMatch(/^生年月日が正しくありません（存在しない日付か、元号の期間外です/);
    expect(mapped.summary.join()).not.toContain('H31');
  });

  it('refuses S64.1.8 as the 転出予定日 of a 転出届', () => {
    const f = formValues({ plannedMoveOutDate: 'S64.1.8', notificationDate: 'Ｒ８．１２．３' });
    const { body } = moveOutBody(f);
    expect(body.notificationDate).toBe('2026-12-03');
    const v = compileSchema(MoveOutApplicationSchema)(body);
    const mapped = mapFieldErrors(v.ok ? [] : v.errors, moveOutErrorMapping);
    expect(mapped.byField.plannedMoveOutDate).toMatch(/^転出予定日の日付が正しくありません/);
  });
});

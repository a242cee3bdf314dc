/**
 * 外国人住民の転入 (domain spec §3.7, §4.1): the 在留 items at the intake boundary (schema), in the rules, from the
 * form, and on the record screen (every date of a foreign resident in 西暦, standard spec 1.1.9).
 */
import { describe, expect, it } from 'vitest';
import { compileSchema } from '../../src/domain/ajv';
import { addDays } from '../../src/domain/dates';
import { formValues } from '../../src/api/web/intake/form-input';
import { recordRows } from '../../src/api/web/panels/record-fields';
import { moveInBody } from '../../src/procedures/move-in/form';
import { evaluateMoveIn } from '../../src/procedures/move-in/rules';
import { MoveInApplicationSchema, type MoveInApplication } from '../../src/procedures/move-in/schema';
import { foreignMover, moveInApplication, moveInFacts, mover, today } from '../support/fixtures';

const validate = compileSchema<MoveInApplication>(MoveInApplicationSchema);
const schemaErrors = (app: MoveInApplication) => {
  const r = validate(app);
  return r.ok ? [] : r.errors.map((e) => `${e.field} ${e.rule}`);
};
const ruleErrors = (app: MoveInApplication) =>
  evaluateMoveIn(app, moveInFacts()).errors.map((e) => `${e.field} ${e.rule}`);
const alone = (m: MoveInApplication['movers'][number]) => moveInApplication({ movers: [m] });

describe('在留 items: schema', () => {
  it('accepts a 中長期在留者 with every item', () => {
    expect(schemaErrors(alone(foreignMover()))).toEqual([]);
    expect(ruleErrors(alone(foreignMover()))).toEqual([]);
  });

  it('refuses a 在留カード番号 that is not 2 letters + 8 digits + 2 letters, an unknown 区分, a bad date', () => {
    for (const bad of ['AB1234567CD', 'ab12345678cd', '12345678ABCD', 'AB12345678C', 'AB12345678CDE'])
      expect(schemaErrors(alone(foreignMover({ residenceCardNumber: bad }))), bad).toEqual([
        '/movers/0/residenceCardNumber pattern',
      ]);
    expect(schemaErrors(alone(foreignMover({ foreignResidentCategory: '留学生' as never })))).toEqual([
      '/movers/0/foreignResidentCategory enum',
    ]);
    expect(schemaErrors(alone(foreignMover({ periodOfStayExpiry: '2027-02-30' })))).toEqual([
      '/movers/0/periodOfStayExpiry format',
    ]);
    const r = validate(alone(foreignMover({ residenceCardNumber: 'ZZ9999999' })));
    expect(JSON.stringify(r)).not.toContain('ZZ9999999'); // the value is never echoed
  });
});

describe('在留 items: rules', () => {
  it('requires the items of the 区分', () => {
    const { statusOfResidence: _s, residenceCardNumber: _r, periodOfStayExpiry: _e, ...partial } = foreignMover();
    expect(ruleErrors(alone(partial))).toEqual([
      '/movers/0/statusOfResidence required',
      '/movers/0/periodOfStayExpiry required',
      '/movers/0/residenceCardNumber required',
    ]);
    // a 特別永住者 has a 特別永住者証明書番号 but no 在留資格 or 在留期間
    const special = mover({
      registeredDomicile: undefined,
      familyRegisterHead: undefined,
      foreignResidentCategory: '特別永住者',
      nationalityRegion: '韓国',
      residenceCardNumber: 'XY87654321ZW',
      alias: '金田　民俊',
    });
    expect(ruleErrors(alone(special))).toEqual([]);
    expect(ruleErrors(alone({ ...special, residenceCardNumber: undefined }))).toEqual([
      '/movers/0/residenceCardNumber required',
    ]);
  });

  it('refuses a 在留期間 that ends on or before the 転入日', () => {
    const app = moveInApplication({ moveInDate: addDays(today(), -3) });
    for (const end of [addDays(today(), -3), addDays(today(), -10)]) {
      const r = evaluateMoveIn({ ...app, movers: [foreignMover({ periodOfStayExpiry: end })] }, moveInFacts());
      expect(r.errors).toEqual([
        { field: '/movers/0/periodOfStayExpiry', rule: 'afterMoveIn', message: '在留期間の満了の日が転入日以前です' },
      ]);
    }
  });

  it('refuses a 本籍 for a foreign resident and 在留 items without a 区分', () => {
    expect(ruleErrors(alone(foreignMover({ registeredDomicile: '東京都さくら市本町1番地' })))).toEqual([
      '/movers/0/registeredDomicile noDomicileForForeignResident',
    ]);
    expect(ruleErrors(alone(mover({ residenceCardNumber: 'AB12345678CD' })))).toEqual([
      '/movers/0/residenceCardNumber foreignResidentOnly',
    ]);
  });
});

describe('在留 items: form and screen', () => {
  const form = (extra: Record<string, string>) =>
    formValues({
      rows: '1',
      'm0.familyName': 'SMITH',
      'm0.givenName': 'JOHN',
      'm0.familyNameKana': 'スミス',
      'm0.givenNameKana': 'ジョン',
      'm0.birthDate': '1990-01-15',
      'm0.sex': '1',
      'm0.relationshipToHead': '世帯主',
      'm0.residentRecordCode': '24727059608',
      'm0.foreignResidentCategory': '中長期在留者',
      'm0.nationalityRegion': 'アメリカ合衆国',
      'm0.statusOfResidence': '技術・人文知識・国際業務',
      'm0.periodOfStay': '3年',
      'm0.periodOfStayExpiry': '令和11年6月30日',
      'm0.residenceCardNumber': 'ab 12345678 cd',
      ...extra,
    });

  it('sends the 在留 items only when 外国人住民 is ticked', () => {
    expect(moveInBody(form({ 'm0.foreignResident': '1' })).body.movers[0]).toMatchObject({
      foreignResidentCategory: '中長期在留者',
      nationalityRegion: 'アメリカ合衆国',
      statusOfResidence: '技術・人文知識・国際業務',
      periodOfStay: '3年',
      periodOfStayExpiry: '2029-06-30',
      residenceCardNumber: 'AB12345678CD',
    });
    const japanese = moveInBody(form({})).body.movers[0]!;
    for (const k of ['foreignResidentCategory', 'nationalityRegion', 'residenceCardNumber'])
      expect(japanese).not.toHaveProperty(k);
  });

  it('shows the 在留 items, and every date of a foreign resident in 西暦', () => {
    const rows = new Map(
      recordRows(
        {
          familyName: 'SMITH',
          birthDate: '1990-01-15',
          becameResidentDate: '2026-11-20',
          notificationDate: '2026-11-21',
          isForeignResident: true,
          foreignResidentCategory: '中長期在留者',
          nationalityRegion: 'アメリカ合衆国',
          periodOfStayExpiry: '2029-06-30',
          residenceCardNumber: 'AB12345678CD',
        },
        { reveal: false },
      ),
    );
    expect(rows.get('生年月日')).toBe('1990年1月15日');
    expect(rows.get('住民となった日')).toBe('2026年11月20日');
    expect(rows.get('届出日')).toBe('2026年11月21日');
    expect(rows.get('在留期間の満了の日')).toBe('2029年6月30日');
    expect(rows.get('国籍・地域')).toBe('アメリカ合衆国');
    expect(rows.get('在留カード等の番号')).toBe('AB12345678CD');
    const japanese = new Map(
      recordRows({ birthDate: '1990-01-15', becameResidentDate: '2026-11-20' }, { reveal: false }),
    );
    expect(japanese.get('住民となった日')).toBe('令和8年11月20日');
    expect(japanese.has('国籍・地域')).toBe(false);
  });
});

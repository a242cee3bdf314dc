import { describe, expect, it } from 'vitest';
import { compileSchema } from '../../../src/domain/ajv';
import { MoveInApplicationSchema } from '../../../src/procedures/move-in/schema';
import { MoveOutApplicationSchema } from '../../../src/procedures/move-out/schema';
import { SpecialMoveInApplicationSchema } from '../../../src/procedures/special-move-in/schema';
import { ResidentRecordCopyRequestSchema } from '../../../src/procedures/resident-record-copy/schema';
import { withMod11CheckDigit, withMunicipalityCheckDigit } from '../../../src/domain/check-digits';
import { fieldOfPointer, mapFieldErrors } from '../../../src/api/web/intake/field-errors';
import {
  dateOf,
  digitsOf,
  formValues,
  kanaOf,
  municipalityCodeOf,
  postalCodeOf,
  rowCount,
} from '../../../src/api/web/intake/form-input';
import { moveInBody, moveInErrorMapping } from '../../../src/procedures/move-in/form';
import { removeRow, withoutNumbers } from '../../../src/procedures/move-in/routes';
import { moveOutBody, moveOutErrorMapping, toRowPointers } from '../../../src/procedures/move-out/form';
import { specialMoveInBody } from '../../../src/procedures/special-move-in/form';
import { copyBody } from '../../../src/procedures/resident-record-copy/page';

const number = withMod11CheckDigit('12345678901'); // 123456789018 (domain.md §7.1)
const badNumber = '123456789011';
const code = withMod11CheckDigit('2472705960');
const origin = withMunicipalityCheckDigit('14150');

const moveInForm = (extra: Record<string, string> = {}) =>
  formValues({
    _csrf: 'x',
    requestId: 'r-12345678',
    rows: '2',
    'm0.familyName': '山田',
    'm0.givenName': '太郎',
    'm0.familyNameKana': 'やまだ',
    'm0.givenNameKana': 'タロウ',
    'm0.birthDate': '昭和60年6月15日',
    'm0.sex': '1',
    'm0.relationshipToHead': '世帯主',
    'm0.residentRecordCode': '2472-7059-608',
    'm0.individualNumber': '１２３４ ５６７８ ９０１８',
    'm0.registeredDomicile': ' ',
    'm1.familyName': '山田',
    'm1.givenName': '花子',
    'm1.familyNameKana': 'ヤマダ',
    'm1.givenNameKana': 'ハナコ',
    'm1.birthDate': 'S62.2.3',
    'm1.sex': '2',
    'm1.relationshipToHead': '妻',
    'm1.residentRecordCode': code,
    'm1.individualNumber': number,
    address: '東京都さくら市桜ケ丘二丁目3番14号',
    addressSupplement: 'さくらハイツ203号室',
    postalCode: '２０６００１２',
    moveInDate: '令和8年11月20日',
    previousAddress: '神奈川県相模原市中央区中央二丁目11番1号',
    previousMunicipalityCode: '14150',
    householdMode: 'new',
    notifierKind: 'self',
    identityDocument: 'driversLicence',
    ...extra,
  });

describe('form input conversions (how clerks type)', () => {
  it('converts 和暦 and 西暦 dates, leaving what is not a date as typed for the schema to refuse', () => {
    expect(dateOf('昭和60年6月15日')).toBe('1985-06-15');
    expect(dateOf('S60.6.15')).toBe('1985-06-15');
    expect(dateOf('令和元年5月1日')).toBe('2019-05-01');
    expect(dateOf('２０２６－１１－２０'.replace(/－/g, '-'))).toBe('2026-11-20');
    expect(dateOf('平成31年2月29日')).toBe('平成31年2月29日');
  });
  it('folds digits, kana, postal codes and 5-digit municipality codes', () => {
    expect(digitsOf('１２３４ ５６７８-９０１８')).toBe('123456789018');
    expect(kanaOf('やまだ　')).toBe('ヤマダ');
    expect(postalCodeOf('２０６００１２')).toBe('206-0012');
    expect(municipalityCodeOf('14150')).toBe(origin);
    expect(municipalityCodeOf('141509')).toBe('141509');
  });
  it('takes the posted row count, else the rows that have input, within 1..max', () => {
    expect(rowCount({ rows: '3' }, 'm', 12)).toBe(3);
    expect(rowCount({ 'm4.familyName': 'x' }, 'm', 12)).toBe(5);
    expect(rowCount({ rows: '40' }, 'm', 12)).toBe(12);
    expect(rowCount({}, 'm', 12)).toBe(1);
  });
});

describe('転入届 form → POST /api/cases/move-in body', () => {
  it('builds exactly a valid MoveInApplication from two mover rows', () => {
    const { body, rows } = moveInBody(moveInForm({ certWanted: '1', certHouseholdHead: '1' }));
    expect(rows).toBe(2);
    expect(compileSchema(MoveInApplicationSchema)(body).ok).toBe(true);
    expect(body.movers[0]).toEqual({
      familyName: '山田',
      givenName: '太郎',
      familyNameKana: 'ヤマダ',
      givenNameKana: 'タロウ',
      birthDate: '1985-06-15',
      sex: '1',
      relationshipToHead: '世帯主',
      residentRecordCode: '24727059608',
      individualNumber: '123456789018',
    });
    expect(body.movers[1]!.birthDate).toBe('1987-02-03');
    expect(body.address).toEqual({
      address: '東京都さくら市桜ケ丘二丁目3番14号',
      addressSupplement: 'さくらハイツ203号室',
      postalCode: '206-0012',
    });
    expect(body.moveInDate).toBe('2026-11-20');
    expect(body.previousMunicipalityCode).toBe(origin);
    expect(body.moveOutCertificate).toEqual({ issuingMunicipalityCode: origin });
    expect(body.certificateRequest).toEqual({ includeHouseholdHead: true });
    expect(body).not.toHaveProperty('notificationDate');
  });
  it('takes the 本籍 and the 本籍地 code (5-digit body folded to 6 digits), where the 附票記載事項通知 goes', () => {
    const { body } = moveInBody(
      moveInForm({
        'm1.registeredDomicile': '埼玉県熊谷市本町一丁目2番地',
        'm1.familyRegisterHead': '山田　一郎',
        'm1.domicileMunicipalityCode': '１１２０２',
      }),
    );
    expect(body.movers[1]).toMatchObject({
      registeredDomicile: '埼玉県熊谷市本町一丁目2番地',
      familyRegisterHead: '山田　一郎',
      domicileMunicipalityCode: withMunicipalityCheckDigit('11202'),
    });
    expect(compileSchema(MoveInApplicationSchema)(body).ok).toBe(true);
    const bad = compileSchema(MoveInApplicationSchema)(
      moveInBody(moveInForm({ 'm1.domicileMunicipalityCode': '112021' })).body,
    );
    expect(bad.ok ? [] : bad.errors.map((e) => `${e.field} ${e.rule}`)).toEqual([
      '/movers/1/domicileMunicipalityCode format',
    ]);
  });
  it('joins an existing household, omits the copy request when not asked, drops the 前住所 code from abroad', () => {
    const { body } = moveInBody(
      moveInForm({ householdMode: 'join', householdNumber: '0000035', fromAbroad: '1', certHouseholdHead: '1' }),
    );
    expect(body.household).toEqual({ mode: 'join', householdNumber: '0000035' });
    expect(body.fromAbroad).toBe(true);
    expect(body).not.toHaveProperty('previousMunicipalityCode');
    expect(body).not.toHaveProperty('moveOutCertificate');
    expect(body).not.toHaveProperty('certificateRequest');
  });
  it('maps the schema errors to the form fields in Japanese, without the typed value', () => {
    const { body } = moveInBody(
      moveInForm({
        'm1.individualNumber': badNumber,
        'm0.familyNameKana': 'yamada',
        moveInDate: '令和8年13月1日',
        address: '',
      }),
    );
    const v = compileSchema(MoveInApplicationSchema)(body);
    expect(v.ok).toBe(false);
    const mapped = mapFieldErrors(v.ok ? [] : v.errors, moveInErrorMapping);
    expect(mapped.byField['m1.individualNumber']).toBe(
      '個人番号が正しくありません（12桁。検査数字を確認してください）',
    );
    expect(mapped.byField['m0.familyNameKana']).toBe('フリガナはカタカナ（またはひらがな）で入力してください');
    expect(mapped.byField.moveInDate).toMatch(
      /^転入日の日付が正しくありません（存在しない日付か、元号の期間外です）（例: 令和8年4月1日/,
    );
    expect(mapped.byField.address).toBe('住所を入力してください');
    expect(mapped.summary).toContain('転入者2：個人番号が正しくありません（12桁。検査数字を確認してください）');
    expect(JSON.stringify(mapped)).not.toContain(badNumber);
  });
  it('keeps the intake rule messages (already Japanese) and maps row and form level pointers', () => {
    const mapped = mapFieldErrors(
      [
        { field: '/moveInDate', rule: 'notFuture', message: '転入日が未来の日付です' },
        {
          field: '/movers/1',
          rule: 'alreadyRegistered',
          message: 'この方は既に本市に住民登録があります（転入できません）',
        },
        {
          field: '/certificateRequest/includeIndividualNumber',
          rule: 'notForProxy',
          message: '個人番号入りの住民票の写しは代理人に交付できません',
        },
        { field: '', rule: 'type', message: '(payload) must be of type object' },
      ],
      moveInErrorMapping,
    );
    expect(mapped.byField).toEqual({
      moveInDate: '転入日が未来の日付です',
      m1: 'この方は既に本市に住民登録があります（転入できません）',
      certIndividualNumber: '個人番号入りの住民票の写しは代理人に交付できません',
      _form: '入力内容の値が正しくありません',
    });
  });
  it('reports a join without 世帯番号 on the 世帯番号 field only (the oneOf branches are noise)', () => {
    const { body } = moveInBody(moveInForm({ householdMode: 'join', 'm0.relationshipToHead': '子' }));
    const v = compileSchema(MoveInApplicationSchema)(body);
    const mapped = mapFieldErrors(v.ok ? [] : v.errors, moveInErrorMapping);
    expect(mapped.byField).toEqual({ householdNumber: '世帯番号を入力してください' });
  });
  it('resolves pointers to the nearest mapped parent', () => {
    expect(fieldOfPointer('/notifier/kind', moveInErrorMapping)).toEqual({ field: 'notifierKind' });
    expect(fieldOfPointer('/identityDocument/checkedBy', moveInErrorMapping)).toEqual({ field: 'identityDocument' });
    expect(fieldOfPointer('/movers/0/birthDate', moveInErrorMapping)).toEqual({
      field: 'm0.birthDate',
      rowLabel: '転入者1',
    });
  });
  it('removes a mover row (later rows move up) and never keeps a 個人番号 for re-rendering', () => {
    const f = moveInForm();
    const removed = removeRow(f, 'm', 0);
    expect(removed['m0.givenName']).toBe('花子');
    expect(removed['m1.givenName']).toBeUndefined();
    expect(Object.keys(withoutNumbers(f)).some((k) => k.endsWith('individualNumber'))).toBe(false);
  });
});

describe('転出届, 特例転入届 and the counter copy forms → API bodies', () => {
  const household = {
    from: '0000019',
    'p0.addresseeNumber': '0000019',
    'p0.familyName': '原',
    'p0.givenName': '学',
    'p0.birthDate': '1972-08-03',
    'p0.sex': '1',
    'p0.selected': '1',
    'p1.addresseeNumber': '0000027',
    'p1.familyName': '原',
    'p1.givenName': '恵',
    'p1.birthDate': '1976-03-06',
    'p1.sex': '2',
    'p2.addresseeNumber': '0000035',
    'p2.familyName': '原',
    'p2.givenName': '舞',
    'p2.birthDate': '1997-09-26',
    'p2.sex': '2',
    'p2.selected': '1',
    destinationAddress: '神奈川県相模原市',
    destinationCode: '14150',
    plannedMoveOutDate: 'R8.12.9',
    path: 'paper',
    notifierKind: 'self',
    identityDocument: 'passport',
  };
  it('takes only the ticked household members, with their 宛名番号 and 4情報', () => {
    const { body, rowOfMover } = moveOutBody(formValues(household));
    expect(compileSchema(MoveOutApplicationSchema)(body).ok).toBe(true);
    expect(body.movers.map((m) => m.addresseeNumber)).toEqual(['0000019', '0000035']);
    expect(body.destination).toEqual({ address: '神奈川県相模原市', municipalityCode: origin });
    expect(body.plannedMoveOutDate).toBe('2026-12-09');
    expect(rowOfMover).toEqual([0, 2]);
    const mapped = mapFieldErrors(
      toRowPointers([{ field: '/movers/1', rule: 'openCase', message: 'この方の転出届が処理中です' }], rowOfMover),
      moveOutErrorMapping,
    );
    expect(mapped.byField).toEqual({ p2: 'この方の転出届が処理中です' });
  });
  it("世帯主変更: the chosen new 世帯主 and the other staying members' new 続柄; errors shown at the choice", () => {
    const f = {
      ...household,
      'p2.selected': '',
      newHead: '0000035',
      'p1.newRelationship': '母',
      'p2.newRelationship': '妻',
    };
    const { body } = moveOutBody(formValues(f));
    expect(compileSchema(MoveOutApplicationSchema)(body).ok).toBe(true);
    // the new 世帯主's own 続柄 field is ignored; the mover (p0) has none
    expect(body.householdHeadChange).toEqual({
      newHeadAddresseeNumber: '0000035',
      relationships: [{ addresseeNumber: '0000027', relationshipToHead: '母' }],
    });
    expect(moveOutBody(formValues(household)).body.householdHeadChange).toBeUndefined();
    const mapped = mapFieldErrors(
      [
        {
          field: '/householdHeadChange/relationships/0/relationshipToHead',
          rule: 'relationshipVocabulary',
          message: '続柄が標準の語彙にありません',
        },
      ],
      moveOutErrorMapping,
    );
    expect(mapped.byField).toEqual({ newHead: '続柄が標準の語彙にありません' });
  });
  it('sends no destination code for 国外 and no mover when none is ticked', () => {
    const { body } = moveOutBody(formValues({ ...household, 'p0.selected': '', 'p2.selected': '', abroad: '1' }));
    expect(body.movers).toEqual([]);
    expect(body.destination).toEqual({ address: '神奈川県相模原市', abroad: true });
    const v = compileSchema(MoveOutApplicationSchema)(body);
    expect(mapFieldErrors(v.ok ? [] : v.errors, moveOutErrorMapping).byField.movers).toBe(
      '転出する方を1人以上選んでください',
    );
  });
  it('builds the 特例転入 body from the card rows (no 個人番号 field at all)', () => {
    const { body } = specialMoveInBody(
      formValues({
        rows: '1',
        'p0.residentRecordCode': code,
        'p0.familyName': '川口',
        'p0.givenName': '健太',
        'p0.birthDate': '平成2年5月5日',
        'p0.sex': '1',
        'p0.relationshipToHead': '世帯主',
        'p0.cardPresented': '1',
        originMunicipalityCode: origin,
        address: '東京都さくら市緑町一丁目5番2号',
        moveInDate: '2026-11-30',
        householdMode: 'new',
        notifierKind: 'self',
        held: 'HC-1',
      }),
    );
    expect(compileSchema(SpecialMoveInApplicationSchema)(body).ok).toBe(true);
    expect(body.persons[0]).toEqual({
      residentRecordCode: code,
      familyName: '川口',
      givenName: '健太',
      birthDate: '1990-05-05',
      sex: '1',
      relationshipToHead: '世帯主',
      cardPresented: true, // 本人の個人番号カードの提示 (継続利用)
    });
    expect(JSON.stringify(body)).not.toContain('HC-1');
  });
  it('builds the counter 住民票の写し request from the ticked persons and items', () => {
    const body = copyBody(
      formValues({
        addresseeNumber: '0000086',
        'person.0000086': '1',
        'person.0000094': '1',
        includeHouseholdHead: '1',
        includeIndividualNumber: '1',
        requester: 'self',
        identityDocument: 'myNumberCard',
      }),
    );
    expect(compileSchema(ResidentRecordCopyRequestSchema)(body).ok).toBe(true);
    expect(body).toEqual({
      addresseeNumbers: ['0000086', '0000094'],
      options: { includeHouseholdHead: true, includeIndividualNumber: true },
      requester: { relation: 'self' },
      identityDocument: { type: 'myNumberCard' },
    });
  });
});

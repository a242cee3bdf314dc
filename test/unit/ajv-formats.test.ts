/** Custom ajv formats, formatAjvErrors, and the CS contract schemas (domain.md §10.1, §10.3). */
import { describe, expect, it } from 'vitest';
import { compileSchema, createAjv, CustomFormat, formatAjvErrors } from '../../src/domain/ajv';
import { ChangeCategory, ChangeReason } from '../../src/domain/change-reason';
import {
  CS_CHANGE_REASON_CODES,
  changeReasonOfCsCode,
  csCategoryOf,
  csChangeReasonFor,
} from '../../src/partners/cs-codes';
import {
  IdentityUpdateSchema,
  MoveInNoticeSchema,
  type IdentityUpdate,
  type MoveInNotice,
} from '../../src/partners/cs-messages';

const ajv = createAjv();
const fmt = (format: string) => ajv.compile({ type: 'string', format });

describe('custom formats', () => {
  it('individual-number checks the mod-11 check digit', () => {
    const v = fmt(CustomFormat.INDIVIDUAL_NUMBER);
    for (const ok of ['123456789018', '983205673214', '454972364860', '000000000060', '507957100721'])
      expect(v(ok)).toBe(true);
    for (const bad of ['983205673210', '507957100722', '923456789018', '12345678901', '12345678901a', ''])
      expect(v(bad)).toBe(false);
  });

  it('municipality-code checks the 6th digit', () => {
    const v = fmt(CustomFormat.MUNICIPALITY_CODE);
    for (const ok of ['141500', '131041', '131016', '402036', '011002']) expect(v(ok)).toBe(true);
    for (const bad of ['141501', '13104', '1310411', 'a31041']) expect(v(bad)).toBe(false);
  });

  it('iso-date accepts real calendar dates only', () => {
    const v = fmt(CustomFormat.ISO_DATE);
    for (const ok of ['2024-02-29', '2025-12-31', '1900-01-01']) expect(v(ok)).toBe(true);
    for (const bad of ['2025-02-29', '2025-13-01', '2025-04-31', '2025-4-01', '20250401', '2025-04-01T00:00:00Z'])
      expect(v(bad)).toBe(false);
  });

  it('resident-record-code uses the provisional formula', () => {
    const v = fmt(CustomFormat.RESIDENT_RECORD_CODE);
    expect(v('24727059608')).toBe(true);
    expect(v('24846016224')).toBe(true);
    expect(v('25208017644')).toBe(false);
  });

  it('the instance is strict: unknown keywords and formats do not compile', () => {
    expect(() => ajv.compile({ type: 'string', format: 'no-such-format' })).toThrow();
    expect(() => ajv.compile({ type: 'string', maxLenght: 3 })).toThrow();
  });
});

describe('formatAjvErrors', () => {
  const schema = {
    type: 'object',
    additionalProperties: false,
    required: ['identity'],
    properties: {
      identity: {
        type: 'object',
        additionalProperties: false,
        required: ['birthDate', 'name'],
        properties: { birthDate: { type: 'string', format: 'iso-date' }, name: { type: 'string', maxLength: 5 } },
      },
    },
  };
  const validate = ajv.compile(schema);

  it('names the field and the rule, never the value', () => {
    const secret = '123456789018';
    validate({ identity: { birthDate: '2025-02-29', name: 'とても長い名前です' }, extra: secret });
    const errors = formatAjvErrors(validate.errors);
    expect(errors).toEqual(
      expect.arrayContaining([
        { field: '/identity/birthDate', rule: 'format', message: '/identity/birthDate must be a valid iso-date' },
        { field: '/identity/name', rule: 'maxLength', message: '/identity/name must be at most 5 characters' },
        { field: '/extra', rule: 'additionalProperties', message: '/extra is not allowed' },
      ]),
    );
    expect(JSON.stringify(errors)).not.toContain('2025-02-29');
    expect(JSON.stringify(errors)).not.toContain('とても長い名前です');
  });

  it('points at a missing property, escapes pointers and deduplicates', () => {
    validate({ identity: { 'a/b': 1 } });
    const errors = formatAjvErrors([...(validate.errors ?? []), ...(validate.errors ?? [])]);
    expect(errors.map((e) => e.field).sort()).toEqual(['/identity/a~1b', '/identity/birthDate', '/identity/name']);
    expect(errors.find((e) => e.field === '/identity/name')).toMatchObject({
      rule: 'required',
      message: '/identity/name is required',
    });
  });

  it('labels errors on the payload itself and accepts null', () => {
    validate('not an object');
    expect(formatAjvErrors(validate.errors)).toEqual([
      { field: '', rule: 'type', message: '(payload) must be of type object' },
    ]);
    expect(formatAjvErrors(null)).toEqual([]);
  });

  it('compileSchema returns a typed result and caches per schema object', () => {
    const s = { type: 'integer', minimum: 1 };
    const v = compileSchema<number>(s);
    expect(compileSchema<number>(s)).toBe(v);
    expect(v(3)).toEqual({ ok: true, value: 3 });
    expect(v(0)).toEqual({ ok: false, errors: [{ field: '', rule: 'minimum', message: '(payload) must be >= 1' }] });
  });
});

describe('CS contract schemas', () => {
  const validUpdate: IdentityUpdate = {
    municipalityCode: '141500',
    idempotencyKey: 'outbox-0000001',
    sequenceNumber: 1,
    identity: {
      residentRecordCode: '24727059608',
      name: '相模 花子',
      birthDate: '1985-07-14',
      sex: '2',
      address: '神奈川県相模原市中央区中央二丁目十一番十五号',
      individualNumber: '123456789018',
      changeReason: '10',
      changeDate: '2025-04-01',
    },
  };
  const validateUpdate = compileSchema<IdentityUpdate>(IdentityUpdateSchema);
  const validateNotice = compileSchema<MoveInNotice>(MoveInNoticeSchema);

  it('本人確認情報 carries exactly the 8 items, plus nameKana', () => {
    expect(validateUpdate(validUpdate).ok).toBe(true);
    expect(
      validateUpdate({ ...validUpdate, identity: { ...validUpdate.identity, nameKana: 'サガミ ハナコ' } }).ok,
    ).toBe(true);
    const ninth = validateUpdate({ ...validUpdate, identity: { ...validUpdate.identity, householdNumber: '0000019' } });
    expect(ninth).toMatchObject({
      ok: false,
      errors: [{ field: '/identity/householdNumber', rule: 'additionalProperties' }],
    });
    const { individualNumber: _omitted, ...seven } = validUpdate.identity;
    expect(validateUpdate({ ...validUpdate, identity: seven })).toMatchObject({
      ok: false,
      errors: expect.arrayContaining([
        { field: '/identity/individualNumber', rule: 'required', message: expect.any(String) },
      ]),
    });
    // a 出生 is recorded before J-LIS numbers the child (domain spec §4.7 step 3.1): its 本人確認情報 has no 個人番号 yet
    expect(validateUpdate({ ...validUpdate, identity: { ...seven, changeReason: '12' } }).ok).toBe(true);
  });

  it('rejects bad codes, dates, sex, reason and control characters', () => {
    const r = validateUpdate({
      ...validUpdate,
      municipalityCode: '141501',
      sequenceNumber: 0,
      identity: { ...validUpdate.identity, sex: '9', changeReason: '99', changeDate: '2025-02-29', name: 'a\nb' },
    });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.map((e) => `${e.field} ${e.rule}`).sort()).toEqual([
      '/identity/changeDate format',
      '/identity/changeReason enum',
      '/identity/name pattern',
      '/identity/sex enum',
      '/municipalityCode format',
      '/sequenceNumber minimum',
    ]);
  });

  it('a 転入通知 can never carry a 個人番号 field (domain.md §2.3, §10.3)', () => {
    const n: MoveInNotice = {
      fromMunicipalityCode: '141500',
      toMunicipalityCode: '131041',
      idempotencyKey: 'notice-0000001',
      notice: {
        residentRecordCode: '24727059608',
        name: '相模 花子',
        birthDate: '1985-07-14',
        sex: '2',
        newAddress: '神奈川県相模原市中央区中央二丁目十一番十五号',
        moveInDate: '2025-04-01',
        previousAddress: '東京都新宿区西新宿二丁目八番一号',
        notificationDate: '2025-04-07',
      },
    };
    expect(validateNotice(n).ok).toBe(true);
    expect(validateNotice({ ...n, individualNumber: '123456789018' })).toMatchObject({
      ok: false,
      errors: [{ field: '/individualNumber' }],
    });
    expect(validateNotice({ ...n, notice: { ...n.notice, individualNumber: '123456789018' } })).toMatchObject({
      ok: false,
      errors: [{ field: '/notice/individualNumber', rule: 'additionalProperties' }],
    });
  });
});

describe('CS change-reason codes', () => {
  it('are unique, two digits, categorised, and map both ways', () => {
    expect(new Set(CS_CHANGE_REASON_CODES).size).toBe(CS_CHANGE_REASON_CODES.length);
    for (const code of CS_CHANGE_REASON_CODES) {
      expect(code).toMatch(/^\d{2}$/);
      expect(csChangeReasonFor(changeReasonOfCsCode(code)!)).toBe(code);
    }
    expect(csCategoryOf(csChangeReasonFor(ChangeReason.DOMESTIC_MOVE_IN)!)).toBe(ChangeCategory.RECORD);
    expect(csCategoryOf(csChangeReasonFor(ChangeReason.DEATH)!)).toBe(ChangeCategory.REMOVE);
    expect(csCategoryOf(csChangeReasonFor(ChangeReason.MOVE_WITHIN)!)).toBe(ChangeCategory.AMEND);
    expect(csChangeReasonFor(ChangeReason.HOUSEHOLD_SEPARATION)).toBeUndefined();
    expect(csCategoryOf('99')).toBeUndefined();
  });
});

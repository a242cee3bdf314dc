import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { isMunicipalityCode, municipalityCheckDigit, withMunicipalityCheckDigit } from '../../src/domain/check-digits';
import {
  addressesByPostalCode,
  municipalitiesByName,
  municipalityByCode,
  REFERENCE_DIR,
  type MunicipalityFile,
} from '../../templates/reference/reference-data';
import { compileSchema } from '../../src/domain/ajv';
import { ReferenceMunicipalityQuerySchema, ReferencePostalCodeParamsSchema } from '../../src/api/reference-router';

/** Build item 6 (issue 14): the shipped 郵便番号 and 団体コード data and its lookups. */
describe('reference data: 郵便番号 → 住所', () => {
  it.each([
    ['206-0011', '東京都多摩市関戸', '132241'],
    ['2060011', '東京都多摩市関戸', '132241'],
    ['１００－０００１', '東京都千代田区千代田', '131016'],
    ['〒252-0239', '神奈川県相模原市中央区中央', '141526'],
    ['060-0042', '北海道札幌市中央区大通西', '011011'],
  ])('%s → %s (団体コード %s)', (code, address, municipalityCode) => {
    const [first] = addressesByPostalCode(code);
    expect(first).toMatchObject({ address: expect.stringContaining(address), municipalityCode });
    expect(first!.postalCode).toMatch(/^\d{3}-\d{4}$/);
  });
  it('gives the municipality alone where KEN_ALL has no 町域 (以下に掲載がない場合)', () => {
    expect(addressesByPostalCode('100-0000')[0]).toMatchObject({ address: '東京都千代田区', town: '' });
  });
  it('finds nothing for a code that does not exist or is not 7 digits', () => {
    expect(addressesByPostalCode('000-0000')).toEqual([]);
    expect(addressesByPostalCode('12345')).toEqual([]);
    expect(addressesByPostalCode('abc-defg')).toEqual([]);
  });
});

describe('reference data: 市区町村名 → 団体コード', () => {
  it('finds a municipality by its full name, its name without the 都道府県, or an address that starts with it', () => {
    expect(municipalitiesByName('神奈川県相模原市')[0]!.code).toBe('141500');
    expect(municipalitiesByName('相模原市')[0]!.code).toBe('141500');
    expect(municipalitiesByName('神奈川県相模原市中央区中央二丁目11番1号')[0]).toMatchObject({
      code: '141526',
      name: '神奈川県相模原市中央区',
    });
    expect(municipalitiesByName('大阪府大阪市北区梅田一丁目1番1号')[0]!.code).toBe(withMunicipalityCheckDigit('27127'));
    expect(municipalitiesByName('東京都　多摩市')[0]!.code).toBe('132241');
    expect(municipalitiesByName('北海道')[0]!.code).toBe('010006'); // the 都道府県 itself, asked by its name
  });
  it('offers every town of an ambiguous name (中央区), and nothing for an unknown one', () => {
    const chuo = municipalitiesByName('中央区').map((m) => m.name);
    expect(chuo).toEqual(expect.arrayContaining(['東京都中央区', '北海道札幌市中央区', '神奈川県相模原市中央区']));
    expect(municipalitiesByName('架空市架空町')).toEqual([]);
    expect(municipalitiesByName('')).toEqual([]);
  });
  it('ships only codes with a valid check digit (domain spec §7.4), the 総務省 ones included', () => {
    const f = JSON.parse(
      gunzipSync(readFileSync(join(REFERENCE_DIR, 'municipalities.json.gz'))).toString('utf8'),
    ) as MunicipalityFile;
    expect(f.municipalities.length).toBeGreaterThan(1900);
    for (const [code] of f.municipalities) expect(isMunicipalityCode(code), code).toBe(true);
    expect(municipalityByCode('131016')).toMatchObject({ prefecture: '東京都', city: '千代田区' });
    expect(f.source).toContain('総務省');
  });
  it('computes the check digit as §7.4 says: weights 6,5,4,3,2, mod 11, r = 0 → 1, r = 1 → 0', () => {
    expect(municipalityCheckDigit('13101')).toBe(6); // 131016 千代田区
    expect(municipalityCheckDigit('14150')).toBe(0); // 141500 相模原市
    expect(municipalityCheckDigit('01000')).toBe(6); // 010006 北海道
    expect(municipalityCheckDigit('14152')).toBe(6); // 141526 相模原市中央区
    expect(isMunicipalityCode('141501')).toBe(false);
  });
});

describe('reference routes: the boundary schemas', () => {
  it('refuses a malformed 郵便番号 and an empty name, naming the field and the rule', () => {
    const code = compileSchema(ReferencePostalCodeParamsSchema);
    expect(code({ code: '206-0011' }).ok).toBe(true);
    expect(code({ code: '206-001' })).toMatchObject({ ok: false, errors: [{ field: '/code', rule: 'pattern' }] });
    const name = compileSchema(ReferenceMunicipalityQuerySchema);
    expect(name({})).toMatchObject({ ok: false, errors: [{ field: '/name', rule: 'required' }] });
    expect(name({ name: '' })).toMatchObject({ ok: false, errors: [{ field: '/name', rule: 'minLength' }] });
  });
});

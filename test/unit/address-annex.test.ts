import { describe, expect, it } from 'vitest';
import { compileSchema } from '../../src/domain/ajv';
import { isMunicipalityCode } from '../../src/domain/check-digits';
import { domicileTarget } from '../../src/domain/domicile';
import { generateDemoTown } from '../../src/db/seed/demo-town';
import { AddressAnnexNoticeSchema, type AddressAnnexNotice } from '../../src/partners/cs-messages';

const validate = compileSchema<AddressAnnexNotice>(AddressAnnexNoticeSchema);
const notice = (over: Record<string, unknown> = {}) => ({
  fromMunicipalityCode: '139998',
  toMunicipalityCode: '112020',
  idempotencyKey: '139998-MI-1-annex-0000019',
  notice: {
    residentRecordCode: '24727059608',
    name: '山田　太郎',
    event: 'MOVE_IN',
    address: '東京都さくら市桜ケ丘二丁目3番14号',
    addressEstablishedDate: '2026-11-20',
    registeredDomicile: '埼玉県熊谷市本町一丁目2番地',
    familyRegisterHead: '山田　一郎',
    ...over,
  },
});
const errorsOf = (body: unknown) => {
  const v = validate(body);
  return v.ok ? [] : v.errors.map((e) => `${e.field} ${e.rule}`);
};

describe('戸籍の附票記載事項通知 (CS contract)', () => {
  it('accepts a 転入, a 国内転出 and a 国外転出 with their items', () => {
    expect(errorsOf(notice())).toEqual([]);
    const out = { address: undefined, addressEstablishedDate: undefined };
    expect(
      errorsOf(
        notice({ ...out, event: 'MOVE_OUT', destinationAddress: '神奈川県相模原市', moveOutDate: '2026-12-01' }),
      ),
    ).toEqual([]);
    expect(errorsOf(notice({ ...out, event: 'MOVE_OUT_ABROAD', moveOutDate: '2026-12-01' }))).toEqual([]);
  });

  it('names the missing item of each kind, refuses a 個人番号 and never echoes a value', () => {
    expect(errorsOf(notice({ address: undefined }))).toContain('/notice/address required');
    expect(errorsOf(notice({ event: 'MOVE_OUT', address: undefined }))).toEqual(
      expect.arrayContaining(['/notice/destinationAddress required', '/notice/moveOutDate required']),
    );
    expect(errorsOf(notice({ event: 'MOVE_OUT_ABROAD' }))).toContain('/notice/moveOutDate required');
    expect(errorsOf(notice({ individualNumber: '123456789018' }))).toContain(
      '/notice/individualNumber additionalProperties',
    );
    expect(errorsOf({ ...notice(), toMunicipalityCode: '112021' })).toContain('/toMunicipalityCode format');
    expect(errorsOf(notice({ registeredDomicile: undefined }))).toContain('/notice/registeredDomicile required');
    const v = validate(notice({ address: undefined, individualNumber: '123456789018' }));
    expect(JSON.stringify(v)).not.toContain('123456789018');
    expect(JSON.stringify(v)).not.toContain('山田');
  });
});

describe('domicileTarget: where the notice goes', () => {
  const town = { municipalityCode: '139998', prefectureName: '東京都', municipalityName: 'さくら市' };
  it('no 本籍 (foreign resident, or none recorded): no notice', () => {
    expect(domicileTarget({ isForeignResident: true, registeredDomicile: 'x' }, town)).toEqual({ kind: 'none' });
    expect(domicileTarget({ registeredDomicile: ' ' }, town)).toEqual({ kind: 'none' });
    expect(domicileTarget({}, town)).toEqual({ kind: 'none' });
  });
  it('the recorded code decides; this city is local', () => {
    expect(domicileTarget({ registeredDomicile: 'a', domicileMunicipalityCode: '112020' }, town)).toEqual({
      kind: 'remote',
      municipalityCode: '112020',
    });
    expect(domicileTarget({ registeredDomicile: 'a', domicileMunicipalityCode: '139998' }, town)).toEqual({
      kind: 'local',
    });
  });
  it('without a code: a 本籍 in this city is derived from its text, any other cannot be addressed', () => {
    expect(domicileTarget({ registeredDomicile: '東京都さくら市本町一丁目1番地' }, town)).toEqual({ kind: 'local' });
    expect(domicileTarget({ registeredDomicile: '埼玉県熊谷市本町一丁目2番地' }, town)).toEqual({
      kind: 'unaddressed',
    });
  });
});

describe('demo town: the 本籍地 code beside every 本籍', () => {
  const residents = generateDemoTown({ seed: 42 }).households.flatMap((h) => h.members);
  it('every Japanese resident has a valid code (this town for a 本籍 in it), a foreign resident none', () => {
    for (const r of residents) {
      if (r.foreign) {
        expect(r.domicileMunicipalityCode).toBeUndefined();
        continue;
      }
      expect(isMunicipalityCode(r.domicileMunicipalityCode ?? ''), r.registeredDomicile).toBe(true);
      expect(r.registeredDomicile!.startsWith('東京都さくら市')).toBe(r.domicileMunicipalityCode === '139998');
    }
    const codes = new Set(residents.map((r) => r.domicileMunicipalityCode).filter(Boolean));
    expect(codes.size).toBeGreaterThan(5); // 本籍 in town and in many other municipalities
  });
});

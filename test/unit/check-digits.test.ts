import { describe, expect, it } from 'vitest';
import {
  checkResidentRecordCode,
  isIndividualNumber,
  isLocalNumber,
  isMunicipalityCode,
  isResidentRecordCode,
  localNumber,
  m11w27CheckDigit,
  mod11CheckDigit,
  withMunicipalityCheckDigit,
} from '../../src/domain/check-digits';

// domain.md §10.1
describe('個人番号 check digit', () => {
  it.each(['123456789018', '983205673214', '454972364860', '000000000060', '507957100721'])('%s is valid', (n) => {
    expect(isIndividualNumber(n)).toBe(true);
  });
  it.each([
    ['983205673210', 4],
    ['507957100722', 1],
    ['923456789018', 4],
  ])('%s is invalid (expected check digit %i)', (n, expected) => {
    expect(isIndividualNumber(n)).toBe(false);
    expect(mod11CheckDigit(n.slice(0, 11))).toBe(expected);
  });
  it('rejects a wrong length and non-digits', () => {
    expect(isIndividualNumber('12345678901')).toBe(false);
    expect(isIndividualNumber('12345678901a')).toBe(false);
  });
  it('computes the worked example: sum 212, r 3, check 8', () => {
    expect(mod11CheckDigit('12345678901')).toBe(8);
  });
});

describe('住民票コード (provisional formula)', () => {
  it('accepts the sample codes and rejects a wrong check digit', () => {
    expect(isResidentRecordCode('24727059608')).toBe(true);
    expect(isResidentRecordCode('24846016224')).toBe(true);
    expect(isResidentRecordCode('25208017644')).toBe(false);
    expect(mod11CheckDigit('2520801764')).toBe(3);
  });
  it('warn mode raises an alert, enforce mode an error, off mode nothing', () => {
    expect(checkResidentRecordCode('25208017644', 'warn')).toMatchObject({ ok: true, alert: expect.any(String) });
    expect(checkResidentRecordCode('25208017644', 'enforce')).toMatchObject({ ok: false });
    expect(checkResidentRecordCode('25208017644', 'off')).toEqual({ ok: true });
    expect(checkResidentRecordCode('2520801764', 'off')).toMatchObject({ ok: false });
  });
});

describe('宛名番号 / 世帯番号 (M11W2–7)', () => {
  it.each([
    ['000001', '0000019'],
    ['000123', '0001236'],
    ['123456', '1234560'],
    ['000006', '0000060'],
  ])('body %s → %s', (body, full) => {
    expect(body + m11w27CheckDigit(body)).toBe(full);
    expect(isLocalNumber(full)).toBe(true);
  });
  it('builds numbers from serials and refuses overflow', () => {
    expect(localNumber(1)).toBe('0000019');
    expect(() => localNumber(1_000_000)).toThrow(RangeError);
    expect(isLocalNumber('0000018')).toBe(false);
  });
});

describe('municipality code', () => {
  it.each([
    ['14150', '141500'],
    ['13104', '131041'],
    ['13101', '131016'],
    ['40203', '402036'],
    ['01100', '011002'],
  ])('%s → %s', (body, full) => {
    expect(withMunicipalityCheckDigit(body)).toBe(full);
    expect(isMunicipalityCode(full)).toBe(true);
  });
  it('rejects a wrong check digit', () => expect(isMunicipalityCode('141501')).toBe(false));
});

import { describe, expect, it } from 'vitest';
import { addDays, ageAttainedOn, ageOn, isIsoDate, jstDate, jstStartOfDay, toWareki } from '../../src/domain/dates';

describe('calendar dates', () => {
  it('validates real calendar dates only', () => {
    expect(isIsoDate('2024-02-29')).toBe(true);
    expect(isIsoDate('2025-02-29')).toBe(false);
    expect(isIsoDate('2025-13-01')).toBe(false);
    expect(isIsoDate('2025-4-1')).toBe(false);
  });
  it('adds calendar days across month ends and leap years (domain.md §10.2)', () => {
    expect(addDays('2025-01-31', 30)).toBe('2025-03-02');
    expect(addDays('2024-01-31', 30)).toBe('2024-03-01');
    expect(addDays('2025-04-01', 30)).toBe('2025-05-01');
  });
  it('uses Japan time for the date of an instant', () => {
    expect(jstDate(new Date('2025-04-01T14:59:59Z'))).toBe('2025-04-01');
    expect(jstDate(new Date('2025-04-01T15:00:00Z'))).toBe('2025-04-02');
    expect(jstStartOfDay('2025-05-02').toISOString()).toBe('2025-05-01T15:00:00.000Z');
  });
});

describe('age and 和暦', () => {
  it('computes whole years (domain.md §10.2 signer age vectors)', () => {
    expect(ageOn('2010-06-15', '2025-04-01')).toBe(14);
    expect(ageOn('2010-01-15', '2025-04-01')).toBe(15);
  });
  it('attains the new age on the day before the birthday (年齢計算ニ関スル法律, 民法第143条)', () => {
    expect(ageOn('2010-04-02', '2025-03-31')).toBe(14);
    expect(ageOn('2010-04-02', '2025-04-01')).toBe(15); // the day before the 15th birthday: 15
    expect(ageOn('2010-04-02', '2025-04-02')).toBe(15);
    expect(ageOn('2010-04-03', '2025-04-01')).toBe(14);
    expect(ageAttainedOn('2010-04-02', 15)).toBe('2025-04-01');
  });
  it('a 1 January birth attains the new age on 31 December of the year before', () => {
    expect(ageOn('2010-01-01', '2024-12-30')).toBe(14);
    expect(ageOn('2010-01-01', '2024-12-31')).toBe(15);
    expect(ageAttainedOn('2010-01-01', 15)).toBe('2024-12-31');
  });
  it('a 29 February birth attains the new age on 28 February, in common and leap years', () => {
    expect(ageAttainedOn('2008-02-29', 15)).toBe('2023-02-28'); // common year: end of February (民法第143条ただし書)
    expect(ageAttainedOn('2008-02-29', 16)).toBe('2024-02-28'); // leap year: the day before 29 February
    expect(ageOn('2008-02-29', '2023-02-27')).toBe(14);
    expect(ageOn('2008-02-29', '2023-02-28')).toBe(15);
    expect(ageOn('2008-02-29', '2024-02-27')).toBe(15);
    expect(ageOn('2008-02-29', '2024-02-28')).toBe(16);
  });
  it('is 0 from the day of birth', () => {
    expect(ageOn('2025-04-01', '2025-04-01')).toBe(0);
    expect(ageOn('2025-04-01', '2026-03-30')).toBe(0);
    expect(ageOn('2025-04-01', '2026-03-31')).toBe(1);
  });
  it('formats era dates, with 元年', () => {
    expect(toWareki('2025-04-01')).toBe('令和7年4月1日');
    expect(toWareki('2019-05-01')).toBe('令和元年5月1日');
    expect(toWareki('2019-04-30')).toBe('平成31年4月30日');
    expect(toWareki('1989-01-07')).toBe('昭和64年1月7日');
  });
});

import { describe, expect, it } from 'vitest';
import { addDays, ageOn, isIsoDate, jstDate, jstStartOfDay, toWareki } from '../../src/domain/dates';

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
  it('formats era dates, with 元年', () => {
    expect(toWareki('2025-04-01')).toBe('令和7年4月1日');
    expect(toWareki('2019-05-01')).toBe('令和元年5月1日');
    expect(toWareki('2019-04-30')).toBe('平成31年4月30日');
    expect(toWareki('1989-01-07')).toBe('昭和64年1月7日');
  });
});

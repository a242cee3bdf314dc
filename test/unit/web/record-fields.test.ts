import { describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { createPiiCrypto } from '../../../src/db/pii-crypto';
import { compareRecords, MASK, recordRows } from '../../../src/api/web/panels/record-fields';
import { genericFacts } from '../../../src/api/web/panels/application-facts';

describe('before/after of a registry record', () => {
  const pii = createPiiCrypto(randomBytes(32), randomBytes(32));
  const base = {
    familyName: '山田',
    givenName: '太郎',
    birthDate: '1985-06-15',
    sex: '1' as const,
    address: '東京都さくら市本町一丁目1番1号',
    status: 'RESIDENT' as const,
    individualNumberEnc: pii.encrypt('123456789018'),
  };

  it('masks the 個人番号 unless revealed, and shows 和暦 (西暦 for foreign residents)', () => {
    const masked = new Map(recordRows(base, { reveal: false, pii }));
    expect(masked.get('個人番号')).toBe(MASK);
    expect(masked.get('生年月日')).toBe('昭和60年6月15日');
    expect(new Map(recordRows(base, { reveal: true, pii })).get('個人番号')).toBe('123456789018');
    expect(new Map(recordRows({ ...base, isForeignResident: true }, { reveal: false })).get('生年月日')).toBe(
      '1985年6月15日',
    );
  });

  it('compares any number of states, marking each change against the previous column', () => {
    const d = { reveal: false, pii };
    const pending = { ...base, status: 'PENDING_MOVE_OUT' as const, plannedMoveOutDate: '2026-12-31' };
    const removed = { ...pending, status: 'REMOVED' as const, removalDate: '2026-12-31' };
    const rows = compareRecords(recordRows(base, d), recordRows(pending, d), recordRows(removed, d));
    const status = rows.find((r) => r.label === '住民状態')!;
    expect(status.values).toEqual(['住民', '転出予定者', '除票']);
    expect(status.changed).toEqual([false, true, true]);
    const name = rows.find((r) => r.label === '氏名')!;
    expect(name.changed).toEqual([false, false, false]);
    expect(rows.find((r) => r.label === '消除日')!.changed).toEqual([false, false, true]);
    expect(rows.some((r) => r.label === '旧氏')).toBe(false); // empty everywhere
  });

  it('flattens an unknown application without encrypted values', () => {
    expect(genericFacts({ a: { b: 1, individualNumberEnc: 'v1:x' }, list: [{ c: 'x' }, 'y'] })).toEqual([
      ['a.b', '1'],
      ['list[1].c', 'x'],
      ['list[2]', 'y'],
    ]);
  });
});

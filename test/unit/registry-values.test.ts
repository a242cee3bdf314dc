import { describe, expect, it } from 'vitest';
import { isValidRelationship, relationshipRank } from '../../src/domain/registry-values';
import { changeCategory, ChangeCategory, ChangeReason } from '../../src/domain/change-reason';
import { createPiiCrypto } from '../../src/db/pii-crypto';
import { randomBytes } from 'node:crypto';

describe('続柄 vocabulary (domain.md §3.2)', () => {
  it.each([
    '世帯主',
    '妻',
    '夫（未届）',
    '子',
    '子（子の妻）',
    '妻の母',
    '子の妻',
    '子の子',
    '父',
    '妹',
    '縁故者',
    '同居人',
    '子の子の子の子',
  ])('allows %s', (v) => {
    expect(isValidRelationship(v)).toBe(true);
  });
  it.each(['祖父', '孫', '甥', '姪', '準世帯主', '子の子の子の子の子', '友人', ''])('refuses %s', (v) => {
    expect(isValidRelationship(v)).toBe(false);
  });
  it('ranks household members for certificates', () => {
    expect(relationshipRank('世帯主')).toBe(1);
    expect(relationshipRank('子の妻')).toBe(2);
    expect(relationshipRank('母')).toBe(3);
    expect(relationshipRank('同居人')).toBe(4);
  });
});

describe('異動事由 categories', () => {
  it('classifies move-in, move-out and amendments', () => {
    expect(changeCategory(ChangeReason.DOMESTIC_MOVE_IN)).toBe(ChangeCategory.RECORD);
    expect(changeCategory(ChangeReason.DOMESTIC_MOVE_OUT)).toBe(ChangeCategory.REMOVE);
    expect(changeCategory(ChangeReason.MOVE_WITHIN)).toBe(ChangeCategory.AMEND);
    expect(changeCategory(ChangeReason.CANCELLATION_REMOVE)).toBe(ChangeCategory.REMOVE);
  });
});

describe('個人番号 encryption at rest', () => {
  const pii = createPiiCrypto(randomBytes(32), randomBytes(32));
  it('round-trips, never stores the clear value, and uses a random IV', () => {
    const a = pii.encrypt('123456789018');
    const b = pii.encrypt('123456789018');
    expect(a).not.toContain('123456789018');
    expect(a).not.toBe(b);
    expect(pii.decrypt(a)).toBe('123456789018');
  });
  it('gives a stable blind index and detects tampering', () => {
    expect(pii.blindIndex('123456789018')).toBe(pii.blindIndex('123456789018'));
    expect(pii.blindIndex('123456789018')).not.toBe(pii.blindIndex('983205673214'));
    const c = pii.encrypt('123456789018');
    // one character in the middle of the ciphertext changed (always a change: never the same letter put back)
    const i = Math.floor(c.length / 2);
    const tampered = c.slice(0, i) + (c[i] === 'A' ? 'B' : 'A') + c.slice(i + 1);
    expect(tampered).not.toBe(c);
    expect(() => pii.decrypt(tampered)).toThrow();
  });
});

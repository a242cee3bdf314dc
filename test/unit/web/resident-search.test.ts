import { describe, expect, it } from 'vitest';
import { decideSearch, nameSplits, normalizeName, parseDateInput } from '../../../src/domain/resident-search';
import { searchFilter } from '../../../src/api/web/queries/resident-search-query';
import { createPiiCrypto } from '../../../src/db/pii-crypto';
import { randomBytes } from 'node:crypto';

const clerk = ['clerk' as const];
const supervisor = ['supervisor' as const];

describe('resident search rule (domain.md §6, §10.3)', () => {
  it.each([
    [{ name: '山田 太郎', address: '桜ケ丘' }, 'fourInfo'],
    [{ name: '山田 太郎', birthDate: '1985-06-15' }, 'fourInfo'],
    [{ name: 'ヤマダ タロウ', birthDate: '1985-06-15', sex: '1' }, 'fourInfo'],
  ])('accepts 4情報 %j', (input, mode) => {
    const d = decideSearch({ mode: 'fourInfo', ...input }, clerk);
    expect(d.ok && d.criteria.mode).toBe(mode);
  });
  it.each([
    [{ name: '山田 太郎', sex: '1' }, 'address'],
    [{ name: '山田 太郎' }, 'address'],
    [{ address: '桜ケ丘', birthDate: '1985-06-15' }, 'name'],
    [{ name: '山', birthDate: '1985-06-15' }, 'name'],
    [{ name: '山田 太郎', birthDate: '1985-02-30' }, 'birthDate'],
  ])('refuses %j (field %s)', (input, field) => {
    const d = decideSearch({ mode: 'fourInfo', ...input }, clerk);
    expect(d.ok).toBe(false);
    if (!d.ok) expect(d.errors.map((e) => e.field)).toContain(field);
  });
  it('searches by 住民票コード (11 digits) for any staff member', () => {
    expect(decideSearch({ mode: 'code', residentRecordCode: '24727-059608' }, supervisor)).toEqual({
      ok: true,
      criteria: { mode: 'code', residentRecordCode: '24727059608' },
    });
    expect(decideSearch({ mode: 'code', residentRecordCode: '1234' }, clerk).ok).toBe(false);
  });
  it('searches by 個人番号 only in number-use roles, with a valid check digit', () => {
    expect(decideSearch({ mode: 'number', individualNumber: '123456789018' }, clerk)).toEqual({
      ok: true,
      criteria: { mode: 'number', individualNumber: '123456789018' },
    });
    const denied = decideSearch({ mode: 'number', individualNumber: '123456789018' }, supervisor);
    expect(denied).toMatchObject({ ok: false, forbidden: true });
    expect(decideSearch({ mode: 'number', individualNumber: '123456789019' }, clerk)).toMatchObject({
      ok: false,
      forbidden: false,
    });
  });
  it('refuses an unknown mode', () => {
    expect(decideSearch({ mode: 'everything' }, clerk).ok).toBe(false);
  });
  it('normalises names: spaces removed, hiragana folded to katakana', () => {
    expect(normalizeName('やまだ　たろう')).toBe('ヤマダタロウ');
    expect(nameSplits('山田 太郎')).toEqual([['山田', '太郎']]);
    expect(nameSplits('山田太郎')).toEqual([
      ['山', '田太郎'],
      ['山田', '太郎'],
      ['山田太', '郎'],
    ]);
  });
  it('queries the 個人番号 by its blind index only', () => {
    const pii = createPiiCrypto(randomBytes(32), randomBytes(32));
    const f = searchFilter({} as never, { mode: 'number', individualNumber: '123456789018' }, pii);
    expect(JSON.stringify(f)).not.toContain('123456789018');
    expect(f).toEqual({ individualNumberIndex: pii.blindIndex('123456789018') });
  });
});

describe('dates as clerks type them', () => {
  it.each([
    ['1985-06-15', '1985-06-15'],
    ['19850615', '1985-06-15'],
    ['1985/6/15', '1985-06-15'],
    ['昭和60年6月15日', '1985-06-15'],
    ['S60.6.15', '1985-06-15'],
    ['s60.6.15', '1985-06-15'],
    ['令和元年5月1日', '2019-05-01'],
    ['H31.4.30', '2019-04-30'],
    ['１９８５－０６－１５', '1985-06-15'],
    ['昭和６０年６月１５日', '1985-06-15'],
    ['1985-02-30', undefined],
    ['明日', undefined],
    ['1985615', undefined],
  ])('%s → %s', (input, iso) => {
    expect(parseDateInput(input)).toBe(iso);
  });
  it('feeds the 4情報 search', () => {
    expect(decideSearch({ mode: 'fourInfo', name: '山田 太郎', birthDate: 'S60.6.15' }, clerk)).toEqual({
      ok: true,
      criteria: { mode: 'fourInfo', name: '山田 太郎', birthDate: '1985-06-15' },
    });
  });
});

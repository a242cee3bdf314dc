import { describe, expect, it } from 'vitest';
import {
  isIndividualNumber,
  isLocalNumber,
  isMunicipalityCode,
  isResidentRecordCode,
} from '../../src/domain/check-digits';
import { ageOn, isIsoDate } from '../../src/domain/dates';
import { isValidRelationship, relationshipRank } from '../../src/domain/registry-values';
import { generateDemoTown, generateNewMover, type DemoResident } from '../../src/db/seed/demo-town';

const TODAY = '2026-11-01';
const town = generateDemoTown({ seed: 42 });
const residents = town.households.flatMap((h) => h.members);

/** Katakana letters, the long-vowel mark and full-width spaces between name parts (no leading/trailing space). */
const KATAKANA = /^[\u30A1-\u30FA\u30FC]+(\u3000[\u30A1-\u30FA\u30FC]+)*$/;
const rankOf = (r: DemoResident): number =>
  r.relationshipToHead === '世帯主' ? 0 : relationshipRank(r.relationshipToHead);
const yearsBetween = (older: DemoResident, younger: DemoResident): number => ageOn(older.birthDate, younger.birthDate);

describe('generateDemoTown', () => {
  it('builds at least 400 households and 1,000 residents by default', () => {
    expect(town.households.length).toBe(420);
    expect(residents.length).toBeGreaterThanOrEqual(1000);
    expect(residents.length).toBeLessThanOrEqual(1250);
  });

  it('is deterministic for a seed and differs between seeds', () => {
    expect(generateDemoTown({ seed: 42 })).toEqual(town);
    const other = generateDemoTown({ seed: 43 });
    expect(other.households[0]?.members[0]?.residentRecordCode).not.toBe(
      town.households[0]?.members[0]?.residentRecordCode,
    );
  });

  it('issues identifiers with valid check digits, all unique', () => {
    for (const h of town.households) expect(isLocalNumber(h.householdNumber), h.householdNumber).toBe(true);
    for (const r of residents) {
      expect(isLocalNumber(r.addresseeNumber), r.addresseeNumber).toBe(true);
      expect(isResidentRecordCode(r.residentRecordCode), r.residentRecordCode).toBe(true);
      expect(isIndividualNumber(r.individualNumber), r.individualNumber).toBe(true);
    }
    const unique = (values: string[]): number => new Set(values).size;
    expect(unique(town.households.map((h) => h.householdNumber))).toBe(town.households.length);
    expect(unique(residents.map((r) => r.addresseeNumber))).toBe(residents.length);
    expect(unique(residents.map((r) => r.residentRecordCode))).toBe(residents.length);
    expect(unique(residents.map((r) => r.individualNumber))).toBe(residents.length);
    const cards = residents.flatMap((r) => (r.foreign ? [r.foreign.residenceCardNumber] : []));
    expect(unique(cards)).toBe(cards.length);
  });

  it('puts exactly one 世帯主 first and orders the others by rank, birth date and 宛名番号', () => {
    for (const h of town.households) {
      expect(h.members[0]?.relationshipToHead).toBe('世帯主');
      expect(h.members.filter((m) => m.relationshipToHead === '世帯主')).toHaveLength(1);
      for (let i = 1; i < h.members.length; i++) {
        const [a, b] = [h.members[i - 1] as DemoResident, h.members[i] as DemoResident];
        const key = (r: DemoResident): string => `${rankOf(r)}|${r.birthDate}|${r.addresseeNumber}`;
        expect(key(a) < key(b), `${h.householdNumber}: ${key(a)} before ${key(b)}`).toBe(true);
      }
    }
  });

  it('uses only the 続柄 vocabulary of domain.md §3.2, with several kinds present', () => {
    for (const r of residents) {
      expect(isValidRelationship(r.relationshipToHead), r.relationshipToHead).toBe(true);
      expect(r.relationshipToHead).not.toMatch(/孫|祖父|祖母|甥|姪|準世帯主/);
    }
    const kinds = new Set(residents.map((r) => r.relationshipToHead));
    for (const k of ['世帯主', '妻', '夫', '子', '父', '母', '子の妻', '子の子', '同居人'])
      expect(kinds, k).toContain(k);
  });

  it('keeps ages consistent: parents 20–45 years older than children, spouses of similar age', () => {
    for (const h of town.households) {
      const head = h.members[0] as DemoResident;
      const by = (...rels: string[]): DemoResident[] => h.members.filter((m) => rels.includes(m.relationshipToHead));
      const spouses = by('妻', '夫');
      for (const s of [...spouses, ...by('妻（未届）', '夫（未届）')]) {
        expect(Math.abs(ageOn(s.birthDate, head.birthDate)), h.householdNumber).toBeLessThanOrEqual(10);
      }
      for (const child of by('子')) {
        for (const parent of [head, ...spouses]) {
          expect(yearsBetween(parent, child), `${h.householdNumber} ${child.givenName}`).toBeGreaterThanOrEqual(20);
          expect(yearsBetween(parent, child), `${h.householdNumber} ${child.givenName}`).toBeLessThanOrEqual(45);
        }
      }
      for (const parent of by('父', '母'))
        expect(yearsBetween(parent, head), h.householdNumber).toBeGreaterThanOrEqual(20);
      for (const grandchild of by('子の子')) {
        const parents = by('子', '子の妻', '子の夫').filter(
          (p) => yearsBetween(p, grandchild) >= 20 && yearsBetween(p, grandchild) <= 45,
        );
        expect(parents.length, `${h.householdNumber} ${grandchild.givenName}`).toBeGreaterThanOrEqual(2);
      }
    }
  });

  it('writes kana in katakana only', () => {
    for (const r of residents) {
      expect(r.familyNameKana, r.familyName).toMatch(KATAKANA);
      expect(r.givenNameKana, r.givenName).toMatch(KATAKANA);
    }
  });

  it('has valid, ordered residence dates and none in the future', () => {
    const lastYear = `${Number(TODAY.slice(0, 4)) - 1}-12-31`;
    for (const r of residents) {
      const dates = [r.birthDate, r.becameResidentDate, r.addressEstablishedDate, r.notificationDate];
      for (const d of dates) {
        expect(isIsoDate(d), d).toBe(true);
        expect(d <= TODAY, `${r.addresseeNumber} ${d}`).toBe(true);
      }
      expect(r.birthDate >= '1930-01-01' && r.birthDate <= lastYear, r.birthDate).toBe(true);
      expect(r.becameResidentDate >= r.birthDate).toBe(true);
      expect(r.addressEstablishedDate >= r.becameResidentDate).toBe(true);
      expect(r.notificationDate >= r.addressEstablishedDate).toBe(true);
      if (r.becameResidentReason === '出生') {
        expect(r.becameResidentDate).toBe(r.birthDate);
        expect(r.previousAddress).toBeUndefined();
      } else {
        expect(r.previousAddress, r.addresseeNumber).toBeTruthy();
        expect(r.previousAddress?.startsWith('東京都さくら市')).toBe(false);
      }
      if (r.foreign) {
        expect(r.foreign.becameForeignResidentDate >= r.becameResidentDate).toBe(true);
        expect(r.foreign.becameForeignResidentDate <= TODAY).toBe(true);
        if (r.foreign.periodOfStayExpiry) expect(r.foreign.periodOfStayExpiry > TODAY).toBe(true);
      }
    }
    expect(residents.some((r) => r.becameResidentReason === '出生')).toBe(true);
  });

  it('gives Japanese residents 本籍 and 筆頭者, and foreign residents their own items instead', () => {
    const foreignHouseholds = town.households.filter((h) => h.members.some((m) => m.foreign));
    expect(foreignHouseholds.length).toBeGreaterThanOrEqual(Math.floor(town.households.length * 0.02));
    expect(foreignHouseholds.length).toBeLessThanOrEqual(Math.ceil(town.households.length * 0.05));
    for (const r of residents) {
      if (r.foreign) {
        expect(r.registeredDomicile).toBeUndefined();
        expect(r.familyRegisterHead).toBeUndefined();
        expect(r.foreign.residenceCardNumber).toMatch(/^[A-Z]{2}\d{8}[A-Z]{2}$/);
        expect(r.foreign.alphabetName).toMatch(/^[A-Z]+( [A-Z]+)+$/);
        expect(['中長期在留者', '特別永住者']).toContain(r.foreign.foreignResidentCategory);
        if (r.foreign.foreignResidentCategory === '中長期在留者') expect(r.foreign.statusOfResidence).toBeTruthy();
      } else {
        expect(r.registeredDomicile).toMatch(/^(東京都|北海道|(京都|大阪)府|.{2,3}県).+番地$/);
        expect(r.familyRegisterHead).toMatch(/^\S+\u3000\S+$/);
      }
    }
  });

  it('writes addresses with 丁目・番・号, a postal code per 町名 and 方書 for about a third of households', () => {
    const postalByTown = new Map<string, string>();
    for (const h of town.households) {
      const m = /^東京都さくら市(.+?)[一二三四五六七八九十]丁目\d+番\d+号$/.exec(h.address);
      expect(m, h.address).not.toBeNull();
      expect(h.postalCode).toMatch(/^\d{3}-\d{4}$/);
      const townName = m?.[1] ?? '';
      expect(postalByTown.get(townName) ?? h.postalCode).toBe(h.postalCode);
      postalByTown.set(townName, h.postalCode);
      expect(h.addressCode).toMatch(/^\d{7}$/);
    }
    expect(postalByTown.size).toBeGreaterThanOrEqual(10);
    const share = town.households.filter((h) => h.addressSupplement).length / town.households.length;
    expect(share).toBeGreaterThan(0.25);
    expect(share).toBeLessThan(0.45);
    const flats = town.households.flatMap((h) => (h.addressSupplement ? [`${h.address}|${h.addressSupplement}`] : []));
    expect(new Set(flats).size).toBe(flats.length);
    const cardShare = residents.filter((r) => r.hasCard).length / residents.length;
    expect(cardShare).toBeGreaterThan(0.65);
    expect(cardShare).toBeLessThan(0.85);
  });

  it('honours the options', () => {
    const small = generateDemoTown({
      seed: 7,
      households: 40,
      municipalityName: 'みどり町',
      prefectureName: '埼玉県',
      today: '2025-04-01',
    });
    expect(small.households).toHaveLength(40);
    for (const h of small.households) expect(h.address.startsWith('埼玉県みどり町')).toBe(true);
    for (const r of small.households.flatMap((h) => h.members)) {
      expect(r.notificationDate <= '2025-04-01').toBe(true);
      expect(r.birthDate <= '2024-12-31').toBe(true);
    }
  });

  it('stays valid across seeds', () => {
    for (let seed = 1; seed <= 5; seed++) {
      const t = generateDemoTown({ seed });
      const rs = t.households.flatMap((h) => h.members);
      expect(rs.length).toBeGreaterThanOrEqual(1000);
      for (const r of rs) {
        expect(isValidRelationship(r.relationshipToHead)).toBe(true);
        expect(r.becameResidentDate >= r.birthDate && r.notificationDate <= TODAY).toBe(true);
      }
    }
  });
});

describe('generateNewMover', () => {
  it('creates a deterministic person from another municipality, not in the town', () => {
    const mover = generateNewMover(1, TODAY);
    expect(generateNewMover(1, TODAY)).toEqual(mover);
    expect(generateNewMover(2, TODAY)).not.toEqual(mover);
    expect(isResidentRecordCode(mover.residentRecordCode)).toBe(true);
    expect(isIndividualNumber(mover.individualNumber)).toBe(true);
    expect(isMunicipalityCode(mover.previousMunicipalityCode)).toBe(true);
    expect(mover.previousAddress.startsWith('東京都さくら市')).toBe(false);
    expect(mover.familyNameKana).toMatch(KATAKANA);
    expect(mover.givenNameKana).toMatch(KATAKANA);
    expect(mover.moveInDate <= TODAY && mover.plannedMoveOutDate <= TODAY).toBe(true);
    expect(mover.previousAddressEstablishedDate < mover.moveInDate).toBe(true);
    const townCodes = new Set(residents.map((r) => r.residentRecordCode));
    for (let seed = 1; seed <= 50; seed++)
      expect(townCodes.has(generateNewMover(seed, TODAY).residentRecordCode)).toBe(false);
  });
});

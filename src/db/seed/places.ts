/**
 * Addresses for the demo town: homes (houses and apartment rooms with 方書) inside the municipality, 本籍 in
 * and outside it, and previous addresses in other real municipalities or abroad.
 */
import { withMunicipalityCheckDigit } from '../../domain/check-digits';
import type { Prng } from './prng';
import { AREA_BUILDING_SUFFIXES, BUILDING_NAMES, kanjiNumber, TOWN_AREAS, type TownArea } from './data/town-areas';
import { ABROAD_ADDRESSES, OTHER_MUNICIPALITIES } from './data/other-municipalities';

export interface HomeAddress {
  address: string;
  addressSupplement?: string;
  postalCode: string;
  addressCode: string;
  /** The same lot written as a 本籍 (…番地). */
  domicile: string;
}

interface Building {
  area: TownArea;
  chome: number;
  ban: number;
  go: number;
  name: string;
  floors: number;
  perFloor: number;
  taken: Set<number>;
}

const AREA_WEIGHTS = TOWN_AREAS.map((a) => [a, a.weight] as const);

export class TownAddresses {
  private readonly prefix: string;
  private readonly usedLots = new Set<string>();
  private readonly buildings: Building[] = [];
  /** The building names in use, and per base name the first 第n that may be free (names are never given back). */
  private readonly buildingNames = new Set<string>();
  private readonly nextOrdinal = new Map<string, number>();
  private maxBan = 30;

  constructor(
    private readonly rng: Prng,
    prefectureName: string,
    municipalityName: string,
    expectedApartments: number,
  ) {
    this.prefix = prefectureName + municipalityName;
    const count = Math.max(3, Math.ceil(expectedApartments / 8));
    for (let i = 0; i < count; i++) this.buildings.push(this.newBuilding());
  }

  house(): HomeAddress {
    const lot = this.freeLot();
    return this.home(lot.area, lot.chome, lot.ban, lot.go);
  }

  apartment(): HomeAddress {
    let building: Building | undefined;
    for (let attempt = 0; attempt < 8 && !building; attempt++) {
      const b = this.rng.pick(this.buildings);
      if (b.taken.size < b.floors * b.perFloor) building = b;
    }
    if (!building) {
      building = this.newBuilding();
      this.buildings.push(building);
    }
    let room: number;
    do room = this.rng.int(1, building.floors) * 100 + this.rng.int(1, building.perFloor);
    while (building.taken.has(room));
    building.taken.add(room);
    return this.home(building.area, building.chome, building.ban, building.go, `${building.name}${room}号室`);
  }

  /** A 本籍 elsewhere in the municipality. */
  inTownDomicile(): string {
    const area = this.rng.weighted(AREA_WEIGHTS);
    return `${this.prefix}${area.name}${kanjiNumber(this.rng.int(1, area.chome))}丁目${this.rng.int(1, 30)}番地`;
  }

  private home(area: TownArea, chome: number, ban: number, go: number, supplement?: string): HomeAddress {
    const lot = `${this.prefix}${area.name}${kanjiNumber(chome)}丁目`;
    return {
      address: `${lot}${ban}番${go}号`,
      ...(supplement ? { addressSupplement: supplement } : {}),
      postalCode: area.postalCode,
      addressCode: area.id + String(chome).padStart(3, '0'),
      domicile: `${lot}${ban}番地`,
    };
  }

  private freeLot(): { area: TownArea; chome: number; ban: number; go: number } {
    for (let attempt = 0; ; attempt++) {
      if (attempt > 0 && attempt % 50 === 0) this.maxBan *= 2; // a crowded town grows more 番
      const area = this.rng.weighted(AREA_WEIGHTS);
      const lot = {
        area,
        chome: this.rng.int(1, area.chome),
        ban: this.rng.int(1, this.maxBan),
        go: this.rng.int(1, 24),
      };
      const key = `${area.id}-${lot.chome}-${lot.ban}-${lot.go}`;
      if (!this.usedLots.has(key)) {
        this.usedLots.add(key);
        return lot;
      }
    }
  }

  private newBuilding(): Building {
    const lot = this.freeLot();
    const named = this.rng.chance(0.3)
      ? `${lot.area.name}${this.rng.pick(AREA_BUILDING_SUFFIXES)}`
      : (BUILDING_NAMES[this.buildings.length % BUILDING_NAMES.length] ?? 'ハイツ');
    // the first free of named, 第二named, 第三named, …: a set and the last ordinal per name, not a scan of every
    // building per candidate (cubic at the 720 000-resident bench town: 37 of its 57 s of generation)
    let name = named;
    if (this.buildingNames.has(name)) {
      let n = this.nextOrdinal.get(named) ?? 2;
      for (; ; n++) {
        name = `第${n <= 10 ? kanjiNumber(n) : n}${named}`;
        if (!this.buildingNames.has(name)) break;
      }
      this.nextOrdinal.set(named, n + 1);
    }
    this.buildingNames.add(name);
    return { ...lot, name, floors: this.rng.int(2, 6), perFloor: this.rng.int(3, 8), taken: new Set() };
  }
}

/** A full address in another real municipality, with that municipality's 6-digit code. */
export const otherMunicipalityAddress = (rng: Prng): { address: string; municipalityCode: string } => {
  const m = rng.pick(OTHER_MUNICIPALITIES);
  const town = rng.pick(m.towns);
  return {
    address: `${m.prefecture}${m.city}${town}${kanjiNumber(rng.int(1, m.chome))}丁目${rng.int(1, 28)}番${rng.int(1, 20)}号`,
    municipalityCode: withMunicipalityCheckDigit(m.code),
  };
};

/** A 本籍 in another municipality. */
export const otherDomicile = (rng: Prng): string => {
  const m = rng.pick(OTHER_MUNICIPALITIES);
  return `${m.prefecture}${m.city}${rng.pick(m.towns)}${kanjiNumber(rng.int(1, m.chome))}丁目${rng.int(1, 40)}番地`;
};

/**
 * The 全国地方公共団体コード (with check digit) of the municipality a 本籍 lies in: this town's code when the text
 * starts with its prefecture and name, else the real municipality of the seed list whose name it starts with.
 */
export const domicileMunicipalityCode = (
  domicile: string,
  town: { prefectureName: string; municipalityName: string; municipalityCode: string },
): string | undefined => {
  if (domicile.startsWith(town.prefectureName + town.municipalityName)) return town.municipalityCode;
  const m = OTHER_MUNICIPALITIES.find((o) => domicile.startsWith(o.prefecture + o.city));
  return m && withMunicipalityCheckDigit(m.code);
};

/** A 転入前住所 abroad for a nationality label of the demo data. */
export const abroadAddress = (rng: Prng, nationality: string): string =>
  rng.pick(ABROAD_ADDRESSES[nationality] ?? ['国外']);

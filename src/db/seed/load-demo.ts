import type { MikroORM } from '@mikro-orm/core';
import { ChangeReason } from '../../domain/change-reason';
import { jstDate } from '../../domain/dates';
import { CardStatus, LegacyCardStatus, ResidentStatus } from '../../domain/registry-values';
import { Counter, Household, Resident, ResidentHistory } from '../entities';
import type { PiiCrypto } from '../pii-crypto';
import { fullName } from '../registry-lookup';
import { snapshotOf } from '../snapshot';
import { DEMO_TOWN_DEFAULTS, generateDemoTown, type DemoHousehold } from './demo-town';
import { domicileMunicipalityCode } from './places';

/**
 * Loads the synthetic town (≥ 1,000 residents in ≥ 400 households) into an empty registry: current records, a first
 * history snapshot each (異動事由 初期登録), households and the serial counters. Does nothing if residents exist, so
 * re-running `npm start` is safe. Returns the 住民票コード of everyone loaded (the CS simulator is told they are
 * registered, as the prefecture server would know them).
 */
export async function loadDemoTown(
  orm: MikroORM,
  pii: PiiCrypto,
  opts: { seed?: number; households?: number; municipalityCode?: string } = {},
): Promise<{ loaded: boolean; residents: number; households: number; residentRecordCodes: string[] }> {
  const em = orm.em.fork();
  const existing = await em.count(Resident, {});
  if (existing > 0) {
    await deriveDomicileCodes(orm, opts.municipalityCode ?? DEMO_TOWN_DEFAULTS.municipalityCode);
    const codes = (
      await em.find(Resident, { status: { $ne: ResidentStatus.REMOVED } }, { fields: ['residentRecordCode'] })
    )
      .map((r) => r.residentRecordCode!)
      .filter(Boolean);
    return {
      loaded: false,
      residents: existing,
      households: await em.count(Household, {}),
      residentRecordCodes: codes,
    };
  }
  const town = generateDemoTown({
    seed: opts.seed ?? 1,
    households: opts.households ?? 420,
    today: jstDate(new Date()),
    ...(opts.municipalityCode ? { municipalityCode: opts.municipalityCode } : {}),
  });
  const now = new Date();
  const today = jstDate(now);
  const residents: Resident[] = [];
  const history: ResidentHistory[] = [];
  const households: Household[] = [];
  for (const h of town.households) {
    const rows = demoHouseholdRows(h, pii, now, today);
    households.push(rows.household);
    residents.push(...rows.residents);
    history.push(...rows.history);
  }
  const serial = (n: string) => Number(n.slice(0, -1));
  await em.transactional(async (tx) => {
    await tx.insertMany(Household, households);
    for (let i = 0; i < residents.length; i += 200) {
      await tx.insertMany(Resident, residents.slice(i, i + 200));
      await tx.insertMany(ResidentHistory, history.slice(i, i + 200));
    }
    await tx.upsertMany(Counter, [
      { name: 'addresseeNumber', value: Math.max(...residents.map((r) => serial(r.addresseeNumber))) },
      { name: 'householdNumber', value: Math.max(...households.map((h) => serial(h.householdNumber))) },
    ]);
  });
  return {
    loaded: true,
    residents: residents.length,
    households: households.length,
    residentRecordCodes: residents.map((r) => r.residentRecordCode!),
  };
}

/**
 * Demo data loaded before the 本籍地 code existed (`npm start` reuses its data): the code is derived from the 本籍
 * text of every record that has a 本籍 and no code (this town, or a municipality of the seed list), so that its moves
 * can address the 附票記載事項通知. Records whose 本籍 matches nothing keep no code.
 */
async function deriveDomicileCodes(orm: MikroORM, municipalityCode: string): Promise<number> {
  const em = orm.em.fork();
  const town = { ...DEMO_TOWN_DEFAULTS, municipalityCode };
  const missing = await em.find(Resident, {
    registeredDomicile: { $ne: null },
    domicileMunicipalityCode: null,
    isForeignResident: false,
  });
  let derived = 0;
  for (const r of missing) {
    const code = r.registeredDomicile ? domicileMunicipalityCode(r.registeredDomicile, town) : undefined;
    if (code) {
      r.domicileMunicipalityCode = code;
      derived++;
    }
  }
  await em.flush();
  return derived;
}

/**
 * The registry rows of one demo household as the product stores them: the current records (個人番号 encrypted, its
 * blind index), a first history snapshot each (異動事由 初期登録) and the household row. Shared by `loadDemoTown` and
 * the bulk loader of the 720 000-resident search bench (test/bench/resident-search.bench.ts).
 */
export function demoHouseholdRows(
  h: DemoHousehold,
  pii: PiiCrypto,
  now: Date,
  today: string,
  /** false: no history snapshots (a bulk load for a search benchmark, which reads only the current records) */
  withHistory = true,
): { household: Household; residents: Resident[]; history: ResidentHistory[] } {
  const residents: Resident[] = [];
  const history: ResidentHistory[] = [];
  const head = h.members[0]!;
  const household = Object.assign(new Household(), {
    householdNumber: h.householdNumber,
    headAddresseeNumber: head.addresseeNumber,
    active: true,
    createdAt: now,
    updatedAt: now,
  });
  for (const p of h.members) {
    const r = Object.assign(new Resident(), {
      addresseeNumber: p.addresseeNumber,
      householdNumber: h.householdNumber,
      residentRecordCode: p.residentRecordCode,
      individualNumberEnc: pii.encrypt(p.individualNumber),
      individualNumberIndex: pii.blindIndex(p.individualNumber),
      familyName: p.familyName,
      givenName: p.givenName,
      familyNameKana: p.familyNameKana,
      givenNameKana: p.givenNameKana,
      nameKanaConfirmed: true,
      birthDate: p.birthDate,
      sex: p.sex,
      relationshipToHead: p.relationshipToHead,
      householdHeadName: fullName(head),
      registeredDomicile: p.registeredDomicile,
      familyRegisterHead: p.familyRegisterHead,
      domicileMunicipalityCode: p.domicileMunicipalityCode,
      address: h.address,
      addressSupplement: h.addressSupplement,
      addressCode: h.addressCode,
      postalCode: h.postalCode,
      becameResidentDate: p.becameResidentDate,
      addressEstablishedDate: p.addressEstablishedDate,
      notificationDate: p.notificationDate,
      previousAddress: p.previousAddress,
      status: ResidentStatus.RESIDENT,
      cardStatus: p.hasCard ? CardStatus.ISSUED : CardStatus.NONE,
      legacyCardStatus: LegacyCardStatus.NONE,
      changeReason: ChangeReason.INITIAL_LOAD,
      changeDate: p.addressEstablishedDate,
      isForeignResident: Boolean(p.foreign),
      nationalityRegion: p.foreign?.nationalityRegion,
      alphabetName: p.foreign?.alphabetName,
      residenceCardNumber: p.foreign?.residenceCardNumber,
      foreignResidentCategory: p.foreign?.foreignResidentCategory,
      statusOfResidence: p.foreign?.statusOfResidence,
      periodOfStay: p.foreign?.periodOfStay,
      periodOfStayExpiry: p.foreign?.periodOfStayExpiry,
      becameForeignResidentDate: p.foreign?.becameForeignResidentDate,
      isAdultWard: false,
      processId: 'demo-load',
      updatedBy: 'system',
      historyNumber: 1,
      updatedAt: now,
      version: 1,
    });
    residents.push(r);
    if (withHistory)
      history.push(
        Object.assign(new ResidentHistory(), {
          addresseeNumber: r.addresseeNumber,
          historyNumber: 1,
          changeReason: ChangeReason.INITIAL_LOAD,
          changeDate: r.changeDate,
          notificationDate: r.notificationDate,
          processingDate: today,
          operatorId: 'system',
          notes: 'demo data',
          snapshot: snapshotOf(r),
          createdAt: now,
        }),
      );
  }
  return { household, residents, history };
}

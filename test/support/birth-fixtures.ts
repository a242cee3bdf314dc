import { randomUUID } from 'node:crypto';
import type { EntityManager, MikroORM } from '@mikro-orm/core';
import { localNumber } from '../../src/domain/check-digits';
import { addDays } from '../../src/domain/dates';
import { ChangeReason } from '../../src/domain/change-reason';
import { CardStatus, LegacyCardStatus, ResidentStatus } from '../../src/domain/registry-values';
import { CounterName, nextSerial } from '../../src/db/counters';
import { Household, IndividualNumberRequest, Resident } from '../../src/db/entities';
import { createJlisInbound } from '../../src/api/jlis-inbound-router';
import { addResidentCodes } from '../../src/db/resident-code-pool';
import type { BirthApplication } from '../../src/procedures/birth/schema';
import { randomIndividualNumber, randomResidentRecordCode, today } from './fixtures';

/** A 出生届 for a girl born 3 days ago, joining `householdNumber` as 子. */
export const birthApplication = (householdNumber: string, over: Partial<BirthApplication> = {}): BirthApplication => ({
  child: {
    familyName: '桜井',
    givenName: 'ひなた',
    familyNameKana: 'サクライ',
    givenNameKana: 'ヒナタ',
    birthDate: addDays(today(), -3),
    birthTime: '14:05',
    sex: '2',
    relationshipToHead: '子',
  },
  household: { mode: 'join', householdNumber },
  notifier: { kind: 'householdMember' },
  identityDocument: { type: 'myNumberCard' },
  ...over,
});

/**
 * The parents' household, written straight into the registry (the birth tests are about the child): 世帯主 桜井 一郎
 * with 本籍 and 筆頭者, and his wife. `removed`: the household is a 除票 (everyone gone, household inactive).
 */
export async function seedParents(orm: MikroORM, opts: { removed?: boolean } = {}) {
  return orm.em.fork().transactional((em) => writeParents(em, opts));
}

async function writeParents(em: EntityManager, opts: { removed?: boolean }) {
  const householdNumber = localNumber(await nextSerial(em, CounterName.HOUSEHOLD));
  em.persist(
    em.create(Household, { householdNumber, active: !opts.removed, createdAt: new Date(), updatedAt: new Date() }),
  );
  const person = async (givenName: string, givenNameKana: string, sex: '1' | '2', relationshipToHead: string) =>
    em.create(Resident, {
      addresseeNumber: localNumber(await nextSerial(em, CounterName.ADDRESSEE)),
      historyNumber: 1,
      householdNumber,
      residentRecordCode: randomResidentRecordCode(),
      familyName: '桜井',
      givenName,
      familyNameKana: 'サクライ',
      givenNameKana,
      nameKanaConfirmed: true,
      birthDate: sex === '1' ? '1990-04-02' : '1992-08-20',
      sex,
      relationshipToHead,
      householdHeadName: '桜井　一郎',
      registeredDomicile: '東京都さくら市本町一丁目5番',
      familyRegisterHead: '桜井　一郎',
      address: '東京都さくら市桜町一丁目2番3号',
      addressSupplement: 'さくらハイツ101号室',
      postalCode: '206-0011',
      becameResidentDate: '2020-04-01',
      addressEstablishedDate: '2020-04-01',
      notificationDate: '2020-04-01',
      status: opts.removed ? ResidentStatus.REMOVED : ResidentStatus.RESIDENT,
      cardStatus: CardStatus.NONE,
      legacyCardStatus: LegacyCardStatus.NONE,
      changeReason: ChangeReason.INITIAL_LOAD,
      changeDate: '2020-04-01',
      isForeignResident: false,
      isAdultWard: false,
    } as Resident);
  const head = await person('一郎', 'イチロウ', '1', '世帯主');
  const wife = await person('さくら', 'サクラ', '2', '妻');
  em.persist([head, wife]);
  if (!opts.removed)
    (await em.findOneOrFail(Household, { householdNumber })).headAddresseeNumber = head.addresseeNumber;
  await em.flush();
  return { householdNumber, head, wife };
}

/** Puts `n` fresh 住民票コード into the pool, as a CS batch would. */
export async function fillPool(orm: MikroORM, n = 5): Promise<string[]> {
  const codes = Array.from({ length: n }, randomResidentRecordCode);
  const em = orm.em.fork();
  await addResidentCodes(em, `test-${randomUUID()}`, codes);
  return codes;
}

/**
 * J-LIS answers the case's generation request through the city's inbound service (validated, stored encrypted, and
 * signalled to the generation workflow). `code` overrides the 住民票コード the answer names.
 */
export async function answerGeneration(
  deps: Parameters<typeof createJlisInbound>[0],
  caseId: string,
  opts: { code?: string; number?: string } = {},
): Promise<{ number: string; addresseeNumber: string }> {
  const request = await until('the generation request', () =>
    deps.orm.em.fork().findOne(IndividualNumberRequest, { caseId }),
  );
  const number = opts.number ?? randomIndividualNumber();
  await createJlisInbound(deps).individualNumberAnswer({
    answerId: `JLIS-ANS-${randomUUID()}`,
    municipalityCode: deps.config.municipalityCode,
    requestKey: request.requestKey,
    residentRecordCode: opts.code ?? request.residentRecordCode,
    individualNumber: number,
    generatedAt: new Date().toISOString(),
  });
  return { number, addresseeNumber: request.addresseeNumber };
}

/** Polls until `check` holds (real time; the worker keeps running), failing after `ms`. */
export async function until<T>(
  what: string,
  check: () => Promise<T | undefined | null | false>,
  ms = 20_000,
): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { EntityManager } from '@mikro-orm/core';
import { casesOfPersons, pendingCasesOf } from '../../src/api/web/queries/pending-cases-query';
import { searchResidents } from '../../src/api/web/queries/resident-search-query';
import { syncCaseSubjects } from '../../src/db/case-subjects';
import { CaseRecord, Household, Resident } from '../../src/db/entities';
import { openRegistryDb, type Orm } from '../../src/db/orm';
import { createPiiCrypto } from '../../src/db/pii-crypto';
import { generateDemoTown } from '../../src/db/seed/demo-town';
import { demoHouseholdRows } from '../../src/db/seed/load-demo';
import { PROCEDURES } from '../../src/procedures';
import { dropDatabase } from '../support/demo-town-template';
import { randomResidentRecordCode } from '../support/fixtures';
import { freshMariaDbUrl } from '../support/system-harness';

const sqliteUrl = () => `sqlite:${join(mkdtempSync(join(tmpdir(), 'juki-scale-')), 'registry.sqlite')}`;
const BEFORE = 'Migration20261209060000_staff_admin';

const caseRow = (caseId: string, status: string, subjects: string[] | undefined, min: number) => {
  const at = new Date(Date.UTC(2026, 11, 1, 0, min));
  return Object.assign(new CaseRecord(), {
    caseId,
    procedure: 'MOVE_OUT',
    status,
    workflowId: caseId,
    enteredBy: 'clerk1',
    subjectAddresseeNumbers: subjects,
    needsAttention: false,
    escalated: false,
    revision: 0,
    createdAt: at,
    updatedAt: at,
  });
};

const subjectRows = async (em: EntityManager): Promise<string[]> =>
  (
    (await em
      .getConnection()
      .execute('select case_id, addressee_number from case_subject order by case_id, addressee_number')) as Array<{
      case_id: string;
      addressee_number: string;
    }>
  ).map((r) => `${r.case_id}:${r.addressee_number}`);

/**
 * Issue 15 item 4 (resident search at 720 000 residents): the person → case side table `case_subject`, backfilled by
 * its migration and kept in step with every write of `case_record.subject_addressee_numbers`; the 住民票コード search,
 * the pending-case flag and 「この方の案件」 read by index instead of scanning every record / every case.
 */
describe.each([
  ['SQLite', sqliteUrl],
  ['MariaDB', freshMariaDbUrl],
])('person → case side table and indexed search (%s)', (db, url) => {
  let orm: Orm;
  let databaseUrl: string;
  beforeAll(async () => {
    databaseUrl = url();
    orm = await openRegistryDb(databaseUrl, { migrate: false });
    await orm.migrator.up({ to: BEFORE });
    // cases written before the side table existed
    await orm.em
      .fork()
      .insertMany(CaseRecord, [
        caseRow('OLD-1', 'AWAITING_APPROVAL', ['0000582', '0000583'], 1),
        caseRow('OLD-2', 'COMPLETED', ['0000582'], 2),
        caseRow('OLD-3', 'AWAITING_APPROVAL', undefined, 3),
        caseRow('OLD-4', 'AWAITING_APPROVAL', [], 4),
      ]);
    await orm.migrator.up();
  });
  afterAll(async () => {
    await orm?.close();
    const own = /\/(juki_it_[0-9a-f]+)$/.exec(databaseUrl)?.[1];
    if (db === 'MariaDB' && own) await dropDatabase(inject('mariadbUrl'), own);
  });

  it('the migration fills case_subject from the cases written before it', async () => {
    expect(await subjectRows(orm.em.fork())).toEqual(['OLD-1:0000582', 'OLD-1:0000583', 'OLD-2:0000582']);
    const pending = await pendingCasesOf(orm.em.fork(), PROCEDURES, ['0000582', '0000583']);
    expect(Object.fromEntries([...pending].map(([a, cs]) => [a, cs.map((c) => c.caseId)]))).toEqual({
      '0000582': ['OLD-1'],
      '0000583': ['OLD-1'],
    });
  });

  it('every write of the subjects through the ORM updates case_subject in the same transaction', async () => {
    const em = orm.em.fork();
    em.persist(caseRow('NEW-1', 'AWAITING_APPROVAL', ['0000590', '0000591'], 10));
    await em.flush();
    expect((await subjectRows(orm.em.fork())).filter((r) => r.startsWith('NEW-1'))).toEqual([
      'NEW-1:0000590',
      'NEW-1:0000591',
    ]);
    // the projection / 訂正 path: the loaded row's subjects replaced
    const row = await em.findOneOrFail(CaseRecord, { caseId: 'NEW-1' });
    row.subjectAddresseeNumbers = ['0000591', '0000592'];
    row.status = 'COMPLETED';
    await em.flush();
    expect((await subjectRows(orm.em.fork())).filter((r) => r.startsWith('NEW-1'))).toEqual([
      'NEW-1:0000591',
      'NEW-1:0000592',
    ]);
    expect((await casesOfPersons(orm.em.fork(), ['0000590'])).map((c) => c.caseId)).toEqual([]);
    expect((await casesOfPersons(orm.em.fork(), ['0000592'])).map((c) => c.caseId)).toEqual(['NEW-1']);
    // a failed transaction leaves no side rows behind
    await expect(
      orm.em.fork().transactional(async (tx) => {
        tx.persist(caseRow('NEW-2', 'AWAITING_APPROVAL', ['0000593'], 11));
        await tx.flush();
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    expect(await casesOfPersons(orm.em.fork(), ['0000593'])).toEqual([]);
    expect((await subjectRows(orm.em.fork())).filter((r) => r.startsWith('NEW-2'))).toEqual([]);
    // a native update of the column (訂正して再提出 clears it first) syncs by hand
    await orm.em.fork().transactional(async (tx) => {
      await tx.nativeUpdate(CaseRecord, { caseId: 'NEW-1' }, { subjectAddresseeNumbers: [] });
      await syncCaseSubjects(tx, [['NEW-1', []]]);
    });
    expect((await subjectRows(orm.em.fork())).filter((r) => r.startsWith('NEW-1'))).toEqual([]);
  });

  it.runIf(db === 'MariaDB')(
    'every allowed search form, the pending-case flag and この方の案件 read only about the rows they return, not every record or case; a result carries only what the list shows',
    async () => {
      const pii = createPiiCrypto(randomBytes(32), randomBytes(32));
      const town = generateDemoTown({ seed: 7, households: 800, today: '2026-11-01' });
      const rows = town.households.map((h) => demoHouseholdRows(h, pii, new Date(), '2026-11-01', false));
      const residents = rows.flatMap((r) => r.residents);
      const formerCode = randomResidentRecordCode();
      residents[10]!.formerResidentRecordCodes = [formerCode];
      await orm.em.fork().transactional(async (tx) => {
        await tx.insertMany(
          Household,
          rows.map((r) => r.household),
        );
        for (let i = 0; i < residents.length; i += 500) await tx.insertMany(Resident, residents.slice(i, i + 500));
        const cases = residents.map((r, i) => caseRow(`BULK-${i}`, 'COMPLETED', [r.addresseeNumber], 20));
        await tx.insertMany(CaseRecord, cases);
        await syncCaseSubjects(
          tx,
          cases.map((c) => [c.caseId, c.subjectAddresseeNumbers!]),
        );
      });
      await orm.em.fork().getConnection().execute('analyze table resident, case_record, case_subject');
      expect(residents.length).toBeGreaterThan(2000);

      /** InnoDB rows read by `run` on one connection (Handler_read_* counters of its session). */
      const rowsRead = async <T>(run: (em: EntityManager) => Promise<T>): Promise<{ read: number; result: T }> =>
        orm.em.fork().transactional(async (tx) => {
          const counters = async () =>
            (
              await tx
                .getConnection()
                .execute<Array<{ Variable_name: string; Value: string }>>(
                  "show session status like 'Handler_read%'",
                  [],
                  'all',
                  tx.getTransactionContext(),
                )
            ).reduce(
              (n: number, r: { Variable_name: string; Value: string }) =>
                n + (r.Variable_name === 'Handler_read_key' ? 0 : Number(r.Value)),
              0,
            );
          const idle = -(await counters()) + (await counters()); // what reading the counters itself reads
          const before = await counters();
          const result = await run(tx);
          return { read: (await counters()) - before - idle, result };
        });

      const person = residents[1234]!;
      const byCode = await rowsRead((em) =>
        searchResidents(em, pii, { mode: 'code', residentRecordCode: person.residentRecordCode! }),
      );
      expect(byCode.result.rows.map((r) => r.addresseeNumber)).toEqual([person.addresseeNumber]);
      expect(byCode.read).toBeLessThan(20);
      const byFormer = await rowsRead((em) =>
        searchResidents(em, pii, { mode: 'code', residentRecordCode: formerCode }),
      );
      expect(byFormer.result.rows.map((r) => r.addresseeNumber)).toEqual([residents[10]!.addresseeNumber]);
      expect(byFormer.read).toBeLessThan(20);

      // 氏名 (kanji, or kana without a space) + part of the 住所
      for (const name of [person.familyName + person.givenName, person.familyNameKana + person.givenNameKana]) {
        const byAddress = await rowsRead((em) =>
          searchResidents(em, pii, { mode: 'fourInfo', name, address: person.address.slice(3) }),
        );
        expect(byAddress.result.rows.map((r) => r.addresseeNumber)).toContain(person.addresseeNumber);
        expect(byAddress.read, name).toBeLessThan(200);
      }
      // the other allowed forms: the blind index of the 個人番号, 氏名 (kanji or kana, any split) + 生年月日
      const individualNumber = town.households.flatMap((h) => h.members)[1234]!.individualNumber;
      const byNumber = await rowsRead((em) => searchResidents(em, pii, { mode: 'number', individualNumber }));
      expect(byNumber.result.rows.map((r) => r.addresseeNumber)).toEqual([person.addresseeNumber]);
      expect(byNumber.read).toBeLessThan(20);
      for (const name of [person.familyName + person.givenName, `${person.familyNameKana} ${person.givenNameKana}`]) {
        const byBirth = await rowsRead((em) =>
          searchResidents(em, pii, { mode: 'fourInfo', name, birthDate: person.birthDate }),
        );
        expect(byBirth.result.rows.map((r) => r.addresseeNumber)).toEqual([person.addresseeNumber]);
        expect(byBirth.read, name).toBeLessThan(20);
      }
      // a result carries what the list shows, not the encrypted 個人番号 or the rest of the record
      const [listed] = byNumber.result.rows as Array<Partial<Resident>>;
      expect(listed).toMatchObject({ familyName: person.familyName, address: person.address, status: 'RESIDENT' });
      expect([listed!.individualNumberEnc, listed!.residentRecordCode, listed!.registeredDomicile]).toEqual([
        undefined,
        undefined,
        undefined,
      ]);

      const pending = await rowsRead((em) => pendingCasesOf(em, PROCEDURES, [person.addresseeNumber]));
      expect(pending.result.size).toBe(0);
      expect(pending.read).toBeLessThan(20);
      const cases = await rowsRead((em) => casesOfPersons(em, [person.addresseeNumber]));
      expect(cases.result.map((c) => c.caseId)).toEqual(['BULK-1234']);
      expect(cases.read).toBeLessThan(20);
    },
    120_000,
  );
});

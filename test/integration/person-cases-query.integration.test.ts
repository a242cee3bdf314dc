import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { casesOfPersons, pendingCasesOf } from '../../src/api/web/queries/pending-cases-query';
import { searchResidents } from '../../src/api/web/queries/resident-search-query';
import { CaseRecord, Resident } from '../../src/db/entities';
import { openRegistryDb, type Orm } from '../../src/db/orm';
import { createPiiCrypto } from '../../src/db/pii-crypto';
import { PROCEDURES } from '../../src/procedures';
import { seedParents } from '../support/birth-fixtures';
import { randomResidentRecordCode } from '../support/fixtures';
import { dropDatabase } from '../support/demo-town-template';
import { freshMariaDbUrl } from '../support/system-harness';

const sqliteUrl = () => `sqlite:${join(mkdtempSync(join(tmpdir(), 'juki-cases-')), 'registry.sqlite')}`;

/**
 * Issue 14 bug 1: the queries on the JSON array columns (case_record.subject_addressee_numbers,
 * resident.former_resident_record_codes) match on SQLite and on MariaDB — the ORM's `$like` on a JSON property
 * JSON-encoded the pattern and never matched.
 */
describe.each([
  ['SQLite', sqliteUrl],
  ['MariaDB', freshMariaDbUrl],
])('cases of a person, 旧住民票コード (%s)', (db, url) => {
  let orm: Orm;
  let databaseUrl: string;
  let person: Resident;
  const formerCodes = [randomResidentRecordCode(), randomResidentRecordCode()];
  const pii = createPiiCrypto(randomBytes(32), randomBytes(32));
  beforeAll(async () => {
    databaseUrl = url();
    orm = await openRegistryDb(databaseUrl);
    const em = orm.em.fork();
    const at = (min: number) => new Date(Date.UTC(2026, 11, 1, 0, min));
    const row = (caseId: string, procedure: string, status: string, subjects: string[] | undefined, min: number) =>
      em.create(CaseRecord, {
        caseId,
        procedure,
        status,
        workflowId: caseId,
        enteredBy: 'clerk1',
        subjectAddresseeNumbers: subjects,
        needsAttention: false,
        escalated: false,
        revision: 0,
        createdAt: at(min),
        updatedAt: at(min),
      });
    em.persist([
      row('MO-1', 'MOVE_OUT', 'AWAITING_APPROVAL', ['0000582', '0000583'], 1),
      row('MI-2', 'MOVE_IN', 'COMPLETED', ['0000582'], 2),
      row('MO-3', 'MOVE_OUT', 'CANCELLED', ['0000583'], 3),
      row('MI-4', 'MOVE_IN', 'AWAITING_APPROVAL', ['00005820'], 4),
      row('MI-5', 'MOVE_IN', 'AWAITING_APPROVAL', undefined, 5),
    ]);
    await em.flush();
    const { head } = await seedParents(orm);
    person = head;
    await orm.em
      .fork()
      .nativeUpdate(
        Resident,
        { addresseeNumber: head.addresseeNumber },
        { formerResidentRecordCodes: [formerCodes[0]!, formerCodes[1]!] },
      );
  });
  afterAll(async () => {
    await orm?.close();
    const own = /\/(juki_it_[0-9a-f]+)$/.exec(databaseUrl)?.[1];
    if (db === 'MariaDB' && own) await dropDatabase(inject('mariadbUrl'), own);
  });

  it('lists every case of the person, newest first, and no other', async () => {
    const em = orm.em.fork();
    expect((await casesOfPersons(em, ['0000582'])).map((c) => c.caseId)).toEqual(['MI-2', 'MO-1']);
    expect((await casesOfPersons(em, ['0000583'])).map((c) => c.caseId)).toEqual(['MO-3', 'MO-1']);
    expect(await casesOfPersons(em, ['0000584'])).toEqual([]);
  });

  it('flags only the pending (open) cases, per person', async () => {
    const pending = await pendingCasesOf(orm.em.fork(), PROCEDURES, ['0000582', '0000583', '0000584']);
    expect(Object.fromEntries([...pending].map(([a, cs]) => [a, cs.map((c) => c.caseId)]))).toEqual({
      '0000582': ['MO-1'],
      '0000583': ['MO-1'],
    });
  });

  it('finds a person by a former 住民票コード', async () => {
    const em = orm.em.fork();
    const byCode = async (code: string) =>
      (await searchResidents(em, pii, { mode: 'code', residentRecordCode: code })).rows.map((r) => r.addresseeNumber);
    expect(await byCode(formerCodes[1]!)).toEqual([person.addresseeNumber]);
    expect(await byCode(formerCodes[0]!)).toEqual([person.addresseeNumber]);
    expect(await byCode(person.residentRecordCode!)).toEqual([person.addresseeNumber]);
    expect(await byCode(formerCodes[1]!.slice(0, 10))).toEqual([]);
  });
});

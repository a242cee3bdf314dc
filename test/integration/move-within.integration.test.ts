import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChangeReason } from '../../src/domain/change-reason';
import { addDays } from '../../src/domain/dates';
import { CaseApplication, CaseRecord, OutboxMessage, Resident, ResidentHistory } from '../../src/db/entities';
import { csChangeReasonFor } from '../../src/partners/cs-codes';
import { createPiiCrypto } from '../../src/db/pii-crypto';
import { keyBytes } from '../../src/config';
import type { MoveWithinApplication } from '../../src/procedures/move-within/schema';
import { compact, pdfBytesText } from '../support/pdf-text';
import { seedParents } from '../support/birth-fixtures';
import { randomIndividualNumber, today } from '../support/fixtures';
import { moversOf } from '../support/move-fixtures';
import { caseStatus, freshMariaDbUrl, startTestSystem, type TestSystem } from '../support/system-harness';

const sqliteUrl = () => `sqlite:${join(mkdtempSync(join(tmpdir(), 'juki-it-')), 'registry.sqlite')}`;
const FIRST = {
  address: '東京都さくら市桜ケ丘二丁目3番14号',
  addressSupplement: 'さくらハイツ203号室',
  postalCode: '206-0012',
};
// another building on the same 地番 (standard spec 4.1.2): only the 方書 differs
const SECOND = { address: '東京都さくら市桜ケ丘二丁目3番14号', addressSupplement: 'さくらハイツ別館105号室' };

describe.each([
  ['MariaDB', freshMariaDbUrl],
  ['SQLite', sqliteUrl],
])('転居 end to end on %s', (_name, dbUrl) => {
  let sys: TestSystem;
  let clerk: string;
  let approver: string;
  let head: Resident;
  let wife: Resident;

  beforeAll(async () => {
    sys = await startTestSystem(dbUrl());
    clerk = await sys.login('clerk1');
    approver = await sys.login('approver1');
    ({ head, wife } = await seedParents(sys.orm));
    // every resident who moves has a 個人番号 (the 本人確認情報 of a 転居 carries it)
    const pii = createPiiCrypto(keyBytes(sys.config.keys.piiEncryption), keyBytes(sys.config.keys.piiIndex));
    const em = sys.orm.em.fork();
    for (const r of await em.find(Resident, { addresseeNumber: { $in: [head.addresseeNumber, wife.addresseeNumber] } }))
      r.individualNumberEnc = pii.encrypt(randomIndividualNumber());
    await em.flush();
  });
  afterAll(async () => sys?.close());

  const intake = (body: unknown, key = randomUUID()) =>
    sys.api('POST', '/api/cases/move-within', { token: clerk, body, headers: { 'idempotency-key': key } });
  const updatesFor = async (code: string) =>
    ((await sys.csAdmin('GET', 'received?kind=identity-updates')).items as Array<{ body: any }>)
      .map((m) => m.body)
      .filter((b) => b.identity.residentRecordCode === code);
  const counts = async () => {
    const em = sys.orm.em.fork();
    return {
      apps: await em.count(CaseApplication, {}),
      cases: await em.count(CaseRecord, {}),
      history: await em.count(ResidentHistory, {}),
      outbox: await em.count(OutboxMessage, {}),
    };
  };
  const application = (over: Partial<MoveWithinApplication> = {}): MoveWithinApplication => ({
    movers: moversOf([head, wife]) as MoveWithinApplication['movers'],
    newAddress: FIRST,
    moveDate: addDays(today(), -3),
    household: { mode: 'whole' },
    notifier: { kind: 'self' },
    identityDocument: { type: 'driversLicence' },
    ...over,
  });

  it('refuses bad input with the field and the rule, storing and starting nothing', async () => {
    const before = await counts();
    const bad: Array<[unknown, number, string]> = [
      [application({ moveDate: addDays(today(), 1) }), 422, '/moveDate notFuture'],
      [
        application({ newAddress: { address: head.address, addressSupplement: head.addressSupplement } }),
        422,
        '/newAddress/address differentAddress',
      ],
      [
        application({ movers: moversOf([head]) as MoveWithinApplication['movers'] }),
        422,
        '/household/mode wholeHousehold',
      ],
      [application({ household: { mode: 'elsewhere' as 'whole' } }), 400, '/household/mode enum'],
      [application({ moveDate: '2026-02-30' }), 400, '/moveDate format'],
    ];
    for (const [body, status, rule] of bad) {
      const r = await intake(body);
      expect(r.status, rule).toBe(status);
      expect(r.json.errors.map((e: { field: string; rule: string }) => `${e.field} ${e.rule}`)).toContain(rule);
      expect(JSON.stringify(r.json)).not.toContain(head.familyName);
    }
    expect(await counts()).toEqual(before);
  });

  it('two 転居 in a row: the CS simulator receives address-only 転居 updates in order; snapshots appended; the 写し shows the new address', async () => {
    // 1: the whole household, with a 住民票の写し
    const first = await intake(application({ certificateRequest: { includeHouseholdHead: true } }));
    expect(first.status).toBe(201);
    await sys.csAdmin('POST', 'faults', { failNext: 2 });
    expect((await sys.api('POST', `/api/cases/${first.json.caseId}/approve`, { token: approver })).status).toBe(200);
    const done = await caseStatus(sys, clerk, first.json.caseId, 'COMPLETED');
    const copy = (done.certificates as Array<{ type: string; href: string }>).find(
      (d) => d.type === 'residentRecordCopy',
    );
    const text = compact(pdfBytesText((await sys.api('GET', copy!.href, { token: clerk })).buffer));
    expect(text).toContain(compact(FIRST.address));
    expect(text).toContain(compact(FIRST.addressSupplement));
    expect(text).toContain(compact(`${head.familyName}${head.givenName}`));
    // a 転居 does not make anyone a resident: 住民となった年月日 keeps its date and no 「転居」 beside it
    expect(text).not.toContain('転居');

    // 2: the wife alone, to another building on the same 地番, forming her own household
    const second = await intake(
      application({
        movers: moversOf([wife]) as MoveWithinApplication['movers'],
        newAddress: SECOND,
        household: { mode: 'new', newHeadAddresseeNumber: wife.addresseeNumber },
      }),
    );
    expect(second.status).toBe(201);
    expect((await sys.api('POST', `/api/cases/${second.json.caseId}/approve`, { token: approver })).status).toBe(200);
    await caseStatus(sys, clerk, second.json.caseId, 'COMPLETED');

    // the simulator validated each 転居 against the identity it held: only the address changed, in order
    const wifeUpdates = await updatesFor(wife.residentRecordCode!);
    expect(wifeUpdates.map((u) => [u.sequenceNumber, u.identity.changeReason, u.identity.address])).toEqual([
      [1, csChangeReasonFor(ChangeReason.MOVE_WITHIN), `${FIRST.address}　${FIRST.addressSupplement}`],
      [2, csChangeReasonFor(ChangeReason.MOVE_WITHIN), `${SECOND.address}　${SECOND.addressSupplement}`],
    ]);
    expect(new Set(wifeUpdates.map((u) => `${u.identity.name}|${u.identity.birthDate}|${u.identity.sex}`)).size).toBe(
      1,
    );
    expect(await updatesFor(head.residentRecordCode!)).toHaveLength(1);

    const history = await sys.orm.em
      .fork()
      .find(ResidentHistory, { addresseeNumber: wife.addresseeNumber }, { orderBy: { historyNumber: 'asc' } });
    // seeded without history: the two 転居, then the 世帯分離 as its own 異動
    expect(history.map((h) => h.changeReason)).toEqual([
      ChangeReason.MOVE_WITHIN,
      ChangeReason.MOVE_WITHIN,
      ChangeReason.HOUSEHOLD_SEPARATION,
    ]);
    const now = await sys.orm.em.fork().findOneOrFail(Resident, { addresseeNumber: wife.addresseeNumber });
    expect(now).toMatchObject({ addressSupplement: SECOND.addressSupplement, relationshipToHead: '世帯主' });
    expect(now.householdNumber).not.toBe(head.householdNumber);
    expect(await sys.orm.em.fork().findOneOrFail(Resident, { addresseeNumber: head.addresseeNumber })).toMatchObject({
      addressSupplement: FIRST.addressSupplement,
      relationshipToHead: '世帯主',
      householdNumber: head.householdNumber,
    });
  });
});

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keyBytes } from '../../src/config';
import { CaseStatus } from '../../src/domain/case-status';
import { withMunicipalityCheckDigit } from '../../src/domain/check-digits';
import { createPiiCrypto } from '../../src/db/pii-crypto';
import { HeldMoveOutCertificate, Resident, SupportMeasure, SupportMeasureEvent } from '../../src/db/entities';
import { loadDemoTown } from '../../src/db/seed/load-demo';
import { startCsSimulator, type RunningCsSimulator } from '../../src/partners/cs-simulator';
import { today } from '../support/fixtures';
import { demoHousehold } from '../support/online-fixtures';
import { eventually, freshMariaDbUrl, startTestSystem, type TestSystem } from '../support/system-harness';

const A_CODE = withMunicipalityCheckDigit('13999'); // さくら市 (origin)
const B_CODE = withMunicipalityCheckDigit('14150'); // the destination town
const CS_TOKEN = `cs-token-${randomUUID()}`;
const sqliteUrl = () => `sqlite:${join(mkdtempSync(join(tmpdir(), 'juki-smb-')), 'registry.sqlite')}`;

/**
 * 支援措置 travelling with a 転出 (domain spec §4.3 step 2, §8.6) across two towns on real parts: at A the protected
 * person's measure becomes 仮支援措置 as 前住所地 in the 転出 commit; the 転出証明書情報 carries `supportMeasure` (our
 * contract) for that person only; B's 特例転入 commits them under 仮支援措置, which blocks B's counter copy until a
 * 支援措置責任者 at B decides.
 */
describe('支援措置 travels with a 転出: A (MariaDB) → CS → B (SQLite)', () => {
  let cs: RunningCsSimulator;
  let A: TestSystem;
  let B: TestSystem;
  const csAdmin = async (method: string, path: string, body?: unknown) => {
    const r = await fetch(`${cs.url}/cs/v1/_admin/${path}`, {
      method,
      headers: { authorization: `Bearer ${CS_TOKEN}`, 'content-type': 'application/json' },
      body: body ? JSON.stringify(body) : undefined,
    });
    return r.status === 204 ? undefined : r.json();
  };
  const caseStatus = (sys: TestSystem, token: string, caseId: string, status: string) =>
    eventually(async () => {
      const r = await sys.api('GET', `/api/cases/${caseId}`, { token });
      return r.json?.status === status ? r.json : undefined;
    }, 90_000);

  beforeAll(async () => {
    cs = await startCsSimulator({ token: CS_TOKEN, forwarding: { initialBackoffMs: 100, maxBackoffMs: 1000 } });
    const town = (code: string, name: string) => ({
      municipalityCode: code,
      municipalityName: name,
      csUrl: cs.url,
      csToken: CS_TOKEN,
    });
    A = await startTestSystem(freshMariaDbUrl(), { config: town(A_CODE, 'さくら市'), csSimulator: false });
    B = await startTestSystem(sqliteUrl(), { config: town(B_CODE, '相模原市'), csSimulator: false });
    for (const t of [A, B])
      await csAdmin('POST', 'routes', {
        municipalityCode: t.config.municipalityCode,
        inboundUrl: `${t.apiUrl}/cs-inbound/v1`,
        token: t.config.csInboundToken,
      });
    const loaded = await loadDemoTown(
      A.orm,
      createPiiCrypto(keyBytes(A.config.keys.piiEncryption), keyBytes(A.config.keys.piiIndex)),
      { households: 6 },
    );
    await csAdmin('POST', 'registered', { residentRecordCodes: loaded.residentRecordCodes });
  });
  afterAll(async () => {
    await A?.close();
    await B?.close();
    await cs?.close();
  });

  it('A: 仮支援措置 as 前住所地 and the flag in the 転出証明書情報; B: the arriving person held under 仮支援措置', async () => {
    const [aClerk, aApprover, aOfficer1, aOfficer2, bClerk, bApprover, bOfficer] = await Promise.all([
      A.login('clerk1'),
      A.login('approver1'),
      A.login('approver2'),
      A.login('supervisor1'),
      B.login('clerk1'),
      B.login('approver1'),
      B.login('supervisor1'),
    ]);
    const household = await demoHousehold(A.orm, 0, 2);
    const [protectedOne, other] = household;
    const entered = await A.api('POST', '/api/support-measures', {
      token: aOfficer1,
      body: {
        kind: 'SUPPORT',
        targetAddresseeNumber: protectedOne!.addresseeNumber,
        processes: ['CERTIFICATE'],
        startDate: today(),
        applicant: { relation: 'self' },
      },
    });
    expect(entered.status).toBe(201);
    const measureId = entered.json.measureId as string;
    expect((await A.api('POST', `/api/support-measures/${measureId}/confirm`, { token: aOfficer2 })).status).toBe(200);

    const out = await A.api('POST', '/api/cases/move-out', {
      token: aClerk,
      headers: { 'idempotency-key': randomUUID() },
      body: {
        movers: household.map((r) => ({
          addresseeNumber: r.addresseeNumber,
          familyName: r.familyName,
          givenName: r.givenName,
          birthDate: r.birthDate,
          sex: r.sex,
        })),
        destination: { address: '神奈川県相模原市中央区中央二丁目1番1号', municipalityCode: B_CODE },
        plannedMoveOutDate: today(),
        path: 'special',
        cardHolderPresent: true,
        notifier: { kind: 'self' },
        identityDocument: { type: 'myNumberCard' },
      },
    });
    expect(out.status).toBe(201);
    expect((await A.api('POST', `/api/cases/${out.json.caseId}/approve`, { token: aApprover })).status).toBe(200);

    // A: the measure became 仮支援措置 as 前住所地 in the commit, with its history
    await eventually(async () =>
      (await A.orm.em.fork().findOne(SupportMeasure, { measureId }))?.provisionalReason === 'MOVED_OUT'
        ? true
        : undefined,
    );
    expect(await A.orm.em.fork().findOneOrFail(SupportMeasure, { measureId })).toMatchObject({ state: 'PROVISIONAL' });
    expect(await A.orm.em.fork().count(SupportMeasureEvent, { measureId, action: 'MOVED_OUT' })).toBe(1);

    const codes = household.map((r) => r.residentRecordCode!);
    await eventually(async () =>
      (await B.orm.em.fork().count(HeldMoveOutCertificate, { residentRecordCode: { $in: codes }, state: 'HELD' })) ===
      codes.length
        ? true
        : undefined,
    );
    // the CS carried the flag for the protected person only
    const sent = ((await csAdmin('GET', 'received?kind=move-out-certificates')).items as Array<{ body: any }>).filter(
      (m) => m.body.fromMunicipalityCode === A_CODE,
    );
    const byCode = new Map(sent.map((m) => [m.body.certificate.residentRecordCode, m.body.certificate]));
    expect(byCode.get(protectedOne!.residentRecordCode)?.supportMeasure).toBe(true);
    expect(byCode.get(other!.residentRecordCode)?.supportMeasure).toBeUndefined();

    const special = await B.api('POST', '/api/cases/special-move-in', {
      token: bClerk,
      headers: { 'idempotency-key': randomUUID() },
      body: {
        persons: household.map((r) => ({
          residentRecordCode: r.residentRecordCode,
          familyName: r.familyName,
          givenName: r.givenName,
          birthDate: r.birthDate,
          sex: r.sex,
          relationshipToHead: r.relationshipToHead,
        })),
        originMunicipalityCode: A_CODE,
        address: { address: '神奈川県相模原市中央区中央二丁目1番1号', addressSupplement: 'ハイツ中央101号室' },
        moveInDate: today(),
        household: { mode: 'new' },
        notifier: { kind: 'self' },
      },
    });
    expect(special.status).toBe(201);
    await caseStatus(B, bClerk, special.json.caseId, CaseStatus.AWAITING_APPROVAL);
    expect((await B.api('POST', `/api/cases/${special.json.caseId}/approve`, { token: bApprover })).status).toBe(200);
    await caseStatus(B, bClerk, special.json.caseId, CaseStatus.COMPLETED);

    // B: the protected person arrived under 仮支援措置 (entered by the system, for B's officer to decide)
    const bProtected = await B.orm.em.fork().findOneOrFail(Resident, {
      residentRecordCode: protectedOne!.residentRecordCode,
    });
    const bOther = await B.orm.em.fork().findOneOrFail(Resident, { residentRecordCode: other!.residentRecordCode });
    const [arrived, ...more] = await B.orm.em.fork().find(SupportMeasure, {});
    expect(more).toEqual([]);
    expect(arrived).toMatchObject({
      state: 'PROVISIONAL',
      provisionalReason: 'MOVED_IN',
      targetAddresseeNumber: bProtected.addresseeNumber,
      enteredBy: 'system',
    });
    expect(
      await B.orm.em.fork().count(SupportMeasureEvent, { measureId: arrived!.measureId, action: 'MOVED_IN' }),
    ).toBe(1);
    const copy = (addresseeNumber: string) =>
      B.api('POST', '/api/certificates/resident-record-copy', {
        token: bClerk,
        headers: { 'x-request-id': randomUUID() },
        body: {
          addresseeNumbers: [addresseeNumber],
          options: {},
          requester: { relation: 'self' },
          identityDocument: { type: 'myNumberCard' },
        },
      });
    expect((await copy(bProtected.addresseeNumber)).json.error).toBe('ISSUANCE_BLOCKED');
    expect((await copy(bOther.addresseeNumber)).status).toBe(201);
    // B's 支援措置責任者 decides (the system is not an officer: four-eyes holds)
    const decided = await B.api('POST', `/api/support-measures/${arrived!.measureId}/confirm`, { token: bOfficer });
    expect(decided.json).toMatchObject({ state: 'ACTIVE', confirmedBy: 'supervisor1' });
  });
});

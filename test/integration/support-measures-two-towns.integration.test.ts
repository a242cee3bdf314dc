import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CaseStatus } from '../../src/domain/case-status';
import { Resident, SupportMeasure, SupportMeasureEvent } from '../../src/db/entities';
import { today } from '../support/fixtures';
import { moversOf, specialMoveInOf, specialMoveOut } from '../support/move-fixtures';
import { demoHousehold } from '../support/online-fixtures';
import { caseStatus, eventually, type TestSystem } from '../support/system-harness';
import { A_CODE, certificatesHeld, fileSpecialMoveIn, startTwoTowns, type TwoTowns } from '../support/two-towns';

/**
 * 支援措置 travelling with a 転出 (domain spec §4.3 step 2, §8.6) across two towns on real parts: at A the protected
 * person's measure becomes 仮支援措置 as 前住所地 in the 転出 commit; the 転出証明書情報 carries `supportMeasure` (our
 * contract) for that person only; B's 特例転入 commits them under 仮支援措置, which blocks B's counter copy until a
 * 支援措置責任者 at B decides.
 */
describe('支援措置 travels with a 転出: A (MariaDB) → CS → B (SQLite)', () => {
  let towns: TwoTowns;
  let A: TestSystem;
  let B: TestSystem;

  beforeAll(async () => {
    towns = await startTwoTowns({ households: 6 });
    ({ A, B } = towns);
  });
  afterAll(async () => towns?.close());

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
      body: specialMoveOut(moversOf(household), today()),
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
    await certificatesHeld(B, codes);
    // the CS carried the flag for the protected person only
    const sent = (await towns.received('move-out-certificates')).filter((m) => m.body.fromMunicipalityCode === A_CODE);
    const byCode = new Map(sent.map((m) => [m.body.certificate.residentRecordCode, m.body.certificate]));
    expect(byCode.get(protectedOne!.residentRecordCode)?.supportMeasure).toBe(true);
    expect(byCode.get(other!.residentRecordCode)?.supportMeasure).toBeUndefined();

    const specialId = await fileSpecialMoveIn(
      B,
      bClerk,
      specialMoveInOf(
        household,
        A_CODE,
        { address: '神奈川県相模原市中央区中央二丁目1番1号', addressSupplement: 'ハイツ中央101号室' },
        today(),
      ),
    );
    expect((await B.api('POST', `/api/cases/${specialId}/approve`, { token: bApprover })).status).toBe(200);
    await caseStatus(B, bClerk, specialId, CaseStatus.COMPLETED);

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

import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HeldCertificateStatus } from '../../../src/procedures/held-certificate/definition';
import { MoveOutStatus } from '../../../src/procedures/move-out/definition';
import { SpecialMoveInStatus } from '../../../src/procedures/special-move-in/definition';
import { CaseStatus } from '../../../src/domain/case-status';
import { addDays } from '../../../src/domain/dates';
import { CaseRecord, HeldMoveOutCertificate, type Resident } from '../../../src/db/entities';
import { loadDemoTown } from '../../../src/db/seed/load-demo';
import { moveInApplication, today } from '../../support/fixtures';
import { piiOf } from '../../support/harness';
import { certificateInfoFrom, householdMovers, moversOf, specialMoveInFor, TOWN_B } from '../../support/move-fixtures';
import { demoHousehold, onlineContent } from '../../support/online-fixtures';
import { eventually, freshMariaDbUrl, startTestSystem, type TestSystem } from '../../support/system-harness';

/**
 * Cases a deploy finds waiting, for the replay recordings (`npm run replay:record`, project `replay-scenarios`, only
 * defined while RECORD_HISTORIES is set): each one is driven through the API to a step where it waits and is left
 * open, so that its history is a running one. The other tests take their cases to the end; these open histories are
 * what a new worker replays after a deploy. Only the HTTP API is used (no workflow imports): the workflow code may
 * move without this file changing.
 */
describe('cases left waiting (recorded for the replay test)', () => {
  let sys: TestSystem;
  let clerk: string;
  let approver: string;

  beforeAll(async () => {
    sys = await startTestSystem(freshMariaDbUrl(), { portalSimulator: true });
    const town = await loadDemoTown(sys.orm, piiOf(sys.config), { households: 10 });
    await sys.csAdmin('POST', 'registered', { residentRecordCodes: town.residentRecordCodes });
    [clerk, approver] = await Promise.all([sys.login('clerk1'), sys.login('approver1')]);
  });
  afterAll(async () => sys?.close());

  const post = async (path: string, token: string, body: unknown = {}, headers: Record<string, string> = {}) => {
    const r = await sys.api('POST', path, { token, body, headers: { 'idempotency-key': randomUUID(), ...headers } });
    expect(r.status, `${path}: ${JSON.stringify(r.json)}`).toBeLessThan(300);
    return r.json;
  };
  const waitFor = async (caseId: string, status: string, extra: (c: any) => boolean = () => true) => {
    let last: any;
    try {
      return await eventually(async () => {
        last = (await sys.api('GET', `/api/cases/${caseId}`, { token: clerk })).json;
        return last?.status === status && extra(last) ? last : undefined;
      }, 90_000);
    } catch {
      throw new Error(`case ${caseId} is ${last?.status} (${last?.failingStep ?? '-'}: ${last?.lastError ?? '-'})`);
    }
  };

  it('a 転入 returned by the approver (差戻し) waits for its maker to resubmit', async () => {
    const { caseId } = await post('/api/cases/move-in', clerk, moveInApplication({ certificateRequest: undefined }));
    await waitFor(caseId, CaseStatus.AWAITING_APPROVAL);
    await post(`/api/cases/${caseId}/request-changes`, approver, { reason: '前住所の方書が転出証明書と異なる' });
    expect(await waitFor(caseId, CaseStatus.RETURNED)).toMatchObject({ assignedTo: 'clerk1' });
  });

  it('a 転出 at the counter, approved, waits for its planned date (転出予定者)', async () => {
    const movers = await householdMovers(sys.orm, 0);
    const { caseId } = await post('/api/cases/move-out', clerk, {
      movers,
      destination: { address: '神奈川県相模原市中央区中央一丁目1番1号', municipalityCode: TOWN_B },
      plannedMoveOutDate: addDays(today(), 10),
      path: 'paper',
      notifier: { kind: 'self' },
      identityDocument: { type: 'driversLicence' },
    });
    await waitFor(caseId, CaseStatus.AWAITING_APPROVAL);
    await post(`/api/cases/${caseId}/approve`, approver);
    await waitFor(caseId, MoveOutStatus.AWAITING_MOVE_OUT_DATE);
  });

  it('a 特例転入 without held information sent a 送信依頼 and waits for the 転出証明書情報', async () => {
    const cert = certificateInfoFrom(sys.config.municipalityCode, addDays(today(), -1));
    const { caseId } = await post('/api/cases/special-move-in', clerk, specialMoveInFor(cert, today()));
    const c = await waitFor(caseId, SpecialMoveInStatus.AWAITING_CERTIFICATE_INFO, (x) => x.actions.length > 0);
    expect(c.needsAttention).toBe(false);
  });

  it('転出証明書情報 from another town is held until its purge date', async () => {
    const cert = certificateInfoFrom(sys.config.municipalityCode, addDays(today(), -3));
    const r = await sys.api('POST', '/cs-inbound/v1/move-out-certificates', {
      headers: { authorization: `Bearer ${sys.config.csInboundToken}` },
      body: cert,
    });
    expect(r.status).toBe(202);
    await eventually(async () => {
      const em = sys.orm.em.fork();
      const held = await em.findOne(HeldMoveOutCertificate, { messageId: cert.idempotencyKey });
      const row = held && (await em.findOne(CaseRecord, { caseId: held.heldId }));
      return row?.status === HeldCertificateStatus.HELD ? true : undefined;
    });
  });

  it('an online 転出 waits for the clerk’s review; another, reviewed, waits for 決裁', async () => {
    const submit = async (n: number) => {
      const content = onlineContent(await demoHousehold(sys.orm, n));
      const r = await sys.portalAdmin('POST', 'applications', {
        municipalityCode: sys.config.municipalityCode,
        scenario: 'valid',
        content,
      });
      expect(r.json.sent.status).toBe(201);
      return String(r.json.sent.body.caseId);
    };
    const waiting = await submit(2);
    const reviewed = await submit(3);
    await waitFor(waiting, CaseStatus.AWAITING_REVIEW);
    await waitFor(reviewed, CaseStatus.AWAITING_REVIEW);
    await post(`/api/cases/${reviewed}/confirm-review`, clerk, { reason: '添付の内容を確認' });
    await waitFor(reviewed, CaseStatus.AWAITING_APPROVAL);
  });

  it('a 個人番号カード reported produced by J-LIS waits at the office for its handover', async () => {
    const [holder] = await demoHousehold(sys.orm, 5);
    const r = await sys.api('POST', '/jlis-inbound/v1/cards-produced', {
      headers: { authorization: `Bearer ${sys.config.jlisInboundToken}` },
      body: {
        messageId: randomUUID(),
        municipalityCode: sys.config.municipalityCode,
        cardId: `REPLAYCARD${Date.now().toString(36).toUpperCase()}`, // no 12-digit run (the scan looks for numbers)
        residentRecordCode: holder!.residentRecordCode,
        producedOn: today(),
        hasSigningCert: true,
      },
    });
    expect(r.status, JSON.stringify(r.json)).toBe(202);
    await waitFor(r.json.caseId, CaseStatus.AWAITING_REVIEW);
  });

  it('a 住民票の写し is issued at the counter', async () => {
    const [head] = await demoHousehold(sys.orm, 4);
    const r = await sys.api('POST', '/api/certificates/resident-record-copy', {
      token: clerk,
      headers: { 'x-request-id': randomUUID() },
      body: {
        addresseeNumbers: [head!.addresseeNumber],
        options: { includeHouseholdHead: true },
        requester: { relation: 'self' },
        identityDocument: { type: 'myNumberCard' },
      },
    });
    expect(r.status, JSON.stringify(r.json)).toBe(201);
  });

  /** Demo households not used above (0 and 2–5 are), each at most once; `pick` chooses among them. */
  const used = new Set<string>();
  const freshHousehold = async (pick: (members: Resident[]) => boolean) => {
    for (let n = 6; ; n++) {
      const members = await demoHousehold(sys.orm, n);
      if (!used.has(members[0]!.householdNumber) && pick(members)) {
        used.add(members[0]!.householdNumber);
        return members;
      }
    }
  };
  const counterBasics = { notifier: { kind: 'self' }, identityDocument: { type: 'driversLicence' } };

  it('a 転居 of a whole household waits for 決裁', async () => {
    const members = await freshHousehold(() => true);
    const { caseId } = await post('/api/cases/move-within', clerk, {
      movers: moversOf(members),
      newAddress: { address: '東京都武蔵野市中町三丁目9番9号', postalCode: '180-0006' },
      moveDate: addDays(today(), -2),
      household: { mode: 'whole' },
      ...counterBasics,
    });
    await waitFor(caseId, CaseStatus.AWAITING_APPROVAL);
  });

  it('a 世帯主変更 waits for 決裁', async () => {
    const members = await freshHousehold((m) => m.length >= 2 && m[1]!.relationshipToHead === '妻');
    const [head, wife, ...rest] = members;
    const { caseId } = await post('/api/cases/household-change', clerk, {
      kind: 'headChange',
      householdNumber: head!.householdNumber,
      persons: [
        { addresseeNumber: wife!.addresseeNumber, relationshipToHead: '世帯主' },
        { addresseeNumber: head!.addresseeNumber, relationshipToHead: '夫' },
        ...rest.map((r) => ({ addresseeNumber: r.addresseeNumber, relationshipToHead: r.relationshipToHead })),
      ],
      changeDate: addDays(today(), -1),
      ...counterBasics,
    });
    await waitFor(caseId, CaseStatus.AWAITING_APPROVAL);
  });

  it('a 死亡 of a household member waits for 決裁', async () => {
    const members = await freshHousehold((m) => m.length >= 2);
    const { caseId } = await post('/api/cases/death', clerk, {
      addresseeNumber: members[members.length - 1]!.addresseeNumber,
      deathDate: addDays(today(), -2),
      deathPlace: '東京都武蔵野市',
      familyRegisterNotice: { receivedDate: addDays(today(), -1), notifierName: '届出　太郎' },
    });
    await waitFor(caseId, CaseStatus.AWAITING_APPROVAL);
  });

  // last: the CS outage would hold up the other cases' messages
  it('a 転入 approved while the CS is down keeps retrying its delivery', async () => {
    const { caseId } = await post('/api/cases/move-in', clerk, moveInApplication({ certificateRequest: undefined }));
    await waitFor(caseId, CaseStatus.AWAITING_APPROVAL);
    await sys.csAdmin('POST', 'faults', { outage: { durationMs: 3600_000 } });
    await post(`/api/cases/${caseId}/approve`, approver);
    // one failed attempt is enough: the CS's Retry-After (honoured since issue 14) holds the next one back
    await waitFor(caseId, CaseStatus.DELIVERING, (c) => (c.attempt ?? 0) >= 1);
  });
});

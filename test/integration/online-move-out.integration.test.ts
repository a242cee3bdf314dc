import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OnlineMoveOutContent } from '../../src/procedures/online-move-out/schema';
import { CaseStatus } from '../../src/domain/case-status';
import { addDays } from '../../src/domain/dates';
import { ResidentStatus } from '../../src/domain/registry-values';
import { CaseApplication, CaseRecord, HeldMoveOutCertificate, PortalRejection, Resident } from '../../src/db/entities';
import { today } from '../support/fixtures';
import { specialMoveInOf } from '../support/move-fixtures';
import { demoHousehold, onlineContent } from '../support/online-fixtures';
import { caseStatus, eventually, type TestSystem } from '../support/system-harness';
import { A_CODE, certificatesHeld, fileSpecialMoveIn, startTwoTowns, type TwoTowns } from '../support/two-towns';
import { MoveOutStatus } from '../../src/procedures/move-out/definition';

/**
 * マイナポータル simulator → town A (さくら市, MariaDB: where the resident files online) → town B (SQLite) on real
 * parts: the portal signs with its test CA (A trusts it), submits over HTTP with signed requests; A's clerk and approver
 * handle it; the 転出証明書情報 with the 来庁予定日 reaches B through the CS simulator; B's 特例転入 sends the 転入通知
 * back to A.
 */
describe('online 転出: portal → origin → destination → 特例転入 → 転入通知', () => {
  let towns: TwoTowns;
  let A: TestSystem;
  let B: TestSystem;
  let tokens: { aClerk: string; aApprover: string; bClerk: string; bApprover: string };
  const submit = async (scenario: string, content: OnlineMoveOutContent) => {
    const r = await A.portalAdmin('POST', 'applications', { municipalityCode: A_CODE, scenario, content });
    expect(r.status).toBe(200);
    return r.json as {
      applicationId: string;
      sent: { status: number; body: any };
      replay?: { status: number; body: any };
    };
  };
  const notices = async (applicationId: string) =>
    (
      (await A.portalAdmin('GET', 'received?kind=notices')).json.items as Array<{
        body: { applicationId: string; kind: string };
      }>
    )
      .filter((n) => n.body.applicationId === applicationId)
      .map((n) => n.body.kind);

  beforeAll(async () => {
    towns = await startTwoTowns({ households: 12, portalSimulator: true });
    ({ A, B } = towns);
    const [aClerk, aApprover, bClerk, bApprover] = await Promise.all([
      A.login('clerk1'),
      A.login('approver1'),
      B.login('clerk1'),
      B.login('approver1'),
    ]);
    tokens = { aClerk, aApprover, bClerk, bApprover };
  });
  afterAll(async () => towns?.close());

  it('a signed application completes end to end: review, 決裁, held at B with the 来庁予定日, 特例転入, 転入通知 back to A', async () => {
    const members = await demoHousehold(A.orm, 0, 2);
    const content = onlineContent(members, { plannedMoveOutDate: today(), plannedVisitDate: today() });
    const sent = await submit('valid', content);
    expect(sent.sent).toMatchObject({ status: 201, body: { status: 'RECEIVED' } });
    const caseId = String(sent.sent.body.caseId);
    const again = await submit('valid', content); // a new application ID: a second, separate application
    expect(again.sent.status).toBe(201);
    await A.api('POST', `/api/cases/${again.sent.body.caseId}/reject`, {
      token: tokens.aClerk,
      body: { reason: '同じ内容の申請が重複しています' },
    });

    await caseStatus(A, tokens.aClerk, caseId, CaseStatus.AWAITING_REVIEW);
    expect((await A.api('POST', `/api/cases/${caseId}/approve`, { token: tokens.aApprover })).json.error).toBe(
      'NOT_AWAITING_APPROVAL',
    );
    expect(
      (await A.api('POST', `/api/cases/${caseId}/confirm-review`, { token: tokens.aClerk, body: {} })).status,
    ).toBe(200);
    expect((await A.api('POST', `/api/cases/${caseId}/approve`, { token: tokens.aApprover })).status).toBe(200);
    await caseStatus(A, tokens.aClerk, caseId, MoveOutStatus.AWAITING_MOVE_IN_NOTICE); // P = today: the 除票 at once
    await eventually(async () => ((await notices(sent.applicationId)).includes('COMPLETED') ? true : undefined));
    expect(await notices(again.applicationId)).toEqual(['REJECTED']);

    const codes = (
      await A.orm.em.fork().find(Resident, { addresseeNumber: { $in: members.map((m) => m.addresseeNumber) } })
    ).map((r) => r.residentRecordCode!);
    const held = await eventually(async () => {
      const rows = await B.orm.em
        .fork()
        .find(HeldMoveOutCertificate, { residentRecordCode: { $in: codes }, state: 'HELD' });
      return rows.length === codes.length ? rows : undefined;
    });
    expect(held.every((h) => h.plannedVisitDate === today())).toBe(true);
    const visitors = await B.orm.em.fork().find(CaseRecord, { caseId: { $in: held.map((h) => h.heldId) } });
    expect(visitors.every((v) => v.plannedVisitDate === today())).toBe(true); // B's "expected visitors today"

    const aResidents = await A.orm.em.fork().find(Resident, { residentRecordCode: { $in: codes } });
    const specialId = await fileSpecialMoveIn(
      B,
      tokens.bClerk,
      specialMoveInOf(aResidents, A_CODE, { address: '神奈川県相模原市中央区中央一丁目1番1号' }, today()),
    );
    expect((await B.api('POST', `/api/cases/${specialId}/approve`, { token: tokens.bApprover })).status).toBe(200);
    await caseStatus(B, tokens.bClerk, specialId, CaseStatus.COMPLETED);
    await caseStatus(A, tokens.aClerk, caseId, CaseStatus.COMPLETED);
    for (const r of await A.orm.em.fork().find(Resident, { residentRecordCode: { $in: codes } })) {
      expect(r).toMatchObject({
        status: ResidentStatus.REMOVED,
        plannedMoveOutDate: today(),
        confirmedMoveOutDate: today(),
      });
    }
  });

  it('refuses every bad application with a specific reason, stores only the rejection record, starts nothing', async () => {
    const members = await demoHousehold(A.orm, 1, 2);
    const child = members.find((m) => m.birthDate > addDays(today(), -15 * 365)) ?? members[members.length - 1]!;
    const cases = async () => A.orm.em.fork().count(CaseRecord, {});
    const before = await cases();
    const expectRejected = async (scenario: string, content: OnlineMoveOutContent, status: number, code: string) => {
      const r = await submit(scenario, content);
      const answer = r.replay ?? r.sent;
      expect({ scenario, status: answer.status, code: answer.body.reasons?.[0]?.rule ?? answer.body.error }).toEqual({
        scenario,
        status,
        code,
      });
      expect(JSON.stringify(answer.body)).not.toContain(members[0]!.familyName); // no personal data in the answer
      return r.applicationId;
    };
    const ok = onlineContent(members);
    const signatureFailures: Array<[string, string]> = [
      ['tampered', 'BAD_SIGNATURE'],
      ['otherKey', 'BAD_SIGNATURE'],
      ['expired', 'CERTIFICATE_EXPIRED'],
      ['notYetValid', 'CERTIFICATE_NOT_YET_VALID'],
      ['revoked', 'CERTIFICATE_REVOKED'],
      ['revokedIntermediate', 'CERTIFICATE_REVOKED'],
      ['untrusted', 'UNTRUSTED_CHAIN'],
      ['wrongSigner', 'SIGNER_NOT_APPLICANT'],
    ];
    for (const [scenario, code] of signatureFailures) {
      const id = await expectRejected(scenario, ok, 422, code);
      expect(await A.orm.em.fork().findOne(PortalRejection, { applicationId: id })).toMatchObject({
        stage: 'signature',
        reasons: [expect.objectContaining({ rule: code })],
      });
    }
    const replayed = await submit('replay', ok);
    expect([replayed.sent.status, replayed.replay?.status, replayed.replay?.body.error]).toEqual([
      201,
      401,
      'REPLAYED_NONCE',
    ]);
    await expectRejected('staleRequest', ok, 401, 'STALE_TIMESTAMP');
    await expectRejected('badRequestSignature', ok, 401, 'BAD_SIGNATURE');
    await expectRejected('oversized', ok, 413, 'PAYLOAD_TOO_LARGE');
    const eligibility: Array<[Partial<OnlineMoveOutContent>, string]> = [
      [
        {
          applicant: {
            familyName: child.familyName,
            givenName: child.givenName,
            birthDate: addDays(today(), -14 * 365),
            sex: child.sex,
            isMover: true,
          },
        },
        'SIGNER_UNDER_15',
      ],
      [{ destination: { address: 'アメリカ合衆国ニューヨーク州', abroad: true } }, 'ABROAD'],
      [{ plannedMoveOutDate: addDays(today(), 40), plannedVisitDate: undefined }, 'OUTSIDE_WINDOW'],
      [
        // signed on its planned date (inside the window), received 12 days later (outside): judged on the reception
        {
          applicationDate: addDays(today(), -12),
          plannedMoveOutDate: addDays(today(), -12),
          plannedVisitDate: undefined,
        },
        'OUTSIDE_WINDOW',
      ],
      [
        { applicant: { familyName: '見本', givenName: '太郎', birthDate: '1980-01-01', sex: '1', isMover: false } },
        'SIGNER_NOT_IN_HOUSEHOLD',
      ],
      [{ destination: { address: 'さくら市内', municipalityCode: A_CODE } }, 'DESTINATION_IS_HERE'],
    ];
    for (const [over, code] of eligibility) {
      const id = await expectRejected('valid', onlineContent(members, over), 422, code);
      expect(await A.orm.em.fork().findOne(PortalRejection, { applicationId: id })).toMatchObject({
        stage: 'eligibility',
      });
    }
    expect(await cases()).toBe(before + 1); // only the original of the replayed request
    expect(
      await A.orm.em
        .fork()
        .count(CaseApplication, { procedure: 'ONLINE_MOVE_OUT', idempotencyKey: { $like: 'portal:%' } }),
    ).toBe(3);
  });

  it('the portal cancels after 本登録: the residents are restored, B discards the certificate information, the portal is told', async () => {
    const members = await demoHousehold(A.orm, 2);
    const sent = await submit('valid', onlineContent(members));
    const caseId = String(sent.sent.body.caseId);
    await caseStatus(A, tokens.aClerk, caseId, CaseStatus.AWAITING_REVIEW);
    expect(
      (await A.api('POST', `/api/cases/${caseId}/confirm-review`, { token: tokens.aClerk, body: {} })).status,
    ).toBe(200);
    await caseStatus(A, tokens.aClerk, caseId, CaseStatus.AWAITING_APPROVAL);
    const approved = await A.api('POST', `/api/cases/${caseId}/approve`, { token: tokens.aApprover });
    expect(approved.status, JSON.stringify(approved.json)).toBe(200);
    await caseStatus(A, tokens.aClerk, caseId, MoveOutStatus.AWAITING_MOVE_OUT_DATE);
    const codes = (
      await A.orm.em.fork().find(Resident, { addresseeNumber: { $in: members.map((m) => m.addresseeNumber) } })
    ).map((r) => r.residentRecordCode!);
    await certificatesHeld(B, codes);

    const cancel = await A.portalAdmin('POST', `applications/${sent.applicationId}/cancel`);
    expect(cancel.json).toMatchObject({ status: 202, body: { status: 'CANCELLING' } });
    await caseStatus(A, tokens.aClerk, caseId, CaseStatus.CANCELLED);
    for (const r of await A.orm.em
      .fork()
      .find(Resident, { addresseeNumber: { $in: members.map((m) => m.addresseeNumber) } })) {
      expect(r.status).toBe(ResidentStatus.RESIDENT);
    }
    await eventually(async () =>
      (await B.orm.em.fork().count(HeldMoveOutCertificate, { residentRecordCode: { $in: codes } })) === 0
        ? true
        : undefined,
    );
    expect(
      await B.orm.em.fork().count(HeldMoveOutCertificate, { state: 'PURGED', withdrawnAt: { $ne: null } }),
    ).toBeGreaterThanOrEqual(codes.length);
    await eventually(async () =>
      (await notices(sent.applicationId)).join() === 'COMPLETED,CANCELLED' ? true : undefined,
    );
    const again = await A.portalAdmin('POST', `applications/${sent.applicationId}/cancel`); // a re-sent cancellation
    expect(again.json).toMatchObject({ status: 200, body: { status: 'CANCELLED' } });
  });
});

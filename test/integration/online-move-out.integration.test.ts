import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keyBytes } from '../../src/config';
import type { OnlineMoveOutContent } from '../../src/procedures/online-move-out/schema';
import { CaseStatus } from '../../src/domain/case-status';
import { withMunicipalityCheckDigit } from '../../src/domain/check-digits';
import { addDays } from '../../src/domain/dates';
import { ResidentStatus } from '../../src/domain/registry-values';
import { CaseApplication, CaseRecord, HeldMoveOutCertificate, PortalRejection, Resident } from '../../src/db/entities';
import { createPiiCrypto } from '../../src/db/pii-crypto';
import { loadDemoTown } from '../../src/db/seed/load-demo';
import { startCsSimulator, type RunningCsSimulator } from '../../src/partners/cs-simulator';
import { today } from '../support/fixtures';
import { demoHousehold, onlineContent } from '../support/online-fixtures';
import { eventually, freshMariaDbUrl, startTestSystem, type TestSystem } from '../support/system-harness';
import { MoveOutStatus } from '../../src/procedures/move-out/definition';

const A_CODE = withMunicipalityCheckDigit('13999'); // さくら市: the origin, where the resident files online
const B_CODE = withMunicipalityCheckDigit('14150'); // the destination
const CS_TOKEN = `cs-token-${randomUUID()}`;
const sqliteUrl = () => `sqlite:${join(mkdtempSync(join(tmpdir(), 'juki-b-')), 'registry.sqlite')}`;

/**
 * マイナポータル simulator → town A (MariaDB) → town B (SQLite) on real parts: the portal signs with its test CA
 * (A trusts it), submits over HTTP with signed requests; A's clerk and approver handle it; the 転出証明書情報 with the
 * 来庁予定日 reaches B through the CS simulator; B's 特例転入 sends the 転入通知 back to A.
 */
describe('online 転出: portal → origin → destination → 特例転入 → 転入通知', () => {
  let cs: RunningCsSimulator;
  let A: TestSystem;
  let B: TestSystem;
  let tokens: { aClerk: string; aApprover: string; bClerk: string; bApprover: string };
  const csAdmin = async (method: string, path: string, body?: unknown) => {
    const r = await fetch(`${cs.url}/cs/v1/_admin/${path}`, {
      method,
      headers: { authorization: `Bearer ${CS_TOKEN}`, 'content-type': 'application/json' },
      body: body ? JSON.stringify(body) : undefined,
    });
    return r.status === 204 ? undefined : r.json();
  };
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
  const status = async (sys: TestSystem, token: string, caseId: string, want: string) => {
    let last: any;
    try {
      return await eventually(async () => {
        last = (await sys.api('GET', `/api/cases/${caseId}`, { token })).json;
        return last?.status === want ? last : undefined;
      }, 90_000);
    } catch {
      throw new Error(
        `case ${caseId} is ${last?.status} (${last?.attentionReason ?? '-'}; ${last?.failingStep ?? '-'}: ${last?.lastError ?? '-'}), not ${want}`,
      );
    }
  };

  beforeAll(async () => {
    cs = await startCsSimulator({ token: CS_TOKEN, forwarding: { initialBackoffMs: 100, maxBackoffMs: 1000 } });
    const town = (code: string, name: string) => ({
      municipalityCode: code,
      municipalityName: name,
      csUrl: cs.url,
      csToken: CS_TOKEN,
    });
    A = await startTestSystem(freshMariaDbUrl(), {
      config: town(A_CODE, 'さくら市'),
      csSimulator: false,
      portalSimulator: true,
    });
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
      { households: 12 },
    );
    await csAdmin('POST', 'registered', { residentRecordCodes: loaded.residentRecordCodes });
    const [aClerk, aApprover, bClerk, bApprover] = await Promise.all([
      A.login('clerk1'),
      A.login('approver1'),
      B.login('clerk1'),
      B.login('approver1'),
    ]);
    tokens = { aClerk, aApprover, bClerk, bApprover };
  });
  afterAll(async () => {
    await A?.close();
    await B?.close();
    await cs?.close();
  });

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

    await status(A, tokens.aClerk, caseId, CaseStatus.AWAITING_REVIEW);
    expect((await A.api('POST', `/api/cases/${caseId}/approve`, { token: tokens.aApprover })).json.error).toBe(
      'NOT_AWAITING_APPROVAL',
    );
    expect(
      (await A.api('POST', `/api/cases/${caseId}/confirm-review`, { token: tokens.aClerk, body: {} })).status,
    ).toBe(200);
    expect((await A.api('POST', `/api/cases/${caseId}/approve`, { token: tokens.aApprover })).status).toBe(200);
    await status(A, tokens.aClerk, caseId, MoveOutStatus.AWAITING_MOVE_IN_NOTICE); // P = today: the 除票 at once
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
    const special = await B.api('POST', '/api/cases/special-move-in', {
      token: tokens.bClerk,
      headers: { 'idempotency-key': randomUUID() },
      body: {
        persons: aResidents.map((r) => ({
          residentRecordCode: r.residentRecordCode,
          familyName: r.familyName,
          givenName: r.givenName,
          birthDate: r.birthDate,
          sex: r.sex,
          relationshipToHead: r.relationshipToHead,
        })),
        originMunicipalityCode: A_CODE,
        address: { address: '神奈川県相模原市中央区中央一丁目1番1号' },
        moveInDate: today(),
        household: { mode: 'new' },
        notifier: { kind: 'self' },
      },
    });
    expect(special.status).toBe(201);
    await status(B, tokens.bClerk, special.json.caseId, CaseStatus.AWAITING_APPROVAL);
    expect((await B.api('POST', `/api/cases/${special.json.caseId}/approve`, { token: tokens.bApprover })).status).toBe(
      200,
    );
    await status(B, tokens.bClerk, special.json.caseId, CaseStatus.COMPLETED);
    await status(A, tokens.aClerk, caseId, CaseStatus.COMPLETED);
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
    await status(A, tokens.aClerk, caseId, CaseStatus.AWAITING_REVIEW);
    await A.api('POST', `/api/cases/${caseId}/confirm-review`, { token: tokens.aClerk, body: {} });
    await A.api('POST', `/api/cases/${caseId}/approve`, { token: tokens.aApprover });
    await status(A, tokens.aClerk, caseId, MoveOutStatus.AWAITING_MOVE_OUT_DATE);
    const codes = (
      await A.orm.em.fork().find(Resident, { addresseeNumber: { $in: members.map((m) => m.addresseeNumber) } })
    ).map((r) => r.residentRecordCode!);
    await eventually(async () =>
      (await B.orm.em.fork().count(HeldMoveOutCertificate, { residentRecordCode: { $in: codes }, state: 'HELD' })) ===
      codes.length
        ? true
        : undefined,
    );

    const cancel = await A.portalAdmin('POST', `applications/${sent.applicationId}/cancel`);
    expect(cancel.json).toMatchObject({ status: 202, body: { status: 'CANCELLING' } });
    await status(A, tokens.aClerk, caseId, CaseStatus.CANCELLED);
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

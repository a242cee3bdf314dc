import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays } from '../../src/domain/dates';
import { ResidentStatus } from '../../src/domain/registry-values';
import { AuditLog, InboundMessage, Resident } from '../../src/db/entities';
import { MoveOutStatus } from '../../src/procedures/move-out/definition';
import { today } from '../support/fixtures';
import { householdMovers, specialMoveOut } from '../support/move-fixtures';
import { caseStatus, eventually, type TestSystem } from '../support/system-harness';
import { A_CODE, B_CODE, certificatesHeld, startTwoTowns, THIRD_CODE, type TwoTowns } from '../support/two-towns';

/**
 * Issue 13 item 4, attack suite: each town has its own credential at the others (the CS presents the sender's), the
 * sender code in a message must be the credential's, and a 転入通知 or 送信依頼 about a person is believed only from
 * the town the person's 転出 was declared to. A 転出 A → B is pending (転出予定者, P in 10 days) while a third town
 * (with a valid credential of its own) and B's credential misused try to end it or to obtain its 転出証明書情報.
 */
describe('partner credentials per sender: forged CS messages change nothing', () => {
  let towns: TwoTowns;
  let A: TestSystem;
  let codes: string[];
  let person: Resident;
  let moveOutCaseId: string;

  beforeAll(async () => {
    towns = await startTwoTowns({ households: 3 });
    A = towns.A;
    const [clerk, approver] = await Promise.all([A.login('clerk1'), A.login('approver1')]);
    const movers = await householdMovers(A.orm, 0);
    const out = await A.api('POST', '/api/cases/move-out', {
      token: clerk,
      headers: { 'idempotency-key': randomUUID() },
      body: specialMoveOut(movers, addDays(today(), 10)),
    });
    expect(out.status).toBe(201);
    moveOutCaseId = out.json.caseId;
    expect((await A.api('POST', `/api/cases/${moveOutCaseId}/approve`, { token: approver })).status).toBe(200);
    await caseStatus(A, clerk, moveOutCaseId, MoveOutStatus.AWAITING_MOVE_OUT_DATE);
    const residents = await A.orm.em
      .fork()
      .find(Resident, { addresseeNumber: { $in: movers.map((m) => m.addresseeNumber) } });
    codes = residents.map((r) => r.residentRecordCode!);
    person = residents[0]!;
    await certificatesHeld(towns.B, codes); // the genuine 転出証明書情報 went to B
  });
  afterAll(async () => towns?.close());

  const noticeFrom = (from: string, key = `forged-${randomUUID()}`) => ({
    fromMunicipalityCode: from,
    toMunicipalityCode: A_CODE,
    idempotencyKey: key,
    notice: {
      residentRecordCode: person.residentRecordCode!,
      name: `${person.familyName}　${person.givenName}`,
      birthDate: person.birthDate,
      sex: person.sex,
      newAddress: '大阪府大阪市北区梅田一丁目1番1号',
      moveInDate: today(),
      previousAddress: '東京都さくら市本町一丁目1番1号',
      notificationDate: today(),
    },
  });
  const requestFrom = (from: string) => ({
    fromMunicipalityCode: from,
    toMunicipalityCode: A_CODE,
    idempotencyKey: `forged-req-${randomUUID()}`,
    request: {
      residentRecordCode: person.residentRecordCode!,
      name: `${person.familyName}　${person.givenName}`,
      birthDate: person.birthDate,
    },
  });
  /** Through the CS simulator, which delivers with the sending town's own credential. */
  const viaCs = async (path: string, body: { idempotencyKey: string }) => {
    const r = await fetch(`${towns.cs.url}/cs/v1/${path}`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${towns.csToken}`,
        'content-type': 'application/json',
        'idempotency-key': body.idempotencyKey,
      },
      body: JSON.stringify(body),
    });
    expect(r.status).toBeLessThan(300);
  };
  /** Straight to A's inbound API with a credential of our choice. */
  const direct = (path: string, body: unknown, token?: string) =>
    fetch(`${A.apiUrl}/cs-inbound/v1/${path}`, {
      method: 'POST',
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), 'content-type': 'application/json' },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    }).then(async (r) => ({ status: r.status, json: (await r.json()) as any }));
  const inboundRow = (key: string) =>
    eventually(async () => (await A.orm.em.fork().findOne(InboundMessage, { idempotencyKey: key })) ?? undefined);
  const personStatus = async () =>
    (await A.orm.em.fork().findOneOrFail(Resident, { addresseeNumber: person.addresseeNumber })).status;
  const refusals = (reason: string) =>
    A.orm.em
      .fork()
      .find(AuditLog, { actorId: 'partner:cs-inbound', outcome: 'denied' })
      .then((rows) => rows.filter((r) => (r.detail as { reason?: string } | undefined)?.reason === reason));

  it('a forged 転入通知 from a town the person did not move to is kept FLAGGED: no 除票, the case still waits', async () => {
    const forged = noticeFrom(THIRD_CODE);
    await viaCs('move-in-notices', forged);
    const row = await inboundRow(forged.idempotencyKey);
    expect(row.status).toBe('FLAGGED');
    expect(row.fromMunicipalityCode).toBe(THIRD_CODE);
    await new Promise((r) => setTimeout(r, 1500)); // a 除票 would follow the signal within a second
    expect(await personStatus()).toBe(ResidentStatus.PENDING_MOVE_OUT);
    const clerk = await A.login('clerk1');
    expect((await A.api('GET', `/api/cases/${moveOutCaseId}`, { token: clerk })).json.status).toBe(
      MoveOutStatus.AWAITING_MOVE_OUT_DATE,
    );
  });

  it('a forged 送信依頼 from another town is kept FLAGGED and no 転出証明書情報 (with the 個人番号) leaves A for it', async () => {
    const forged = requestFrom(THIRD_CODE);
    await viaCs('certificate-requests', forged);
    expect((await inboundRow(forged.idempotencyKey)).status).toBe('FLAGGED');
    await new Promise((r) => setTimeout(r, 1500));
    const sent = await towns.received('move-out-certificates');
    expect(sent.filter((m) => m.body.toMunicipalityCode === THIRD_CODE)).toEqual([]);
    const fromA = sent.filter((m) => m.body.fromMunicipalityCode === A_CODE);
    expect(new Set(fromA.map((m) => m.body.toMunicipalityCode))).toEqual(new Set([B_CODE]));
  });

  it('a valid credential of B naming another sender is refused 403 SENDER_MISMATCH, audited, nothing stored', async () => {
    const before = (await refusals('SENDER_MISMATCH')).length;
    for (const claimed of [THIRD_CODE, A_CODE]) {
      const forged = noticeFrom(claimed);
      const r = await direct('move-in-notices', forged, towns.senderToken(B_CODE));
      expect(r.status).toBe(403);
      expect(r.json.error).toBe('SENDER_MISMATCH');
      expect(await A.orm.em.fork().count(InboundMessage, { idempotencyKey: forged.idempotencyKey })).toBe(0);
    }
    const r = await direct('certificate-requests', requestFrom(THIRD_CODE), towns.senderToken(B_CODE));
    expect(r.status).toBe(403);
    const audited = await refusals('SENDER_MISMATCH');
    expect(audited.length).toBe(before + 3);
    expect(audited.at(-1)!.detail).toMatchObject({ credentialOf: B_CODE, claimedSender: THIRD_CODE });
    expect(JSON.stringify(audited.map((a) => a.detail))).not.toContain(person.familyName);
    expect(await personStatus()).toBe(ResidentStatus.PENDING_MOVE_OUT);
  });

  it('no credential, an unknown one or A’s own is 401 before the body is read (malformed JSON too), and audited', async () => {
    const before = (await refusals('UNAUTHORIZED')).length;
    const forged = noticeFrom(B_CODE);
    expect((await direct('move-in-notices', forged)).status).toBe(401);
    expect((await direct('move-in-notices', forged, 'a-guessed-token-0123456789')).status).toBe(401);
    expect((await direct('move-in-notices', forged, towns.senderToken(A_CODE))).status).toBe(401);
    expect((await direct('move-in-notices', '{"not json', 'a-guessed-token-0123456789')).status).toBe(401);
    expect((await refusals('UNAUTHORIZED')).length).toBe(before + 4);
    expect(await A.orm.em.fork().count(InboundMessage, { idempotencyKey: forged.idempotencyKey })).toBe(0);
  });

  it('the genuine 転入通知 from B, with B’s credential, is accepted', async () => {
    const genuine = noticeFrom(B_CODE, `B-notice-${randomUUID()}`);
    const r = await direct('move-in-notices', genuine, towns.senderToken(B_CODE));
    expect(r.status).toBe(202);
    expect(r.json.status).toBe('ACCEPTED');
    await eventually(async () => ((await personStatus()) === ResidentStatus.REMOVED ? true : undefined));
  });
});

import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CaseStatus } from '../../src/domain/case-status';
import { withMunicipalityCheckDigit } from '../../src/domain/check-digits';
import { addDays } from '../../src/domain/dates';
import {
  AuditLog,
  CaseActionLog,
  CaseRecord,
  HeldMoveOutCertificate,
  InboundMessage,
  Resident,
} from '../../src/db/entities';
import type { ActivityDeps } from '../../src/activities/deps';
import { heldCertificatePurgeAt } from '../../src/domain/move-deadlines';
import { heldCertificateActivities } from '../../src/procedures/held-certificate/activities';
import { heldCertificateWorkflowId } from '../../src/procedures/held-certificate/workflow';
import type { MoveOutCertificateInfo } from '../../src/partners/cs-move-messages';
import { MoveOutStatus } from '../../src/procedures/move-out/definition';
import { SpecialMoveInStatus } from '../../src/procedures/special-move-in/definition';
import { randomIndividualNumber, randomResidentRecordCode, today } from '../support/fixtures';
import { piiOf } from '../support/harness';
import {
  certificateInfoFrom,
  householdMovers,
  specialMoveInFor,
  specialMoveInOf,
  specialMoveOut,
  withdrawalOf,
} from '../support/move-fixtures';
import { personValuesOf, scanRegistryDb } from '../support/registry-db-scan';
import { caseStatus, eventually, type TestSystem } from '../support/system-harness';
import { A_CODE, certificatesHeld, fileSpecialMoveIn, startTwoTowns, type TwoTowns } from '../support/two-towns';

// A: さくら市 (MariaDB; origin of the withdrawn 転出), B: the destination town (SQLite)
const ORIGIN = withMunicipalityCheckDigit('27100'); // a third town that only sends (the test speaks for it)

/**
 * Purge means gone (domain spec §4.5 step 2; seed 000 L439–440 「当該転出証明書情報を消去する」): after the purge of a
 * held 転出証明書情報 and after its withdrawal, no copy of its personal data is left in any table of the destination's
 * database (both SQLite and MariaDB), encrypted or not; only the stub. And a withdrawn certificate never commits a
 * 特例転入 (the person would be a resident of both towns).
 */
describe('held 転出証明書情報: purge and withdrawal leave nothing behind', () => {
  let towns: TwoTowns;
  let A: TestSystem;
  let B: TestSystem;
  const csPost = async (path: string, body: { idempotencyKey: string }) => {
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

  beforeAll(async () => {
    towns = await startTwoTowns({ households: 4 });
    ({ A, B } = towns);
  });
  afterAll(async () => towns?.close());

  /** A certificate of a person no demo resident resembles (each test person once per town), so a finding is a copy. */
  const PEOPLE = [
    { name: '勅使河原　朔太郎', nameKana: 'テシガワラ　サクタロウ', birthDate: '1932-02-29' },
    { name: '躑躅森　菖蒲', nameKana: 'ツツジモリ　アヤメ', birthDate: '1929-08-17' },
  ] as const;
  const certificateTo = (to: string, plannedMoveOutDate: string, who = 0): MoveOutCertificateInfo => {
    const person = PEOPLE[who]!;
    const base = certificateInfoFrom(to, plannedMoveOutDate, {
      residentRecordCode: randomResidentRecordCode(),
      individualNumber: randomIndividualNumber(),
    });
    return {
      ...base,
      fromMunicipalityCode: ORIGIN,
      idempotencyKey: `O-cert-${randomUUID()}`,
      certificate: {
        ...base.certificate,
        ...person,
        householdHeadName: person.name,
        familyRegisterHead: person.name,
        moverGroupId: `O-case-${randomUUID().slice(0, 8)}`,
      },
    };
  };
  const valuesOf = (m: MoveOutCertificateInfo) => personValuesOf(m.certificate);
  const heldOf = (t: TestSystem, messageId: string, state: string) =>
    eventually(async () => {
      const h = await t.orm.em.fork().findOne(HeldMoveOutCertificate, { messageId });
      return h?.state === state ? h : undefined;
    }, 30_000);

  for (const [db, town] of [
    ['SQLite', () => B],
    ['MariaDB', () => A],
  ] as const) {
    it(`${db}: the scanner finds a held certificate; after a withdrawal and after the purge, every table is clean`, async () => {
      const dest = town();
      const pii = piiOf(dest.config);
      const code = dest.config.municipalityCode;

      // held: the scanner finds the data (decrypted) — it cannot pass vacuously
      const held = certificateTo(code, today());
      await csPost('move-out-certificates', held);
      await heldOf(dest, held.idempotencyKey, 'HELD');
      const before = await scanRegistryDb(dest.orm, pii, valuesOf(held));
      expect(before.tables).toEqual(expect.arrayContaining(['held_move_out_certificate', 'inbound_message']));
      expect(before.findings).toContainEqual({
        table: 'held_move_out_certificate',
        column: 'payload_enc',
        what: '個人番号',
        via: 'decrypted',
      });
      expect(new Set(before.findings.map((f) => f.what))).toEqual(new Set(['name', 'kana', 'birth date', '個人番号']));

      // P + 31 already passed on arrival: the held-certificate workflow purges it at once (the timer's purge)
      const late = certificateTo(code, addDays(today(), -40), 1);
      await csPost('move-out-certificates', late);
      await heldOf(dest, late.idempotencyKey, 'PURGED');
      expect((await scanRegistryDb(dest.orm, pii, valuesOf(late))).findings).toEqual([]);

      // the same message delivered again is still recognised (idempotent), and stores nothing
      const again = await fetch(`${dest.apiUrl}/cs-inbound/v1/move-out-certificates`, {
        method: 'POST',
        headers: { authorization: `Bearer ${towns.senderToken(ORIGIN)}`, 'content-type': 'application/json' },
        body: JSON.stringify(late),
      });
      expect(again.status).toBe(200);
      expect((await again.json()).duplicate).toBe(true);
      expect(await dest.orm.em.fork().count(HeldMoveOutCertificate, { messageId: late.idempotencyKey })).toBe(1);
      expect((await scanRegistryDb(dest.orm, pii, valuesOf(late))).findings).toEqual([]);
      // a withdrawal of another 転出 of the same person (another mover group) does not touch this certificate
      const other = withdrawalOf(held, 'O-case-other');
      await csPost('move-out-certificate-withdrawals', other);
      await eventually(async () =>
        (await towns.received('move-out-certificate-withdrawals')).some(
          (i) => i.idempotencyKey === other.idempotencyKey && i.forward?.status === 'delivered',
        )
          ? true
          : undefined,
      );
      expect(
        (await dest.orm.em.fork().findOneOrFail(HeldMoveOutCertificate, { messageId: held.idempotencyKey })).state,
      ).toBe('HELD');

      // the withdrawal of this certificate: purged at once, nothing left anywhere
      await csPost('move-out-certificate-withdrawals', withdrawalOf(held));
      const stub = await heldOf(dest, held.idempotencyKey, 'PURGED');
      expect((await scanRegistryDb(dest.orm, pii, valuesOf(held))).findings).toEqual([]);
      expect(stub).toMatchObject({ originMunicipalityCode: ORIGIN, messageId: held.idempotencyKey });
      expect(stub.purgedAt).toBeInstanceOf(Date);
      expect(stub.withdrawnAt).toBeInstanceOf(Date);
      for (const gone of ['payloadEnc', 'residentRecordCode', 'plannedMoveOutDate', 'plannedVisitDate', 'purgeAt'])
        expect(stub[gone as keyof HeldMoveOutCertificate] ?? null).toBeNull();
      const heldCase = await eventually(async () => {
        const row = await dest.orm.em.fork().findOneOrFail(CaseRecord, { caseId: stub.heldId });
        return row.status === 'PURGED' ? row : undefined;
      });
      expect({ dueAt: heldCase.dueAt ?? null, plannedVisitDate: heldCase.plannedVisitDate ?? null }).toEqual({
        dueAt: null,
        plannedVisitDate: null,
      });
    });
  }

  /** What a 転出証明書情報 and its 取消 left at the destination (ids and times left out, to compare two runs). */
  const rowsOf = async (t: TestSystem, cert: MoveOutCertificateInfo, withdrawal: { idempotencyKey: string }) => {
    const em = t.orm.em.fork();
    const held = await em.findOneOrFail(HeldMoveOutCertificate, { messageId: cert.idempotencyKey });
    const caseRow = await em.findOneOrFail(CaseRecord, { caseId: held.heldId });
    const inbound = await em.find(
      InboundMessage,
      { idempotencyKey: { $in: [cert.idempotencyKey, withdrawal.idempotencyKey] } },
      { orderBy: { kind: 'asc' } },
    );
    const workflow = await t.temporal.workflow
      .getHandle(heldCertificateWorkflowId(held.heldId))
      .describe()
      .then(
        (d) => d.status.name,
        () => 'none',
      );
    return {
      held: {
        state: held.state,
        withdrawn: held.withdrawnAt instanceof Date,
        purged: held.purgedAt instanceof Date,
        personal: [held.payloadEnc, held.residentRecordCode, held.plannedMoveOutDate, held.purgeAt].filter(Boolean),
      },
      caseRow: {
        status: caseRow.status,
        dueAt: caseRow.dueAt ?? null,
        plannedVisitDate: caseRow.plannedVisitDate ?? null,
      },
      actions: (await em.find(CaseActionLog, { caseId: held.heldId }, { orderBy: { id: 'asc' } })).map((a) => ({
        action: a.action,
        detail: { ...a.detail, messageId: undefined },
      })),
      inbound: inbound.map((m) => ({
        kind: m.kind,
        status: m.status,
        ofCase: m.caseId === held.heldId,
        body: m.bodyEnc ?? null,
        matchKey: m.matchKey ?? null,
      })),
      audits: (await em.find(AuditLog, { caseId: held.heldId }, { orderBy: { id: 'asc' } }))
        .map((a) => a.function)
        .sort(),
      workflow,
    };
  };
  const deliveredBy = (kind: string, idempotencyKey: string) =>
    eventually(async () =>
      (await towns.received(kind)).some((i) => i.idempotencyKey === idempotencyKey && i.forward?.status === 'delivered')
        ? true
        : undefined,
    );

  for (const [db, town] of [
    ['SQLite', () => B],
    ['MariaDB', () => A],
  ] as const) {
    it(`${db}: a 取消 that arrives before its 転出証明書情報 withdraws it on arrival, exactly as in order`, async () => {
      const dest = town();
      const code = dest.config.municipalityCode;
      const planned = addDays(today(), 3);

      // in order: the certificate, then its 取消 (purged at once)
      const first = certificateTo(code, planned);
      const firstWithdrawal = withdrawalOf(first);
      await csPost('move-out-certificates', first);
      await heldOf(dest, first.idempotencyKey, 'HELD');
      await csPost('move-out-certificate-withdrawals', firstWithdrawal);
      await heldOf(dest, first.idempotencyKey, 'PURGED');
      const inOrder = await rowsOf(dest, first, firstWithdrawal);

      // out of order (domain spec §4.5, §4.4 step 5): the 取消 first — nothing held to match, kept UNMATCHED —
      // then its certificate
      const second = certificateTo(code, planned, 1);
      const secondWithdrawal = withdrawalOf(second);
      await csPost('move-out-certificate-withdrawals', secondWithdrawal);
      await deliveredBy('move-out-certificate-withdrawals', secondWithdrawal.idempotencyKey);
      const waiting = await dest.orm.em
        .fork()
        .findOneOrFail(InboundMessage, { idempotencyKey: secondWithdrawal.idempotencyKey });
      expect(waiting.status).toBe('UNMATCHED');
      expect(waiting.matchKey).toMatch(/^[0-9a-f]{64}$/); // a blind index, not the 住民票コード
      await csPost('move-out-certificates', second);
      await deliveredBy('move-out-certificates', second.idempotencyKey);

      // nothing left HELD, the personal data erased, the same rows as in order
      const stub = await heldOf(dest, second.idempotencyKey, 'PURGED');
      expect(stub.withdrawnAt).toBeInstanceOf(Date);
      expect((await scanRegistryDb(dest.orm, piiOf(dest.config), valuesOf(second))).findings).toEqual([]);
      const outOfOrder = await rowsOf(dest, second, secondWithdrawal);
      expect(outOfOrder).toEqual(inOrder);
      expect(inOrder).toEqual({
        held: { state: 'PURGED', withdrawn: true, purged: true, personal: [] },
        caseRow: { status: 'PURGED', dueAt: null, plannedVisitDate: null },
        actions: [{ action: 'PURGED', detail: { origin: ORIGIN, withdrawn: true } }],
        inbound: [
          { kind: 'MOVE_OUT_CERTIFICATE_INFO', status: 'ACCEPTED', ofCase: true, body: null, matchKey: null },
          { kind: 'MOVE_OUT_CERTIFICATE_WITHDRAWAL', status: 'ACCEPTED', ofCase: true, body: null, matchKey: null },
        ],
        audits: ['cs-inbound MOVE_OUT_CERTIFICATE_INFO', 'cs-inbound MOVE_OUT_CERTIFICATE_WITHDRAWAL'],
        workflow: 'none',
      });

      // delivered again (a CS retry of either): duplicates, nothing changes
      for (const [path, body] of [
        ['move-out-certificates', second],
        ['move-out-certificate-withdrawals', secondWithdrawal],
      ] as const) {
        const again = await fetch(`${dest.apiUrl}/cs-inbound/v1/${path}`, {
          method: 'POST',
          headers: { authorization: `Bearer ${towns.senderToken(ORIGIN)}`, 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
        expect(again.status).toBe(200);
        expect((await again.json()).duplicate).toBe(true);
      }
      expect(await rowsOf(dest, second, secondWithdrawal)).toEqual(inOrder);
      expect(await dest.orm.em.fork().count(HeldMoveOutCertificate, { messageId: second.idempotencyKey })).toBe(1);
    });
  }

  it('a 特例転入 waiting for its 送信依頼 (the 取消 first, then the certificate): ends CERTIFICATE_WITHDRAWN, shown on the case page', async () => {
    const clerk = await B.login('clerk1');
    const cert = certificateTo(B.config.municipalityCode, addDays(today(), -1));
    const code = cert.certificate.residentRecordCode;
    const filed = await B.api('POST', '/api/cases/special-move-in', {
      token: clerk,
      headers: { 'idempotency-key': randomUUID() },
      body: { ...specialMoveInFor(cert, today()), address: { address: '神奈川県相模原市中央区中央二丁目3番1号' } },
    });
    expect(filed.status).toBe(201);
    const caseId = filed.json.caseId as string;
    await caseStatus(B, clerk, caseId, SpecialMoveInStatus.AWAITING_CERTIFICATE_INFO);
    const requests = async () =>
      (await towns.received('certificate-requests')).filter((i) => i.body.request.residentRecordCode === code);
    await eventually(async () => ((await requests()).length ? true : undefined));

    // the origin cancels its 転出 while B waits: the 取消 matches nothing yet, the certificate arrives withdrawn
    const withdrawal = withdrawalOf(cert);
    await csPost('move-out-certificate-withdrawals', withdrawal);
    await deliveredBy('move-out-certificate-withdrawals', withdrawal.idempotencyKey);
    await csPost('move-out-certificates', cert);
    const ended = await caseStatus(B, clerk, caseId, SpecialMoveInStatus.CERTIFICATE_WITHDRAWN);
    expect(ended.needsAttention).toBe(false);
    const screen = await fetch(`${B.apiUrl}/cases/${caseId}`, {
      headers: { cookie: `juki_session=${encodeURIComponent(clerk)}` },
    });
    expect(screen.status).toBe(200);
    expect(await screen.text()).toContain('転出証明書情報の取消（転出証明書による転入届が必要）');

    // asked once, nothing written, the certificate purged on arrival
    expect(await requests()).toHaveLength(1);
    expect(await B.orm.em.fork().count(Resident, { residentRecordCode: code })).toBe(0);
    const stub = await heldOf(B, cert.idempotencyKey, 'PURGED');
    expect({ withdrawn: stub.withdrawnAt instanceof Date, payload: stub.payloadEnc ?? null }).toEqual({
      withdrawn: true,
      payload: null,
    });
  });

  it('A cancels its 転出 after B received the certificate and a 特例転入 reserved it: B cannot approve, writes nothing, sends no 転入通知', async () => {
    const [aClerk, aApprover, aSupervisor, bClerk, bApprover] = await Promise.all([
      A.login('clerk1'),
      A.login('approver1'),
      A.login('supervisor1'),
      B.login('clerk1'),
      B.login('approver1'),
    ]);
    const movers = await householdMovers(A.orm, 1);
    const out = await A.api('POST', '/api/cases/move-out', {
      token: aClerk,
      headers: { 'idempotency-key': randomUUID() },
      body: specialMoveOut(movers, addDays(today(), 5)),
    });
    expect(out.status).toBe(201);
    expect((await A.api('POST', `/api/cases/${out.json.caseId}/approve`, { token: aApprover })).status).toBe(200);
    await caseStatus(A, aClerk, out.json.caseId, MoveOutStatus.AWAITING_MOVE_OUT_DATE);
    const aResidents = await A.orm.em
      .fork()
      .find(Resident, { addresseeNumber: { $in: movers.map((m) => m.addresseeNumber) } });
    const codes = aResidents.map((r) => r.residentRecordCode!);
    await certificatesHeld(B, codes);

    const specialId = await fileSpecialMoveIn(
      B,
      bClerk,
      specialMoveInOf(aResidents, A_CODE, { address: '神奈川県相模原市中央区中央二丁目1番1号' }, today()),
    );

    // A's supervisor asks to cancel the 転出, a second supervisor approves (after 決裁: four-eyes, issue 13 item 8);
    // A sends the 転出証明書情報の取消 to B
    const cancel = await A.api('POST', `/api/cases/${out.json.caseId}/cancel`, {
      token: aSupervisor,
      body: { reason: '届出人の申出により転出を取り消す' },
    });
    expect(cancel.status).toBe(200);
    expect(cancel.json.pendingSecondApproval).toBe(true);
    const approved = await A.api('POST', `/api/cases/${out.json.caseId}/cancel`, {
      token: await A.login('supervisor2'),
      body: { reason: '取消を承認' },
    });
    expect(approved.status).toBe(200);
    await caseStatus(A, aClerk, out.json.caseId, CaseStatus.CANCELLED);

    // B: the 特例転入 falls back to the paper path; the approval is refused
    await caseStatus(B, bClerk, specialId, SpecialMoveInStatus.CERTIFICATE_WITHDRAWN);
    const approve = await B.api('POST', `/api/cases/${specialId}/approve`, { token: bApprover });
    expect(approve.status).toBe(409);

    // nothing written at B, nothing sent to A, and the certificates' 個人番号 and kana are gone from B's database
    expect(await B.orm.em.fork().count(Resident, { residentRecordCode: { $in: codes } })).toBe(0);
    const notices = await towns.received('move-in-notices');
    expect(notices.filter((n) => codes.includes(n.body.notice.residentRecordCode))).toEqual([]);
    expect(await B.orm.em.fork().count(HeldMoveOutCertificate, { state: { $ne: 'PURGED' } })).toBe(0);
    const aPii = piiOf(A.config);
    const certOnly = aResidents.flatMap((r) => [
      { what: '個人番号', value: aPii.decrypt(r.individualNumberEnc!) },
      { what: 'kana', value: `${r.familyNameKana}　${r.givenNameKana}` },
    ]);
    expect((await scanRegistryDb(B.orm, piiOf(B.config), certOnly)).findings).toEqual([]);
  });

  it('MariaDB: a 取消 and its 転出証明書情報 stored at the same instant still meet (no certificate left held)', async () => {
    const dest = A;
    // straight to the town's inbound, both at once (the CS delivers each kind on its own); a deadlock between the
    // two is retried inside the town, never answered with a 5xx
    const post = async (path: string, body: object) => {
      const r = await fetch(`${dest.apiUrl}/cs-inbound/v1/${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${towns.senderToken(ORIGIN)}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      expect(r.status).toBe(202);
    };
    const pairs = Array.from({ length: 12 }, () => {
      const cert = certificateTo(dest.config.municipalityCode, addDays(today(), 3));
      return { cert, withdrawal: withdrawalOf(cert) };
    });
    for (const { cert, withdrawal } of pairs)
      await Promise.all([post('move-out-certificates', cert), post('move-out-certificate-withdrawals', withdrawal)]);
    const em = dest.orm.em.fork();
    const outcome = await Promise.all(
      pairs.map(async ({ cert, withdrawal }) => ({
        held: (await em.findOneOrFail(HeldMoveOutCertificate, { messageId: cert.idempotencyKey })).state,
        withdrawal: (await em.findOneOrFail(InboundMessage, { idempotencyKey: withdrawal.idempotencyKey })).status,
      })),
    );
    expect(outcome).toEqual(pairs.map(() => ({ held: 'PURGED', withdrawal: 'ACCEPTED' })));
  });

  // last in the file: the sweep below runs at a future instant and purges whatever this file left held by then
  for (const [db, town] of [
    ['SQLite', () => B],
    ['MariaDB', () => A],
  ] as const) {
    it(`${db}: an unmatched 取消 keeps its match key until its certificate's purge instant, then the sweep clears it`, async () => {
      const dest = town();
      const cert = certificateTo(dest.config.municipalityCode, addDays(today(), 3), 1);
      const withdrawal = withdrawalOf(cert);
      await csPost('move-out-certificate-withdrawals', withdrawal);
      await deliveredBy('move-out-certificate-withdrawals', withdrawal.idempotencyKey);
      const row = async () => {
        const m = await dest.orm.em.fork().findOneOrFail(InboundMessage, { idempotencyKey: withdrawal.idempotencyKey });
        return { status: m.status, matchKey: m.matchKey ?? null, matchUntil: m.matchUntil ?? null };
      };
      const waiting = await row();
      const until = heldCertificatePurgeAt(cert.certificate.plannedMoveOutDate, dest.config.deadlines);
      expect(waiting).toEqual({
        status: 'UNMATCHED',
        matchKey: expect.stringMatching(/^[0-9a-f]{64}$/),
        matchUntil: until,
      });

      // the sweep of held certificates, as its workflow runs it: before that instant the key stays, at it it goes
      const { purgeDueHeldCertificates } = heldCertificateActivities({ orm: dest.orm } as ActivityDeps);
      await purgeDueHeldCertificates({ asOf: new Date(until.getTime() - 1_000).toISOString(), limit: 100 });
      expect(await row()).toEqual(waiting);
      await purgeDueHeldCertificates({ asOf: until.toISOString(), limit: 100 });
      // still listed for staff as unmatched; nothing left that derives from the 住民票コード
      expect(await row()).toEqual({ status: 'UNMATCHED', matchKey: null, matchUntil: null });
    });
  }
});

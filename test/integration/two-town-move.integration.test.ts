import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keyBytes } from '../../src/config';
import { CaseStatus } from '../../src/domain/case-status';
import { withMunicipalityCheckDigit } from '../../src/domain/check-digits';
import { ResidentStatus } from '../../src/domain/registry-values';
import { createPiiCrypto } from '../../src/db/pii-crypto';
import { HeldMoveOutCertificate, Resident } from '../../src/db/entities';
import { loadDemoTown } from '../../src/db/seed/load-demo';
import { startCsSimulator, type RunningCsSimulator } from '../../src/partners/cs-simulator';
import { today } from '../support/fixtures';
import { householdMovers } from '../support/move-fixtures';
import { pdfBytesText } from '../support/pdf-text';
import { eventually, freshMariaDbUrl, startTestSystem, type TestSystem } from '../support/system-harness';
import { MoveOutStatus } from '../../src/procedures/move-out/definition';

const A_CODE = withMunicipalityCheckDigit('13999'); // さくら市 (origin)
const B_CODE = withMunicipalityCheckDigit('14150'); // the destination town
const CS_TOKEN = `cs-token-${randomUUID()}`;
const sqliteUrl = () => `sqlite:${join(mkdtempSync(join(tmpdir(), 'juki-b-')), 'registry.sqlite')}`;

/**
 * Two towns, both instances of this system (A on MariaDB, B on SQLite), joined by one CS simulator that routes
 * 転出証明書情報, 送信依頼 and 転入通知 between their inbound APIs over real HTTP.
 */
describe('two towns: a household moves from A to B with the card', () => {
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

  const caseStatus = (sys: TestSystem, token: string, caseId: string, status: string) =>
    eventually(async () => {
      const r = await sys.api('GET', `/api/cases/${caseId}`, { token });
      return r.json?.status === status ? r.json : undefined;
    }, 90_000);
  const received = async (kind: string) =>
    (await csAdmin('GET', `received?kind=${kind}`)).items as Array<{
      idempotencyKey: string;
      body: any;
      forward?: { status: string };
    }>;

  it('A 転出 (special) → B holds the certificate → B 特例転入 → 転入通知 → A records it; a CS outage on the way sends nothing twice', async () => {
    const [aClerk, aApprover, bClerk, bApprover] = await Promise.all([
      A.login('clerk1'),
      A.login('approver1'),
      B.login('clerk1'),
      B.login('approver1'),
    ]);
    const movers = await householdMovers(A.orm, 2);
    const P = today();
    const out = await A.api('POST', '/api/cases/move-out', {
      token: aClerk,
      headers: { 'idempotency-key': randomUUID() },
      body: {
        movers,
        destination: { address: '神奈川県相模原市中央区中央二丁目1番1号', municipalityCode: B_CODE },
        plannedMoveOutDate: P,
        path: 'special',
        cardHolderPresent: true,
        notifier: { kind: 'self' },
        identityDocument: { type: 'myNumberCard' },
      },
    });
    expect(out.status).toBe(201);
    expect((await A.api('POST', `/api/cases/${out.json.caseId}/approve`, { token: aApprover })).status).toBe(200);
    await caseStatus(A, aClerk, out.json.caseId, MoveOutStatus.AWAITING_MOVE_IN_NOTICE); // P = today: 除票 at once

    const aResidents = await A.orm.em
      .fork()
      .find(Resident, { addresseeNumber: { $in: movers.map((m) => m.addresseeNumber) } });
    const codes = aResidents.map((r) => r.residentRecordCode!);
    await eventually(async () =>
      (await B.orm.em.fork().count(HeldMoveOutCertificate, { residentRecordCode: { $in: codes }, state: 'HELD' })) ===
      codes.length
        ? true
        : undefined,
    );

    await csAdmin('POST', 'faults', { failNext: 2 }); // the CS goes down for B's next two calls
    const special = await B.api('POST', '/api/cases/special-move-in', {
      token: bClerk,
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
    await caseStatus(A, aClerk, out.json.caseId, CaseStatus.COMPLETED);

    // A: 除票 with the confirmed destination beside the planned one
    for (const r of await A.orm.em.fork().find(Resident, { residentRecordCode: { $in: codes } })) {
      expect(r).toMatchObject({
        status: ResidentStatus.REMOVED,
        plannedMoveOutDate: P,
        removalDate: P,
        confirmedMoveOutDate: today(),
      });
      expect(r.confirmedDestinationAddress).toContain('ハイツ中央101号室');
    }
    // B: residents with the 個人番号 from the certificate; certificates USED
    const bPii = createPiiCrypto(keyBytes(B.config.keys.piiEncryption), keyBytes(B.config.keys.piiIndex));
    const aPii = createPiiCrypto(keyBytes(A.config.keys.piiEncryption), keyBytes(A.config.keys.piiIndex));
    for (const a of aResidents) {
      const b = await B.orm.em.fork().findOneOrFail(Resident, { residentRecordCode: a.residentRecordCode });
      expect(bPii.decrypt(b.individualNumberEnc!)).toBe(aPii.decrypt(a.individualNumberEnc!));
      expect(b.status).toBe(ResidentStatus.RESIDENT);
    }
    expect(
      await B.orm.em.fork().count(HeldMoveOutCertificate, { residentRecordCode: { $in: codes }, state: 'USED' }),
    ).toBe(codes.length);

    // exactly one of each message per person at the CS, despite the outage
    const perCode = (items: Array<{ body: any }>, pick: (b: any) => string) =>
      codes.map((c) => items.filter((i) => pick(i.body) === c).length);
    const identity = await received('identity-updates');
    expect(
      perCode(
        identity.filter((i) => i.body.municipalityCode === A_CODE),
        (b) => b.identity.residentRecordCode,
      ),
    ).toEqual(codes.map(() => 1));
    expect(
      perCode(
        identity.filter((i) => i.body.municipalityCode === B_CODE),
        (b) => b.identity.residentRecordCode,
      ),
    ).toEqual(codes.map(() => 1));
    expect(perCode(await received('move-out-certificates'), (b) => b.certificate.residentRecordCode)).toEqual(
      codes.map(() => 1),
    );
    const notices = await received('move-in-notices');
    expect(perCode(notices, (b) => b.notice.residentRecordCode)).toEqual(codes.map(() => 1));
    expect(
      notices.every((n) => n.forward?.status === 'delivered' && !JSON.stringify(n.body).includes('individualNumber')),
    ).toBe(true);
    const jlis = (await fetch(`${B.jlisUrl}/jlis/v1/_admin/received?kind=continued-use`, {
      headers: { authorization: `Bearer ${B.config.jlisToken}` },
    }).then((r) => r.json())) as { count: number };
    expect(jlis.count).toBe(codes.length);
  });

  it('paper path: the 転出証明書 PDF carries the names, the destination and the 個人番号', async () => {
    const [clerk, approver] = await Promise.all([A.login('clerk1'), A.login('approver1')]);
    const movers = await householdMovers(A.orm, 3);
    const out = await A.api('POST', '/api/cases/move-out', {
      token: clerk,
      headers: { 'idempotency-key': randomUUID() },
      body: {
        movers,
        destination: {
          address: '大阪府大阪市北区梅田一丁目1番1号',
          municipalityCode: withMunicipalityCheckDigit('27127'),
        },
        plannedMoveOutDate: today(),
        path: 'paper',
        notifier: { kind: 'self' },
        identityDocument: { type: 'driversLicence' },
      },
    });
    expect(out.status).toBe(201);
    await A.api('POST', `/api/cases/${out.json.caseId}/approve`, { token: approver });
    const c = await caseStatus(A, clerk, out.json.caseId, MoveOutStatus.AWAITING_MOVE_IN_NOTICE);
    const pdf = await A.api('GET', c.certificates[0].href, { token: clerk });
    const text = pdfBytesText(pdf.buffer);
    expect(text).toContain('転出証明書');
    expect(text).toContain('大阪府大阪市北区梅田一丁目1番1号');
    const residents = await A.orm.em
      .fork()
      .find(Resident, { addresseeNumber: { $in: movers.map((m) => m.addresseeNumber) } });
    const pii = createPiiCrypto(keyBytes(A.config.keys.piiEncryption), keyBytes(A.config.keys.piiIndex));
    for (const r of residents) {
      expect(text).toContain(r.familyName);
      expect(text).toContain(pii.decrypt(r.individualNumberEnc!));
    }
    expect(text).not.toContain('再交付');

    // 再交付: a new 発行番号, marked, with the state at first issue (the persons are 除票 by now)
    const again = await A.api('POST', `/api/certificates/${c.certificates[0].certificateId}/reissue`, {
      token: clerk,
      headers: { 'x-request-id': randomUUID() },
    });
    expect(again.status).toBe(201);
    expect(again.json.issueNumber).not.toBe(c.certificates[0].issueNumber);
    const reissued = pdfBytesText((await A.api('GET', again.json.href, { token: clerk })).buffer);
    expect(reissued).toContain('再交付');
    expect(reissued).toContain('大阪府大阪市北区梅田一丁目1番1号');
    for (const r of residents) expect(reissued).toContain(r.familyName);
  });
});

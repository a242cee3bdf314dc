import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keyBytes } from '../../src/config';
import { CaseStatus } from '../../src/domain/case-status';
import { withMunicipalityCheckDigit } from '../../src/domain/check-digits';
import { ResidentStatus } from '../../src/domain/registry-values';
import { AddressAnnexNoticeRecord, HeldMoveOutCertificate, Resident } from '../../src/db/entities';
import { today } from '../support/fixtures';
import { piiOf } from '../support/harness';
import { householdMovers, paperMoveOutToOsaka, specialMoveInOf, specialMoveOut } from '../support/move-fixtures';
import { pdfBytesText } from '../support/pdf-text';
import { caseStatus, eventually, type TestSystem } from '../support/system-harness';
import {
  A_CODE,
  B_CODE,
  certificatesHeld,
  fileSpecialMoveIn,
  startTwoTowns,
  type TwoTowns,
} from '../support/two-towns';
import { MoveOutStatus } from '../../src/procedures/move-out/definition';
import { moveOutWorkflowId } from '../../src/procedures/move-out/workflow';
import { specialMoveInWorkflowId } from '../../src/procedures/special-move-in/workflow';
import { AesGcmPayloadCodec } from '../../src/temporal/payload-codec';

const KUMAGAYA = withMunicipalityCheckDigit('11202'); // a 本籍地 the CS serves but does not reach here (no route)

/**
 * Two towns, both instances of this system (A on MariaDB, B on SQLite), joined by one CS simulator that routes
 * 転出証明書情報, 送信依頼, 転入通知 and 戸籍の附票記載事項通知 between their inbound APIs over real HTTP (a third town,
 * 熊谷市, is a 本籍地 without a route: the simulator keeps what it received for it).
 */

/** The decoded payloads of a workflow's history (the codec's plaintext): what Temporal would reveal. */
async function decodedHistory(sys: TestSystem, workflowId: string): Promise<string> {
  const history = await sys.temporal.workflow.getHandle(workflowId).fetchHistory();
  const bytes = (v: unknown) =>
    typeof v === 'string' ? Buffer.from(v, 'base64') : Buffer.from((v ?? []) as Uint8Array);
  // search attributes stay readable for the server's index (and hold IDs and statuses only); the rest is ciphertext
  const encrypted = (e: unknown) => bytes(e).toString() === 'binary/encrypted';
  const payloads: Array<{ metadata: Record<string, Buffer>; data: Buffer }> = [];
  JSON.stringify(history, (_k, v: any) => {
    if (v && typeof v === 'object' && v.metadata?.encoding && 'data' in v && encrypted(v.metadata.encoding))
      payloads.push({
        metadata: Object.fromEntries(Object.entries(v.metadata).map(([k, m]) => [k, bytes(m)])),
        data: bytes(v.data),
      });
    return v;
  });
  const codec = new AesGcmPayloadCodec(keyBytes(sys.config.keys.payloadCodec));
  return (await codec.decode(payloads)).map((p) => Buffer.from(p.data ?? []).toString('utf8')).join('\n');
}
describe('two towns: a household moves from A to B with the card', () => {
  let towns: TwoTowns;
  let A: TestSystem;
  let B: TestSystem;

  beforeAll(async () => {
    towns = await startTwoTowns({ households: 6 });
    ({ A, B } = towns);
  });
  afterAll(async () => towns?.close());

  it('A 転出 (special) → B holds the certificate → B 特例転入 → 転入通知 → A records it; a CS outage on the way sends nothing twice', async () => {
    const [aClerk, aApprover, bClerk, bApprover] = await Promise.all([
      A.login('clerk1'),
      A.login('approver1'),
      B.login('clerk1'),
      B.login('approver1'),
    ]);
    const movers = await householdMovers(A.orm, 2);
    expect(movers.length).toBeGreaterThanOrEqual(2);
    // the first mover's 本籍 is in A itself, the others' in 熊谷市 (as the registry holds them, with the code)
    const aEm = A.orm.em.fork();
    for (const [i, r] of (
      await aEm.find(
        Resident,
        { addresseeNumber: { $in: movers.map((m) => m.addresseeNumber) } },
        { orderBy: { addresseeNumber: 'asc' } },
      )
    ).entries())
      Object.assign(
        r,
        i === 0
          ? { registeredDomicile: '東京都さくら市本町一丁目1番地', domicileMunicipalityCode: A_CODE }
          : { registeredDomicile: '埼玉県熊谷市本町一丁目2番地', domicileMunicipalityCode: KUMAGAYA },
        { familyRegisterHead: `${r.familyName}　一郎`, isForeignResident: false },
      );
    await aEm.flush();
    const P = today();
    const out = await A.api('POST', '/api/cases/move-out', {
      token: aClerk,
      headers: { 'idempotency-key': randomUUID() },
      body: specialMoveOut(movers, P),
    });
    expect(out.status).toBe(201);
    expect((await A.api('POST', `/api/cases/${out.json.caseId}/approve`, { token: aApprover })).status).toBe(200);
    await caseStatus(A, aClerk, out.json.caseId, MoveOutStatus.AWAITING_MOVE_IN_NOTICE); // P = today: 除票 at once

    const aResidents = await A.orm.em
      .fork()
      .find(
        Resident,
        { addresseeNumber: { $in: movers.map((m) => m.addresseeNumber) } },
        { orderBy: { addresseeNumber: 'asc' } },
      );
    const codes = aResidents.map((r) => r.residentRecordCode!);
    await certificatesHeld(B, codes);

    await towns.csAdmin('POST', 'faults', { failNext: 2 }); // the CS goes down for B's next two calls
    const specialId = await fileSpecialMoveIn(
      B,
      bClerk,
      specialMoveInOf(
        aResidents,
        A_CODE,
        { address: '神奈川県相模原市中央区中央二丁目1番1号', addressSupplement: 'ハイツ中央101号室' },
        today(),
      ),
    );
    expect((await B.api('POST', `/api/cases/${specialId}/approve`, { token: bApprover })).status).toBe(200);
    await caseStatus(B, bClerk, specialId, CaseStatus.COMPLETED);
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
    const bPii = piiOf(B.config);
    const aPii = piiOf(A.config);
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
    const identity = await towns.received('identity-updates');
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
    expect(perCode(await towns.received('move-out-certificates'), (b) => b.certificate.residentRecordCode)).toEqual(
      codes.map(() => 1),
    );
    const notices = await towns.received('move-in-notices');
    expect(perCode(notices, (b) => b.notice.residentRecordCode)).toEqual(codes.map(() => 1));
    expect(
      notices.every((n) => n.forward?.status === 'delivered' && !JSON.stringify(n.body).includes('individualNumber')),
    ).toBe(true);
    const jlis = (await fetch(`${B.jlisUrl}/jlis/v1/_admin/received?kind=continued-use`, {
      headers: { authorization: `Bearer ${B.config.jlisToken}` },
    }).then((r) => r.json())) as { count: number };
    expect(jlis.count).toBe(codes.length);

    // 戸籍の附票記載事項通知 (住基法第19条): one per person and move, to the 本籍地, with the 附票 items
    const [own, ...elsewhere] = aResidents;
    const annex = await eventually(async () => {
      const items = await towns.received('address-annex-notices');
      return items.filter((i) => codes.includes(i.body.notice.residentRecordCode)).length === 2 * elsewhere.length + 1
        ? items
        : undefined;
    });
    const annexOf = (from: string, code: string) =>
      annex.filter((i) => i.body.fromMunicipalityCode === from && i.body.notice.residentRecordCode === code);
    // A's 転出: 熊谷市 gets MOVE_OUT (kept by the CS: no route); A's own 本籍 is recorded at A, nothing sent
    expect(annexOf(A_CODE, own!.residentRecordCode!)).toHaveLength(0);
    for (const r of elsewhere) {
      const [n, ...more] = annexOf(A_CODE, r.residentRecordCode!);
      expect(more).toHaveLength(0);
      expect(n!.forward?.status).toBe('undeliverable');
      expect(n!.body).toMatchObject({
        toMunicipalityCode: KUMAGAYA,
        notice: {
          name: `${r.familyName}　${r.givenName}`,
          event: 'MOVE_OUT',
          destinationAddress: '神奈川県相模原市中央区中央二丁目1番1号',
          moveOutDate: P,
          registeredDomicile: '埼玉県熊谷市本町一丁目2番地',
          familyRegisterHead: `${r.familyName}　一郎`,
        },
      });
    }
    const localAtA = await A.orm.em.fork().find(AddressAnnexNoticeRecord, { caseId: out.json.caseId });
    expect(localAtA.map((l) => [l.direction, l.residentRecordCode, l.event])).toEqual([
      ['LOCAL', own!.residentRecordCode, 'MOVE_OUT'],
    ]);
    // B's 特例転入: the 本籍地 code came with the 転出証明書情報; A (the 本籍地 of the first mover) receives its
    // notice through the CS and keeps it; 熊谷市's are kept by the CS
    const toA = annexOf(B_CODE, own!.residentRecordCode!);
    expect(toA).toHaveLength(1);
    expect(toA[0]!.forward?.status).toBe('delivered');
    for (const r of elsewhere) {
      const n = annexOf(B_CODE, r.residentRecordCode!);
      expect(n.map((i) => [i.body.toMunicipalityCode, i.body.notice.event, i.forward?.status])).toEqual([
        [KUMAGAYA, 'MOVE_IN', 'undeliverable'],
      ]);
    }
    const receivedAtA = await A.orm.em
      .fork()
      .find(AddressAnnexNoticeRecord, { direction: 'RECEIVED', residentRecordCode: own!.residentRecordCode! });
    expect(receivedAtA.map((l) => [l.fromMunicipalityCode, l.event])).toEqual([[B_CODE, 'MOVE_IN']]);
    expect(JSON.parse(aPii.decrypt(receivedAtA[0]!.bodyEnc))).toEqual({
      residentRecordCode: own!.residentRecordCode,
      name: `${own!.familyName}　${own!.givenName}`,
      event: 'MOVE_IN',
      address: '神奈川県相模原市中央区中央二丁目1番1号　ハイツ中央101号室',
      addressEstablishedDate: today(),
      registeredDomicile: '東京都さくら市本町一丁目1番地',
      familyRegisterHead: `${own!.familyName}　一郎`,
    });
    expect(receivedAtA[0]!.bodyEnc).not.toContain(own!.familyName); // encrypted at rest
    expect(annex.every((i) => !JSON.stringify(i.body).includes('individualNumber'))).toBe(true);

    // Temporal: the histories of both cases carry IDs only, never a name, birth date or 本籍
    const histories = [
      await decodedHistory(A, moveOutWorkflowId(out.json.caseId)),
      await decodedHistory(B, specialMoveInWorkflowId(specialId)),
    ].join('\n');
    expect(histories).toContain(out.json.caseId);
    for (const r of aResidents)
      for (const secret of [
        `${r.familyName}　${r.givenName}`,
        r.birthDate,
        r.registeredDomicile!,
        aPii.decrypt(r.individualNumberEnc!),
      ])
        expect(histories).not.toContain(secret);
  });

  it('a bad 附票記載事項通知 is refused with the field and the rule, and stores nothing', async () => {
    const good = {
      fromMunicipalityCode: B_CODE,
      toMunicipalityCode: A_CODE,
      idempotencyKey: `B-annex-${randomUUID()}`,
      notice: {
        residentRecordCode: '24727059608',
        name: '山田　太郎',
        event: 'MOVE_IN',
        address: '神奈川県相模原市中央区中央二丁目1番1号',
        addressEstablishedDate: today(),
        registeredDomicile: '東京都さくら市本町一丁目1番地',
        familyRegisterHead: '山田　太郎',
      },
    };
    const post = (body: unknown, token = towns.senderToken(B_CODE)) =>
      fetch(`${A.apiUrl}/cs-inbound/v1/address-annex-notices`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      }).then(async (r) => ({ status: r.status, json: (await r.json()) as any }));
    const before = await A.orm.em.fork().count(AddressAnnexNoticeRecord, {});
    const { address: _a, ...noAddress } = good.notice;
    const bad: Array<[unknown, string, string]> = [
      [{ ...good, notice: noAddress }, '/notice/address', 'required'], // a 転入 without the new 住所
      [
        { ...good, notice: { ...good.notice, individualNumber: '123456789018' } },
        '/notice/individualNumber',
        'additionalProperties',
      ],
      [{ ...good, notice: { ...good.notice, event: 'RELOCATED' } }, '/notice/event', 'enum'],
      [{ ...good, toMunicipalityCode: '139990' }, '/toMunicipalityCode', 'format'],
      [
        { ...good, notice: { ...good.notice, addressEstablishedDate: '2026-02-30' } },
        '/notice/addressEstablishedDate',
        'format',
      ],
    ];
    for (const [body, path, rule] of bad) {
      const r = await post(body);
      expect(r.status, JSON.stringify(r.json)).toBe(400);
      expect(r.json.error).toBe('INVALID_MESSAGE');
      expect(r.json.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field: path, rule })]));
      expect(JSON.stringify(r.json)).not.toContain('山田');
      expect(JSON.stringify(r.json)).not.toContain('123456789018');
    }
    expect((await post(good, 'wrong-token')).status).toBe(401);
    expect(await A.orm.em.fork().count(AddressAnnexNoticeRecord, {})).toBe(before);
    // the good one is stored once; a repeat delivery is answered as a duplicate
    expect((await post(good)).status).toBe(202);
    expect((await post(good)).status).toBe(200);
    expect(await A.orm.em.fork().count(AddressAnnexNoticeRecord, {})).toBe(before + 1);
  });

  it('paper path: the 転出証明書 PDF carries the names, the destination and the 個人番号', async () => {
    const [clerk, approver] = await Promise.all([A.login('clerk1'), A.login('approver1')]);
    const movers = await householdMovers(A.orm, 3);
    const out = await A.api('POST', '/api/cases/move-out', {
      token: clerk,
      headers: { 'idempotency-key': randomUUID() },
      body: paperMoveOutToOsaka(movers, today()),
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
    const pii = piiOf(A.config);
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

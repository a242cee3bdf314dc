import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keyBytes } from '../../src/config';
import { withMunicipalityCheckDigit } from '../../src/domain/check-digits';
import { addDays, toWareki } from '../../src/domain/dates';
import { ResidentStatus } from '../../src/domain/registry-values';
import {
  CaseApplication,
  CaseRecord,
  Household,
  OutboxMessage,
  Resident,
  ResidentHistory,
} from '../../src/db/entities';
import { createPiiCrypto } from '../../src/db/pii-crypto';
import { fullName } from '../../src/db/registry-lookup';
import { loadDemoTown } from '../../src/db/seed/load-demo';
import { MoveOutStatus } from '../../src/procedures/move-out/definition';
import { today } from '../support/fixtures';
import { onlineContent } from '../support/online-fixtures';
import { pdfBytesText } from '../support/pdf-text';
import { eventually, freshMariaDbUrl, startTestSystem, type TestSystem } from '../support/system-harness';

const DESTINATION = {
  address: '大阪府大阪市北区梅田一丁目1番1号',
  municipalityCode: withMunicipalityCheckDigit('27127'),
};
const sqliteUrl = () => `sqlite:${join(mkdtempSync(join(tmpdir(), 'juki-hh-')), 'registry.sqlite')}`;
const name = (r: Resident) => fullName(r).replace(/\s+/gu, '');

/**
 * 転出 of a 世帯主 whose household stays (domain.md §3.2: 世帯主変更, one member ex officio, two or more by the clerk's
 * choice; 世帯主変更通知書) and a 転出届 filed after the 14-day limit (domain.md §4.3 step 1: 職権 with the 申出日,
 * 職権記載等通知書, 転出証明書に準ずる証明書), on real parts: the API, the Temporal dev server, the CS simulator, PDFs.
 */
describe.each([
  ['SQLite', sqliteUrl],
  ['MariaDB', freshMariaDbUrl],
])('転出: 世帯主変更 and the late 転出 (%s)', (_db, url) => {
  let sys: TestSystem;
  let clerk: string;
  let approver: string;
  const used = new Set<string>();
  beforeAll(async () => {
    sys = await startTestSystem(url(), { portalSimulator: true });
    [clerk, approver] = await Promise.all([sys.login('clerk1'), sys.login('approver1')]);
    await loadDemoTown(
      sys.orm,
      createPiiCrypto(keyBytes(sys.config.keys.piiEncryption), keyBytes(sys.config.keys.piiIndex)),
      { households: 40 },
    );
  });
  afterAll(async () => sys?.close());

  /** An unused household of exactly `size` current residents with a 世帯主: head first. */
  const household = async (size: number): Promise<Resident[]> => {
    const em = sys.orm.em.fork();
    for (const h of await em.find(Household, { active: true }, { orderBy: { householdNumber: 'asc' } })) {
      if (used.has(h.householdNumber)) continue;
      const all = await em.find(
        Resident,
        { householdNumber: h.householdNumber },
        { orderBy: { addresseeNumber: 'asc' } },
      );
      if (all.length !== size || all.some((m) => m.status !== ResidentStatus.RESIDENT)) continue;
      const heads = all.filter((m) => m.relationshipToHead === '世帯主');
      if (heads.length !== 1) continue;
      const head = heads[0]!;
      used.add(h.householdNumber);
      return [head, ...all.filter((m) => m !== head)];
    }
    throw new Error(`no demo household of ${size}`);
  };
  const mover = (r: Resident) => ({
    addresseeNumber: r.addresseeNumber,
    familyName: r.familyName,
    givenName: r.givenName,
    birthDate: r.birthDate,
    sex: r.sex,
  });
  const moveOut = (body: Record<string, unknown>) =>
    sys.api('POST', '/api/cases/move-out', { token: clerk, body, headers: { 'idempotency-key': randomUUID() } });
  const base = (movers: Resident[], over: Record<string, unknown> = {}) => ({
    movers: movers.map(mover),
    destination: DESTINATION,
    plannedMoveOutDate: today(),
    path: 'paper',
    notifier: { kind: 'self' },
    identityDocument: { type: 'driversLicence' },
    ...over,
  });
  const approveAndWait = async (caseId: string) => {
    expect((await sys.api('POST', `/api/cases/${caseId}/approve`, { token: approver })).status).toBe(200);
    return eventually(async () => {
      const r = await sys.api('GET', `/api/cases/${caseId}`, { token: clerk });
      return r.json?.status === MoveOutStatus.AWAITING_MOVE_IN_NOTICE ? r.json : undefined;
    }, 90_000);
  };
  const documentText = async (c: any, type: string) => {
    const d = (c.certificates as Array<{ type: string; href: string }>).find((x) => x.type === type);
    expect(d, type).toBeDefined();
    return pdfBytesText((await sys.api('GET', d!.href, { token: clerk })).buffer);
  };
  const copyText = async (addresseeNumber: string) => {
    const r = await sys.api('POST', '/api/certificates/resident-record-copy', {
      token: clerk,
      headers: { 'x-request-id': randomUUID() },
      body: {
        addresseeNumbers: [addresseeNumber],
        options: { includeHouseholdHead: true },
        requester: { relation: 'self' },
        identityDocument: { type: 'driversLicence' },
      },
    });
    expect(r.status).toBe(201);
    return pdfBytesText((await sys.api('GET', r.json.href, { token: clerk })).buffer);
  };
  const reload = (a: string) => sys.orm.em.fork().findOneOrFail(Resident, { addresseeNumber: a });
  const lastHistory = async (a: string) =>
    (
      await sys.orm.em
        .fork()
        .find(ResidentHistory, { addresseeNumber: a }, { orderBy: { historyNumber: 'desc' }, limit: 1 })
    )[0]!;
  const individualNumbers = async (rs: Resident[]) => {
    const pii = createPiiCrypto(keyBytes(sys.config.keys.piiEncryption), keyBytes(sys.config.keys.piiIndex));
    return rs.filter((r) => r.individualNumberEnc).map((r) => pii.decrypt(r.individualNumberEnc!));
  };

  it('one member stays: that member becomes 世帯主 ex officio at the commit; notice and 住民票の写し name them', async () => {
    const [head, stays] = await household(2);
    const out = await moveOut(base([head!]));
    expect(out.status).toBe(201);
    const c = await approveAndWait(out.json.caseId);

    expect(
      (await sys.orm.em.fork().findOneOrFail(Household, { householdNumber: head!.householdNumber }))
        .headAddresseeNumber,
    ).toBe(stays!.addresseeNumber);
    const now = await reload(stays!.addresseeNumber);
    expect(now).toMatchObject({ relationshipToHead: '世帯主', householdHeadName: fullName(stays!) });
    expect(now.historyNumber).toBe(stays!.historyNumber + 1);
    expect(await lastHistory(stays!.addresseeNumber)).toMatchObject({
      caseId: out.json.caseId,
      changeReason: '世帯主変更',
      basis: '職権',
      changeDate: today(),
    });
    expect((await lastHistory(stays!.addresseeNumber)).snapshot).toMatchObject({ relationshipToHead: '世帯主' });

    const notice = await documentText(c, 'householdHeadChangeNotice');
    expect(notice).toContain('世帯主変更通知書');
    expect(notice).toContain('世帯主変更（職権）');
    expect(notice).toContain(`変更前の世帯主${name(head!)}`);
    expect(notice).toContain(`変更後の世帯主${name(stays!)}`);
    expect(notice).toContain(toWareki(today()).replace(/\s+/gu, ''));
    for (const n of await individualNumbers([head!, stays!])) expect(notice).not.toContain(n);

    const copy = await copyText(stays!.addresseeNumber);
    expect(copy).toContain(`世帯主${name(stays!)}`);
    expect(copy).not.toContain(name(head!));
  });

  it('two or more stay: bad choices are refused naming the field, nothing written; the chosen head and 続柄 apply', async () => {
    const [head, ...stay] = await household(3);
    const [a, b] = stay as [Resident, Resident];
    const counts = async () => {
      const em = sys.orm.em.fork();
      return {
        apps: await em.count(CaseApplication, {}),
        cases: await em.count(CaseRecord, {}),
        history: await em.count(ResidentHistory, {}),
        outbox: await em.count(OutboxMessage, {}),
      };
    };
    const before = await counts();
    const choice = (newHead: string, relationships: Array<[string, string]>) => ({
      householdHeadChange: {
        newHeadAddresseeNumber: newHead,
        relationships: relationships.map(([addresseeNumber, relationshipToHead]) => ({
          addresseeNumber,
          relationshipToHead,
        })),
      },
    });
    const refusals: Array<[string, Record<string, unknown>, number, string, string]> = [
      ['no choice', {}, 422, '/householdHeadChange', 'required'],
      [
        'the leaving 世帯主',
        choice(head!.addresseeNumber, [[b.addresseeNumber, '子']]),
        422,
        '/householdHeadChange/newHeadAddresseeNumber',
        'remainingMember',
      ],
      [
        'someone of another household',
        choice('0000001', [[b.addresseeNumber, '子']]),
        422,
        '/householdHeadChange/newHeadAddresseeNumber',
        'remainingMember',
      ],
      [
        'a 続柄 outside the vocabulary',
        choice(a.addresseeNumber, [[b.addresseeNumber, '孫']]),
        422,
        '/householdHeadChange/relationships/0/relationshipToHead',
        'relationshipVocabulary',
      ],
      [
        'a staying member without a 続柄',
        choice(a.addresseeNumber, []),
        422,
        '/householdHeadChange/relationships',
        'allRemainingMembers',
      ],
      [
        'not a 宛名番号',
        choice('abc', [[b.addresseeNumber, '子']]),
        400,
        '/householdHeadChange/newHeadAddresseeNumber',
        'pattern',
      ],
    ];
    for (const [label, over, status, field, rule] of refusals) {
      const r = await moveOut(base([head!], over));
      expect(r.status, label).toBe(status);
      expect(r.json.errors, label).toEqual(expect.arrayContaining([expect.objectContaining({ field, rule })]));
      expect(JSON.stringify(r.json), label).not.toContain(head!.familyName);
    }
    // a choice when the 世帯主 stays is refused too
    const notHead = await moveOut(base([b], choice(a.addresseeNumber, [])));
    expect(notHead.status).toBe(422);
    expect(notHead.json.errors).toEqual([
      expect.objectContaining({ field: '/householdHeadChange', rule: 'notApplicable' }),
    ]);
    expect(await counts()).toEqual(before);

    // the clerk makes b the 世帯主 (not the first member) and a b's 姉
    const out = await moveOut(base([head!], choice(b.addresseeNumber, [[a.addresseeNumber, '姉']])));
    expect(out.status).toBe(201);
    const c = await approveAndWait(out.json.caseId);
    expect(
      (await sys.orm.em.fork().findOneOrFail(Household, { householdNumber: head!.householdNumber }))
        .headAddresseeNumber,
    ).toBe(b.addresseeNumber);
    expect(await reload(b.addresseeNumber)).toMatchObject({
      relationshipToHead: '世帯主',
      householdHeadName: fullName(b),
    });
    expect(await reload(a.addresseeNumber)).toMatchObject({ relationshipToHead: '姉', householdHeadName: fullName(b) });
    for (const p of [a, b])
      expect(await lastHistory(p.addresseeNumber)).toMatchObject({
        caseId: out.json.caseId,
        changeReason: '世帯主変更',
        basis: '職権',
      });

    const notice = await documentText(c, 'householdHeadChangeNotice');
    expect(notice).toContain(`変更前の世帯主${name(head!)}`);
    expect(notice).toContain(`変更後の世帯主${name(b)}`);
    expect(notice).toContain(`${a.relationshipToHead}姉`); // a: 続柄 before → after
    expect(notice).toContain(`${b.relationshipToHead}世帯主`);
    for (const n of await individualNumbers([head!, a, b])) expect(notice).not.toContain(n);

    const copy = await copyText(a.addresseeNumber);
    expect(copy).toContain(`世帯主${name(b)}`);
    expect(copy).not.toContain(name(head!));
  });

  it('a 転出届 15 days after the move: recorded 職権 with the 申出日, 職権記載等通知書, 転出証明書に準ずる証明書', async () => {
    const movers = await household(1);
    const moved = addDays(today(), -15);
    const special = await moveOut(
      base(movers, { plannedMoveOutDate: moved, path: 'special', cardHolderPresent: true }),
    );
    expect(special.status).toBe(422);
    expect(special.json.errors).toEqual([
      expect.objectContaining({ field: '/path', rule: 'specialNotAllowedWhenLate' }),
    ]);

    const out = await moveOut(base(movers, { plannedMoveOutDate: moved }));
    expect(out.status).toBe(201);
    const c = await approveAndWait(out.json.caseId);
    const [own] = await sys.orm.em
      .fork()
      .find(ResidentHistory, { caseId: out.json.caseId }, { orderBy: { historyNumber: 'asc' }, limit: 1 });
    expect(own).toMatchObject({
      addresseeNumber: movers[0]!.addresseeNumber,
      changeReason: '国内転出',
      changeDate: moved,
      basis: '職権（申出）',
      notificationDate: today(), // the 申出日
    });

    const certificate = await documentText(c, 'moveOutCertificate');
    expect(certificate).toContain('転出証明書に準ずる証明書');
    expect(certificate).toContain('申出年月日');
    expect(certificate).toContain('上記のとおり転出したことを証明する。');
    const notice = await documentText(c, 'exOfficioRecordNotice');
    expect(notice).toContain('職権記載等通知書');
    expect(notice).toContain('国内転出（職権）');
    expect(notice).toContain(`転出年月日${toWareki(moved)}`.replace(/\s+/gu, ''));
    expect(notice).toContain(`申出年月日${toWareki(today())}`.replace(/\s+/gu, ''));
    expect(notice).toContain(name(movers[0]!));
    for (const n of await individualNumbers(movers)) expect(notice).not.toContain(n);
  });

  it('online: the 世帯主 leaving two members is the finding HEAD_CHANGE_EX_OFFICIO; the clerk chooses at 審査, the commit applies it', async () => {
    const [head, a, b] = (await household(3)) as [Resident, Resident, Resident];
    const sent = await sys.portalAdmin('POST', 'applications', {
      municipalityCode: sys.config.municipalityCode,
      scenario: 'valid',
      content: onlineContent([head], { plannedMoveOutDate: today(), plannedVisitDate: today() }),
    });
    expect(sent.json.sent).toMatchObject({ status: 201 });
    const caseId = String(sent.json.sent.body.caseId);
    const c = await eventually(async () => {
      const r = await sys.api('GET', `/api/cases/${caseId}`, { token: clerk });
      return r.json?.status === 'AWAITING_REVIEW' ? r.json : undefined;
    }, 60_000);
    expect(c.flags).toEqual(['HEAD_CHANGE_EX_OFFICIO']);

    const review = (body: unknown) =>
      sys.api('POST', `/api/cases/${caseId}/confirm-review`, {
        token: clerk,
        body,
        headers: { 'x-request-id': randomUUID() },
      });
    const choice = (newHead: string, rel: Array<[string, string]>) => ({
      householdHeadChange: {
        newHeadAddresseeNumber: newHead,
        relationships: rel.map(([addresseeNumber, relationshipToHead]) => ({ addresseeNumber, relationshipToHead })),
      },
    });
    const refusals: Array<[unknown, number, string, string]> = [
      [{}, 422, '/householdHeadChange', 'required'],
      [
        choice(head.addresseeNumber, [[a.addresseeNumber, '子']]),
        422,
        '/householdHeadChange/newHeadAddresseeNumber',
        'remainingMember',
      ],
      [
        choice(b.addresseeNumber, [[a.addresseeNumber, '甥']]),
        422,
        '/householdHeadChange/relationships/0/relationshipToHead',
        'relationshipVocabulary',
      ],
      [choice('x', []), 400, '/householdHeadChange/newHeadAddresseeNumber', 'pattern'],
    ];
    for (const [body, status, field, rule] of refusals) {
      const r = await review(body);
      expect(r.status, field).toBe(status);
      expect(r.json.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field, rule })]));
    }
    const app = await sys.orm.em.fork().findOneOrFail(CaseApplication, { caseId });
    expect(app.payload.headChange).toBeUndefined();
    expect((await sys.api('GET', `/api/cases/${caseId}`, { token: clerk })).json.status).toBe('AWAITING_REVIEW');

    // the clerk first calls the applicant, then confirms from 申請者へ連絡中 with the choice
    const contact = await sys.api('POST', `/api/cases/${caseId}/request-contact`, {
      token: clerk,
      body: { reason: '新しい世帯主を確認します' },
      headers: { 'x-request-id': randomUUID() },
    });
    expect(contact.status).toBe(200);
    await eventually(async () => {
      const r = await sys.api('GET', `/api/cases/${caseId}`, { token: clerk });
      return r.json?.status === 'CONTACT_REQUESTED' ? true : undefined;
    }, 60_000);
    // the case screen offers the 世帯主変更 section instead of the plain 審査 button; its form confirms the review
    const cookie = `juki_session=${encodeURIComponent(clerk)}`;
    const screen = await fetch(`${sys.apiUrl}/cases/${caseId}`, { headers: { cookie } }).then((r) => r.text());
    expect(screen).toContain('世帯主変更（審査）');
    expect(screen).not.toContain('data-action="confirm-review"');
    const form = screen.slice(screen.indexOf('id="head-change-review"'));
    const csrf = /name="_csrf" value="([^"]+)"/.exec(form)![1]!;
    const rows = [...form.matchAll(/name="(p\d+)\.addresseeNumber" value="(\d{7})"/g)].map((m) => [m[1]!, m[2]!]);
    expect(rows.map((r) => r[1]).sort()).toEqual([a.addresseeNumber, b.addresseeNumber].sort());
    const post = (fields: Record<string, string>) => {
      const params = new URLSearchParams({ _csrf: csrf, requestId: randomUUID(), ...fields });
      for (const [row, addr] of rows) params.set(`${row}.addresseeNumber`, addr!);
      return fetch(`${sys.apiUrl}/cases/${caseId}/online-move-out/confirm-review`, {
        method: 'POST',
        headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
        body: params,
        redirect: 'manual',
      });
    };
    expect((await post({})).status).toBe(303); // no 世帯主 chosen: refused, shown as a notice
    expect((await sys.api('GET', `/api/cases/${caseId}`, { token: clerk })).json.status).toBe('CONTACT_REQUESTED');
    const rowOfA = rows.find((r) => r[1] === a.addresseeNumber)![0]!;
    expect((await post({ newHead: b.addresseeNumber, [`${rowOfA}.newRelationship`]: '妹' })).status).toBe(303);
    const done = await approveAndWait(caseId);
    expect((await reload(b.addresseeNumber)).relationshipToHead).toBe('世帯主');
    expect(await reload(a.addresseeNumber)).toMatchObject({ relationshipToHead: '妹', householdHeadName: fullName(b) });
    expect(
      (await sys.orm.em.fork().findOneOrFail(Household, { householdNumber: head.householdNumber })).headAddresseeNumber,
    ).toBe(b.addresseeNumber);
    expect(await lastHistory(a.addresseeNumber)).toMatchObject({ caseId, changeReason: '世帯主変更', basis: '職権' });
    expect(await documentText(done, 'householdHeadChangeNotice')).toContain(`変更後の世帯主${name(b)}`);
  });

  it('a cancelled 転出 gives the household back its 世帯主 and 続柄 (appended 異動の取消し)', async () => {
    const [head, stays] = (await household(2)) as [Resident, Resident];
    const out = await moveOut(base([head], { plannedMoveOutDate: addDays(today(), 5) }));
    expect(out.status).toBe(201);
    expect((await sys.api('POST', `/api/cases/${out.json.caseId}/approve`, { token: approver })).status).toBe(200);
    await eventually(async () => {
      const r = await sys.api('GET', `/api/cases/${out.json.caseId}`, { token: clerk });
      return r.json?.status === MoveOutStatus.AWAITING_MOVE_OUT_DATE ? r.json : undefined;
    }, 90_000);
    expect((await reload(stays.addresseeNumber)).relationshipToHead).toBe('世帯主');
    const supervisor = await sys.login('supervisor1');
    const cancel = await sys.api('POST', `/api/cases/${out.json.caseId}/cancel`, {
      token: supervisor,
      body: { reason: '届出人からの取下げ' },
      headers: { 'x-request-id': randomUUID() },
    });
    expect(cancel.status).toBe(200);
    // after 決裁 a second supervisor approves the cancellation (issue 13 item 8)
    const approved = await sys.api('POST', `/api/cases/${out.json.caseId}/cancel`, {
      token: await sys.login('supervisor2'),
      body: { reason: '取消を承認' },
      headers: { 'x-request-id': randomUUID() },
    });
    expect(approved.status).toBe(200);
    await eventually(async () => {
      const r = await sys.api('GET', `/api/cases/${out.json.caseId}`, { token: clerk });
      return r.json?.status === 'CANCELLED' ? r.json : undefined;
    }, 90_000);
    expect(await reload(stays.addresseeNumber)).toMatchObject({
      relationshipToHead: stays.relationshipToHead,
      householdHeadName: stays.householdHeadName,
    });
    expect((await reload(head.addresseeNumber)).status).toBe(ResidentStatus.RESIDENT);
    expect((await lastHistory(stays.addresseeNumber)).changeReason).toBe('異動の取消し（増）');
    expect(
      (await sys.orm.em.fork().findOneOrFail(Household, { householdNumber: head.householdNumber })).headAddresseeNumber,
    ).toBe(head.addresseeNumber);
  });
});

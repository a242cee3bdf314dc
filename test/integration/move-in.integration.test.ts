import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CaseStatus } from '../../src/domain/case-status';
import { ChangeReason } from '../../src/domain/change-reason';
import type { Client } from '@temporalio/client';
import {
  AuditLog,
  CaseApplication,
  CaseRecord,
  OutboxMessage,
  Resident,
  ResidentHistory,
  WorkflowStartRequest,
} from '../../src/db/entities';
import { intakeMoveIn } from '../../src/procedures/move-in/intake';
import { addDays } from '../../src/domain/dates';
import { keyBytes } from '../../src/config';
import { AesGcmPayloadCodec } from '../../src/temporal/payload-codec';
import { moveInWorkflowId } from '../../src/procedures/move-in/workflow';
import { CLERK, moveInApplication, mover, today } from '../support/fixtures';
import { piiOf } from '../support/harness';
import { pdfBytesText } from '../support/pdf-text';
import { eventually, freshMariaDbUrl, startTestSystem, type TestSystem } from '../support/system-harness';

const sqliteUrl = () => `sqlite:${join(mkdtempSync(join(tmpdir(), 'juki-it-')), 'registry.sqlite')}`;

describe.each([
  ['MariaDB', freshMariaDbUrl],
  ['SQLite', sqliteUrl],
])('転入 end to end on %s', (_name, dbUrl) => {
  let sys: TestSystem;
  let clerk: string;
  let approver: string;

  beforeAll(async () => {
    sys = await startTestSystem(dbUrl());
    clerk = await sys.login('clerk1');
    approver = await sys.login('approver1');
  });
  afterAll(async () => sys?.close());

  const intake = (body: unknown, key = randomUUID(), token = clerk) =>
    sys.api('POST', '/api/cases/move-in', { token, body, headers: { 'idempotency-key': key } });
  const waitStatus = (caseId: string, status: string) =>
    eventually(async () => {
      const r = await sys.api('GET', `/api/cases/${caseId}`, { token: clerk });
      return r.json?.status === status ? r.json : undefined;
    }, 90_000);
  const received = async (kind: string, caseId: string) =>
    ((await sys.csAdmin('GET', `received?kind=${kind}`)).items as Array<{ idempotencyKey: string; body: any }>).filter(
      (m) => m.idempotencyKey.includes(caseId),
    );
  const counts = async () => {
    const em = sys.orm.em.fork();
    return {
      apps: await em.count(CaseApplication, {}),
      cases: await em.count(CaseRecord, {}),
      residents: await em.count(Resident, {}),
      outbox: await em.count(OutboxMessage, {}),
    };
  };

  it('the 決裁 answers with the projected status, told by the worker in this process without reading the row (issue 15)', async () => {
    const first = await intake(moveInApplication());
    expect(first.status).toBe(201);
    const caseId: string = first.json.caseId;
    // the workflow's first projection written (revision 1): its worker runs in this process
    await eventually(async () =>
      (await sys.orm.em.fork().findOneOrFail(CaseRecord, { caseId })).revision ? true : undefined,
    );
    // every statement of this process while the 決裁 runs (API and worker share it here, as on one machine)
    const conn = sys.orm.em.getConnection() as unknown as { logQuery: (q: string, c?: unknown) => void };
    const logQuery = conn.logQuery;
    const statements: string[] = [];
    conn.logQuery = function (this: unknown, q: string, c?: unknown) {
      statements.push(q);
      return logQuery.call(this, q, c);
    };
    let ok;
    try {
      ok = await sys.api('POST', `/api/cases/${caseId}/approve`, { token: approver });
    } finally {
      conn.logQuery = logQuery;
    }
    expect(ok.status, JSON.stringify(ok.json)).toBe(200);
    expect(ok.json.status).not.toBe(CaseStatus.AWAITING_APPROVAL);
    // the page drawn next reads the new state: the row had it before the answer
    const row = await sys.orm.em.fork().findOneOrFail(CaseRecord, { caseId });
    expect(row.status).not.toBe(CaseStatus.AWAITING_APPROVAL);
    expect(statements.filter((q) => /select status from case_record/i.test(q))).toEqual([]);
    await waitStatus(caseId, CaseStatus.COMPLETED);
  });

  it('the same Idempotency-Key sent four times at once (a re-send racing the first): one case, every answer names it', async () => {
    const app = moveInApplication();
    const key = randomUUID();
    const answers = await Promise.all([1, 2, 3, 4].map(() => intake(app, key)));
    expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 200, 201]);
    expect(new Set(answers.map((a) => a.json.caseId)).size).toBe(1);
    expect(await sys.orm.em.fork().count(CaseApplication, { idempotencyKey: key })).toBe(1);
    expect(await sys.orm.em.fork().count(CaseRecord, { caseId: answers[0]!.json.caseId })).toBe(1);
  });

  it('moves a couple in: intake → approval → registry → CS (through 3 failures) → 住民票の写し', async () => {
    const app = moveInApplication();
    const key = randomUUID();
    const first = await intake(app, key);
    expect(first.status).toBe(201);
    const again = await intake(app, key);
    expect(again.status).toBe(200);
    expect(again.json.caseId).toBe(first.json.caseId);
    const caseId: string = first.json.caseId;
    expect(await sys.orm.em.fork().count(CaseApplication, { idempotencyKey: key })).toBe(1);

    await sys.csAdmin('POST', 'faults', { failNext: 3 });
    const ok = await sys.api('POST', `/api/cases/${caseId}/approve`, { token: approver });
    expect(ok.status).toBe(200);
    const done = await waitStatus(caseId, CaseStatus.COMPLETED);

    const updates = await received('identity-updates', caseId);
    const notices = await received('move-in-notices', caseId);
    expect(updates).toHaveLength(2);
    expect(notices).toHaveLength(2);
    for (const u of updates)
      expect(Object.keys(u.body.identity).sort()).toEqual([
        'address',
        'birthDate',
        'changeDate',
        'changeReason',
        'individualNumber',
        'name',
        'residentRecordCode',
        'sex',
      ]);
    for (const n of notices) expect(JSON.stringify(n.body)).not.toMatch(/individualNumber/);
    expect(updates.map((u) => u.body.identity.individualNumber).sort()).toEqual(
      app.movers.map((m) => m.individualNumber).sort(),
    );

    const em = sys.orm.em.fork();
    const history = await em.find(ResidentHistory, { caseId });
    expect(history).toHaveLength(2);
    expect(
      history.every(
        (h) =>
          h.historyNumber === 1 && h.changeReason === ChangeReason.DOMESTIC_MOVE_IN && h.operatorId === 'approver1',
      ),
    ).toBe(true);
    const resident = await em.findOneOrFail(Resident, { addresseeNumber: history[0]!.addresseeNumber });
    expect(resident.individualNumberEnc).toBeTruthy();
    expect(resident.individualNumberEnc).not.toContain(app.movers[0]!.individualNumber!);
    expect((await em.find(OutboxMessage, { caseId })).every((m) => m.status === 'SENT')).toBe(true);
    expect(await em.count(AuditLog, { caseId, action: '異動（本登録）' })).toBe(2);

    // Temporal history: payloads are ciphertext at rest, and even decoded they carry IDs only (no 個人番号, no 4情報)
    const wfHistory = await sys.temporal.workflow.getHandle(moveInWorkflowId(caseId)).fetchHistory();
    const codec = new AesGcmPayloadCodec(keyBytes(sys.config.keys.payloadCodec));
    const bytes = (v: unknown) =>
      typeof v === 'string' ? Buffer.from(v, 'base64') : Buffer.from((v ?? []) as Uint8Array);
    // search attributes stay readable for the server's index (and hold IDs and statuses only); the rest is ciphertext
    const encrypted = (e: unknown) => bytes(e).toString() === 'binary/encrypted';
    const payloads: Array<{ metadata: Record<string, Buffer>; data: Buffer }> = [];
    JSON.stringify(wfHistory, (_k, v: any) => {
      if (v && typeof v === 'object' && v.metadata?.encoding && 'data' in v && encrypted(v.metadata.encoding)) {
        payloads.push({
          metadata: Object.fromEntries(Object.entries(v.metadata).map(([k, m]) => [k, bytes(m)])),
          data: bytes(v.data),
        });
      }
      return v;
    });
    expect(payloads.length).toBeGreaterThan(3);
    const raw = payloads.map((p) => p.data.toString('utf8')).join('\n');
    expect(raw).not.toContain(caseId); // encrypted at rest
    const decoded = (await codec.decode(payloads)).map((p) => Buffer.from(p.data ?? []).toString('utf8')).join('\n');
    expect(decoded).toContain(caseId);
    for (const m of app.movers) {
      for (const secret of [m.individualNumber!, m.familyName + '　' + m.givenName, m.birthDate]) {
        expect(raw).not.toContain(secret);
        expect(decoded).not.toContain(secret);
      }
    }

    expect(done.certificates).toHaveLength(1);
    const pdf = await sys.api('GET', done.certificates[0].href, { token: clerk });
    expect(pdf.status).toBe(200);
    const text = pdfBytesText(pdf.buffer);
    expect(text).toContain('山田');
    expect(text).toContain('太郎');
    expect(text).toContain('さくらハイツ203号室');
    expect(text).toContain('住民票の写し');
    for (const m of app.movers) expect(text).not.toContain(m.individualNumber!);
    for (const m of app.movers) expect(text).not.toContain(m.residentRecordCode);
  });

  it('a partly unknown 生年月日 (月日不詳, 年月日不詳) is stored, sent to the CS with 00 and printed as 昭和20年 月 日 / 不詳', async () => {
    const bad = await intake(moveInApplication({ movers: [mover({ birthDate: '1945-00-15' })] }));
    expect(bad.status).toBe(400);
    expect(bad.json.errors).toEqual([expect.objectContaining({ field: '/movers/0/birthDate', rule: 'format' })]);

    const app = moveInApplication({
      movers: [
        mover({ givenName: '一郎', givenNameKana: 'イチロウ', birthDate: '1945-00-00' }),
        mover({
          givenName: '春子',
          givenNameKana: 'ハルコ',
          birthDate: '0000-00-00',
          sex: '2',
          relationshipToHead: '妻',
        }),
      ],
    });
    const r = await intake(app);
    expect(r.status).toBe(201);
    expect((await sys.api('POST', `/api/cases/${r.json.caseId}/approve`, { token: approver })).status).toBe(200);
    const done = await waitStatus(r.json.caseId, CaseStatus.COMPLETED);

    const em = sys.orm.em.fork();
    const codes = app.movers.map((m) => m.residentRecordCode);
    const rows = await em.find(Resident, { residentRecordCode: { $in: codes } }, { orderBy: { birthDate: 'desc' } });
    expect(rows.map((x) => x.birthDate)).toEqual(['1945-00-00', '0000-00-00']);
    const updates = await received('identity-updates', r.json.caseId);
    expect(updates.map((u) => u.body.identity.birthDate).sort()).toEqual(['0000-00-00', '1945-00-00']);
    expect((await received('move-in-notices', r.json.caseId)).map((n) => n.body.notice.birthDate).sort()).toEqual([
      '0000-00-00',
      '1945-00-00',
    ]);

    const pdf = (await sys.api('GET', done.certificates[0].href, { token: clerk })).buffer;
    const text = pdfBytesText(pdf);
    expect(text).toContain('昭和20年月日'); // 「昭和20年 月 日」 (white space removed)
    expect(text).toContain('不詳');
    expect(text).not.toMatch(/0000-00-00|1945-00-00/);
  });

  it('refuses bad input with a clear error and stores, starts and sends nothing', async () => {
    const before = await counts();
    const sentBefore = (await sys.csAdmin('GET', 'received?kind=identity-updates')).count;
    const badNumber = mover({ individualNumber: '123456789019' });
    const { familyName: _omit, ...noName } = mover();
    const cases: Array<[string, () => Promise<{ status: number; json: any }>, number, string, string]> = [
      [
        'malformed JSON',
        () => sys.api('POST', '/api/cases/move-in', { token: clerk, raw: '{"movers": [' }),
        400,
        'MALFORMED_JSON',
        '',
      ],
      [
        'missing field',
        () => intake(moveInApplication({ movers: [noName as never] })),
        400,
        'VALIDATION_FAILED',
        '/movers/0/familyName',
      ],
      [
        'extra field',
        () => intake({ ...moveInApplication(), favouriteColour: 'blue' }),
        400,
        'VALIDATION_FAILED',
        '/favouriteColour',
      ],
      [
        'bad 個人番号 check digit',
        () => intake(moveInApplication({ movers: [badNumber] })),
        400,
        'VALIDATION_FAILED',
        '/movers/0/individualNumber',
      ],
      [
        'future 転入日',
        () => intake(moveInApplication({ moveInDate: addDays(today(), 2) })),
        422,
        'RULE_VIOLATION',
        '/moveInDate',
      ],
      [
        'birth after 転入日',
        () => intake(moveInApplication({ movers: [mover({ birthDate: today() })], moveInDate: addDays(today(), -1) })),
        422,
        'RULE_VIOLATION',
        '/movers/0/birthDate',
      ],
      [
        '個人番号 requested by a proxy',
        () =>
          intake(
            moveInApplication({
              notifier: { kind: 'proxy', powerOfAttorney: true },
              certificateRequest: { includeIndividualNumber: true },
            }),
          ),
        422,
        'RULE_VIOLATION',
        '/certificateRequest/includeIndividualNumber',
      ],
      [
        'proxy without a 委任状',
        () => intake(moveInApplication({ notifier: { kind: 'proxy' } })),
        422,
        'RULE_VIOLATION',
        '/notifier/powerOfAttorney',
      ],
      [
        'unknown household',
        () =>
          intake(
            moveInApplication({
              household: { mode: 'join', householdNumber: '9999990' },
              movers: [mover({ relationshipToHead: '同居人' })],
            }),
          ),
        422,
        'RULE_VIOLATION',
        '/household/householdNumber',
      ],
    ];
    for (const [label, call, status, code, field] of cases) {
      const r = await call();
      expect(r.status, label).toBe(status);
      expect(r.json.error, label).toBe(code);
      if (field)
        expect(
          r.json.errors.map((e: { field: string }) => e.field),
          label,
        ).toContain(field);
      expect(JSON.stringify(r.json), label).not.toContain('123456789019');
    }
    expect(await counts()).toEqual(before);
    expect((await sys.csAdmin('GET', 'received?kind=identity-updates')).count).toBe(sentBefore);
  });

  /**
   * A case whose intake committed the row (決裁待ち) and its start request, but whose start failed — as when the API
   * could not reach Temporal; the reconciler would start it later.
   */
  const pendingCase = async () => {
    const unreachable = {
      workflow: {
        start: async () => {
          throw new Error('Temporal unreachable');
        },
      },
    } as unknown as Client;
    const idempotencyKey = randomUUID();
    const failed = await intakeMoveIn(
      { orm: sys.orm, pii: piiOf(sys.config), temporal: unreachable, config: sys.config },
      { ...CLERK, ip: '127.0.0.1' },
      moveInApplication(),
      idempotencyKey,
    ).catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(Error);
    // found by its idempotency key (the newest row of the clerk is ambiguous: MariaDB keeps whole seconds)
    const { caseId } = await sys.orm.em.fork().findOneOrFail(CaseApplication, { idempotencyKey });
    const row = await sys.orm.em.fork().findOneOrFail(CaseRecord, { caseId });
    expect(row.status).toBe(CaseStatus.AWAITING_APPROVAL);
    expect(await pendingStarts(row.caseId)).toBe(1);
    return row;
  };
  const pendingStarts = (caseId: string) => sys.orm.em.fork().count(WorkflowStartRequest, { caseId, startedAt: null });

  it('a 決裁 while the workflow start is still pending (Temporal was unreachable at intake) starts it and is taken', async () => {
    const row = await pendingCase();
    const ok = await sys.api('POST', `/api/cases/${row.caseId}/approve`, { token: approver });
    expect(ok.status, JSON.stringify(ok.json)).toBe(200); // before: 409 CASE_CLOSED 「この案件は既に終了しています」
    expect(ok.json.decision).toMatchObject({ kind: 'APPROVED', by: 'approver1' });
    expect(await pendingStarts(row.caseId)).toBe(0);
    await waitStatus(row.caseId, CaseStatus.COMPLETED);
    expect(await sys.orm.em.fork().count(Resident, { processId: row.caseId })).toBe(2);
  });

  it('a 決裁 while the workflow start is pending and cannot be made: 503 CASE_NOT_STARTED, nothing changed', async () => {
    const row = await pendingCase();
    const queue = (await sys.orm.em.fork().findOneOrFail(WorkflowStartRequest, { caseId: row.caseId })).taskQueue;
    await sys.orm.em.fork().nativeUpdate(WorkflowStartRequest, { caseId: row.caseId }, { taskQueue: '' }); // Temporal refuses the start
    const refused = await sys.api('POST', `/api/cases/${row.caseId}/approve`, { token: approver });
    expect(refused.status).toBe(503);
    expect(refused.json).toEqual({
      error: 'CASE_NOT_STARTED',
      message: 'この案件の処理はまだ開始されていません。少し待ってから、もう一度操作してください',
    });
    expect(await pendingStarts(row.caseId)).toBe(1);
    expect((await sys.orm.em.fork().findOneOrFail(CaseRecord, { caseId: row.caseId })).status).toBe(
      CaseStatus.AWAITING_APPROVAL,
    );
    await sys.orm.em.fork().nativeUpdate(WorkflowStartRequest, { caseId: row.caseId }, { taskQueue: queue });
    const ok = await sys.api('POST', `/api/cases/${row.caseId}/approve`, { token: approver });
    expect(ok.status, JSON.stringify(ok.json)).toBe(200); // the clerk's second try
    await waitStatus(row.caseId, CaseStatus.COMPLETED);
  });

  it('enforces four-eyes and refuses a second approval and a 転入 of a registered person', async () => {
    const dual = await sys.login('dual1');
    const own = await intake(moveInApplication(), randomUUID(), dual);
    expect(own.status).toBe(201);
    const selfApprove = await sys.api('POST', `/api/cases/${own.json.caseId}/approve`, { token: dual });
    expect(selfApprove.status).toBe(403);
    expect(selfApprove.json.error).toBe('FOUR_EYES');
    const clerkApprove = await sys.api('POST', `/api/cases/${own.json.caseId}/approve`, { token: clerk });
    expect(clerkApprove.status).toBe(403);

    const app = moveInApplication({ certificateRequest: undefined });
    const c = await intake(app);
    // logged in first: a login (scrypt at OWASP cost) between the approvals could outlast the case
    const approver2 = await sys.login('approver2');
    expect((await sys.api('POST', `/api/cases/${c.json.caseId}/approve`, { token: approver })).status).toBe(200);
    const second = await sys.api('POST', `/api/cases/${c.json.caseId}/approve`, { token: approver2 });
    expect(second.status).toBe(409);
    expect(second.json.error).toBe('NOT_AWAITING_APPROVAL');
    await waitStatus(c.json.caseId, CaseStatus.COMPLETED);

    const dup = await intake(
      moveInApplication({ movers: [mover({ residentRecordCode: app.movers[0]!.residentRecordCode })] }),
    );
    expect(dup.status).toBe(422);
    expect(dup.json.errors[0]).toMatchObject({ field: '/movers/0', rule: 'alreadyRegistered' });
  });

  it('requires a session, audits refusals, and masks the 個人番号 unless asked by a permitted role', async () => {
    expect((await sys.api('GET', '/api/cases')).status).toBe(401);
    const c = await intake(moveInApplication());
    const masked = await sys.api('GET', `/api/cases/${c.json.caseId}`, { token: clerk });
    expect(masked.json.application.movers[0].individualNumber).toBe('************');
    const supervisor = await sys.login('supervisor1');
    expect(
      (await sys.api('GET', `/api/cases/${c.json.caseId}?showIndividualNumber=true`, { token: supervisor })).status,
    ).toBe(403);
    const shown = await sys.api('GET', `/api/cases/${c.json.caseId}?showIndividualNumber=true`, { token: clerk });
    expect(shown.json.application.movers[0].individualNumber).toMatch(/^\d{12}$/);
    const em = sys.orm.em.fork();
    expect(await em.count(AuditLog, { caseId: c.json.caseId, action: '照会', individualNumberAccessed: true })).toBe(1);
    expect(await em.count(AuditLog, { actorId: 'supervisor1', outcome: 'denied' })).toBeGreaterThanOrEqual(1);
    const openapi = await sys.api('GET', '/api/openapi.json');
    expect(openapi.json.openapi).toBe('3.1.0');
  });
});

import { Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays } from '../../src/domain/dates';
import { moveInApplication, today, type FixtureApplication } from '../support/fixtures';
import { moveInNoticeFrom, TOWN_B } from '../support/move-fixtures';
import { FaultSystem, summary } from './support/fault-system';
import { added, expectConsistent, snapshot } from './support/expect-counts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * マイナポータル outage: what the town sends to the portal are the notices of an online 転出 (COMPLETED after the
 * 本登録, REJECTED with the clerk's reason, CANCELLED; src/procedures/online-move-out/activities.ts). The portal
 * simulator process — which keeps its state on disk — is SIGKILLed while online 転出 cases are decided, and comes
 * back 8 s after the first failed call. Every notice arrives exactly once, the cases finish, and while it lasts the
 * supervisor console shows the portal 障害 and the case its failing step.
 *
 * Inbound, the portal re-sends an online 転出届 it got no answer for: the API is SIGKILLed after committing one
 * application's case row (its way to Temporal cut, as in intake-and-infrastructure) and a second application is sent
 * while it is down; once it is back, the portal sends each again, twice at once. One case and one workflow run per
 * application, every re-send answered with that case, one COMPLETED notice each.
 */
describe('faults: portal', () => {
  let sys: FaultSystem;
  let supervisor: string;

  beforeAll(async () => {
    // the API reaches Temporal through a proxy: the re-send scenario cuts it to hold the API after its case row
    sys = await FaultSystem.start({ workers: 1, apis: 1, apiTemporalProxy: true, env: { ACTIVITY_TIMEOUT: '10s' } });
    await sys.login('clerk1');
    await sys.login('approver1');
    supervisor = await sys.login('supervisor1');
  });
  afterAll(async () => sys?.close());

  const portalCalls = async () =>
    (
      await sys.sql<{ ok: number; n: number }>(
        'select ok, count(*) n from partner_call where partner = ? group by ok',
        ['PORTAL'],
      )
    ).reduce((m, r) => ({ ...m, [Number(r.ok) ? 'ok' : 'failed']: Number(r.n) }), { ok: 0, failed: 0 });
  /** The portal's card on the supervisor console: 正常 / 障害 / … */
  const portalHealth = async () => {
    const page = await sys.api('GET', '/supervisor', { headers: { cookie: `juki_session=${supervisor}` } });
    const text = String(page.json);
    const state = /マイナポータル<b>([^<]*)<\/b>/.exec(text)?.[1];
    if (!state) throw new Error(`supervisor console: ${page.status} ${text.slice(0, 300)}`);
    return state;
  };

  const caseProgress = async (id: string) =>
    (await sys.api('GET', `/api/cases/${id}/progress`, { token: await sys.login('clerk1') })).json as {
      failingStep: string | null;
      error: string | null;
      needsAttention: boolean;
    };
  /** The case screen as clerk1 sees it. */
  const casePage = async (id: string) =>
    String(
      (await sys.api('GET', `/cases/${id}`, { headers: { cookie: `juki_session=${await sys.login('clerk1')}` } })).json,
    );

  /** A household of two moved in through the counter (COMPLETED), at its own 方書 so the portal's match is unique. */
  async function household(i: number): Promise<FixtureApplication> {
    const app = moveInApplication();
    app.address = { ...app.address, addressSupplement: `さくらハイツ${300 + i}号室` };
    return app;
  }

  /** The signed content of the household's online 転出届 (its head the applicant, every member moving). */
  function onlineContent(app: FixtureApplication) {
    const person = (m: FixtureApplication['movers'][number]) => ({
      familyName: m.familyName,
      givenName: m.givenName,
      birthDate: m.birthDate,
      sex: m.sex,
    });
    return {
      applicationDate: today(),
      applicant: { ...person(app.movers[0]!), isMover: true },
      currentAddress: `${app.address.address}　${app.address.addressSupplement}`,
      movers: app.movers.map(person),
      destination: { address: '神奈川県相模原市中央区中央一丁目1番1号', municipalityCode: TOWN_B },
      plannedMoveOutDate: addDays(today(), 7),
      plannedVisitDate: addDays(today(), 8),
      contactPhone: '090-1234-5678',
    };
  }

  /** The online 転出届 of the whole household, signed by its head at the portal simulator; returns the case ID. */
  async function applyOnline(app: FixtureApplication): Promise<string> {
    const r = await sys.portalAdmin('POST', '/_admin/applications', {
      municipalityCode: sys.municipalityCode,
      scenario: 'valid',
      content: onlineContent(app),
    });
    const sent = (r.json as { sent: { status: number; body: { caseId?: string } } }).sent;
    if (sent.status !== 201 || !sent.body.caseId) throw new Error(`online intake: ${JSON.stringify(sent)}`);
    return sent.body.caseId;
  }

  const step = async (caseId: string, name: string, user: string, body: unknown = {}) => {
    const r = await sys.api('POST', `/api/cases/${caseId}/${name}`, { token: await sys.login(user), body });
    if (r.status !== 200) throw new Error(`${name} ${caseId}: ${r.status} ${JSON.stringify(r.json)}`);
  };
  /** 審査 by clerk1, 決裁 by approver1. */
  const decide = async (caseId: string) => {
    await step(caseId, 'confirm-review', 'clerk1');
    await step(caseId, 'approve', 'approver1');
  };

  /** The destination's 転入通知 for each mover (through the CS inbound API): the 除票, then the case completes. */
  const moveInNotices = async (app: FixtureApplication) => {
    for (const m of app.movers) {
      const msg = moveInNoticeFrom(sys.municipalityCode, m, today());
      const r = await fetch(`${sys.apis[0]!.url}/cs-inbound/v1/move-in-notices`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${sys.inboundToken('cs')}`,
          'content-type': 'application/json',
          'idempotency-key': msg.idempotencyKey,
        },
        body: JSON.stringify(msg),
      });
      expect(r.status).toBeLessThan(300);
    }
  };

  it('portal outage: the portal process down while online 転出 are decided, back 8 s later: every notice once', async () => {
    // three households of our town, moved in at the counter
    const homes = [await household(1), await household(2), await household(3)];
    const moveIns: string[] = [];
    for (const h of homes) moveIns.push(await sys.intake('move-in', h));
    for (const id of moveIns) await sys.approve(id);
    await sys.waitForStatus(moveIns, 'COMPLETED');

    const before = await snapshot(sys);
    const certificatesBefore = (await sys.csReceived('move-out-certificates')).count;
    const [a, b, c] = [await applyOnline(homes[0]!), await applyOnline(homes[1]!), await applyOnline(homes[2]!)];
    await sys.waitForStatus([a, b, c], 'AWAITING_REVIEW', 60_000);
    // A is decided while the portal is up: its COMPLETED notice is received (and kept on disk by the simulator)
    await decide(a);
    await sys.waitForStatus([a], 'AWAITING_MOVE_OUT_DATE', 60_000);
    expect((await sys.portalReceived()).count).toBe(1);
    expect(await portalHealth()).toBe('正常');

    await sys.portal.kill('SIGKILL');
    await decide(b); // approved: 本登録, CS messages, then the COMPLETED notice
    await step(c, 'reject', 'clerk1', { reason: '転出先の住所が確認できないため' }); // the REJECTED notice
    const until = Date.now() + 60_000;
    while ((await portalCalls()).failed < 3 && Date.now() < until) await sleep(250);
    // while the portal is down: 障害 on the console, each waiting case shows its failing step and the error
    expect(await portalHealth()).toBe('障害');
    for (const id of [b, c]) {
      const progress = await caseProgress(id);
      expect(progress.failingStep, `${id} failing step`).toBe('notifyPortal');
      expect(progress.error).toContain('マイナポータル'); // the Japanese explanation of the step error
      expect(progress.needsAttention).toBe(true);
      expect(await casePage(id)).toContain('処理「マイナポータルへの通知」が失敗しています');
    }
    expect((await sys.caseOf(c)).status).not.toBe('REJECTED'); // it ends only once the portal knows
    await sleep(8_000);
    const outage = await portalCalls();
    await sys.portal.restart();

    await sys.waitForStatus([b], 'AWAITING_MOVE_OUT_DATE', 120_000);
    await sys.waitForStatus([c], 'REJECTED', 120_000);
    const deadline = Date.now() + 30_000;
    while ((await portalHealth()) !== '正常' && Date.now() < deadline) await sleep(500);
    expect(await portalHealth()).toBe('正常');
    for (const id of [b, c]) {
      expect((await caseProgress(id)).failingStep, `${id} cleared`).toBeNull();
      expect(await casePage(id)).not.toContain('が失敗しています');
    }

    // the destination's 転入通知 ends A and B
    await moveInNotices(homes[0]!);
    await moveInNotices(homes[1]!);
    await sys.waitForStatus([a, b], 'COMPLETED', 120_000);

    const notices = await sys.portalReceived();
    const after = await snapshot(sys);
    const got = added(after, before);
    const statuses = await sys.sql<{ status: string; n: number }>(
      'select status, count(*) n from resident group by status',
    );
    const residents = Object.fromEntries(statuses.map((r) => [r.status, Number(r.n)]));
    const histories = await sys.sql<{ reason: string; n: number }>(
      `select concat(change_reason, ' ', coalesce(notes, '')) reason, count(*) n from resident_history
       where case_id in (?, ?, ?) group by reason`,
      [a, b, c],
    );
    const history = Object.fromEntries(histories.map((r) => [r.reason, Number(r.n)]));
    const certificates = await sys.csReceived('move-out-certificates');
    summary('portal outage', {
      ...got,
      residents,
      historyByReason: history,
      moveOutCertificates: certificates.count - certificatesBefore,
      portal: notices.items.map((n) => n.body?.kind ?? n.kind),
      failedCalls: outage.failed,
    });
    expect(notices.count).toBe(3);
    expect(notices.distinct).toBe(3); // no notice twice, the one before the outage not forgotten
    expect(notices.items.map((n) => `${n.body.applicationId}:${n.body.kind}`).sort()).toEqual(
      (
        await sys.sql<{ a: string; c: string }>(
          'select case_id c, workflow_id a from case_record where case_id in (?, ?, ?)',
          [a, b, c],
        )
      )
        .map((r) => `${r.a.replace('online-move-out/', '')}:${r.c === c ? 'REJECTED' : 'COMPLETED'}`)
        .sort(),
    );
    expect(got.cases).toEqual({ COMPLETED: 2, REJECTED: 1 });
    // A and B, two movers each: 本人確認情報 and 転出証明書情報 per mover sent once; nothing of the rejected C
    expect(got.outbox).toEqual({ SENT: 8 });
    expect(got.cs['identity-updates']).toBe(4);
    expect(certificates.count - certificatesBefore).toBe(4);
    expect(certificates.count).toBe(certificates.distinct);
    // per mover of A and B: the 転出 (転出予定者), the 転入通知 recorded beside it, the 除票
    expect(got.history).toBe(12);
    expect(history).toEqual({ '国内転出 ': 4, '国内転出 転入通知': 4, '国内転出 除票': 4 });
    expect(got.held).toEqual({});
    expect(got.certificates).toBe(0);
    expect(residents).toEqual({ RESIDENT: 2, REMOVED: 4 });
    expect(got.residents).toBe(0);
    expect(got.inbound).toBe(4); // the four 転入通知
    expectConsistent(after);
  });
  it('the portal re-sends online 転出 into a restarted API: one case each, one workflow run, one notice', async () => {
    // two households of our town, moved in at the counter
    const homes = [await household(4), await household(5)];
    const moveIns: string[] = [];
    for (const h of homes) moveIns.push(await sys.intake('move-in', h));
    for (const id of moveIns) await sys.approve(id);
    await sys.waitForStatus(moveIns, 'COMPLETED');
    const before = await snapshot(sys);
    const noticesBefore = (await sys.portalReceived()).count;
    const certificatesBefore = (await sys.csReceived('move-out-certificates')).count;
    const caseIds = async () =>
      (await sys.sql<{ case_id: string }>('select case_id from case_record')).map((r) => r.case_id);
    const known = new Set(await caseIds());
    const [a, b] = [`MP-RESEND-A-${Date.now()}`, `MP-RESEND-B-${Date.now()}`];
    const send = (applicationId: string, home: FixtureApplication) =>
      sys
        .portalAdmin('POST', '/_admin/applications', {
          municipalityCode: sys.municipalityCode,
          scenario: 'valid',
          applicationId,
          content: onlineContent(home),
        })
        .catch((e: unknown) => e);

    // A: the API cannot reach Temporal, so it sits between the commit of A's case row and the workflow start (as in
    // intake-and-infrastructure); it is SIGKILLed there and A's answer never reaches the portal
    sys.temporalProxy!.cut();
    const sendingA = send(a, homes[0]!);
    let caseA: string | undefined;
    for (let i = 0; i < 600 && !caseA; i++) {
      caseA = (await caseIds()).find((id) => !known.has(id));
      if (!caseA) await sleep(100);
    }
    expect(caseA, "A's case row").toBeDefined();
    await sys.apis[0]!.kill('SIGKILL');
    // B: sent while the API is down, no case row
    const firstSendings = [await sendingA, await send(b, homes[1]!)];
    for (const f of firstSendings) expect(String(f)).toMatch(/: 502 .*MUNICIPALITY_UNREACHABLE/); // no answer
    expect(await caseIds()).toHaveLength(known.size + 1);
    sys.temporalProxy!.restore();
    await sys.apis[0]!.restart();

    // the portal sends each again, twice at once (same application ID and envelope, new request signatures); A's
    // workflow is not started yet (the reconciler waits WORKFLOW_START_RECONCILE_MS, 30 s, for a start request)
    const aStartedAtResend = (
      await sys.sql<{ s: unknown }>('select started_at s from workflow_start_request where case_id = ?', [caseA])
    )[0]?.s;
    const resend = async (applicationId: string) =>
      (await sys.portalAdmin('POST', `/_admin/applications/${applicationId}/resend`)).json as {
        status: number;
        body: { caseId: string; duplicate: boolean };
      };
    const [a1, a2, b1, b2] = await Promise.all([resend(a), resend(a), resend(b), resend(b)]);
    const ok = (applicationId: string, caseId: string, duplicate: boolean) => ({
      status: duplicate ? 200 : 201,
      body: { applicationId, caseId, status: 'RECEIVED', duplicate },
    });
    expect([a1, a2]).toEqual([ok(a, caseA!, true), ok(a, caseA!, true)]);
    // B: the first to commit creates the case, the other is answered with it (before the fix: 500, a duplicate key)
    expect([b1!.status, b2!.status].sort()).toEqual([200, 201]);
    const caseB = b1!.body.caseId;
    expect(caseB).toMatch(/^OM-/);
    expect([b1, b2].sort((x, y) => x!.status - y!.status)).toEqual([ok(b, caseB, true), ok(b, caseB, false)]);

    // 審査 and 決裁: the 本登録, the CS messages and the COMPLETED notice; then the destination's 転入通知
    for (const id of [caseA!, caseB]) await decide(id);
    await sys.waitForStatus([caseA!, caseB], 'AWAITING_MOVE_OUT_DATE', 60_000);
    for (const h of homes) await moveInNotices(h);
    await sys.waitForStatus([caseA!, caseB], 'COMPLETED', 60_000);

    const count = async (q: string, p: unknown[]) => Number((await sys.sql<{ n: number }>(q, p))[0]!.n);
    const rowsOf = async (applicationId: string) => {
      const wf = `online-move-out/${applicationId}`;
      return {
        caseRecords: await count('select count(*) n from case_record where workflow_id = ?', [wf]),
        applications: await count('select count(*) n from case_application where idempotency_key = ?', [
          `portal:${applicationId}`,
        ]),
        signed: await count('select count(*) n from portal_signed_application where application_id = ?', [
          applicationId,
        ]),
        rejections: await count('select count(*) n from portal_rejection where application_id = ?', [applicationId]),
        starts: await count(
          'select count(*) n from workflow_start_request where workflow_id = ? and started_at is not null',
          [wf],
        ),
      };
    };
    const registry = { a: await rowsOf(a), b: await rowsOf(b) };
    const connection = await sys.connect();
    const runs: Record<string, string[]> = { a: [], b: [] };
    try {
      const client = new Client({ connection, namespace: sys.temporal.namespace });
      for (const [k, id] of [
        ['a', a],
        ['b', b],
      ] as const)
        for await (const w of client.workflow.list({ query: `WorkflowId = 'online-move-out/${id}'` }))
          runs[k]!.push(w.status.name);
    } finally {
      await connection.close();
    }
    const notices = await sys.portalReceived();
    const ours = notices.items
      .filter((n) => [a, b].includes(n.body?.applicationId))
      .map((n) => `${n.body.applicationId === a ? 'a' : 'b'}:${n.body.kind}`);
    const after = await snapshot(sys);
    const got = added(after, before);
    const certificates = (await sys.csReceived('move-out-certificates')).count - certificatesBefore;
    summary('portal re-sends into a restarted API', {
      ...got,
      moveOutCertificates: certificates,
      registry,
      runs,
      answers: [a1, a2, b1, b2].map((x) => x!.status),
      aStartedAtResend: Boolean(aStartedAtResend),
      portal: ours,
    });
    const one = { caseRecords: 1, applications: 1, signed: 1, rejections: 0, starts: 1 };
    expect(registry).toEqual({ a: one, b: one });
    expect(runs).toEqual({ a: ['COMPLETED'], b: ['COMPLETED'] }); // one workflow run each, never a second start
    expect(ours.sort()).toEqual(['a:COMPLETED', 'b:COMPLETED']);
    expect(notices.count - noticesBefore).toBe(2);
    expect(notices.count).toBe(notices.distinct);
    expect(got.cases).toEqual({ COMPLETED: 2 });
    // two movers each: 本人確認情報 and 転出証明書情報 per mover sent once; per mover the 転出, the 転入通知, the 除票
    expect(got.outbox).toEqual({ SENT: 8 });
    expect(got.cs).toEqual({ 'identity-updates': 4, 'move-in-notices': 0, 'address-annex-notices': 0 });
    expect(certificates).toBe(4);
    expect(got.history).toBe(12);
    expect(got.residents).toBe(0);
    expect(got.held).toEqual({});
    expect(got.certificates).toBe(0);
    expect(got.inbound).toBe(4); // the four 転入通知
    expectConsistent(after);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { AuditLog, CaseActionLog, StaffSession } from '../../src/db/entities';
import { eventually, type TestSystem } from '../support/system-harness';
import { launchBrowser, loginAs, shot } from './support/browser';
import { caseJson, intakeMoveIn, startE2eSystem, STUCK_TIMINGS } from './support/e2e-system';

/**
 * The supervisor unsticks cases on the real system: a CS outage makes deliveries fail and retry with backoff; the
 * console shows each stuck case with step, attempts, last error and next retry; after the CS is back, 「今すぐ再試行」
 * completes a case before its next automatic retry — one case, then 20 at once with a result per case.
 */
describe('e2e: supervisor console', () => {
  let sys: TestSystem;
  let browser: Browser;
  let clerk: string;
  let approver: string;

  beforeAll(async () => {
    // stuck within seconds, and 「今すぐ再試行」 comes before the next automatic retry
    sys = await startE2eSystem({ config: { timings: STUCK_TIMINGS } });
    browser = await launchBrowser();
    clerk = await sys.login('clerk1');
    approver = await sys.login('approver1');
  });
  afterAll(async () => {
    await browser?.close();
    await sys?.close();
  });

  /** Cases stuck on a CS failing every call with 503 (no Retry-After: an outage's Retry-After would be honoured). */
  const stuckCases = async (n: number, minAttempts: number) => {
    await sys.csAdmin('POST', 'faults', { failNext: 1_000_000 });
    const ids: string[] = [];
    for (let i = 0; i < n; i++) ids.push(await intakeMoveIn(sys, clerk, { certificateRequest: undefined }));
    for (const id of ids)
      expect((await sys.api('POST', `/api/cases/${id}/approve`, { token: approver })).status).toBe(200);
    for (const id of ids)
      await eventually(
        async () => ((await caseJson(sys, clerk, id)).attempt >= minAttempts ? true : undefined),
        120_000,
        500,
      );
    return ids;
  };

  it('shows a case stuck on a CS outage, and 「今すぐ再試行」 completes it once the CS is back', async () => {
    // a busy morning first: the CS answered every call of three cases (issue 14 bug 6: the tile said 正常 by rate)
    const done = [];
    for (let i = 0; i < 3; i++) done.push(await intakeMoveIn(sys, clerk, { certificateRequest: undefined }));
    for (const id of done) await sys.api('POST', `/api/cases/${id}/approve`, { token: approver });
    for (const id of done)
      await eventually(async () => ((await caseJson(sys, clerk, id)).status === 'COMPLETED' ? true : undefined));
    const [caseId] = await stuckCases(1, 4);
    const page = await loginAs(browser, sys.apiUrl, 'supervisor1');
    expect(new URL(page.url()).pathname).toBe('/supervisor');
    const row = page.locator('table.grid tbody tr', { hasText: caseId! });
    await expect.poll(() => row.innerText()).toContain('住基ネット（CS）への送信');
    expect(await row.innerText()).toMatch(/試行 \d+ 回/);
    // Japanese for the clerk's eyes (issue 14 bug 7); the technical text only in the supervisor's closed detail
    expect(await row.innerText()).toContain(
      '住基ネット（市町村CS）が一時的に利用できません（HTTP 503）。自動で再試行します',
    );
    expect(await row.innerText()).not.toContain('CsUnavailableError');
    expect(await row.locator('details.tech-detail code').textContent()).toContain('CS_UNAVAILABLE');
    expect(await row.innerText()).toContain('次の再試行');
    const tile = page.locator('.cards a', { hasText: 'CS' }).first();
    expect(await tile.innerText()).toContain('障害'); // 4 failed in a row, though most calls of the window succeeded
    expect(await tile.innerText()).toMatch(/最新 \d+ 件連続エラー/);
    expect(await row.locator('a:has-text("Temporal")').getAttribute('href')).toContain(
      encodeURIComponent(`move-in/${caseId}`),
    );
    await shot(page, '10-supervisor-console');

    await row.locator('a.case-link').click();
    const stuck = await page.locator('section.panel-alert').innerText();
    expect(stuck).toContain('最後のエラー');
    expect(stuck).toContain('住基ネット（市町村CS）が一時的に利用できません（HTTP 503）');
    expect(stuck).not.toContain('CsUnavailableError');
    await shot(page, '11-case-stuck');
    // the page refreshes itself in the background without extending the idle session (issue 14 bug 7)
    const em = sys.orm.em.fork();
    const session = await em.findOneOrFail(StaffSession, { userId: 'supervisor1' }, { orderBy: { createdAt: 'desc' } });
    const idleSince = new Date(Date.now() - 5 * 60_000);
    await em.nativeUpdate(StaffSession, { tokenHash: session.tokenHash }, { lastSeenAt: idleSince });
    await page.waitForResponse((r) => r.url().endsWith(`/api/cases/${caseId}/progress`), { timeout: 20_000 });
    const polled = await sys.orm.em.fork().findOneOrFail(StaffSession, { tokenHash: session.tokenHash });
    expect(polled.lastSeenAt.getTime()).toBeLessThan(Date.now() - 4 * 60_000); // still idle since then
    await sys.csAdmin('POST', 'faults', { clear: true });
    const before = await caseJson(sys, clerk, caseId!);
    await page.fill('#action-retry-now-reason', 'CS 復旧を確認したため再送');
    await Promise.all([page.waitForURL(`**/cases/${caseId}`), page.click('#action-retry-now button[type="submit"]')]);
    expect(await page.locator('#notice').innerText()).toContain('再試行を指示しました');
    // no reload: the live parts of the case page follow the case to 完了
    await expect.poll(() => page.locator('section.summary').innerText(), { timeout: 60_000 }).toContain('完了');
    expect(await page.locator('section.panel-alert').count()).toBe(0);
    const after = await caseJson(sys, clerk, caseId!);
    expect(after.status).toBe('COMPLETED');
    expect(new Date(after.completedAt).getTime()).toBeLessThan(new Date(before.nextRetryAt).getTime());
    expect(await sys.orm.em.fork().count(CaseActionLog, { caseId: caseId!, action: 'RETRY_NOW' })).toBe(1);
    expect(await page.locator('section[aria-labelledby="h-tl"]').innerText()).toContain('CS 復旧を確認したため再送');
    await shot(page, '12-case-retried');
    await page.context().close();
  });

  it('bulk 「今すぐ再試行」 while the CS is still down: 「再試行を開始」, then 「再び失敗（理由）」 per case (issue 14 bug 6)', async () => {
    const ids = await stuckCases(2, 4);
    const page = await loginAs(browser, sys.apiUrl, 'supervisor1');
    await page.goto('/supervisor?reason=ACTIVITY_FAILING');
    // every text each result cell shows, in order
    await page.evaluate(() => {
      const w = globalThis as any;
      w.__results = {};
      new w.MutationObserver((ms: any[]) => {
        for (const m of ms) {
          const cell = m.target.nodeType === 1 ? m.target : m.target.parentElement;
          const id = cell?.closest?.('[data-result-for]')?.getAttribute('data-result-for');
          if (id) (w.__results[id] ??= []).push(cell.closest('[data-result-for]').textContent);
        }
      }).observe(w.document.body, { subtree: true, childList: true, characterData: true });
    });
    for (const id of ids) await page.check(`input[name="case"][value="${id}"]`);
    await page.selectOption('#bulk-action', 'retry-now');
    await page.fill('#bulk-reason', '復旧したか確認の再送');
    await page.click('#bulk-form button[type="submit"]');
    await page.waitForSelector('#bulk-status[data-done="true"]', { timeout: 120_000 });
    expect(await page.locator('#bulk-status').innerText()).toContain(`成功 0 件 ／ 失敗 ${ids.length} 件`);
    const seen = (await page.evaluate(() => (globalThis as any).__results)) as Record<string, string[]>;
    for (const id of ids) {
      const final = await page.locator(`[data-result-for="${id}"]`).innerText();
      expect(final).toBe('再び失敗（住基ネット（市町村CS）が一時的に利用できません（HTTP 503）。自動で再試行します）');
      expect(seen[id]).toContain('再試行を開始');
      expect(seen[id]!.indexOf('再試行を開始')).toBeLessThan(seen[id]!.indexOf(final));
    }
    await shot(page, '13a-bulk-retry-failed-again');
    await page.context().close();
    await sys.csAdmin('POST', 'faults', { clear: true });
    const supervisor = await sys.login('supervisor1');
    for (const id of ids) {
      await sys.api('POST', `/api/cases/${id}/retry-now`, { token: supervisor, body: { reason: '復旧後の再送' } });
      await eventually(async () => ((await caseJson(sys, clerk, id)).status === 'COMPLETED' ? true : undefined));
    }
  });

  it('bulk 「今すぐ再試行」 over 20 stuck cases shows progress and a result per case, and all complete', async () => {
    // 5 attempts: the next automatic retry is about 33 s away, so the bulk retry comes first even on a loaded machine
    // (with 4, 17 s, one case retried by itself first under CI load and the bulk answer counted it as a failure)
    const ids = await stuckCases(20, 5);
    await sys.csAdmin('POST', 'faults', { clear: true });
    const page = await loginAs(browser, sys.apiUrl, 'supervisor1');
    await page.goto('/supervisor?reason=ACTIVITY_FAILING');
    for (const id of ids) expect(await page.locator(`input[name="case"][value="${id}"]`).count()).toBe(1);
    await page.check('#select-all');
    expect(await page.locator('#bulk-selected').innerText()).toBe(String(ids.length));
    await page.selectOption('#bulk-action', 'retry-now');
    await page.fill('#bulk-reason', 'CS 障害の復旧後の一括再送');
    await page.click('#bulk-form button[type="submit"]');
    await page.waitForSelector('#bulk-status[data-done="true"]', { timeout: 120_000 });
    expect(await page.locator('#bulk-status').innerText()).toContain(`成功 ${ids.length} 件 ／ 失敗 0 件`);
    for (const id of ids) expect(await page.locator(`[data-result-for="${id}"]`).innerText()).toMatch(/^成功/);
    expect(await page.locator('#bulk-progress').getAttribute('max')).toBe(String(ids.length));
    await shot(page, '13-bulk-retry');
    for (const id of ids)
      await eventually(
        async () => ((await caseJson(sys, clerk, id)).status === 'COMPLETED' ? true : undefined),
        120_000,
        500,
      );
    await page.goto('/supervisor');
    for (const id of ids) expect(await page.locator(`input[name="case"][value="${id}"]`).count()).toBe(0);
    await page.context().close();
  });

  it("the dashboard charts today's cases, completion times and partner error rates", async () => {
    await intakeMoveIn(sys, clerk); // one waiting approval
    const page = await loginAs(browser, sys.apiUrl, 'supervisor1');
    await page.goto('/dashboard');
    expect(await page.locator('.chart svg').count()).toBe(3);
    const text = await page.locator('main').innerText();
    expect(text).toContain('最も古い決裁待ち');
    expect(text).toMatch(/中央値 \d/);
    expect(text).toMatch(/住民票コードの在庫\s*\d+/); // the pool level (issue 11), an alert below its threshold
    const bars = await page.locator('section[aria-labelledby="h-c3"] svg').innerHTML();
    expect(bars).toContain('CS（住基ネット）');
    expect(bars).toMatch(/\d+%/);
    await shot(page, '16-dashboard');
    await page.context().close();
  });

  it('a clerk is refused the console and a supervisor action: 403 shown, audited', async () => {
    const caseId = await intakeMoveIn(sys, clerk);
    const page = await loginAs(browser, sys.apiUrl, 'clerk1');
    const console = await page.goto('/supervisor');
    expect(console?.status()).toBe(403);
    expect(await page.locator('main').innerText()).toContain('この画面を利用する権限がありません');
    await shot(page, '14-clerk-refused-console');
    const csrf = (await page.getAttribute('body', 'data-csrf'))!;
    const api = await page.request.post(`/api/cases/${caseId}/escalate`, {
      data: { reason: '試し' },
      headers: { 'x-csrf-token': csrf },
    });
    expect(api.status()).toBe(403);
    await page.goto(`/cases/${caseId}`);
    const form = await page.request.post(`/cases/${caseId}/do/retry-now`, {
      form: { _csrf: csrf, requestId: crypto.randomUUID(), reason: '試し' },
      maxRedirects: 0,
    });
    expect(form.status()).toBe(303);
    await page.goto(`/cases/${caseId}`);
    expect(await page.locator('#notice').innerText()).toMatch(/今すぐ再試行できませんでした.*403/);
    await shot(page, '15-clerk-refused-action');
    const em = sys.orm.em.fork();
    expect(await em.count(AuditLog, { actorId: 'clerk1', action: '権限エラー', function: 'GET /supervisor' })).toBe(1);
    expect(
      await em.count(AuditLog, {
        actorId: 'clerk1',
        action: '権限エラー',
        function: 'POST /api/cases/:caseId/escalate',
      }),
    ).toBe(1);
    expect(
      await em.count(AuditLog, {
        actorId: 'clerk1',
        action: '権限エラー',
        function: 'POST /api/cases/:caseId/retry-now',
      }),
    ).toBe(1);
    await page.context().close();
  });
});

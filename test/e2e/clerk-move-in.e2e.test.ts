import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { AuditLog, CaseActionLog, StaffSession } from '../../src/db/entities';
import { pdfBytesText } from '../support/pdf-text';
import type { TestSystem } from '../support/system-harness';
import { formFields, launchBrowser, loginAs, reloadUntil, shot, withoutWebFonts } from './support/browser';
import { caseJson, intakeMoveIn, startE2eSystem } from './support/e2e-system';

/**
 * A clerk's day on the real system: a 転入 entered at the counter shows up in the queues, is opened, approved by an
 * approver (a double submit runs once, the enterer cannot approve), completes through the CS, and its 住民票の写し is
 * downloaded and reissued. Plus the session rules: idle timeout, CSRF, logout.
 */
describe('e2e: clerk and approver handle a move-in', () => {
  let sys: TestSystem;
  let browser: Browser;
  let clerkToken: string;
  let caseId: string;

  beforeAll(async () => {
    sys = await startE2eSystem();
    browser = await launchBrowser();
    clerkToken = await sys.login('clerk1');
    caseId = await intakeMoveIn(sys, clerkToken);
  });
  afterAll(async () => {
    await browser?.close();
    await sys?.close();
  });

  it('shows the login page and refuses a wrong password with a Japanese message', async () => {
    const context = await browser.newContext({ baseURL: sys.apiUrl, viewport: { width: 1400, height: 900 } });
    await withoutWebFonts(context);
    const page = await context.newPage();
    await page.goto('/queues');
    expect(new URL(page.url()).pathname).toBe('/login');
    await shot(page, '01-login');
    await page.fill('#f-userId', 'clerk1');
    await page.fill('#f-password', 'wrong-password');
    await page.fill('#f-terminalId', 'T-HONCHO-01');
    await page.click('form.login button[type="submit"]');
    await expect
      .poll(() => page.locator('.notice-error').innerText())
      .toContain('ユーザーID、パスワード、端末または生体認証が正しくありません');
    await context.close();
  });

  it('a clerk finds the move-in in the queue and opens it: application beside the record, 個人番号 masked until shown', async () => {
    const page = await loginAs(browser, sys.apiUrl, 'clerk1');
    expect(new URL(page.url()).pathname).toBe('/queues');
    await expect.poll(() => page.locator('header .user').innerText()).toContain('窓口担当');
    await page.click('nav.tabs a:has-text("未割当")');
    const row = page.locator('table.grid tbody tr', { hasText: caseId });
    await expect.poll(() => row.count()).toBe(1);
    await shot(page, '02-queue-clerk');
    await row.locator('a.case-link').click();
    expect(new URL(page.url()).pathname).toBe(`/cases/${caseId}`);
    const main = page.locator('main');
    await expect.poll(() => main.innerText()).toContain('届出内容');
    expect(await main.innerText()).toContain('住民票の変更内容');
    expect(await main.innerText()).toContain('山田　太郎');
    expect(await main.innerText()).toContain('************');
    await shot(page, '03-case-draft');
    await page.click('form.reveal button');
    await expect.poll(() => main.innerText()).toMatch(/個人番号[\s\S]{0,20}?\d{12}/);
    expect(page.url()).not.toMatch(/\d{12}/);
    const em = sys.orm.em.fork();
    expect(
      await em.count(AuditLog, { caseId, actorId: 'clerk1', action: '照会', individualNumberAccessed: true }),
    ).toBeGreaterThanOrEqual(1);
    await page.context().close();
  });

  it('the enterer cannot approve own input (four-eyes), and the refusal is shown', async () => {
    const dualToken = await sys.login('dual1');
    const own = await intakeMoveIn(sys, dualToken);
    const page = await loginAs(browser, sys.apiUrl, 'dual1');
    await page.goto(`/cases/${own}`);
    expect(await page.locator('section.actions').innerText()).toContain('あなたが入力（審査）したため決裁できません');
    const guards = await formFields(page, 'form.reveal');
    const res = await page.request.post(`/cases/${own}/do/approve`, {
      form: { _csrf: guards._csrf!, requestId: crypto.randomUUID() },
      maxRedirects: 0,
    });
    expect(res.status()).toBe(303);
    await page.goto(`/cases/${own}`);
    expect(await page.locator('#notice').innerText()).toMatch(/本人は決裁できません.*403 FOUR_EYES/);
    await shot(page, '04-four-eyes-refused');
    await page.context().close();
  });

  it('an approver approves from the 決裁待ち queue; a double submit runs once; the case completes', async () => {
    const page = await loginAs(browser, sys.apiUrl, 'approver1');
    await page.goto('/queues?queue=approval');
    await shot(page, '05-queue-approver');
    await page.locator('table.grid tbody tr', { hasText: caseId }).locator('a.case-link').click();
    const guards = await formFields(page, '#action-approve');
    await Promise.all([page.waitForURL(`**/cases/${caseId}`), page.click('#action-approve button[type="submit"]')]);
    expect(await page.locator('#notice').innerText()).toContain('承認しました');
    const again = await page.request.post(`/cases/${caseId}/do/approve`, { form: guards, maxRedirects: 0 }); // the same form posted again
    expect(again.status()).toBe(303);
    await reloadUntil(page, '完了', { selector: 'section.summary' });
    expect(await sys.orm.em.fork().count(CaseActionLog, { caseId, action: 'APPROVE' })).toBe(1);
    expect((await caseJson(sys, clerkToken, caseId)).status).toBe('COMPLETED');
    await shot(page, '06-case-completed');
    await page.context().close();
  });

  it('the clerk downloads the 住民票の写し and reissues it with a new 発行番号 and 「再交付」', async () => {
    const page = await loginAs(browser, sys.apiUrl, 'clerk1');
    await page.goto(`/cases/${caseId}`);
    const docs = page.locator('section[aria-labelledby="h-docs"]');
    const first = (await docs.locator('td.mono').first().innerText()).trim();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      docs.locator('a:has-text("ダウンロード")').first().click(),
    ]);
    const pdf = readFileSync((await download.path())!);
    const text = pdfBytesText(pdf);
    expect(text).toContain('住民票の写し');
    expect(text).toContain('山田');
    expect(text).toContain('さくらハイツ203号室');
    await Promise.all([
      page.waitForURL(`**/cases/${caseId}`),
      docs.locator('form[action$="/reissue"] button').first().click(),
    ]);
    expect(await page.locator('#notice').innerText()).toContain('再交付しました');
    const numbers = await docs.locator('td.mono').allInnerTexts();
    expect(numbers).toHaveLength(2);
    expect(new Set(numbers).size).toBe(2);
    expect(numbers).toContain(first);
    expect(await docs.innerText()).toContain('再交付');
    const reissued = (await caseJson(sys, clerkToken, caseId)).certificates.find((c: any) => c.printedItems?.reissue);
    expect(pdfBytesText((await sys.api('GET', reissued.href, { token: clerkToken })).buffer)).toContain('再交付');
    await shot(page, '07-case-documents');
    await page.context().close();
  });

  it('refuses a form without the CSRF token (403, audited), expires an idle session, and logs out', async () => {
    const page = await loginAs(browser, sys.apiUrl, 'clerk2');
    const forged = await page.request.post(`/cases/${caseId}/do/claim`, {
      form: { requestId: crypto.randomUUID() },
      maxRedirects: 0,
    });
    expect(forged.status()).toBe(403);
    const api = await page.request.post(`/api/cases/${caseId}/claim`, { data: {} });
    expect(api.status()).toBe(403);
    const em = sys.orm.em.fork();
    expect(
      await em.count(AuditLog, { actorId: 'clerk2', action: '権限エラー', outcome: 'denied' }),
    ).toBeGreaterThanOrEqual(2);
    await em.nativeUpdate(
      StaffSession,
      { userId: 'clerk2', revokedAt: null },
      { lastSeenAt: new Date(Date.now() - 31 * 60_000) },
    );
    await page.goto('/queues');
    expect(page.url()).toContain('/login?expired=1');
    expect(await page.locator('.notice').innerText()).toContain('一定時間操作がなかったため');
    await shot(page, '08-login-expired');
    await page.context().close();

    const again = await loginAs(browser, sys.apiUrl, 'clerk2');
    await Promise.all([again.waitForURL('**/login?loggedOut=1'), again.click('header form[action="/logout"] button')]);
    await again.goto('/queues');
    expect(new URL(again.url()).pathname).toBe('/login');
    await again.context().close();
  });
});

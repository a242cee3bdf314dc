import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { AuditAction, AuditLog, StaffUser } from '../../src/db/entities';
import { seedStaff } from '../../src/db/seed/staff';
import { Role } from '../../src/domain/roles';
import { launchBrowser, loginAs, shot, withoutWebFonts } from './support/browser';
import { startE2eSystem, type E2eSystem } from './support/e2e-system';

const submit = (page: Page, selector: string) =>
  Promise.all([page.waitForLoadState('domcontentloaded'), page.locator(selector).click()]);

/**
 * 職員管理 (issue 14 item 7) in Chromium: a security administrator creates a clerk, who logs in with the one-time
 * password and is held on the password change until it is done; a password reset asked for by one administrator and
 * approved by another, the requester seeing no approve button.
 */
describe('e2e: 職員管理 and パスワード変更', () => {
  let sys: E2eSystem;
  let browser: Browser;

  beforeAll(async () => {
    sys = await startE2eSystem();
    await seedStaff(sys.orm, [{ userId: 'secadmin2', displayName: '管理　二郎', roles: [Role.SECURITY_ADMIN] }]);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await sys?.close();
  });

  /** The login screen with any password (loginAs uses the demo password). */
  async function loginWith(userId: string, password: string): Promise<Page> {
    const context = await browser.newContext({
      baseURL: sys.apiUrl,
      viewport: { width: 1400, height: 900 },
      locale: 'ja-JP',
      timezoneId: 'Asia/Tokyo',
    });
    await withoutWebFonts(context);
    const page = await context.newPage();
    await page.goto('/login');
    await page.fill('#f-userId', userId);
    await page.fill('#f-password', password);
    await page.fill('#f-terminalId', 'T-HONCHO-01');
    await submit(page, 'form.login button[type="submit"]');
    return page;
  }

  async function changePassword(page: Page, current: string, next: string, confirm = next) {
    await page.fill('#f-currentPassword', current);
    await page.fill('#f-newPassword', next);
    await page.fill('#f-newPasswordConfirm', confirm);
    await submit(page, '#password-form button[type="submit"]');
  }

  it('an administrator creates a clerk; the clerk logs in with the one-time password and must change it first', async () => {
    const admin = await loginAs(browser, sys.apiUrl, 'secadmin1');
    await submit(admin, 'nav a[href="/admin/users"]'); // the menu's 職員管理 (Alt+I)
    expect(new URL(admin.url()).pathname).toBe('/admin/users');
    // bad input: every field named with its rule, nothing created
    await admin.fill('#f-userId', 'clerk e2e!');
    await submit(admin, '#new-user button[type="submit"]');
    const refused = await admin.locator('#notice').innerText();
    expect(refused).toContain('ユーザーID（半角英数字と . _ -、64文字以内）: 使えない文字が含まれています');
    expect(refused).toContain('氏名: 入力してください');
    expect(refused).toContain('権限（1つ以上）: 1つ以上選んでください');
    expect(await sys.orm.em.fork().count(StaffUser, {})).toBe(11);
    await admin.fill('#f-userId', 'clerk-e2e');
    await admin.fill('#f-displayName', '新人　花子');
    await admin.check('#f-new-role-clerk');
    await shot(admin, '80-admin-users');
    await submit(admin, '#new-user button[type="submit"]');
    const otp = (await admin.locator('#one-time-password').innerText()).trim();
    expect(otp).toMatch(/^[A-Za-z0-9]{16}$/);
    expect(await admin.locator('#notice').innerText()).toContain('clerk-e2e を登録しました');
    await shot(admin, '81-admin-one-time-password');
    // shown once: the user's page does not show it again
    await admin.goto('/admin/users/clerk-e2e');
    expect(await admin.content()).not.toContain(otp);
    expect(await admin.locator('#user-state').innerText()).toContain('初期パスワード');
    await shot(admin, '82-admin-user-detail');
    await admin.context().close();

    const clerk = await loginWith('clerk-e2e', otp);
    expect(new URL(clerk.url()).pathname).toBe('/password');
    expect(await clerk.locator('#forced-change').innerText()).toContain('パスワードを変更してください');
    await shot(clerk, '83-password-change-forced');
    // any other page brings the clerk back here
    await clerk.goto('/queues');
    expect(new URL(clerk.url()).pathname).toBe('/password');

    // every problem at once, beside its field
    await changePassword(clerk, otp, 'clerk-e2e-pw', 'something-else');
    expect(await clerk.locator('#e-newPassword').innerText()).toMatch(/12文字以上|ユーザーID/);
    expect(await clerk.locator('#e-newPasswordConfirm').innerText()).toContain('一致しません');
    await changePassword(clerk, otp, 'tsubame-2027-natsu');
    expect(new URL(clerk.url()).pathname).toBe('/queues');
    expect(await clerk.locator('#notice').innerText()).toContain('パスワードを変更しました');
    await clerk.context().close();
    expect(await sys.orm.em.fork().findOneOrFail(StaffUser, { userId: 'clerk-e2e' })).toMatchObject({
      mustChangePassword: false,
      roles: [Role.CLERK],
    });
    const again = await loginWith('clerk-e2e', 'tsubame-2027-natsu');
    expect(new URL(again.url()).pathname).toBe('/queues');
    await again.context().close();
  });

  it('a password reset asked for by one administrator and approved by another', async () => {
    const clerkSession = await loginAs(browser, sys.apiUrl, 'clerk2');
    const first = await loginAs(browser, sys.apiUrl, 'secadmin1');
    await first.goto('/admin/users/clerk2');
    await submit(first, 'form[action="/admin/users/clerk2/password-resets"] button');
    expect(await first.locator('#notice').innerText()).toContain('別の情報セキュリティ管理者の承認が必要です');
    expect(await first.locator('#reset-pending').innerText()).toContain('secadmin1');
    await first.goto('/admin/users');
    const row = first.locator('#resets tbody tr', { hasText: 'clerk2' });
    expect(await row.innerText()).toContain('別の管理者の承認待ち');
    expect(await row.locator('button').count()).toBe(0); // the requester never approves
    await first.context().close();

    const second = await loginAs(browser, sys.apiUrl, 'secadmin2');
    await second.goto('/admin/users');
    await shot(second, '84-admin-reset-pending');
    await submit(second, '#resets tbody tr:has-text("clerk2") button');
    const otp = (await second.locator('#one-time-password').innerText()).trim();
    expect(await second.locator('#notice').innerText()).toContain('clerk2 のパスワードを再設定しました');
    await second.context().close();

    // the clerk's running session ended; the one-time password leads to the password change
    await clerkSession.goto('/queues');
    expect(new URL(clerkSession.url()).pathname).toBe('/login');
    await clerkSession.context().close();
    const clerk = await loginWith('clerk2', otp);
    expect(new URL(clerk.url()).pathname).toBe('/password');
    await changePassword(clerk, otp, 'hibari-2027-aki');
    expect(new URL(clerk.url()).pathname).toBe('/queues');
    await clerk.context().close();

    const rows = await sys.orm.em
      .fork()
      .find(
        AuditLog,
        { action: AuditAction.AUTH_ADMIN, function: { $like: 'POST /admin/%' } },
        { orderBy: { id: 'asc' } },
      );
    expect(rows.map((r) => [r.actorId, (r.detail as { step: string }).step])).toEqual([
      ['secadmin1', 'create'],
      ['secadmin1', 'reset-request'],
      ['secadmin2', 'reset-approve'],
    ]);
  });
});

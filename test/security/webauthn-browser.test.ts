import type { Browser, CDPSession, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enrolmentOptions, INSTALLER } from '../../src/api/webauthn';
import { AuditAction, AuditLog, StaffCredential } from '../../src/db/entities';
import { DEMO_PASSWORD } from '../../src/db/seed/staff';
import { launchBrowser, shot, withoutWebFonts } from '../e2e/support/browser';
import { testConfig } from '../support/harness';
import { freshMariaDbUrl, startTestSystem, type TestSystem } from '../support/system-harness';
import { freePort } from '../support/free-port';

/**
 * Issue 13 item 2 in Chromium: the terminal's fingerprint reader is a CDP virtual authenticator (platform, internal
 * transport, resident keys, user verification). A security administrator enrols a clerk on the terminal through the
 * 端末・生体認証 screen; the clerk logs in with password + fingerprint; without the authenticator the login is refused;
 * revoking the terminal ends the clerk's open session at the next page.
 */
describe('two-factor login in the browser (CDP virtual authenticator)', () => {
  let sys: TestSystem;
  let browser: Browser;
  let base: string;

  beforeAll(async () => {
    const port = await freePort();
    base = `http://localhost:${port}`;
    sys = await startTestSystem(freshMariaDbUrl(), {
      config: {
        apiPort: port,
        staffAuth: { ...testConfig().staffAuth, secondFactor: 'webauthn', rpId: 'localhost', origins: [base] },
      },
    });
    browser = await launchBrowser(['--host-resolver-rules=MAP localhost 127.0.0.1']);
  });
  afterAll(async () => {
    await browser?.close();
    await sys?.close();
  });

  /** A terminal: a browser context whose page has the terminal's own platform authenticator. */
  const terminal = async (): Promise<{ page: Page; cdp: CDPSession; authenticatorId: string }> => {
    const context = await browser.newContext({ baseURL: base, locale: 'ja-JP', timezoneId: 'Asia/Tokyo' });
    await withoutWebFonts(context);
    const page = await context.newPage();
    page.on('dialog', (d) => void d.accept());
    const cdp = await context.newCDPSession(page);
    await cdp.send('WebAuthn.enable');
    const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: {
        protocol: 'ctap2',
        transport: 'internal',
        hasResidentKey: true,
        hasUserVerification: true,
        isUserVerified: true,
        automaticPresenceSimulation: true,
      },
    });
    return { page, cdp, authenticatorId };
  };

  const fillLogin = async (page: Page, userId: string, terminalId: string) => {
    await page.goto('/login');
    await page.fill('#f-userId', userId);
    await page.fill('#f-password', DEMO_PASSWORD);
    await page.fill('#f-terminalId', terminalId);
    // the script asks the authenticator first, then submits the form: wait for that navigation and its redirects
    await Promise.all([page.waitForNavigation({ timeout: 90_000 }), page.click('form.login button[type="submit"]')]);
  };

  /**
   * The office's first administrator on a terminal: the installer's one-time code (what
   * scripts/staff-auth-enrolment-code.ts prints) typed on /login/enrol, the terminal's authenticator answering.
   */
  const bootstrap = async (page: Page, terminalId: string, userId: string) => {
    const admin = { userId: INSTALLER, terminalId };
    const o = await enrolmentOptions(sys.orm, sys.config.staffAuth, admin, userId, new Date(), 30 * 60_000);
    await page.goto('/login/enrol');
    await page.fill('#f-code', o!.challengeId);
    await Promise.all([page.waitForURL('**/login?enrolled=1'), page.click('#enrol button[type="submit"]')]);
    expect(await page.locator('#notice').innerText()).toContain('生体認証を登録しました');
  };

  it('enrol on the terminal → login with password and fingerprint; no assertion → refused; revoked terminal → session ends', async () => {
    const t1 = await terminal();
    await bootstrap(t1.page, 'T-HONCHO-01', 'secadmin1');

    // the administrator logs in at the terminal and enrols clerk1 there through the 端末・生体認証 screen
    await fillLogin(t1.page, 'secadmin1', 'T-HONCHO-01');
    const why = await sys.orm.em.fork().find(AuditLog, { actorId: 'secadmin1' }, { orderBy: { id: 'desc' } });
    expect(new URL(t1.page.url()).pathname, JSON.stringify(why[0]?.detail)).toBe('/staff-auth');
    await t1.page.fill('#f-enrol-user', 'clerk1');
    await Promise.all([t1.page.waitForURL('**/staff-auth?enrolled=1'), t1.page.click('#enrol button[type="submit"]')]);
    expect(await t1.page.locator('#notice').innerText()).toContain('生体認証を登録しました');
    await shot(t1.page, 'staff-auth');
    expect(await sys.orm.em.fork().count(StaffCredential, { userId: 'clerk1', terminalId: 'T-HONCHO-01' })).toBe(1);
    await t1.page.context().clearCookies();

    // clerk1 at the same terminal: password + fingerprint
    await fillLogin(t1.page, 'clerk1', 'T-HONCHO-01');
    expect(new URL(t1.page.url()).pathname).toBe('/queues');

    // at another terminal the authenticator has no credential of clerk1: no assertion, the password alone is refused
    const t2 = await terminal();
    await fillLogin(t2.page, 'clerk1', 'T-HONCHO-02');
    expect(new URL(t2.page.url()).pathname).toBe('/login');
    expect(await t2.page.locator('#notice').innerText()).toContain('生体認証が正しくありません');
    const failed = await sys.orm.em
      .fork()
      .find(AuditLog, { actorId: 'clerk1', action: AuditAction.LOGIN_FAILED }, { orderBy: { id: 'desc' } });
    expect(failed[0]?.detail).toEqual({ reason: 'second factor' });

    // an administrator at T-HONCHO-02 revokes T-HONCHO-01 on the screen: clerk1's open session ends at the next page
    await bootstrap(t2.page, 'T-HONCHO-02', 'secadmin1');
    await fillLogin(t2.page, 'secadmin1', 'T-HONCHO-02');
    expect(new URL(t2.page.url()).pathname).toBe('/staff-auth');
    await Promise.all([
      t2.page.waitForURL('**/staff-auth'),
      t2.page.click('form[action="/staff-auth/terminals/T-HONCHO-01/revoke"] button'),
    ]);
    expect(await t2.page.locator('#notice').innerText()).toContain('端末を失効させました');
    await t1.page.goto('/queues');
    expect(new URL(t1.page.url()).pathname).toBe('/login');
    expect(await t1.page.locator('#notice').innerText()).toContain('ログアウトしました');
  });
});

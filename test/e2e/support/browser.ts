import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { DEMO_PASSWORD } from '../../../src/db/seed/staff';

export const SCREENSHOT_DIR = join(__dirname, '..', '..', '..', 'test-artifacts', 'screenshots');

/** Headless Chromium from the system package (scripts/test.sh installs it when missing). */
export async function launchBrowser(extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--lang=ja-JP',
      ...extraArgs,
    ],
  });
}

/**
 * The UI's web fonts (the IPAex fonts, 14 MB) are for the eye: without screenshots a context skips them, which saves
 * Chromium downloading and sanitising them for every context. Text, layout rules and every assertion are unchanged.
 */
export async function withoutWebFonts(context: BrowserContext): Promise<void> {
  if (!process.env.E2E_SCREENSHOTS) await context.route('**/static/fonts/**', (route) => route.abort());
}

/** A fresh browser context for one staff member, logged in through the login screen. */
export async function loginAs(
  browser: Browser,
  baseUrl: string,
  userId: string,
  terminalId = 'T-HONCHO-01',
): Promise<Page> {
  const context = await browser.newContext({
    baseURL: baseUrl,
    viewport: { width: 1400, height: 900 },
    locale: 'ja-JP',
    timezoneId: 'Asia/Tokyo',
    acceptDownloads: true,
  });
  await withoutWebFonts(context);
  const page = await context.newPage();
  page.on('dialog', (d) => void d.accept()); // confirm dialogs of the UI are accepted (the tests check what follows)
  await page.goto('/login');
  await page.fill('#f-userId', userId);
  await page.fill('#f-password', DEMO_PASSWORD);
  await page.fill('#f-terminalId', terminalId);
  await Promise.all([
    page.waitForURL((u) => !u.pathname.startsWith('/login')),
    page.click('form.login button[type="submit"]'),
  ]);
  return page;
}

/**
 * Saves a full-page screenshot as a test artifact (test-artifacts/screenshots/<name>.png) when E2E_SCREENSHOTS is set
 * (`npm run screenshots`): each costs about half a second of Chromium time, too much for every test run.
 */
export async function shot(page: Page, name: string): Promise<string | undefined> {
  if (!process.env.E2E_SCREENSHOTS) return undefined;
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** Reloads until the text appears (server-rendered pages show workflow progress on reload). */
export async function reloadUntil(
  page: Page,
  text: string | RegExp,
  opts: { selector?: string; timeoutMs?: number } = {},
): Promise<void> {
  const end = Date.now() + (opts.timeoutMs ?? 90_000);
  for (;;) {
    const body = await page.locator(opts.selector ?? 'main').innerText();
    if (typeof text === 'string' ? body.includes(text) : text.test(body)) return;
    if (Date.now() > end) throw new Error(`text not shown in time: ${String(text)}`);
    await page.waitForTimeout(250);
    await page.reload();
  }
}

/** Hidden guard fields of a rendered form (CSRF token and request ID), for posting it again as a double submit. */
export async function formFields(page: Page, selector: string): Promise<Record<string, string>> {
  // runs in the browser (no DOM types in this project's tsconfig)
  return page.$eval(selector, (f: any) =>
    Object.fromEntries(
      Array.from(new (globalThis as any).FormData(f).entries() as Iterable<[string, unknown]>).map(([k, v]) => [
        k,
        String(v),
      ]),
    ),
  );
}

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { AuditLog, Resident } from '../../src/db/entities';
import { ResidentStatus } from '../../src/domain/registry-values';
import type { TestSystem } from '../support/system-harness';
import { launchBrowser, loginAs, shot } from './support/browser';
import { startE2eSystem } from './support/e2e-system';

/** Resident search over the demo town: the domain.md rule, POST only, every search and opened record audited. */
describe('e2e: resident search', () => {
  let sys: TestSystem;
  let browser: Browser;
  let page: Page;
  let person: Resident;

  beforeAll(async () => {
    sys = await startE2eSystem({ demoTown: true });
    browser = await launchBrowser();
    const em = sys.orm.em.fork();
    person = (
      await em.find(
        Resident,
        { status: ResidentStatus.RESIDENT, isForeignResident: false },
        { orderBy: { addresseeNumber: 'asc' }, limit: 1, offset: 40 },
      )
    )[0]!;
    await em.nativeUpdate(
      Resident,
      { addresseeNumber: person.addresseeNumber },
      {
        status: ResidentStatus.PENDING_MOVE_OUT,
        plannedMoveOutDate: '2026-12-31',
        plannedDestinationAddress: '神奈川県相模原市',
      },
    );
    page = await loginAs(browser, sys.apiUrl, 'clerk1');
  });
  afterAll(async () => {
    await browser?.close();
    await sys?.close();
  });

  it('refuses {氏名} alone and {氏名, 性別} with a field error, and audits the refusal', async () => {
    await page.goto('/search');
    await page.fill('#s-name', `${person.familyName} ${person.givenName}`);
    await page.selectOption('#s-sex', person.sex);
    await page.click('form:has(#s-name) button[type="submit"]');
    expect(await page.locator('.field-error').first().innerText()).toContain('住所または生年月日を入力してください');
    expect(new URL(page.url()).search).toBe('');
    expect(
      await sys.orm.em.fork().count(AuditLog, { actorId: 'clerk1', function: 'POST /search', outcome: 'denied' }),
    ).toBe(1);
    await shot(page, '20-search-refused');
  });

  it('finds a person by 氏名 (kana) + 生年月日, flags the 転出予定者, and opens the record by POST', async () => {
    await page.goto('/search');
    await page.fill('#s-name', `${person.familyNameKana}　${person.givenNameKana}`);
    await page.fill('#s-birth', person.birthDate);
    await page.click('form:has(#s-name) button[type="submit"]');
    const row = page.locator('table.grid tbody tr', { hasText: `${person.familyName}　${person.givenName}` });
    await expect.poll(() => row.count(), { timeout: 10_000 }).toBe(1); // the results page loads (a loaded machine)
    expect(await row.innerText()).toContain('転出予定者');
    expect(page.url()).not.toContain(encodeURIComponent(person.familyName));
    await shot(page, '21-search-results');
    await row.locator('button:has-text("開く")').click();
    await expect.poll(() => page.locator('h1').innerText()).toContain(person.familyName);
    expect(new URL(page.url()).pathname).toBe('/residents/view');
    expect(await page.locator('main').innerText()).toContain(person.addresseeNumber);
    await shot(page, '22-resident-record');
    const em = sys.orm.em.fork();
    expect(
      await em.count(AuditLog, {
        actorId: 'clerk1',
        function: 'POST /search',
        targetAddresseeNumber: person.addresseeNumber,
      }),
    ).toBeGreaterThanOrEqual(1);
    expect(
      await em.count(AuditLog, {
        actorId: 'clerk1',
        function: 'POST /residents/view',
        targetAddresseeNumber: person.addresseeNumber,
      }),
    ).toBe(1);
  });

  it('finds by 住民票コード, and shows the 個人番号 search to number-use roles only', async () => {
    await page.goto('/search');
    await page.fill('#s-code', person.residentRecordCode!);
    await page.click('form:has(#s-code) button[type="submit"]');
    await expect.poll(() => page.locator('#h-res').innerText()).toContain('1件');
    expect(await page.locator('#s-number').count()).toBe(1);
    const supervisor = await loginAs(browser, sys.apiUrl, 'supervisor1');
    const r = await supervisor.goto('/search');
    expect(r?.status()).toBe(403);
    await supervisor.context().close();
  });
});

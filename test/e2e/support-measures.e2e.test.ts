import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { AuditLog, CertificateIssuance, SupportMeasure, type Resident } from '../../src/db/entities';
import { launchBrowser, loginAs, shot } from './support/browser';
import { demoHousehold, searchAndPick } from './support/demo-households';
import { startE2eSystem, type E2eSystem } from './support/e2e-system';

const submit = (page: Page, selector: string) =>
  Promise.all([page.waitForLoadState('domcontentloaded'), page.locator(selector).click()]);

/**
 * A 支援措置 entered by one 支援措置責任者 and confirmed by another in the UI (four-eyes), then a counter 住民票の写し for
 * that person refused in the UI with the reason shown and the address never revealed (domain spec §8.6).
 */
describe('e2e: 支援措置 blocks the counter copy', () => {
  let sys: E2eSystem;
  let browser: Browser;
  let household: Resident[];

  beforeAll(async () => {
    sys = await startE2eSystem({ demoTown: true });
    browser = await launchBrowser();
    household = await demoHousehold(sys.orm, 5);
  });
  afterAll(async () => {
    await browser?.close();
    await sys?.close();
  });

  it('enter → confirm by another officer → the clerk sees the badge, no address, and the copy is refused with the reason', async () => {
    const [person, companion] = household;
    // 1. approver2 (支援措置責任者) finds the person and enters the request: 仮支援措置 at once
    const maker = await loginAs(browser, sys.apiUrl, 'approver2');
    await searchAndPick(maker, person!, '開く');
    await submit(maker, '#support-measure-start');
    await maker.locator('#f-kind-SUPPORT').check();
    await maker.locator(`input[name="companion.${companion!.addresseeNumber}"]`).check();
    await maker.locator('#f-applicantRelation-self').check();
    await maker.fill('#f-pName', '加害　太郎');
    await maker.fill('#f-pAddress', '東京都千代田区霞が関一丁目9番9号');
    await shot(maker, '60-support-measure-entry');
    await submit(maker, '#measure-form button[type="submit"]');
    expect(new URL(maker.url()).pathname).toBe('/support-measures');
    const row = maker.locator('#measures tbody tr').first();
    expect(await row.innerText()).toContain('仮支援措置');
    expect(await row.locator('button.measure-confirm').count()).toBe(0); // the maker never confirms
    await maker.context().close();

    // 2. supervisor1 (another 支援措置責任者) confirms it from the menu
    const checker = await loginAs(browser, sys.apiUrl, 'supervisor1');
    await Promise.all([checker.waitForLoadState('domcontentloaded'), checker.click('nav a[href="/support-measures"]')]);
    await submit(checker, '#measures tbody tr >> nth=0 >> button.measure-confirm');
    expect(await checker.locator('#notice').innerText()).toContain('確認しました');
    expect(await checker.locator('#measures tbody tr').first().innerText()).toContain('支援措置');
    await shot(checker, '61-support-measure-list');
    await checker.context().close();
    const measure = await sys.orm.em
      .fork()
      .findOneOrFail(SupportMeasure, { targetAddresseeNumber: person!.addresseeNumber });
    expect(measure).toMatchObject({ state: 'ACTIVE', enteredBy: 'approver2', confirmedBy: 'supervisor1' });
    expect(measure.addresseeNumbers).toEqual([person!.addresseeNumber, companion!.addresseeNumber]);

    // 3. the clerk: the search flags the person and hides the address; the copy is refused with the reason
    const clerk = await loginAs(browser, sys.apiUrl, 'clerk1');
    expect(await clerk.locator('nav a[href="/support-measures"]').count()).toBe(0);
    await searchAndPick(clerk, person!, '開く');
    expect(await clerk.locator('#support-measure-notice').innerText()).toContain('支援措置・抑止の対象');
    expect(await clerk.content()).not.toContain(person!.address);
    const before = await sys.orm.em.fork().count(CertificateIssuance, {});
    const form = clerk.locator('#copy-form');
    await form.locator('#f-requester-self').check();
    await form.locator('#f-identityDocument').selectOption('myNumberCard');
    await submit(clerk, '#copy-form button[type="submit"]');
    const notice = await clerk.locator('#notice').innerText();
    expect(notice).toContain('支援措置の対象者のため交付できません（支援措置責任者の解除が必要です）');
    expect(await clerk.content()).not.toContain(person!.address);
    await shot(clerk, '62-support-measure-copy-refused');
    expect(await sys.orm.em.fork().count(CertificateIssuance, {})).toBe(before);
    expect(
      await sys.orm.em.fork().count(AuditLog, {
        function: 'POST /api/certificates/resident-record-copy',
        targetAddresseeNumber: person!.addresseeNumber,
        outcome: 'denied',
      }),
    ).toBe(1);

    // the search result row carries the badge and hides the address
    await clerk.goto('/search');
    await clerk.fill('#s-name', `${person!.familyName} ${person!.givenName}`);
    await clerk.fill('#s-birth', person!.birthDate);
    await submit(clerk, 'form[aria-labelledby="h-s4"] button[type="submit"]');
    const hit = clerk
      .locator('table.grid tbody tr', { hasText: `${person!.familyName}　${person!.givenName}` })
      .first();
    expect(await hit.innerText()).toContain('抑止・支援措置');
    expect(await hit.innerText()).toContain('支援措置・抑止のため表示しません');
    expect(await clerk.content()).not.toContain(person!.address);
    await clerk.context().close();
  });
});

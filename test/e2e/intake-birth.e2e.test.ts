import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { CaseRecord, Resident } from '../../src/db/entities';
import { addDays, toWareki } from '../../src/domain/dates';
import { MASK } from '../../src/api/web/panels/record-fields';
import { fillPool } from '../support/birth-fixtures';
import { piiOf } from '../support/harness';
import { today } from '../support/fixtures';
import { launchBrowser, loginAs, reloadUntil, shot } from './support/browser';
import { demoHousehold, searchAndPick } from './support/demo-households';
import { startE2eSystem, type E2eSystem } from './support/e2e-system';

/**
 * A clerk finds a parent of a demo household in the search and opens 「出生届を作成」: the household is picked (世帯主,
 * address and 本籍 shown, nothing typed for them); a future birth date is a Japanese field error with nothing stored;
 * the valid 出生届 (和暦 date, hiragana kana) makes one case; an approver approves it in the UI, and the case screen
 * shows the new 住民票コード and the 個人番号 step waiting for J-LIS.
 */
describe('e2e: 出生届 from the search', () => {
  let sys: E2eSystem;
  let browser: Browser;

  beforeAll(async () => {
    sys = await startE2eSystem({ demoTown: true });
    browser = await launchBrowser();
    await fillPool(sys.orm, 3);
  });
  afterAll(async () => {
    await browser?.close();
    await sys?.close();
  });

  const births = () => sys.orm.em.fork().count(CaseRecord, { procedure: 'BIRTH' });
  const submit = (page: import('playwright-core').Page) =>
    Promise.all([page.waitForLoadState('domcontentloaded'), page.click('.form-actions button.btn-primary')]);

  it('a clerk enters a birth into a parent’s household; an approver approves; the 個人番号 is requested', async () => {
    const members = await demoHousehold(sys.orm, 1);
    const parent = members[0]!;
    const page = await loginAs(browser, sys.apiUrl, 'clerk1');
    await searchAndPick(page, parent, '出生届を作成');
    expect(new URL(page.url()).pathname).toBe('/intake/birth/start');
    expect(await page.inputValue('#f-householdNumber')).toBe(parent.householdNumber);
    const picked = await page.locator('#picked-household').innerText();
    expect(picked).toContain(parent.address);

    await page.fill('#f-familyName', parent.familyName);
    await page.fill('#f-givenName', 'ひなた');
    await page.fill('#f-familyNameKana', parent.familyNameKana);
    await page.fill('#f-givenNameKana', 'ひなた');
    await page.fill('#f-birthDate', toWareki(addDays(today(), 1)));
    await page.fill('#f-birthTime', '午後2時5分');
    await page.selectOption('#f-sex', '2');
    await page.check('#f-notifierKind-householdMember');
    await page.selectOption('#f-identityDocument', 'myNumberCard');
    await submit(page);
    expect(await page.locator('#f-birthDate-e').innerText()).toContain('出生日が未来の日付です');
    expect(await births()).toBe(0);
    expect(await page.inputValue('#f-givenName')).toBe('ひなた');

    await page.fill('#f-birthDate', toWareki(addDays(today(), -2)));
    await shot(page, '40-intake-birth-filled');
    await Promise.all([page.waitForURL(/\/cases\/BI-/), page.click('.form-actions button.btn-primary')]);
    const caseId = new URL(page.url()).pathname.split('/').pop()!;
    expect(await page.locator('#notice').innerText()).toContain('出生届を受け付けました（仮登録）');
    expect(await births()).toBe(1);
    await page.context().close();

    const approver = await loginAs(browser, sys.apiUrl, 'approver1');
    await approver.goto(`/cases/${caseId}`);
    await Promise.all([
      approver.waitForURL(`**/cases/${caseId}`),
      approver.click('#action-approve button[type="submit"]'),
    ]);
    // the J-LIS simulator answers asynchronously; the case completes with the number recorded (masked on screen)
    await reloadUntil(approver, '完了', { selector: 'section.summary' });
    const child = await sys.orm.em.fork().findOneOrFail(Resident, { processId: caseId });
    expect(child).toMatchObject({ householdNumber: parent.householdNumber, relationshipToHead: '子' });
    expect(await approver.locator('#number-step').innerText()).toContain('記録済み');
    expect(await approver.locator('main').innerText()).toContain(child.residentRecordCode!);
    await shot(approver, '41-birth-number-recorded');
    // the resident record shows the number masked, never in clear unless 「個人番号を表示」 is used
    const number = piiOf(sys.config).decrypt(child.individualNumberEnc!);
    await approver.goto('/search');
    await approver.fill('#s-code', child.residentRecordCode!);
    await approver.click('form:has(#s-code) button[type="submit"]');
    const row = approver.locator('table.grid tbody tr', { hasText: `${child.familyName}　${child.givenName}` });
    await expect.poll(() => row.count()).toBe(1);
    await row.locator('button:has-text("開く")').click();
    await expect.poll(() => new URL(approver.url()).pathname).toBe('/residents/view');
    const record = await approver.locator('main').innerText();
    expect(record).toContain(MASK);
    expect(record).not.toContain(number);
    await approver.context().close();
  });
});

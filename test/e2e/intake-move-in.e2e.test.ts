import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { CaseRecord } from '../../src/db/entities';
import { addDays, toWareki } from '../../src/domain/dates';
import { ORIGIN_TOWN, randomIndividualNumber, randomResidentRecordCode, today } from '../support/fixtures';
import { pdfBytesText } from '../support/pdf-text';
import type { TestSystem } from '../support/system-harness';
import { formFields, launchBrowser, loginAs, reloadUntil, shot } from './support/browser';
import { startE2eSystem } from './support/e2e-system';

/**
 * A clerk enters a 2-person 転入届 through the web form (和暦 dates, a second mover row added in the browser): a bad
 * 個人番号 check digit and a future 転入日 are shown as Japanese field errors and create nothing; the valid form
 * creates one case even when posted twice; an approver approves it in the UI and the 住民票の写し names both movers
 * without their 個人番号.
 */
describe('e2e: 転入届 entered through the intake form', () => {
  let sys: TestSystem;
  let browser: Browser;
  const numbers = [randomIndividualNumber(), randomIndividualNumber()];
  const codes = [randomResidentRecordCode(), randomResidentRecordCode()];
  const badNumber = numbers[1]!.slice(0, 11) + String((Number(numbers[1]![11]) + 1) % 10);
  let caseId: string;

  beforeAll(async () => {
    sys = await startE2eSystem();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await sys?.close();
  });

  const moveInCases = () => sys.orm.em.fork().count(CaseRecord, { procedure: 'MOVE_IN' });
  const fillMover = async (page: Page, i: number, m: Record<string, string>) => {
    for (const [k, v] of Object.entries(m)) {
      if (k === 'sex' || k === 'relationshipToHead') await page.selectOption(`#f-m${i}-${k}`, v);
      else await page.fill(`#f-m${i}-${k}`, v);
    }
  };
  const fillNumbers = async (page: Page, ns: string[]) => {
    for (const [i, n] of ns.entries()) await page.fill(`#f-m${i}-individualNumber`, n);
  };
  const submit = (page: Page) =>
    Promise.all([page.waitForLoadState('domcontentloaded'), page.click('.form-actions button.btn-primary')]);

  it('shows field errors in Japanese for a bad check digit and a future 転入日, keeps the input and creates nothing', async () => {
    const page = await loginAs(browser, sys.apiUrl, 'clerk1');
    await page.click('nav a:has-text("届出の受付")');
    await shot(page, '20-intake-menu');
    await page.click('#menu-move-in');
    expect(new URL(page.url()).pathname).toBe('/intake/move-in');
    await fillMover(page, 0, {
      familyName: '山田',
      givenName: '太郎',
      familyNameKana: 'やまだ',
      givenNameKana: 'タロウ',
      birthDate: '昭和60年6月15日',
      sex: '1',
      relationshipToHead: '世帯主',
      residentRecordCode: codes[0]!,
      individualNumber: numbers[0]!,
      registeredDomicile: '神奈川県相模原市中央区中央二丁目11番',
      familyRegisterHead: '山田　太郎',
    });
    await page.click('button.row-add'); // in the browser: a second row, renumbered m1.…
    expect(await page.locator('fieldset.mover').count()).toBe(2);
    await fillMover(page, 1, {
      familyName: '山田',
      givenName: '花子',
      familyNameKana: 'ヤマダ',
      givenNameKana: 'ハナコ',
      birthDate: 'S62.2.3',
      sex: '2',
      relationshipToHead: '妻',
      residentRecordCode: codes[1]!,
      individualNumber: badNumber,
    });
    await page.fill('#f-address', '東京都さくら市桜ケ丘二丁目3番14号');
    await page.fill('#f-addressSupplement', 'さくらハイツ203号室');
    await page.fill('#f-postalCode', '2060012');
    await page.fill('#f-moveInDate', toWareki(addDays(today(), -3)));
    await page.fill('#f-previousAddress', '神奈川県相模原市中央区中央二丁目11番1号');
    await page.fill('#f-previousMunicipalityCode', ORIGIN_TOWN.slice(0, 5)); // 5 digits: the check digit is added
    await page.check('#f-notifierKind-self');
    await page.selectOption('#f-identityDocument', 'driversLicence');
    await page.check('#f-certWanted');
    await page.check('#f-certHouseholdHead');
    await shot(page, '21-intake-move-in-filled');
    await submit(page);
    const numberError = page.locator('#f-m1-individualNumber-e');
    expect(await numberError.innerText()).toContain('個人番号が正しくありません');
    expect(await page.locator('#notice').innerText()).toContain('転入者2：個人番号');
    const html = await page.content();
    expect(html).not.toContain(badNumber);
    expect(html).not.toContain(numbers[0]!);
    expect(await page.inputValue('#f-m0-familyName')).toBe('山田');
    expect(await page.inputValue('#f-m1-birthDate')).toBe('S62.2.3');
    expect(await page.inputValue('#f-m0-individualNumber')).toBe('');
    expect(await moveInCases()).toBe(0);
    await shot(page, '22-intake-move-in-errors');

    await fillNumbers(page, numbers);
    await page.fill('#f-moveInDate', toWareki(addDays(today(), 1)));
    await submit(page);
    expect(await page.locator('#f-moveInDate-e').innerText()).toContain('転入日が未来の日付です');
    expect(await moveInCases()).toBe(0);
    await page.context().close();
  });

  it('creates one case for a valid form, even when the same form is posted twice', async () => {
    const page = await loginAs(browser, sys.apiUrl, 'clerk1');
    await page.goto('/intake/move-in');
    await fillMover(page, 0, {
      familyName: '山田',
      givenName: '太郎',
      familyNameKana: 'ヤマダ',
      givenNameKana: 'タロウ',
      birthDate: '1985-06-15',
      sex: '1',
      relationshipToHead: '世帯主',
      residentRecordCode: codes[0]!,
    });
    await page.click('button.row-add');
    await fillMover(page, 1, {
      familyName: '山田',
      givenName: '花子',
      familyNameKana: 'ヤマダ',
      givenNameKana: 'ハナコ',
      birthDate: '平成元年2月3日',
      sex: '2',
      relationshipToHead: '妻',
      residentRecordCode: codes[1]!,
    });
    await page.fill('#f-address', '東京都さくら市桜ケ丘二丁目3番14号');
    await page.fill('#f-addressSupplement', 'さくらハイツ203号室');
    await page.fill('#f-moveInDate', toWareki(addDays(today(), -2)));
    await page.fill('#f-previousAddress', '神奈川県相模原市中央区中央二丁目11番1号');
    await page.fill('#f-previousMunicipalityCode', ORIGIN_TOWN);
    await page.check('#f-notifierKind-self');
    await page.selectOption('#f-identityDocument', 'myNumberCard');
    await page.check('#f-certWanted');
    await page.check('#f-certHouseholdHead');
    const picture = await shot(page, '23-intake-move-in-valid'); // with npm run screenshots: the README's picture
    if (picture) copyFileSync(picture, join(__dirname, '..', '..', 'docs', 'screenshots', 'intake-form.png'));
    await fillNumbers(page, numbers); // typed after the screenshot: no 個人番号 in the docs picture
    const posted = await formFields(page, '#intake-move-in');
    await Promise.all([page.waitForURL(/\/cases\/MI-/), page.click('.form-actions button.btn-primary')]);
    caseId = new URL(page.url()).pathname.split('/').pop()!;
    expect(page.url()).not.toMatch(/\d{11}/);
    expect(await page.locator('#notice').innerText()).toContain('転入届を受け付けました（仮登録）');
    expect(await page.locator('main').innerText()).toContain('山田　花子');
    const again = await page.request.post('/intake/move-in', { form: posted, maxRedirects: 0 });
    expect(again.status()).toBe(303);
    expect(again.headers().location).toBe(`/cases/${caseId}`);
    expect(await moveInCases()).toBe(1);
    await shot(page, '24-intake-case-created');
    await page.context().close();
  });

  it('an approver approves it in the UI; the 住民票の写し names both movers and not their 個人番号', async () => {
    const approver = await loginAs(browser, sys.apiUrl, 'approver1');
    await approver.goto(`/cases/${caseId}`);
    await Promise.all([
      approver.waitForURL(`**/cases/${caseId}`),
      approver.click('#action-approve button[type="submit"]'),
    ]);
    await reloadUntil(approver, '完了', { selector: 'section.summary' });
    await approver.context().close();
    const clerk = await loginAs(browser, sys.apiUrl, 'clerk1');
    await clerk.goto(`/cases/${caseId}`);
    const docs = clerk.locator('section[aria-labelledby="h-docs"]');
    const [download] = await Promise.all([
      clerk.waitForEvent('download'),
      docs.locator('a:has-text("ダウンロード")').first().click(),
    ]);
    const text = pdfBytesText(readFileSync((await download.path())!));
    expect(text).toContain('山田太郎');
    expect(text).toContain('山田花子');
    for (const n of numbers) expect(text).not.toContain(n);
    await clerk.context().close();
  });

  it('without the script, the add-row button posts and the server renders one row more (個人番号 not echoed)', async () => {
    const page = await loginAs(browser, sys.apiUrl, 'clerk2');
    await page.goto('/intake/move-in');
    const fields = await formFields(page, '#intake-move-in');
    const res = await page.request.post('/intake/move-in', {
      form: { ...fields, op: 'add', 'm0.familyName': '佐藤', 'm0.individualNumber': numbers[0]! },
    });
    const body = await res.text();
    expect(res.status()).toBe(200);
    expect(body).toContain('name="rows" value="2"');
    expect(body).toContain('name="m1.familyName"');
    expect(body).toContain('value="佐藤"');
    expect(body).not.toContain(numbers[0]!);
    await page.context().close();
  });
});

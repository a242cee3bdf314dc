import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { AuditLog, HeldMoveOutCertificate, type Resident } from '../../src/db/entities';
import { addDays, toWareki } from '../../src/domain/dates';
import { PROCEDURES } from '../../src/procedures';
import { today } from '../support/fixtures';
import { certificateInfoFrom, moversOf, paperMoveOutToOsaka } from '../support/move-fixtures';
import { launchBrowser, loginAs, shot } from './support/browser';
import { demoHousehold, searchAndPick } from './support/demo-households';
import { caseJson, startE2eSystem, type E2eSystem } from './support/e2e-system';

/** Ids that occur more than once on the page (an id must be unique: labels, aria-describedby and the tests use them). */
const duplicateIds = (page: Page) =>
  page.evaluate(() => {
    const seen = new Map<string, number>();
    for (const el of Array.from(document.querySelectorAll('[id]'))) seen.set(el.id, (seen.get(el.id) ?? 0) + 1);
    return [...seen].filter(([, n]) => n > 1).map(([id]) => id);
  });

/**
 * Issue 14, the counter's form and screen bugs, on the demo town (MariaDB) in Chromium: a pending case is shown on the
 * resident record, flagged in the search results and in the 転出届 form before the clerk fills it (bug 1); Enter moves
 * to the next field instead of sending the form (bug 5); a mover row added in the browser keeps every id unique
 * (bug 11).
 */
describe('e2e: counter forms and screens (issue 14)', () => {
  let sys: E2eSystem;
  let browser: Browser;
  let clerk: Page;
  let household: Resident[];
  let pendingCaseId: string;

  beforeAll(async () => {
    sys = await startE2eSystem({ demoTown: true });
    browser = await launchBrowser();
    household = await demoHousehold(sys.orm, 3, 2);
    const token = await sys.login('clerk2');
    const r = await sys.api('POST', '/api/cases/move-out', {
      token,
      body: paperMoveOutToOsaka(moversOf([household[1]!]), addDays(today(), 7)),
      headers: { 'idempotency-key': randomUUID() },
    });
    expect(r.status, JSON.stringify(r.json)).toBe(201);
    pendingCaseId = r.json.caseId;
    clerk = await loginAs(browser, sys.apiUrl, 'clerk1');
  });
  afterAll(async () => {
    await browser?.close();
    await sys?.close();
  });

  it('bug 1: the resident record lists the cases of the person and the search flags the pending one with a link', async () => {
    const mover = household[1]!;
    await clerk.goto('/search');
    await clerk.fill('#s-name', `${mover.familyName} ${mover.givenName}`);
    await clerk.fill('#s-birth', toWareki(mover.birthDate));
    await Promise.all([
      clerk.waitForLoadState('domcontentloaded'),
      clerk.click('form[aria-labelledby="h-s4"] button[type="submit"]'),
    ]);
    const row = clerk.locator('table.grid tbody tr', { hasText: `${mover.familyName}　${mover.givenName}` }).first();
    expect(await row.locator('.pending-cases').innerText()).toContain('処理中の案件');
    const link = row.locator(`a.case-link:has-text("${pendingCaseId}")`);
    expect(await link.getAttribute('href')).toBe(`/cases/${pendingCaseId}`);
    await shot(clerk, '61-search-pending-case');
    await Promise.all([clerk.waitForLoadState('domcontentloaded'), row.locator('button:has-text("開く")').click()]);
    const cases = clerk.locator('section[aria-labelledby="h-cases"]');
    expect(await cases.innerText()).toContain(pendingCaseId);
    expect(await cases.innerText()).not.toContain('案件はありません');
    expect(await clerk.locator('#pending-cases-notice').innerText()).toContain(pendingCaseId);
    await shot(clerk, '60-resident-pending-case');
  });

  it('bug 1: the 転出届 and 出生届 forms warn before they are filled; a member in a pending 転出 cannot be chosen', async () => {
    await searchAndPick(clerk, household[0]!, '転出届を作成');
    expect(new URL(clerk.url()).pathname).toBe('/intake/move-out/start');
    const notice = await clerk.locator('#pending-cases-notice').innerText();
    expect(notice).toContain(`${household[1]!.familyName}　${household[1]!.givenName}さんは転出届を処理中のため`);
    expect(notice).toContain(pendingCaseId);
    expect(await clerk.locator('#f-p1-selected').isDisabled()).toBe(true);
    expect(await clerk.locator('#f-p0-selected').isDisabled()).toBe(false);
    await shot(clerk, '62-move-out-pending-warning');
    await searchAndPick(clerk, household[1]!, '出生届を作成'); // the 出生届 from the household warns too
    expect(new URL(clerk.url()).pathname).toBe('/intake/birth/start');
    expect(await clerk.locator('#pending-cases-notice').innerText()).toContain(pendingCaseId);
  });

  it('bug 5: Enter moves to the next field (also out of a select and a radio), the submit button still submits', async () => {
    await clerk.goto('/intake/move-in');
    await clerk.fill('#f-m0-familyName', '山田');
    await clerk.focus('#f-m0-familyName');
    await clerk.keyboard.press('Enter');
    expect(await clerk.evaluate(() => document.activeElement?.id)).toBe('f-m0-givenName');
    await clerk.keyboard.type('太郎');
    await clerk.keyboard.press('Enter');
    expect(await clerk.evaluate(() => document.activeElement?.id)).toBe('f-m0-familyNameKana');
    await clerk.focus('#f-m0-sex');
    await clerk.keyboard.press('Enter');
    expect(await clerk.evaluate(() => document.activeElement?.getAttribute('name'))).not.toBe('m0.sex');
    expect(await clerk.locator('#notice').count()).toBe(0); // nothing was sent
    expect(new URL(clerk.url()).pathname).toBe('/intake/move-in');
    expect(await clerk.inputValue('#f-m0-givenName')).toBe('太郎');
    await clerk.focus('.form-actions button.btn-primary');
    await Promise.all([clerk.waitForLoadState('domcontentloaded'), clerk.keyboard.press('Enter')]);
    await expect.poll(() => clerk.locator('#notice').count()).toBe(1); // sent: the field errors come back
    expect(await clerk.inputValue('#f-m0-familyName')).toBe('山田');
  });

  it('bug 11: a mover row added in the browser does not duplicate an element id', async () => {
    await clerk.goto('/intake/move-in');
    expect(await duplicateIds(clerk)).toEqual([]);
    await clerk.click('button.row-add');
    await clerk.click('button.row-add');
    expect(await clerk.locator('fieldset.mover').count()).toBe(3);
    expect(await duplicateIds(clerk)).toEqual([]);
    expect(await clerk.locator('fieldset.mover').nth(2).getAttribute('id')).toBe('f-m2');
    await clerk.locator('fieldset.mover').nth(1).locator('button.row-remove').click();
    expect(await duplicateIds(clerk)).toEqual([]);
    expect(await clerk.locator('fieldset.mover').nth(1).getAttribute('id')).toBe('f-m1');
  });

  it('bug 11: a case cancelled before 決裁 no longer says what 決裁 will record', async () => {
    const r = await sys.api('POST', `/api/cases/${pendingCaseId}/cancel`, {
      token: await sys.login('supervisor1'),
      body: { reason: '届出人の申出により取り下げ' },
    });
    expect(r.status, JSON.stringify(r.json)).toBe(200);
    await expect
      .poll(async () => (await caseJson(sys, await sys.login('clerk1'), pendingCaseId)).status, { timeout: 30_000 })
      .toBe('CANCELLED');
    await clerk.goto(`/cases/${pendingCaseId}`);
    const cmp = await clerk.locator('section[aria-labelledby="h-cmp"]').innerText();
    expect(cmp).not.toContain('決裁後は転出予定者となり');
    expect(cmp).not.toContain('決裁後の記載');
    expect(cmp).toContain('この案件は「取消」のため、住民票は変更されていません。');
    await shot(clerk, '63-cancelled-case');
  });

  it('bug 11: the procedure filter offers the procedures of the table; the API refuses one that does not exist', async () => {
    await clerk.goto('/queues');
    const offered = await clerk
      .locator('select[name="procedure"] option')
      .evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value).filter(Boolean));
    expect(offered).toEqual(PROCEDURES.cases.map((m) => m.definition.code));
    const token = await sys.login('clerk1');
    const bad = await sys.api('GET', '/api/cases?procedure=TENKYO', { token });
    expect(bad.status).toBe(400);
    expect(bad.json.errors).toEqual([
      { field: '/procedure', rule: 'enum', message: '手続（procedure）は手続一覧にあるコードを指定してください' },
    ]);
    expect((await sys.api('GET', '/api/cases?procedure=MOVE_OUT', { token })).status).toBe(200);
  });

  it('reference data: a 郵便番号 typed in the 転入届 fills the address, the 前住所 its 団体コード; the clerk can still edit', async () => {
    await clerk.goto('/intake/move-in');
    await clerk.click('#f-postalCode');
    await clerk.keyboard.type('２０６－００１１'); // with the IME on
    await expect.poll(() => clerk.inputValue('#f-address')).toBe('東京都多摩市関戸');
    expect(await clerk.locator('#f-postalCode-lookup').innerText()).toContain('番地・号を続けて入力してください');
    await clerk.fill('#f-address', '東京都多摩市関戸一丁目1番1号'); // the clerk completes it
    await clerk.fill('#f-postalCode', '100-0001');
    await expect.poll(() => clerk.locator('#f-postalCode-lookup').innerText()).toContain('東京都千代田区千代田');
    expect(await clerk.inputValue('#f-address')).toBe('東京都多摩市関戸一丁目1番1号'); // typed by the clerk: kept

    await clerk.fill('#f-previousAddress', '神奈川県相模原市中央区中央二丁目11番1号');
    await clerk.keyboard.press('Enter'); // next field: the change fires
    await expect.poll(() => clerk.inputValue('#f-previousMunicipalityCode')).toBe('141526');
    expect(await clerk.locator('#f-previousMunicipalityCode-lookup').innerText()).toContain('神奈川県相模原市中央区');
    await shot(clerk, '64-move-in-reference-lookup');

    const token = await sys.login('clerk1');
    const hit = await sys.api('GET', '/api/reference/postal-codes/2520239', { token });
    expect(hit.status).toBe(200);
    expect(hit.json.addresses[0]).toMatchObject({ address: '神奈川県相模原市中央区中央', municipalityCode: '141526' });
    const bad = await sys.api('GET', '/api/reference/postal-codes/25202', { token });
    expect(bad.status).toBe(400);
    expect(bad.json.errors[0]).toMatchObject({ field: '/code', rule: 'pattern' });
    const towns = await sys.api('GET', `/api/reference/municipalities?name=${encodeURIComponent('相模原市')}`, {
      token,
    });
    expect(towns.json.municipalities[0]).toMatchObject({ code: '141500', name: '神奈川県相模原市' });
  });

  it('bug 9: 本日の来庁予定 shows names and the origin town, a held 転出証明書情報 is found by name and pre-fills the address', async () => {
    const msg = certificateInfoFrom(sys.config.municipalityCode, addDays(today(), -2));
    const sent = await fetch(`${sys.apiUrl}/cs-inbound/v1/move-out-certificates`, {
      method: 'POST',
      headers: { authorization: `Bearer ${sys.config.csInboundToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        ...msg,
        certificate: {
          ...msg.certificate,
          plannedVisitDate: today(),
          plannedDestinationAddress: '東京都さくら市緑町一丁目',
        },
      }),
    });
    expect(sent.status).toBe(202);
    const held = await sys.orm.em
      .fork()
      .findOneOrFail(HeldMoveOutCertificate, { residentRecordCode: msg.certificate.residentRecordCode });

    await clerk.goto('/queues?queue=visitors');
    const row = clerk.locator('table.grid tbody tr', { hasText: held.heldId });
    const persons = await row.locator('td.persons').innerText();
    expect(persons).toContain('川口　健太');
    expect(persons).toContain('神奈川県相模原市から');
    expect(persons).not.toMatch(/\d名/);
    await shot(clerk, '65-queue-visitors-names');
    const em = sys.orm.em.fork();
    expect(
      await em.count(AuditLog, { actorId: 'clerk1', function: 'GET /queues', caseId: held.heldId }),
    ).toBeGreaterThan(0);

    await clerk.goto('/intake/special-move-in');
    await clerk.fill('#f-heldName', 'かわぐち');
    await Promise.all([clerk.waitForLoadState('domcontentloaded'), clerk.click('form.held-search button')]);
    const found = clerk.locator('#held-results tbody tr', { hasText: '川口　健太' });
    expect(await found.innerText()).toContain('神奈川県相模原市');
    expect(await clerk.content()).not.toContain(msg.certificate.individualNumber);
    await shot(clerk, '66-held-search');
    expect(
      await em.count(AuditLog, {
        actorId: 'clerk1',
        function: 'POST /intake/special-move-in/find-held',
        caseId: held.heldId,
      }),
    ).toBe(1);
    await Promise.all([
      clerk.waitForURL(/\/intake\/special-move-in\?held=HC-/),
      found.locator('a.special-intake').click(),
    ]);
    expect(await clerk.inputValue('#f-p0-familyName')).toBe('川口');
    expect(await clerk.inputValue('#f-address')).toBe('東京都さくら市緑町一丁目');

    await clerk.goto('/intake/special-move-in');
    await clerk.click('form.held-search button');
    expect(await clerk.locator('#f-heldName-e').innerText()).toContain('氏名またはフリガナを入力してください');
  });

  it('bug 11: the dashboard shows every bar label whole and the held certificate apart from staff work', async () => {
    await clerk.goto('/dashboard');
    const chart = clerk.locator('section[aria-labelledby="h-c1"]');
    expect(await chart.innerText()).toContain('日付・通知待ち');
    // every label of the bars starts inside the drawing (a label wider than the margin began left of it: clipped)
    const lefts = await chart
      .locator('svg text[text-anchor="end"]')
      .evaluateAll((ts) => ts.map((t) => [t.textContent, (t as SVGTextElement).getBBox().x] as const));
    expect(lefts.map(([l]) => l)).toContain('転出証明書情報');
    for (const [label, x] of lefts) expect(x, String(label)).toBeGreaterThanOrEqual(0);
    await shot(clerk, '67-dashboard');
  });
});

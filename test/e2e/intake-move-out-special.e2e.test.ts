import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { CaseApplication, CaseRecord, HeldMoveOutCertificate } from '../../src/db/entities';
import { addDays, toWareki } from '../../src/domain/dates';
import { today } from '../support/fixtures';
import { certificateInfoFrom, TOWN_B } from '../support/move-fixtures';
import { eventually } from '../support/system-harness';
import { launchBrowser, loginAs, reloadUntil, shot } from './support/browser';
import { demoHousehold, searchAndPick } from './support/demo-households';
import { caseJson, startE2eSystem, type E2eSystem } from './support/e2e-system';

/**
 * A 転出届 started from the resident search for a demo household (the household listed from the registry, the movers
 * ticked), and a 特例転入届 started from a held 転出証明書情報 in 本日の来庁予定 (pre-filled, 個人番号 stays on the
 * server), approved and completed.
 */
describe('e2e: 転出届 from the search and 特例転入届 from a held certificate', () => {
  let sys: E2eSystem;
  let browser: Browser;

  beforeAll(async () => {
    sys = await startE2eSystem({ demoTown: true });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await sys?.close();
  });

  it('a clerk starts a 転出届 from the search: the household is listed, the movers ticked, the case created', async () => {
    const members = await demoHousehold(sys.orm, 0);
    const page = await loginAs(browser, sys.apiUrl, 'clerk1');
    await searchAndPick(page, members[0]!, '転出届を作成');
    expect(new URL(page.url()).pathname).toBe('/intake/move-out/start');
    const table = page.locator('#f-movers tbody tr');
    expect(await table.count()).toBe(members.length);
    for (const m of members)
      expect(await page.locator('#intake-move-out').innerText()).toContain(`${m.familyName}　${m.givenName}`);
    expect(await page.isChecked('#f-p0-selected')).toBe(true);
    for (let i = 1; i < members.length; i++) await page.check(`#f-p${i}-selected`);
    await page.fill('#f-destinationAddress', '神奈川県相模原市中央区中央一丁目1番1号');
    await page.fill('#f-destinationCode', TOWN_B);
    await page.fill('#f-plannedMoveOutDate', toWareki(addDays(today(), 7)));
    await page.check('#f-path-paper');
    await page.check('#f-notifierKind-self');
    await page.selectOption('#f-identityDocument', 'driversLicence');
    await shot(page, '25-intake-move-out');
    await Promise.all([page.waitForURL(/\/cases\/MO-/), page.click('.form-actions button.btn-primary')]);
    const caseId = new URL(page.url()).pathname.split('/').pop()!;
    const row = await sys.orm.em.fork().findOneOrFail(CaseRecord, { caseId });
    expect([...(row.subjectAddresseeNumbers ?? [])].sort()).toEqual(members.map((m) => m.addresseeNumber).sort());
    expect(row.status).toBe('AWAITING_APPROVAL');
    expect(await page.locator('#notice').innerText()).toContain('転出届を受け付けました');
    await shot(page, '26-intake-move-out-case');
    await page.context().close();
  });

  it('refuses a 転出届 with no mover ticked and an impossible date, in Japanese, creating nothing', async () => {
    const members = await demoHousehold(sys.orm, 1);
    const page = await loginAs(browser, sys.apiUrl, 'clerk2');
    await searchAndPick(page, members[0]!, '転出届を作成');
    await page.uncheck('#f-p0-selected');
    await page.fill('#f-destinationAddress', '神奈川県相模原市');
    await page.fill('#f-plannedMoveOutDate', '2026-13-01');
    await page.check('#f-notifierKind-self');
    await page.selectOption('#f-identityDocument', 'passport');
    await page.click('.form-actions button.btn-primary');
    const notice = await page.locator('#notice').innerText();
    expect(notice).toContain('転出する方を1人以上選んでください');
    expect(await page.locator('#f-plannedMoveOutDate-e').innerText()).toContain('転出予定日の日付が正しくありません');
    expect(
      await sys.orm.em.fork().count(CaseRecord, {
        procedure: 'MOVE_OUT',
        subjectAddresseeNumbers: { $like: `%${members[0]!.addresseeNumber}%` },
      } as never),
    ).toBe(0);
    await shot(page, '27-intake-move-out-errors');
    await page.context().close();
  });

  it('a 特例転入 is started from 本日の来庁予定, pre-filled from the held certificate, approved and completed', async () => {
    const msg = certificateInfoFrom(sys.config.municipalityCode, addDays(today(), -2));
    const sent = await fetch(`${sys.apiUrl}/cs-inbound/v1/move-out-certificates`, {
      method: 'POST',
      headers: { authorization: `Bearer ${sys.config.csInboundToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ ...msg, certificate: { ...msg.certificate, plannedVisitDate: today() } }),
    });
    expect(sent.status).toBe(202);
    const clerk = await loginAs(browser, sys.apiUrl, 'clerk1');
    const held = await sys.orm.em
      .fork()
      .findOneOrFail(HeldMoveOutCertificate, { residentRecordCode: msg.certificate.residentRecordCode });
    await clerk.goto(`/cases/${held.heldId}`);
    expect(await clerk.getAttribute('#special-intake', 'href')).toBe(`/intake/special-move-in?held=${held.heldId}`);
    await clerk.goto('/queues?queue=visitors');
    await shot(clerk, '28-queue-visitors');
    await Promise.all([clerk.waitForURL(/\/intake\/special-move-in\?held=HC-/), clerk.click('a.special-intake')]);
    expect(await clerk.inputValue('#f-p0-residentRecordCode')).toBe(msg.certificate.residentRecordCode);
    expect(await clerk.inputValue('#f-p0-familyName')).toBe('川口');
    expect(await clerk.inputValue('#f-p0-givenName')).toBe('健太');
    expect(await clerk.inputValue('#f-originMunicipalityCode')).toBe(TOWN_B);
    expect(await clerk.content()).not.toContain(msg.certificate.individualNumber);
    await clerk.fill('#f-address', '東京都さくら市緑町一丁目5番2号');
    await clerk.fill('#f-moveInDate', toWareki(addDays(today(), -1)));
    await clerk.check('#f-notifierKind-self');
    await shot(clerk, '29-intake-special-move-in');
    await Promise.all([clerk.waitForURL(/\/cases\/SM-/), clerk.click('.form-actions button.btn-primary')]);
    const caseId = new URL(clerk.url()).pathname.split('/').pop()!;
    const stored = await sys.orm.em.fork().findOneOrFail(CaseApplication, { caseId });
    expect(JSON.stringify(stored.payload)).not.toContain(msg.certificate.individualNumber);
    await clerk.context().close();

    const approverToken = await sys.login('approver1');
    await eventually(async () =>
      (await caseJson(sys, approverToken, caseId)).status === 'AWAITING_APPROVAL' ? true : undefined,
    );
    const approver = await loginAs(browser, sys.apiUrl, 'approver1');
    await approver.goto(`/cases/${caseId}`);
    await Promise.all([
      approver.waitForURL(`**/cases/${caseId}`),
      approver.click('#action-approve button[type="submit"]'),
    ]);
    await reloadUntil(approver, '完了', { selector: 'section.summary' });
    await shot(approver, '30-special-move-in-completed');
    await approver.context().close();
  });
});

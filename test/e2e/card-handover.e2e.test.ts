import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { AuditLog, CardEventRecord, CaseApplication, CaseRecord, MyNumberCard, Resident } from '../../src/db/entities';
import { ageOn } from '../../src/domain/dates';
import { today } from '../support/fixtures';
import { caseStatus, eventually } from '../support/system-harness';
import { launchBrowser, loginAs, reloadUntil, shot } from './support/browser';
import { searchAndPick } from './support/demo-households';
import { startE2eSystem, type E2eSystem } from './support/e2e-system';

/**
 * 個人番号カードの交付 in the browser (issue 12 item 7): J-LIS reports a produced card at the inbound route, the card
 * shows in 本日の交付予定 with the holder's name and pick-up period, the handover checklist refuses an incomplete
 * visit (the button stays disabled; a forced post is refused by the server with every error at once, nothing stored),
 * the complete checklist goes to 決裁, another user approves, and the resident record's card panel shows 交付 with the
 * event sent to J-LIS (received there exactly once).
 */
describe('e2e: the card handover screen', () => {
  let sys: E2eSystem;
  let browser: Browser;
  /** The card issued by the first test and its holder (the second test records status events on it). */
  let issuedCard: { cardId: string; person: Resident } | undefined;

  beforeAll(async () => {
    sys = await startE2eSystem({ demoTown: true });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await sys?.close();
  });

  /** An adult of the demo town with a 住民票コード and no card of this system yet. */
  async function holder(): Promise<Resident> {
    const people = await sys.orm.em
      .fork()
      .find(
        Resident,
        { status: 'RESIDENT', isForeignResident: false, isAdultWard: false, residentRecordCode: { $ne: null } },
        { orderBy: { addresseeNumber: 'asc' }, limit: 50 },
      );
    const p = people.find((r) => /^\d{4}-\d{2}-\d{2}$/.test(r.birthDate) && ageOn(r.birthDate, today()) >= 30);
    if (!p) throw new Error('no adult in the demo town');
    return p;
  }

  async function jlisCardEvents(): Promise<any[]> {
    const r = await fetch(`${sys.jlisUrl}/jlis/v1/_admin/received?kind=card-events`, {
      headers: { authorization: `Bearer ${sys.config.jlisToken}` },
    });
    return ((await r.json()) as { items: any[] }).items;
  }

  it('produced card → 本日の交付予定 → checklist refused, then complete → 決裁 → the card panel shows 交付 sent to J-LIS', async () => {
    const person = await holder();
    const cardId = `C${randomBytes(6).toString('hex').toUpperCase()}`;
    const produced = await fetch(`${sys.apiUrl}/jlis-inbound/v1/cards-produced`, {
      method: 'POST',
      headers: { authorization: `Bearer ${sys.config.jlisInboundToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        messageId: randomUUID(),
        municipalityCode: sys.config.municipalityCode,
        cardId,
        residentRecordCode: person.residentRecordCode,
        producedOn: today(),
        hasSigningCert: true,
      }),
    });
    expect(produced.status).toBe(202);
    const { caseId } = (await produced.json()) as { caseId: string };
    const clerkToken = await sys.login('clerk1');
    await caseStatus(sys, clerkToken, caseId, 'AWAITING_REVIEW'); // 交付通知書 made, waiting for the visit

    // 本日の交付予定: the holder's name, the card and the pick-up period; the row opens the handover
    const clerk = await loginAs(browser, sys.apiUrl, 'clerk1');
    await clerk.click('nav.nav a[href="/cards"]');
    expect(new URL(clerk.url()).pathname).toBe('/cards');
    const row = clerk.locator('table.card-queue tbody tr', { hasText: cardId });
    expect(await row.innerText()).toContain(`${person.familyName}　${person.givenName}`);
    expect(await row.innerText()).toMatch(/〜/);
    await shot(clerk, '40-card-queue-today');
    // the case screen offers the checklist instead of the generic 審査 button
    await clerk.goto(`/cases/${caseId}`);
    expect(await clerk.getAttribute('#handover-link', 'href')).toBe(`/cases/${caseId}/handover`);
    expect(await clerk.locator('#action-confirm-review').count()).toBe(0);
    await clerk.goBack();
    await Promise.all([clerk.waitForURL(`**/cases/${caseId}/handover`), row.locator('a.handover-start').click()]);

    // there is no PIN input anywhere on the screen
    expect(await clerk.locator('input[type="password"]').count()).toBe(0);
    const names = await clerk.$$eval('#handover-form input, #handover-form textarea, #handover-form select', (els) =>
      els.map((e: any) => String(e.name)),
    );
    expect(names.filter((n) => /pin/i.test(n))).toEqual(['pinRegistered']);
    expect(await clerk.locator('#f-pinRegistered').getAttribute('type')).toBe('checkbox');

    // an incomplete visit: no PIN registration ticked, the 通知カード not answered → the button stays disabled
    await clerk.check('#f-visitor-self');
    await clerk.check('#f-identityCheckMethod-photoId');
    await clerk.check('#f-issuanceNoticePresented');
    await clerk.check('#f-legacyResidentCard-none');
    await clerk.check('#f-signingCert-issued');
    expect(await clerk.isDisabled('#handover-submit')).toBe(true);
    const missing = await clerk.locator('#checklist-status').innerText();
    expect(missing).toContain('通知カード');
    expect(missing).toContain('暗証番号の設定');
    await shot(clerk, '41-card-handover-incomplete');
    // posted anyway (a terminal without script): the server refuses it with every error at once, nothing stored
    await clerk.$eval('#handover-submit', (b: any) => {
      b.disabled = false;
    });
    await Promise.all([clerk.waitForLoadState('domcontentloaded'), clerk.click('#handover-submit')]);
    const notice = await clerk.locator('#notice').innerText();
    expect(notice).toContain('2件');
    expect(notice).toContain('通知カードを回収したか、持っていないかを選んでください');
    expect(notice).toContain('暗証番号の設定が済んでいません');
    expect(await clerk.locator('#f-pinRegistered-e').innerText()).toContain('暗証番号の設定が済んでいません');
    expect(await clerk.isChecked('#f-issuanceNoticePresented')).toBe(true); // what was ticked is kept
    await shot(clerk, '42-card-handover-errors');
    const em = sys.orm.em.fork();
    expect((await em.findOneOrFail(CaseRecord, { caseId })).status).toBe('AWAITING_REVIEW');
    expect((await em.findOneOrFail(CaseApplication, { caseId })).payload.handover).toBeUndefined();

    // the complete checklist goes to 決裁
    await clerk.check('#f-notificationCard-collected');
    await clerk.check('#f-pinRegistered');
    expect(await clerk.isDisabled('#handover-submit')).toBe(false);
    await Promise.all([clerk.waitForURL(`**/cases/${caseId}`), clerk.click('#handover-submit')]);
    expect(await clerk.locator('#notice').innerText()).toContain('決裁に回しました');
    await caseStatus(sys, clerkToken, caseId, 'AWAITING_APPROVAL');
    const stored = (await sys.orm.em.fork().findOneOrFail(CaseApplication, { caseId })).payload as any;
    expect(stored.handover).toMatchObject({
      identityCheckMethod: 'photoId',
      notificationCard: 'collected',
      pinRegistered: true,
      signingCert: { issued: true },
    });
    expect(JSON.stringify(stored)).not.toMatch(/"pin"|password/i);
    // the clerk who recorded the handover may not approve it, nor record it again
    await clerk.reload();
    expect(await clerk.locator('#action-approve').count()).toBe(0);
    expect(await clerk.locator('#handover-link').count()).toBe(0);
    expect((await clerk.goto(`/cases/${caseId}/handover`))?.status()).toBe(409);
    await clerk.context().close();

    // 決裁 by a second user through the usual screens
    const approver = await loginAs(browser, sys.apiUrl, 'approver1');
    expect((await approver.goto(`/cases/${caseId}/handover`))?.status()).toBe(403); // the handover is the counter's
    await approver.goto('/queues?queue=approval');
    await Promise.all([
      approver.waitForURL(`**/cases/${caseId}`),
      approver.locator('table.grid tbody tr', { hasText: caseId }).locator('a.case-link').click(),
    ]);
    await Promise.all([
      approver.waitForURL(`**/cases/${caseId}`),
      approver.click('#action-approve button[type="submit"]'),
    ]);
    await reloadUntil(approver, '完了', { selector: 'section.summary' });
    await approver.context().close();

    // J-LIS received the 交付 exactly once; the card panel shows 交付 and when it was sent
    const mine = async () =>
      (await jlisCardEvents()).filter((e) => e.body?.residentRecordCode === person.residentRecordCode);
    await eventually(async () => ((await mine()).length ? true : undefined));
    const issued = await mine();
    expect(issued.map((e) => e.body.event)).toEqual(['ISSUED']);
    expect(issued[0].idempotencyKey).toContain(cardId);
    const card = await sys.orm.em.fork().findOneOrFail(MyNumberCard, { cardId });
    expect(card.status).toBe('ISSUED');

    const viewer = await loginAs(browser, sys.apiUrl, 'clerk2');
    await searchAndPick(viewer, person, '開く');
    const panel = viewer.locator('#card-panel');
    expect(await panel.locator('.card-status').first().innerText()).toBe('交付済み');
    expect(await panel.innerText()).toContain(cardId);
    const issuedRow = panel.locator('#card-events tbody tr[data-kind="ISSUED"]');
    expect(await issuedRow.innerText()).toContain('交付');
    expect(await issuedRow.locator('.jlis-sent').innerText()).toBe('送信済み');
    expect(await panel.locator('#card-events tbody tr[data-kind="PRODUCED"]').count()).toBe(1);
    await shot(viewer, '43-resident-card-panel');
    await viewer.context().close();

    // every screen that showed the holder is in the audit trail
    const audited = await sys.orm.em
      .fork()
      .find(AuditLog, { targetAddresseeNumber: person.addresseeNumber, function: { $like: '%cards%' } } as never);
    expect(audited.length).toBeGreaterThan(0);
    issuedCard = { cardId, person };
  });

  it('the card panel records status events: 一時停止解除 and 廃止 with their checks, sent to J-LIS in order; not for an approver', async () => {
    if (!issuedCard) throw new Error('the handover test did not issue a card');
    const { cardId, person } = issuedCard;
    // the J-LIS call centre suspends the card (inbound)
    const suspended = await fetch(`${sys.apiUrl}/jlis-inbound/v1/card-suspensions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${sys.config.jlisInboundToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        messageId: randomUUID(),
        municipalityCode: sys.config.municipalityCode,
        cardId,
        eventDate: today(),
      }),
    });
    expect(suspended.status).toBe(202);

    // an approver sees the card but records no event (clerks do)
    const approver = await loginAs(browser, sys.apiUrl, 'approver1');
    await searchAndPick(approver, person, '開く');
    expect(await approver.locator('#card-panel .card-status').first().innerText()).toBe('一時停止');
    expect(await approver.locator('#card-panel form').count()).toBe(0);
    await approver.context().close();

    const clerk = await loginAs(browser, sys.apiUrl, 'clerk1');
    await searchAndPick(clerk, person, '開く');
    const panel = clerk.locator('#card-panel');
    // only what the status allows: a suspended card can be lifted, cancelled, collected or returned
    expect(await panel.locator('form.action-form').evaluateAll((fs) => fs.map((f: any) => f.id))).toEqual([
      'card-event-CANCELLED',
      'card-event-COLLECTED',
      'card-event-RETURNED',
      'card-event-SUSPENSION_LIFTED',
    ]);
    // 一時停止解除 without the written application: refused beside the field, nothing recorded
    await clerk.selectOption('#f-SUSPENSION_LIFTED-identityDocument', 'driversLicence');
    await Promise.all([
      clerk.waitForLoadState('domcontentloaded'),
      clerk.click('#card-event-SUSPENSION_LIFTED button[type="submit"]'),
    ]);
    expect(await clerk.locator('#f-SUSPENSION_LIFTED-writtenApplication-e').innerText()).toContain(
      '書面による申請を受けたことを確認してください',
    );
    expect((await sys.orm.em.fork().findOneOrFail(MyNumberCard, { cardId })).status).toBe('SUSPENDED');
    await shot(clerk, '44-card-event-error');
    // with it: lifted
    await clerk.check('#f-SUSPENSION_LIFTED-writtenApplication');
    await Promise.all([
      clerk.waitForLoadState('domcontentloaded'),
      clerk.click('#card-event-SUSPENSION_LIFTED button[type="submit"]'),
    ]);
    expect(await clerk.locator('#notice').innerText()).toContain('一時停止解除');
    expect(await panel.locator('.card-status').first().innerText()).toBe('交付済み');
    // 廃止 needs its reason
    await Promise.all([
      clerk.waitForLoadState('domcontentloaded'),
      clerk.click('#card-event-CANCELLED button[type="submit"]'),
    ]);
    expect(await clerk.locator('#f-CANCELLED-reason-e').innerText()).toContain('廃止の理由を選んでください');
    expect((await sys.orm.em.fork().findOneOrFail(MyNumberCard, { cardId })).status).toBe('ISSUED');
    await clerk.selectOption('#f-CANCELLED-reason', 'SURRENDER');
    await Promise.all([
      clerk.waitForLoadState('domcontentloaded'),
      clerk.click('#card-event-CANCELLED button[type="submit"]'),
    ]);
    expect(await panel.locator('.card-status').first().innerText()).toBe('廃止');
    expect(await panel.locator('#card-events tbody tr[data-kind="CANCELLED"]').innerText()).toContain('返納');

    // J-LIS received 交付, 一時停止解除 and 廃止 once each, in order; the panel shows them sent
    const mine = async () =>
      (await jlisCardEvents()).filter((e) => e.body?.residentRecordCode === person.residentRecordCode);
    await eventually(async () => ((await mine()).length === 3 ? true : undefined));
    expect((await mine()).map((e) => [e.body.event, e.body.sequenceNumber])).toEqual([
      ['ISSUED', 1],
      ['SUSPENSION_LIFTED', 2],
      ['CANCELLED', 3],
    ]);
    await eventually(async () => {
      const rows = await sys.orm.em.fork().find(CardEventRecord, { cardId, sentAt: { $ne: null } } as never);
      return rows.length === 3 ? true : undefined;
    });
    await searchAndPick(clerk, person, '開く'); // (a reload would post the form again)
    expect(await panel.locator('#card-events tbody tr[data-kind="CANCELLED"] .jlis-sent').innerText()).toBe('送信済み');
    await shot(clerk, '45-resident-card-events');
    await clerk.context().close();
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { CaseRecord } from '../../src/db/entities';
import { demoHousehold, onlineContent } from '../support/online-fixtures';
import { eventually } from '../support/system-harness';
import { launchBrowser, loginAs, shot } from './support/browser';
import { caseJson, startE2eSystem, type E2eSystem } from './support/e2e-system';

/**
 * A procedure the screens were not written for shows through its panel: an online 転出 signed at the マイナポータル
 * simulator arrives at our intake, a clerk reviews it (application, signature, findings, before/after), an approver
 * approves it; an application with a finding that blocks the review can only be rejected or the applicant contacted.
 */
describe('e2e: online 転出 from マイナポータル', () => {
  let sys: E2eSystem;
  let browser: Browser;
  let clerk: string;

  beforeAll(async () => {
    sys = await startE2eSystem({ demoTown: true, portal: true });
    browser = await launchBrowser();
    clerk = await sys.login('clerk1');
  });
  afterAll(async () => {
    await browser?.close();
    await sys?.close();
  });

  const arrived = async (applicationId: string) =>
    eventually(
      async () =>
        (await sys.orm.em.fork().findOne(CaseRecord, { workflowId: { $like: `%${applicationId}%` } }))?.caseId,
    );

  it('a clerk reviews the signed application and confirms it; an approver approves it', async () => {
    const members = await demoHousehold(sys.orm, 2, 2);
    const sent = await sys.portalApplication(onlineContent(members));
    expect(sent.sent.status).toBe(201);
    const caseId = await arrived(sent.applicationId);
    const page = await loginAs(browser, sys.apiUrl, 'clerk1');
    await page.goto('/queues?queue=unassigned&procedure=ONLINE_MOVE_OUT');
    await page.locator('tr', { hasText: caseId }).locator('a.case-link').click();
    const main = await page.locator('main').innerText();
    for (const text of [
      '審査（窓口）',
      '申請番号（マイナポータル）',
      sent.applicationId,
      '署名用電子証明書',
      '転出予定者',
      members[0]!.familyName,
    ])
      expect(main).toContain(text);
    await page.locator('#action-claim button').click();
    await page.waitForSelector('#action-confirm-review');
    await shot(page, '40-online-review');
    await page.fill('#action-confirm-review-reason', '申請内容を住民票と照合済み');
    await page.click('#action-confirm-review button[type="submit"]');
    await eventually(async () =>
      (await caseJson(sys, clerk, caseId)).status === 'AWAITING_APPROVAL' ? true : undefined,
    );

    const approver = await loginAs(browser, sys.apiUrl, 'approver1');
    await approver.goto(`/cases/${caseId}`);
    await approver.click('#action-approve button[type="submit"]');
    await eventually(
      async () =>
        ['AWAITING_MOVE_OUT_DATE', 'AWAITING_MOVE_IN_NOTICE', 'COMPLETED'].includes(
          (await caseJson(sys, clerk, caseId)).status,
        )
          ? true
          : undefined,
      120_000,
    );
    await approver.reload();
    expect(await approver.locator('section.summary').innerText()).toMatch(/転出予定（除票待ち）|転入通知待ち|完了/);
    expect(await approver.locator('section[aria-labelledby="h-tl"]').innerText()).toContain('審査の確定');
    await shot(approver, '41-online-approved');
    await page.context().close();
    await approver.context().close();
  });

  it('a finding that blocks the review: explained, and only rejection or contacting the applicant is offered', async () => {
    const members = await demoHousehold(sys.orm, 5, 1);
    const content = onlineContent(members, {
      movers: [
        ...onlineContent(members).movers,
        { familyName: '存在', givenName: 'しない', birthDate: '2001-01-01', sex: '1' },
      ],
    });
    const sent = await sys.portalApplication(content);
    expect(sent.sent.status).toBe(201);
    const caseId = await arrived(sent.applicationId);
    const page = await loginAs(browser, sys.apiUrl, 'clerk2');
    await page.goto(`/cases/${caseId}`);
    await page.locator('#action-claim button').click();
    await page.waitForSelector('#action-request-contact');
    const findings = await page.locator('section[aria-labelledby="h-find"]').innerText();
    expect(findings).toContain('転出者の不一致');
    expect(await page.locator('#action-confirm-review').count()).toBe(0);
    expect(await page.locator('#action-reject').count()).toBe(1);
    await shot(page, '42-online-finding');
    await page.context().close();
  });
});

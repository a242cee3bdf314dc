import type { MikroORM } from '@mikro-orm/core';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, toWareki } from '../../src/domain/dates';
import { ChangeReason } from '../../src/domain/change-reason';
import { CaseRecord, Household, Resident, ResidentHistory } from '../../src/db/entities';
import { today } from '../support/fixtures';
import { launchBrowser, loginAs, reloadUntil, shot } from './support/browser';
import { searchAndPick } from './support/demo-households';
import { startE2eSystem, type E2eSystem } from './support/e2e-system';

/** A demo household of exactly these 続柄 (世帯主 first), Japanese residents only, nobody in a case. */
async function householdOf(orm: MikroORM, relationships: string[], skip = 0): Promise<Resident[]> {
  const em = orm.em.fork();
  const households = await em.find(Household, { active: true }, { orderBy: { householdNumber: 'asc' }, limit: 300 });
  let seen = 0;
  for (const h of households) {
    const members = await em.find(Resident, { householdNumber: h.householdNumber, status: 'RESIDENT' });
    if (members.length !== relationships.length || members.some((m) => m.isForeignResident)) continue;
    const ordered = relationships.map((r) => members.find((m) => m.relationshipToHead === r));
    if (ordered.every(Boolean) && new Set(ordered).size === members.length && seen++ === skip)
      return ordered as Resident[];
  }
  throw new Error(`no demo household of ${relationships.join('・')}`);
}

const nameOf = (r: Resident) => `${r.familyName}　${r.givenName}`;
const submit = (page: Page) =>
  Promise.all([page.waitForLoadState('domcontentloaded'), page.click('.form-actions button.btn-primary')]);

async function approveInUi(browser: Browser, sys: E2eSystem, caseId: string): Promise<Page> {
  const approver = await loginAs(browser, sys.apiUrl, 'approver1');
  await approver.goto(`/cases/${caseId}`);
  await Promise.all([
    approver.waitForURL(`**/cases/${caseId}`),
    approver.click('#action-approve button[type="submit"]'),
  ]);
  await reloadUntil(approver, '完了', { selector: 'section.summary' });
  return approver;
}

/**
 * Issue 14 items 2 and 3 on screen: a clerk files a 世帯主変更 from the search (the household listed, each 続柄
 * re-stated; a missing 続柄 refused with nothing stored), another user approves it and the record shows the new
 * 世帯主 and 続柄; a clerk records a 死亡 of a 世帯主 naming the new 世帯主, it is approved, the deceased is a 除票
 * (no 住民票の写し offered) and the household has its new 世帯主.
 */
describe('e2e: 世帯変更 and 死亡', () => {
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

  const cases = (procedure: string) => sys.orm.em.fork().count(CaseRecord, { procedure });

  it('a 世帯主変更 filed from the search, approved by another user: the record shows the new 世帯主 and 続柄', async () => {
    const [head, wife] = await householdOf(sys.orm, ['世帯主', '妻']);
    const page = await loginAs(browser, sys.apiUrl, 'clerk1');
    await searchAndPick(page, wife!, '世帯変更届を作成');
    expect(new URL(page.url()).pathname).toBe('/intake/household-change/start');
    expect(await page.locator('#picked-household').innerText()).toContain(nameOf(head!));
    await page.check('#f-kind-headChange');
    await page.selectOption(`select[aria-label="${nameOf(wife!)}さんの新しい続柄"]`, '世帯主');
    await page.fill('#f-changeDate', toWareki(today()));
    await page.check('#f-notifierKind-self');
    await page.selectOption('#f-identityDocument', 'myNumberCard');
    // the former 世帯主 left without a 続柄: refused beside the form, nothing stored, the choices kept
    await submit(page);
    expect(await page.locator('#notice').innerText()).toContain('世帯員全員の新しい続柄を入力してください');
    expect(await cases('HOUSEHOLD_CHANGE')).toBe(0);
    expect(await page.inputValue(`select[aria-label="${nameOf(wife!)}さんの新しい続柄"]`)).toBe('世帯主');

    await page.selectOption(`select[aria-label="${nameOf(head!)}さんの新しい続柄"]`, '夫');
    await shot(page, '50-intake-household-change');
    await Promise.all([page.waitForURL(/\/cases\/HC-/), page.click('.form-actions button.btn-primary')]);
    const caseId = new URL(page.url()).pathname.split('/').pop()!;
    expect(await page.locator('#notice').innerText()).toContain('世帯変更届を受け付けました（仮登録）');
    // the enterer cannot approve it (four-eyes): no approve button for the clerk
    expect(await page.locator('#action-approve').count()).toBe(0);
    await page.context().close();

    const approver = await approveInUi(browser, sys, caseId);
    await shot(approver, '51-household-change-approved');
    // the resident record: the household with the new 世帯主 and 続柄
    await searchAndPick(approver, wife!, '開く');
    const household = await approver.locator('main').innerText();
    expect(household).toMatch(/続柄\s+世帯主/);
    expect(household).toMatch(new RegExp(`世帯主\\s+${nameOf(wife!)}`));
    expect(household).toMatch(new RegExp(`${nameOf(head!)}\\s+夫`));
    await approver.context().close();
    const em = sys.orm.em.fork();
    expect(await em.findOneOrFail(Resident, { addresseeNumber: head!.addresseeNumber })).toMatchObject({
      relationshipToHead: '夫',
      householdHeadName: nameOf(wife!),
      changeReason: ChangeReason.HOUSEHOLD_HEAD_CHANGE,
    });
    expect(await em.count(ResidentHistory, { caseId })).toBe(2);
  });

  it('a 死亡 of the 世帯主 naming the new 世帯主: after 決裁 a 除票 (no 住民票の写し) and the household under its new head', async () => {
    const [head, wife, child] = await householdOf(sys.orm, ['世帯主', '妻', '子']);
    const page = await loginAs(browser, sys.apiUrl, 'clerk1');
    await searchAndPick(page, head!, '死亡届を作成');
    expect(new URL(page.url()).pathname).toBe('/intake/death/start');
    expect(await page.locator('#picked-deceased').innerText()).toContain(nameOf(head!));
    await page.fill('#f-deathDate', toWareki(addDays(today(), -1)));
    await page.fill('#f-deathTime', '午前4時10分');
    await page.fill('#f-deathPlace', '東京都さくら市本町一丁目1番');
    await page.fill('#f-receivedDate', toWareki(today()));
    await page.fill('#f-notifierName', nameOf(wife!));
    await page.fill('#f-notifierCapacity', '同居の親族');
    // two remain: without a new 世帯主 the form is refused, nothing stored
    await submit(page);
    expect(await page.locator('#notice').innerText()).toContain('新しい世帯主と各人の続柄を選んでください');
    expect(await cases('DEATH')).toBe(0);

    await page.check(`#f-newHead-${wife!.addresseeNumber}`);
    await page.selectOption(`select[aria-label="${nameOf(child!)}さんの新しい続柄"]`, '子');
    await shot(page, '52-intake-death');
    await Promise.all([page.waitForURL(/\/cases\/DE-/), page.click('.form-actions button.btn-primary')]);
    const caseId = new URL(page.url()).pathname.split('/').pop()!;
    expect(await page.locator('#notice').innerText()).toContain('死亡の届出を受け付けました（仮登録）');
    await page.context().close();

    const approver = await approveInUi(browser, sys, caseId);
    await shot(approver, '53-death-approved');
    await approver.context().close();
    const em = sys.orm.em.fork();
    expect(await em.findOneOrFail(Resident, { addresseeNumber: head!.addresseeNumber })).toMatchObject({
      status: 'REMOVED',
      removalReason: ChangeReason.DEATH,
      removalDate: addDays(today(), -1),
    });
    expect(await em.findOneOrFail(Resident, { addresseeNumber: wife!.addresseeNumber })).toMatchObject({
      relationshipToHead: '世帯主',
      householdHeadName: nameOf(wife!),
    });
    // the CS received the 本人確認情報 (死亡) of the deceased
    const items = (await sys.csAdmin('GET', 'received?kind=identity-updates')).items as Array<{
      body: { identity: { residentRecordCode: string; changeReason: string } };
    }>;
    expect(
      items
        .filter((m) => m.body.identity.residentRecordCode === head!.residentRecordCode)
        .map((m) => m.body.identity.changeReason),
    ).toEqual(['22']);

    // on screen: the deceased's record is a 除票 and offers no 住民票の写し; the household shows its new 世帯主
    const clerk = await loginAs(browser, sys.apiUrl, 'clerk2');
    await searchAndPick(clerk, head!, '開く');
    const record = await clerk.locator('main').innerText();
    expect(record).toContain('除票');
    expect(record).toContain('住民票の写しは交付できません');
    await searchAndPick(clerk, child!, '開く');
    expect(await clerk.locator('main').innerText()).toMatch(new RegExp(`世帯主\\s+${nameOf(wife!)}`));
    await clerk.context().close();
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { CaseRecord, Household, Resident } from '../../src/db/entities';
import { addDays, toWareki } from '../../src/domain/dates';
import { today } from '../support/fixtures';
import { eventually } from '../support/system-harness';
import { launchBrowser, loginAs, reloadUntil, shot } from './support/browser';
import { demoHousehold, searchAndPick } from './support/demo-households';
import { caseJson, startE2eSystem, type E2eSystem } from './support/e2e-system';

const NEW_ADDRESS = '東京都さくら市桜ケ丘二丁目3番14号';
const NEW_SUPPLEMENT = 'さくらハイツ203号室';

/**
 * A 転居 of part of a household (issue 14 "Done when"): 2 of 3 members move and form a new household, started from the
 * resident search, approved by another user; the resident record shows the new address and household, the old
 * household keeps its 世帯主.
 */
describe('e2e: 転居届 of part of a household', () => {
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

  /** A demo household of three whose 世帯主 stays: the two others move. */
  async function householdOfThree(): Promise<{ members: Resident[]; head: Resident; movers: Resident[] }> {
    for (let n = 0; n < 40; n++) {
      const members = await demoHousehold(sys.orm, n, 3);
      const head = members.find((m) => m.relationshipToHead === '世帯主');
      if (members.length === 3 && head) return { members, head, movers: members.filter((m) => m !== head) };
    }
    throw new Error('no demo household of three');
  }

  const openRecord = async (page: Page, person: Resident) => {
    await searchAndPick(page, person, '開く');
    await expect.poll(() => new URL(page.url()).pathname).toBe('/residents/view');
    // the record seen before has the same path: wait for this person's (read at once, the page could still be the last)
    await expect
      .poll(() => page.locator('main').innerText())
      .toContain(`住民票：${person.familyName}　${person.givenName}`);
    return page.locator('main').innerText();
  };

  it('two of three move into a new household; approved by another user; the records show the new address and households', async () => {
    const { members, head, movers } = await householdOfThree();
    const [first, second] = movers as [Resident, Resident];
    const row = (p: Resident) => members.indexOf(p);
    const clerk = await loginAs(browser, sys.apiUrl, 'clerk1');
    await searchAndPick(clerk, first, '転居届を作成');
    expect(new URL(clerk.url()).pathname).toBe('/intake/move-within/start');
    expect(await clerk.locator('#f-movers tbody tr').count()).toBe(3);
    expect(await clerk.isChecked(`#f-p${row(first)}-selected`)).toBe(true);
    await clerk.check(`#f-p${row(second)}-selected`);
    await clerk.check(`#f-p${row(first)}-card`);
    await clerk.check('#f-householdMode-new');
    await clerk.check(`#f-newHead-${first.addresseeNumber}`);
    await clerk.selectOption(`#f-p${row(second)}-relationship`, second.relationshipToHead === '子' ? '子' : '同居人');
    await clerk.fill('#f-postalCode', '206-0012');
    await clerk.fill('#f-address', NEW_ADDRESS);
    await clerk.fill('#f-addressSupplement', NEW_SUPPLEMENT);
    await clerk.fill('#f-moveDate', toWareki(addDays(today(), -2)));
    await clerk.check('#f-notifierKind-self');
    await clerk.selectOption('#f-identityDocument', 'myNumberCard');
    await clerk.check('#f-certWanted');
    await shot(clerk, '80-intake-move-within');
    await Promise.all([clerk.waitForURL(/\/cases\/MW-/), clerk.click('.form-actions button.btn-primary')]);
    const caseId = new URL(clerk.url()).pathname.split('/').pop()!;
    expect(await clerk.locator('#notice').innerText()).toContain('転居届を受け付けました');
    const stored = await sys.orm.em.fork().findOneOrFail(CaseRecord, { caseId });
    expect([...(stored.subjectAddresseeNumbers ?? [])].sort()).toEqual(
      [first.addresseeNumber, second.addresseeNumber].sort(),
    );
    // the enterer cannot approve their own intake
    expect(await clerk.locator('#action-approve').count()).toBe(0);
    await clerk.context().close();

    const approverToken = await sys.login('approver1');
    await eventually(async () =>
      (await caseJson(sys, approverToken, caseId)).status === 'AWAITING_APPROVAL' ? true : undefined,
    );
    const approver = await loginAs(browser, sys.apiUrl, 'approver1');
    await approver.goto(`/cases/${caseId}`);
    const before = await approver.locator('main').innerText();
    expect(before).toContain(NEW_ADDRESS);
    expect(before).toContain('新しい世帯をつくる');
    await shot(approver, '81-move-within-approval');
    await Promise.all([
      approver.waitForURL(`**/cases/${caseId}`),
      approver.click('#action-approve button[type="submit"]'),
    ]);
    await reloadUntil(approver, '完了', { selector: 'section.summary' });
    const done = await approver.locator('main').innerText();
    expect(done).toContain('個人番号カードの券面記載');
    await shot(approver, '82-move-within-completed');

    // the movers' record: the new address, a new household with the first mover as 世帯主
    const moved = await openRecord(approver, second);
    expect(moved).toContain(NEW_ADDRESS);
    expect(moved).toContain(NEW_SUPPLEMENT);
    expect(moved).toContain(`${first.familyName}　${first.givenName}`); // 世帯主
    const now = await sys.orm.em.fork().findOneOrFail(Resident, { addresseeNumber: second.addresseeNumber });
    expect(now.householdNumber).not.toBe(head.householdNumber);
    expect(moved).toContain(now.householdNumber);
    await shot(approver, '83-move-within-record');
    // the old household keeps its 世帯主 and address
    const stayed = await openRecord(approver, head);
    expect(stayed).toContain(head.address);
    expect(stayed).not.toContain(NEW_ADDRESS);
    expect(stayed).toContain(head.householdNumber);
    expect(await sys.orm.em.fork().findOneOrFail(Household, { householdNumber: head.householdNumber })).toMatchObject({
      headAddresseeNumber: head.addresseeNumber,
      active: true,
    });
    await approver.context().close();
  });

  it('refuses a 転居 to the current address and an unchosen new 世帯主 in Japanese, creating nothing', async () => {
    const { head, movers } = await householdOfThree();
    const [first] = movers as [Resident];
    const page = await loginAs(browser, sys.apiUrl, 'clerk2');
    await searchAndPick(page, first, '転居届を作成');
    await page.check('#f-householdMode-new');
    await page.fill('#f-address', first.address);
    if (first.addressSupplement) await page.fill('#f-addressSupplement', first.addressSupplement);
    await page.fill('#f-moveDate', toWareki(addDays(today(), -1)));
    await page.check('#f-notifierKind-self');
    await page.selectOption('#f-identityDocument', 'passport');
    const cases = await sys.orm.em.fork().count(CaseRecord, { procedure: 'MOVE_WITHIN' });
    await page.click('.form-actions button.btn-primary');
    const notice = await page.locator('#notice').innerText();
    expect(notice).toContain('新しい住所（方書を含む）が現在の住所と同じです');
    expect(notice).toContain('新しい世帯の世帯主を転居する方から選んでください');
    expect(await sys.orm.em.fork().count(CaseRecord, { procedure: 'MOVE_WITHIN' })).toBe(cases);
    expect(head.address).toBeTruthy();
    await shot(page, '84-intake-move-within-errors');
    await page.context().close();
  });

  it('a returned 転居届 is corrected on the same form (pre-filled, 差戻し reason shown) and approved', async () => {
    const members = await demoHousehold(sys.orm, 6, 2);
    const clerk = await loginAs(browser, sys.apiUrl, 'clerk1');
    await searchAndPick(clerk, members[0]!, '転居届を作成');
    for (let i = 1; i < members.length; i++) await clerk.check(`#f-p${i}-selected`);
    await clerk.check('#f-householdMode-whole');
    await clerk.fill('#f-address', NEW_ADDRESS);
    await clerk.fill('#f-addressSupplement', 'さくらハイツ301号室');
    await clerk.fill('#f-moveDate', toWareki(addDays(today(), -1)));
    await clerk.check('#f-notifierKind-self');
    await clerk.selectOption('#f-identityDocument', 'driversLicence');
    await Promise.all([clerk.waitForURL(/\/cases\/MW-/), clerk.click('.form-actions button.btn-primary')]);
    const caseId = new URL(clerk.url()).pathname.split('/').pop()!;

    const approverToken = await sys.login('approver1');
    await eventually(async () =>
      (await caseJson(sys, approverToken, caseId)).status === 'AWAITING_APPROVAL' ? true : undefined,
    );
    const approver = await loginAs(browser, sys.apiUrl, 'approver1');
    await approver.goto(`/cases/${caseId}`);
    await approver.fill('#action-request-changes-reason', '方書の部屋番号を届書と照合してください');
    await Promise.all([
      approver.waitForURL(`**/cases/${caseId}`, { waitUntil: 'domcontentloaded' }),
      approver.click('#action-request-changes button[type="submit"]'),
    ]);
    await eventually(async () =>
      (await caseJson(sys, approverToken, caseId)).status === 'RETURNED' ? true : undefined,
    );

    await clerk.goto(`/cases/${caseId}`);
    await Promise.all([clerk.waitForURL('**/intake/move-within?correct=*'), clerk.click('#correct-link')]);
    expect(await clerk.locator('#correction-reason').innerText()).toBe('方書の部屋番号を届書と照合してください');
    for (let i = 0; i < members.length; i++) expect(await clerk.isChecked(`#f-p${i}-selected`)).toBe(true);
    expect(await clerk.isChecked('#f-householdMode-whole')).toBe(true);
    expect(await clerk.inputValue('#f-address')).toBe(NEW_ADDRESS);
    expect(await clerk.inputValue('#f-addressSupplement')).toBe('さくらハイツ301号室');
    await shot(clerk, '85-move-within-correction');
    await clerk.fill('#f-addressSupplement', 'さくらハイツ302号室');
    await Promise.all([clerk.waitForURL(`**/cases/${caseId}`), clerk.click('.form-actions button.btn-primary')]);
    expect(await clerk.locator('#notice').innerText()).toContain('転居届を訂正し');
    await eventually(async () =>
      (await caseJson(sys, approverToken, caseId)).status === 'AWAITING_APPROVAL' ? true : undefined,
    );
    await approver.goto(`/cases/${caseId}`);
    await Promise.all([
      approver.waitForURL(`**/cases/${caseId}`),
      approver.click('#action-approve button[type="submit"]'),
    ]);
    await reloadUntil(approver, '完了', { selector: 'section.summary' });
    const moved = await sys.orm.em.fork().findOneOrFail(Resident, { addresseeNumber: members[0]!.addresseeNumber });
    expect(moved).toMatchObject({ address: NEW_ADDRESS, addressSupplement: 'さくらハイツ302号室' });
    await clerk.context().close();
    await approver.context().close();
  });
});

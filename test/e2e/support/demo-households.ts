import type { MikroORM } from '@mikro-orm/core';
import type { Page } from 'playwright-core';
import { Household, Resident } from '../../../src/db/entities';
import { toWareki } from '../../../src/domain/dates';

/** The `n`-th active household of the demo town with at least `min` current residents (宛名番号 order inside). */
export async function demoHousehold(orm: MikroORM, n: number, min = 2): Promise<Resident[]> {
  const em = orm.em.fork();
  const households = await em.find(Household, { active: true }, { orderBy: { householdNumber: 'asc' }, limit: 60 });
  let seen = 0;
  for (const h of households) {
    const members = await em.find(
      Resident,
      { householdNumber: h.householdNumber, status: 'RESIDENT' },
      { orderBy: { addresseeNumber: 'asc' } },
    );
    if (members.length >= min && members.length <= 4 && !members.some((m) => m.isForeignResident) && seen++ === n)
      return members;
  }
  throw new Error('no such demo household');
}

/** Search the person by 氏名 + 生年月日 and open the result row's action (転出届を作成 or 開く). */
export async function searchAndPick(page: Page, person: Resident, button: string): Promise<void> {
  await page.goto('/search');
  await page.fill('#s-name', `${person.familyName} ${person.givenName}`);
  await page.fill('#s-birth', toWareki(person.birthDate));
  await Promise.all([
    page.waitForLoadState('domcontentloaded'),
    page.click('form[aria-labelledby="h-s4"] button[type="submit"]'),
  ]);
  const row = page.locator('table.grid tbody tr', { hasText: `${person.familyName}　${person.givenName}` }).first();
  await Promise.all([page.waitForLoadState('domcontentloaded'), row.locator(`button:has-text("${button}")`).click()]);
}

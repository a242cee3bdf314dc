/**
 * Demo: the マイナポータル simulator submits a signed online 転出届 for one household of the demo town to the running
 * system (`npm start` first). `npm run demo:online -- [scenario=valid] [household=0]`. It reads the demo registry
 * only to fill in a real household's names (as the resident would type them on the portal), then prints the
 * municipality's answer and the case to open in the UI.
 */
import { loadConfig } from '../src/config';
import { addDays, jstDate } from '../src/domain/dates';
import { ResidentStatus } from '../src/domain/registry-values';
import { openRegistryDb } from '../src/db/orm';
import { Household, Resident } from '../src/db/entities';
import { withMunicipalityCheckDigit } from '../src/domain/check-digits';

async function main() {
  const [scenario = 'valid', nth = '0'] = process.argv.slice(2);
  const config = loadConfig();
  const orm = await openRegistryDb(config.databaseUrl, { migrate: false });
  try {
    const em = orm.em.fork();
    const households = await em.find(
      Household,
      { active: true },
      { orderBy: { householdNumber: 'asc' }, limit: 50, offset: Number(nth) * 7 },
    );
    for (const h of households) {
      const members = await em.find(
        Resident,
        { householdNumber: h.householdNumber, status: ResidentStatus.RESIDENT },
        { orderBy: { addresseeNumber: 'asc' } },
      );
      const head = members.find((m) => m.relationshipToHead === '世帯主');
      if (!head || members.length < 2) continue;
      const today = jstDate(new Date());
      const person = (r: Resident) => ({
        familyName: r.familyName,
        givenName: r.givenName,
        birthDate: r.birthDate,
        sex: r.sex,
      });
      const content = {
        applicationDate: today,
        applicant: { ...person(head), isMover: true },
        currentAddress: [head.address, head.addressSupplement].filter(Boolean).join('　'),
        movers: members.map(person),
        destination: {
          address: '神奈川県相模原市中央区中央二丁目11番1号',
          municipalityCode: withMunicipalityCheckDigit('14150'),
        },
        plannedMoveOutDate: addDays(today, 10),
        plannedVisitDate: addDays(today, 11),
        contactPhone: '090-0000-0000',
      };
      const res = await fetch(`${config.portalUrl}/portal-sim/v1/_admin/applications`, {
        method: 'POST',
        headers: { authorization: `Bearer ${config.portalToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ municipalityCode: config.municipalityCode, scenario, content }),
      });
      const out = (await res.json()) as { applicationId: string; sent: { status: number; body: unknown } };
      console.log(
        `portal application ${out.applicationId} (${scenario}, household ${h.householdNumber}, ${members.length} persons)`,
      );
      console.log(`municipality answered ${out.sent.status}: ${JSON.stringify(out.sent.body)}`);
      return;
    }
    throw new Error('no demo household with two or more residents: run `npm start` first');
  } finally {
    await orm.close(true);
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : String(e));
  process.exit(1);
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withMunicipalityCheckDigit } from '../../src/domain/check-digits';
import { addDays } from '../../src/domain/dates';
import { moveInApplication, today } from '../support/fixtures';
import { certificateInfoFrom } from '../support/move-fixtures';
import { FaultSystem, summary } from './support/fault-system';
import { added, expectConsistent, expectMoveIns, snapshot } from './support/expect-counts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const US = withMunicipalityCheckDigit('13999'); // the system's municipality code (src/config.ts default)

/**
 * Partners failing: the CS and J-LIS processes down (connection refused) and back, CS answers slower than the
 * activity timeout, and inbound messages from the CS delivered twice and out of order.
 */
describe('faults: partners', () => {
  let sys: FaultSystem;

  beforeAll(async () => {
    sys = await FaultSystem.start({ workers: 1, apis: 1, env: { ACTIVITY_TIMEOUT: '10s' } });
    await sys.login('clerk1');
    await sys.login('approver1');
  });
  afterAll(async () => sys?.close());

  const failedCalls = async (partner: string) =>
    Number(
      (await sys.sql<{ n: number }>('select count(*) n from partner_call where partner = ? and ok = 0', [partner]))[0]
        ?.n,
    );

  // first in the file: the simulators have received nothing yet, so their restart loses nothing
  it('CS outage: the CS process down during the deliveries, back 8 s later', async () => {
    const before = await snapshot(sys);
    await sys.cs.kill('SIGKILL');
    const ids = [await sys.intake('move-in', moveInApplication()), await sys.intake('move-in', moveInApplication())];
    for (const id of ids) await sys.approve(id);
    const until = Date.now() + 60_000;
    while ((await failedCalls('CS')) === 0 && Date.now() < until) await sleep(250);
    await sleep(8_000);
    const failed = await failedCalls('CS');
    expect(failed).toBeGreaterThan(0);
    await sys.cs.restart();
    await sys.waitForStatus(ids, 'COMPLETED');
    await expectMoveIns(sys, 'CS outage', before, 2, { note: { failedCalls: failed } });
  });

  it('J-LIS outage: the J-LIS process down during the 継続利用 of presented cards, back 8 s later', async () => {
    const before = await snapshot(sys);
    await sys.jlis.kill('SIGKILL');
    const withCard = () => {
      const app = moveInApplication();
      app.movers[0]!.cardPresented = true;
      return app;
    };
    const ids = [await sys.intake('move-in', withCard()), await sys.intake('move-in', withCard())];
    for (const id of ids) await sys.approve(id);
    const until = Date.now() + 60_000;
    while ((await failedCalls('JLIS')) === 0 && Date.now() < until) await sleep(250);
    await sleep(8_000);
    const failed = await failedCalls('JLIS');
    expect(failed).toBeGreaterThan(0);
    await sys.jlis.restart();
    await sys.waitForStatus(ids, 'COMPLETED');
    await expectMoveIns(sys, 'J-LIS outage', before, 2, { continuedUse: 2, note: { failedCalls: failed } });
  });

  it('CS answers slower than the activity timeout: retried, no duplicate at the CS', async () => {
    const before = await snapshot(sys);
    const id = await sys.intake('move-in', moveInApplication());
    await sys.faults('cs', { delayMs: 12_000 }); // ACTIVITY_TIMEOUT is 10 s
    await sys.approve(id);
    await sys.waitForStatus([id], 'DELIVERING', 60_000);
    await sleep(25_000); // two attempts time out; the CS has processed the first call of each
    await sys.faults('cs', { clear: true });
    await sys.waitForStatus([id], 'COMPLETED');
    await expectMoveIns(sys, 'slow CS answers', before, 1);
  });

  const postCertificate = (msg: object) =>
    fetch(`${sys.apis[0]!.url}/cs-inbound/v1/move-out-certificates`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${sys.inboundToken('cs')}`,
        'content-type': 'application/json',
        'idempotency-key': (msg as { idempotencyKey: string }).idempotencyKey,
      },
      body: JSON.stringify(msg),
    });

  it('duplicate inbound 転出証明書情報 (the CS delivers it three times, two at once): held once', async () => {
    const before = await snapshot(sys);
    const msg = certificateInfoFrom(US, addDays(today(), 5));
    const answers = await Promise.all([postCertificate(msg), postCertificate(msg)]);
    answers.push(await postCertificate(msg));
    expect(answers.map((a) => a.status).filter((status) => status >= 300)).toEqual([]); // each a 2xx: accepted or duplicate
    await sleep(2_000);
    const after = await snapshot(sys);
    const got = added(after, before);
    summary('duplicate inbound', { ...got, answers: answers.map((a) => a.status) });
    expect(got.held).toEqual({ HELD: 1 });
    expect(got.inbound).toBe(1);
    expect(got.cases).toEqual({ HELD: 1 });
    expectConsistent(after);
  });

  it('out-of-order inbound: a late redelivery of the first 転出証明書情報 after its replacement keeps the newer one', async () => {
    const before = await snapshot(sys);
    const first = certificateInfoFrom(US, addDays(today(), 5));
    const person = {
      residentRecordCode: first.certificate.residentRecordCode,
      individualNumber: first.certificate.individualNumber!,
    };
    const newer = certificateInfoFrom(US, addDays(today(), 9), person);
    expect((await postCertificate(first)).status).toBeLessThan(300);
    expect((await postCertificate(newer)).status).toBeLessThan(300);
    expect((await postCertificate(first)).status).toBeLessThan(300); // the CS retried the first one late
    await sleep(2_000);
    const rows = await sys.sql<{ message_id: string; planned_move_out_date: string; replaced_count: number }>(
      'select message_id, planned_move_out_date, replaced_count from held_move_out_certificate where resident_record_code = ?',
      [person.residentRecordCode],
    );
    const after = await snapshot(sys);
    const got = added(after, before);
    summary('out-of-order inbound', { ...got, held: rows });
    expect(rows).toEqual([
      { message_id: newer.idempotencyKey, planned_move_out_date: addDays(today(), 9), replaced_count: 1 },
    ]);
    expect(got.inbound).toBe(2);
    expect(got.cases).toEqual({ HELD: 1 });
    expectConsistent(after);
  });
});

import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keyBytes } from '../../src/config';
import { isIndividualNumber } from '../../src/domain/check-digits';
import { DeliveryAddressInfo, IndividualNumberRequest, Resident } from '../../src/db/entities';
import { createPiiCrypto } from '../../src/db/pii-crypto';
import { loadDemoTown } from '../../src/db/seed/load-demo';
import {
  deliveryAddressWorkflowId,
  individualNumberWorkflow,
  individualNumberWorkflowId,
} from '../../src/workflows/individual-number';
import { eventually, freshMariaDbUrl, startTestSystem, TEST_TIMINGS, type TestSystem } from '../support/system-harness';

const sqliteUrl = () => `sqlite:${join(mkdtempSync(join(tmpdir(), 'juki-it-')), 'registry.sqlite')}`;

/**
 * 個人番号 generation on real parts (domain.md §4.7 step 3.2, 3.4): the J-LIS simulator over HTTP answers
 * asynchronously to the city's /jlis-inbound endpoint; under a J-LIS and a CS outage, and with J-LIS answering
 * twice, exactly one generation request, one 本人確認情報 update and one 送付先情報 are sent.
 */
describe.each([
  ['SQLite', sqliteUrl],
  ['MariaDB', freshMariaDbUrl],
])('個人番号 generation through the J-LIS simulator (%s)', (_db, url) => {
  let sys: TestSystem;
  const jlisAdmin = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${sys.jlisUrl}/jlis/v1/_admin/${path}`, {
      method,
      headers: { authorization: `Bearer ${sys.config.jlisToken}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return res.status === 204 ? undefined : ((await res.json()) as any);
  };
  beforeAll(async () => {
    sys = await startTestSystem(url());
    await loadDemoTown(
      sys.orm,
      createPiiCrypto(keyBytes(sys.config.keys.piiEncryption), keyBytes(sys.config.keys.piiIndex)),
      { households: 2 },
    );
  });
  afterAll(async () => sys?.close());

  it('sends one request, records the answered number once, one 本人確認情報 and one 送付先情報', async () => {
    const pii = createPiiCrypto(keyBytes(sys.config.keys.piiEncryption), keyBytes(sys.config.keys.piiIndex));
    const em = sys.orm.em.fork();
    const person = await em.findOneOrFail(
      Resident,
      { residentRecordCode: { $ne: null } },
      { orderBy: { addresseeNumber: 'asc' } },
    );
    await em.nativeUpdate(Resident, { addresseeNumber: person.addresseeNumber }, {
      individualNumberEnc: null,
      individualNumberIndex: null,
    } as never);
    const code = person.residentRecordCode!;
    await jlisAdmin('POST', 'faults', { failNext: 3 }); // J-LIS down for the first calls
    await jlisAdmin('POST', 'answer-faults', { duplicateNext: 1 }); // and it answers twice
    await sys.csAdmin('POST', 'faults', { failNext: 3 }); // the CS too

    const caseId = `BR-IT-${randomUUID().slice(0, 8)}`;
    const handle = await sys.temporal.workflow.start(individualNumberWorkflow, {
      workflowId: individualNumberWorkflowId(caseId, person.addresseeNumber),
      taskQueue: sys.config.taskQueue,
      args: [{ caseId, addresseeNumber: person.addresseeNumber, timings: TEST_TIMINGS }],
    });
    await handle.result();
    const d = sys.temporal.workflow.getHandle(deliveryAddressWorkflowId(caseId, person.addresseeNumber));
    expect((await d.result()).purged).toBe('RECEIPT');

    const requests = (await jlisAdmin('GET', 'received?kind=individual-number-requests')).items.filter(
      (r: any) => r.body.residentRecordCode === code,
    );
    expect(requests).toHaveLength(1);
    const answers = (await jlisAdmin('GET', 'received?kind=answers')).items.filter(
      (a: any) => a.answer.residentRecordCode === code,
    );
    expect(answers.map((a: any) => a.fault ?? 'answer')).toEqual(['answer', 'duplicate']);
    const number = answers[0].answer.individualNumber as string;
    expect(isIndividualNumber(number)).toBe(true);

    const r = await sys.orm.em.fork().findOneOrFail(Resident, { addresseeNumber: person.addresseeNumber });
    expect(pii.decrypt(r.individualNumberEnc!)).toBe(number);
    expect(r.individualNumberIndex).toBe(pii.blindIndex(number));
    const updates = (await sys.csAdmin('GET', 'received?kind=identity-updates')).items.filter(
      (u: any) => u.body.identity.residentRecordCode === code,
    );
    expect(updates).toHaveLength(1);
    expect(updates[0].body.identity).toMatchObject({ individualNumber: number, changeReason: '36' });
    const delivered = await eventually(async () => {
      const items = (await jlisAdmin('GET', 'received?kind=delivery-address-info')).items.filter(
        (m: any) => m.body.person.residentRecordCode === code,
      );
      return items.length ? items : undefined;
    });
    expect(delivered).toHaveLength(1);
    expect(delivered[0].body.person).toMatchObject({ individualNumber: number, residentRecordCode: code });
    expect(await sys.orm.em.fork().findOneOrFail(IndividualNumberRequest, { caseId })).toMatchObject({
      state: 'RECORDED',
    });
    expect(await sys.orm.em.fork().findOneOrFail(DeliveryAddressInfo, { caseId })).toMatchObject({
      state: 'PURGED',
      purgeReason: 'RECEIPT',
    });
  });

  it('the inbound endpoint refuses a bad token, a bad check digit and an unknown request, storing nothing', async () => {
    const post = (body: unknown, token = sys.config.jlisInboundToken) =>
      fetch(`${sys.apiUrl}/jlis-inbound/v1/individual-numbers`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const answer = {
      answerId: `JLIS-ANS-${randomUUID()}`,
      municipalityCode: sys.config.municipalityCode,
      requestKey: `${sys.config.municipalityCode}-NOPE-number-request-1`,
      residentRecordCode: '12345678901',
      individualNumber: '123456789018',
      generatedAt: new Date().toISOString(),
    };
    expect((await post(answer, 'x'.repeat(32))).status).toBe(401);
    const bad = await post({ ...answer, individualNumber: '123456789012' });
    expect(bad.status).toBe(400);
    const body = (await bad.json()) as any;
    expect(JSON.stringify(body)).toContain('/individualNumber');
    expect(JSON.stringify(body)).not.toContain('123456789012');
    expect((await post(answer)).status).toBe(422);
  });
});

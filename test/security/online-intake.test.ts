import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keyBytes } from '../../src/config';
import { CaseStatus } from '../../src/domain/case-status';
import { signPortalRequest } from '../../src/domain/portal-request-auth';
import { CaseApplication, CaseRecord, PortalRejection, Resident } from '../../src/db/entities';
import { loadDemoTown } from '../../src/db/seed/load-demo';
import type { OnlineMoveOutContent, StoredOnlineMoveOutApplication } from '../../src/procedures/online-move-out/schema';
import { piiOf } from '../support/harness';
import { demoHousehold, onlineContent } from '../support/online-fixtures';
import { caseStatus, eventually, startTestSystem, type TestSystem } from '../support/system-harness';

/**
 * Issue 13 item 9, attack suite against the signed online intake (マイナポータル simulator over HTTP, real signatures):
 * a person of another 世帯 at the same address slipped into the movers, and a signed application replayed under a new
 * application ID after its cancellation.
 */
describe('online intake: household and replay of a signed application', () => {
  let A: TestSystem;
  let clerk: string;
  const submit = async (content: OnlineMoveOutContent) => {
    const r = await A.portalAdmin('POST', 'applications', {
      municipalityCode: A.config.municipalityCode,
      scenario: 'valid',
      content,
    });
    expect(r.status).toBe(200);
    return r.json as { applicationId: string; sent: { status: number; body: any } };
  };

  beforeAll(async () => {
    A = await startTestSystem(`sqlite:${join(mkdtempSync(join(tmpdir(), 'juki-online-')), 'registry.sqlite')}`, {
      portalSimulator: true,
    });
    await loadDemoTown(A.orm, piiOf(A.config), { households: 6 });
    clerk = await A.login('clerk1');
  });
  afterAll(async () => A?.close());

  it('a mover of another 世帯 at the same address is refused (MOVER_NOT_IN_HOUSEHOLD); nothing but the rejection is stored', async () => {
    const [head] = await demoHousehold(A.orm, 0);
    const [stranger] = await demoHousehold(A.orm, 1);
    // the stranger lives at the head's address (another 世帯 in the same building)
    const em = A.orm.em.fork();
    const row = await em.findOneOrFail(Resident, { addresseeNumber: stranger!.addresseeNumber });
    Object.assign(row, { address: head!.address, addressSupplement: head!.addressSupplement });
    await em.flush();
    const cases = await A.orm.em.fork().count(CaseRecord, { procedure: 'ONLINE_MOVE_OUT' });
    const sent = await submit(onlineContent([head!, row]));
    expect(sent.sent.status).toBe(422);
    expect(sent.sent.body.reasons.map((r: { rule: string }) => r.rule)).toContain('MOVER_NOT_IN_HOUSEHOLD');
    expect(await A.orm.em.fork().count(CaseRecord, { procedure: 'ONLINE_MOVE_OUT' })).toBe(cases);
    expect(await A.orm.em.fork().count(PortalRejection, { applicationId: sent.applicationId })).toBe(1);
    // the head's own household alone is accepted
    const own = await submit(onlineContent(await demoHousehold(A.orm, 0)));
    expect(own.sent.status).toBe(201);
  });

  it('the same signed application under a new application ID after its cancellation is refused (SIGNATURE_REPLAYED)', async () => {
    const members = await demoHousehold(A.orm, 2);
    const sent = await submit(onlineContent(members));
    expect(sent.sent.status).toBe(201);
    const caseId = String(sent.sent.body.caseId);
    await caseStatus(A, clerk, caseId, CaseStatus.AWAITING_REVIEW);
    const cancel = await A.portalAdmin('POST', `applications/${sent.applicationId}/cancel`);
    expect(cancel.status).toBe(200);
    await caseStatus(A, clerk, caseId, CaseStatus.CANCELLED);

    // the attacker holds the signed envelope (content, signature, certificate) and a valid request signature
    const stored = (await A.orm.em.fork().findOneOrFail(CaseApplication, { caseId }))
      .payload as unknown as StoredOnlineMoveOutApplication;
    const applicationId = `REPLAY-${randomUUID().slice(0, 12)}`;
    const body = JSON.stringify({ ...stored.online.envelope, applicationId });
    const path = '/portal/v1/move-out-applications';
    const res = await fetch(`${A.apiUrl}${path}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...signPortalRequest({
          method: 'POST',
          path,
          body,
          key: keyBytes(A.config.portalKey),
          keyId: A.config.portalKeyId,
        }),
      },
      body,
    });
    const answer = (await res.json()) as { error: string; reasons: Array<{ rule: string }> };
    expect(res.status, JSON.stringify(answer)).toBe(422);
    expect(answer.reasons.map((r) => r.rule)).toEqual(['SIGNATURE_REPLAYED']);
    expect(await A.orm.em.fork().count(CaseApplication, { idempotencyKey: `portal:${applicationId}` })).toBe(0);
    await eventually(async () =>
      (await A.orm.em.fork().count(PortalRejection, { applicationId })) === 1 ? true : undefined,
    );
  });
});

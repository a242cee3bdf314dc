import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { storeHeldCertificate } from '../../src/api/cs-inbound-router';
import { AuditLog, CaseRecord, HeldCertificateState, HeldMoveOutCertificate } from '../../src/db/entities';
import { heldCertificateSweepId } from '../../src/procedures/held-certificate/workflow';
import { piiOf } from '../support/harness';
import { certificateInfoFrom } from '../support/move-fixtures';
import { eventually, startTestSystem, type TestSystem } from '../support/system-harness';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The held-certificate sweep is ensured at an API's start (issue 15): before, only the CS inbound's after-commit step
 * started it, so a terminated sweep left due rows held until the next 転出証明書情報 arrived.
 */
describe('held 転出証明書情報: the sweep is ensured at the API start', () => {
  const systems: TestSystem[] = [];
  afterAll(async () => {
    for (const s of systems.reverse()) await s.close();
  });

  it('a terminated sweep runs again when an API starts, and purges the held row that came due meanwhile', async () => {
    const databaseUrl = `sqlite:${join(mkdtempSync(join(tmpdir(), 'juki-sweep-start-')), 'registry.sqlite')}`;
    const taskQueue = `sweep-start-${randomBytes(4).toString('hex')}`;
    // the worker and a first API
    const first = await startTestSystem(databaseUrl, { config: { taskQueue } });
    systems.push(first);
    const sweep = first.temporal.workflow.getHandle(heldCertificateSweepId(taskQueue));
    const status = () =>
      sweep.describe().then(
        (d) => d.status.name,
        () => 'NONE',
      );
    for (let i = 0; i < 50 && (await status()) !== 'RUNNING'; i++) await sleep(100); // its own start's ensure
    // the sweep is terminated (an operator's mistake, a namespace cleanup): nothing purges any more
    if ((await status()) === 'RUNNING') await sweep.terminate('test: the sweep is gone');
    expect(await status()).not.toBe('RUNNING');

    // a held row whose purge instant has passed, stored as the CS inbound's accept step stores it
    const em = first.orm.em.fork();
    const msg = certificateInfoFrom(first.config.municipalityCode, '2026-01-01');
    const heldId = `HC-SWEEP-START-${randomBytes(3).toString('hex')}`;
    storeHeldCertificate(em, msg, {
      heldId,
      payloadEnc: piiOf(first.config).encrypt(JSON.stringify(msg)),
      purgeAt: new Date(Date.now() - 1_000),
    });
    await em.flush();
    await sleep(2_000);
    const row = () => first.orm.em.fork().findOneOrFail(HeldMoveOutCertificate, { heldId });
    expect((await row()).state, 'no sweep: the due row waits').toBe(HeldCertificateState.HELD);

    // a second API of the same deployment starts (a deploy, a restart): the sweep runs again and purges the row
    systems.push(await startTestSystem(databaseUrl, { config: { taskQueue, keys: first.config.keys }, worker: false }));
    const purged = await eventually(async () => {
      const h = await row();
      return h.state === HeldCertificateState.PURGED ? h : undefined;
    }, 30_000);
    expect(purged.payloadEnc ?? null).toBeNull();
    expect(purged.residentRecordCode ?? null).toBeNull();
    expect((await first.orm.em.fork().findOneOrFail(CaseRecord, { caseId: heldId })).status).toBe('PURGED');
    expect(await first.orm.em.fork().count(AuditLog, { function: 'purgeHeldCertificate', caseId: heldId })).toBe(1);
    expect(await status()).toBe('RUNNING'); // and sleeps on towards the next purge instant
  });
});

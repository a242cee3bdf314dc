import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { replenishResidentCodePool } from '../../src/activities/resident-code-pool';
import { loadNumberConsole } from '../../src/api/web/queries/individual-number-query';
import { isResidentRecordCode } from '../../src/domain/check-digits';
import { ResidentCodePoolEntry } from '../../src/db/entities';
import {
  drawResidentRecordCode,
  RESIDENT_CODE_POOL_EMPTY,
  ResidentCodePoolEmptyError,
  residentCodePoolEmptyError,
  residentCodePoolLevel,
} from '../../src/db/resident-code-pool';
import { CsHttpClient } from '../../src/partners/cs-http-client';
import { freshMariaDbUrl, startTestSystem, type TestSystem } from '../support/system-harness';

const sqliteUrl = () => `sqlite:${join(mkdtempSync(join(tmpdir(), 'juki-pool-')), 'registry.sqlite')}`;

/** The 住民票コード pool (domain.md §4.7 step 1): batches from the CS simulator over HTTP, random draw, empty → refused. */
describe.each([
  ['SQLite', sqliteUrl],
  ['MariaDB', freshMariaDbUrl],
])('住民票コード pool (%s)', (_db, url) => {
  let sys: TestSystem;
  beforeAll(async () => {
    sys = await startTestSystem(url(), { config: { residentCodePool: { threshold: 5, batchSize: 8 } } });
  });
  afterAll(async () => sys?.close());
  const deps = () => ({
    orm: sys.orm,
    cs: new CsHttpClient({ baseUrl: sys.csUrl, token: sys.config.csToken }),
    config: sys.config,
  });

  it('is refused with residentCodePoolEmpty while empty, and nothing is stored', async () => {
    const em = sys.orm.em.fork();
    const err = await em.transactional((tx) => drawResidentRecordCode(tx, 'BR-X')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ResidentCodePoolEmptyError);
    expect((err as ResidentCodePoolEmptyError).rule).toBe(RESIDENT_CODE_POOL_EMPTY);
    expect((err as Error).message).toContain('住民票コードの在庫がありません');
    expect(residentCodePoolEmptyError()).toEqual({
      field: '/',
      rule: 'residentCodePoolEmpty',
      message: (err as Error).message,
    });
    expect(await sys.orm.em.fork().count(ResidentCodePoolEntry, {})).toBe(0);
  });

  it('is replenished from the CS below the threshold (a CS outage retried), drawn at random, each code once', async () => {
    await sys.csAdmin('POST', 'faults', { failNext: 1 });
    await expect(replenishResidentCodePool(deps())).rejects.toThrow(); // the CS is down: nothing stored
    expect(await residentCodePoolLevel(sys.orm.em.fork())).toBe(0);
    expect(await replenishResidentCodePool(deps())).toEqual({ before: 0, after: 8, added: 8 });
    expect(await replenishResidentCodePool(deps())).toEqual({ before: 8, after: 8, added: 0 }); // not below 5
    const codes = (await sys.orm.em.fork().find(ResidentCodePoolEntry, {})).map((e) => e.code);
    expect(codes.every(isResidentRecordCode)).toBe(true);
    const drawn: string[] = [];
    for (let i = 0; i < 4; i++)
      drawn.push(await sys.orm.em.fork().transactional((tx) => drawResidentRecordCode(tx, `BR-${i}`)));
    expect(new Set(drawn).size).toBe(4);
    expect(await residentCodePoolLevel(sys.orm.em.fork())).toBe(4); // below the threshold of 5: the next run refills
    expect(await loadNumberConsole(sys.orm, sys.config.residentCodePool.threshold)).toMatchObject({
      poolLevel: 4,
      poolThreshold: 5,
    });
    expect((await replenishResidentCodePool(deps())).added).toBe(8);
    // a rolled-back transaction gives its code back
    await sys.orm.em
      .fork()
      .transactional(async (tx) => {
        await drawResidentRecordCode(tx, 'BR-RB');
        throw new Error('intake refused later');
      })
      .catch(() => undefined);
    expect(await residentCodePoolLevel(sys.orm.em.fork())).toBe(12);
  });
});
